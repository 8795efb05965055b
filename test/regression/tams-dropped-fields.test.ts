/**
 * Regression: request fields the emulator dropped as unknown. `controlnet.args[].mask`
 * [official types], `diffusion.animateDiff` and `diffusion.layerDiffusion` [doc] are now read,
 * validated, and acted on where the result shows it.
 */
import { afterAll, describe, expect, it } from "vitest";
import { loadSharp } from "../../src/emulators/core/images.js";
import { call, finishAll, tamsServer, upload } from "../../src/emulators/tams/test-kit.js";

const server = tamsServer();
afterAll(() => server.close());

let n = 0;
const fresh = () => `dropped-${++n}`;

const txt2img = (extra: Record<string, unknown> = {}) => [
  { type: "INPUT_INITIALIZE", inputInitialize: { seed: 77, count: 1 } },
  {
    type: "DIFFUSION",
    diffusion: {
      width: 256,
      height: 256,
      prompts: [{ text: "a vase" }],
      steps: 10,
      sdModel: "600423083519508503",
      ...extra,
    },
  },
];

async function run(key: string, stages: unknown[]) {
  const created = await call(server, "POST", "/v1/jobs", key, { requestId: `r${Math.random()}`, stages });
  expect(created.status, JSON.stringify(created.body)).toBe(200);
  finishAll(server);
  return (await call(server, "GET", `/v1/jobs/${created.body.job.id}`, key)).body.job;
}

async function download(url: string): Promise<Buffer> {
  const u = new URL(url);
  const res = await server.fetch(u.pathname + u.search);
  expect(res.status).toBe(200);
  return Buffer.from(await res.arrayBuffer());
}

async function pixels(png: Buffer, left: number, top: number): Promise<string> {
  const sharp = await loadSharp();
  return (
    await sharp(png).removeAlpha().extract({ left, top, width: 24, height: 24 }).raw().toBuffer()
  ).toString("base64");
}

describe("regression: controlnet.args[].mask dropped", () => {
  it("limits the ControlNet to the mask's white region", async () => {
    const key = fresh();
    const sharp = await loadSharp();
    const control = await upload(
      server,
      key,
      await sharp({ create: { width: 256, height: 256, channels: 3, background: "#fff" } })
        .composite([
          {
            input: Buffer.from(
              '<svg width="256" height="256"><circle cx="128" cy="128" r="90" fill="#000"/></svg>',
            ),
          },
        ])
        .png()
        .toBuffer(),
    );
    // White on the left half: the ControlNet acts there only.
    const mask = await upload(
      server,
      key,
      await sharp({ create: { width: 256, height: 256, channels: 3, background: "#000" } })
        .composite([
          {
            input: Buffer.from(
              '<svg width="256" height="256"><rect width="128" height="256" fill="#fff"/></svg>',
            ),
          },
        ])
        .png()
        .toBuffer(),
    );
    const arg = {
      inputImageResourceId: control,
      preprocessor: "canny",
      model: "control_v11p_sd15_canny",
      weight: 2,
    };
    const plain = await download((await run(key, txt2img())).successInfo.images[0].url);
    const everywhere = await download(
      (await run(key, txt2img({ controlnet: { args: [arg] } }))).successInfo.images[0].url,
    );
    const masked = await download(
      (await run(key, txt2img({ controlnet: { args: [{ ...arg, mask }] } }))).successInfo.images[0].url,
    );
    // Left of the mask's edge: as with the ControlNet everywhere; right of it: as without one.
    expect(await pixels(masked, 30, 116)).toBe(await pixels(everywhere, 30, 116));
    expect(await pixels(masked, 200, 116)).toBe(await pixels(plain, 200, 116));
    expect(await pixels(everywhere, 200, 116)).not.toBe(await pixels(plain, 200, 116));
  });

  it("refuses a mask that is not a resource, or that contradicts maskResourceId, naming the field", async () => {
    const key = fresh();
    const png = await (await loadSharp())({
      create: { width: 64, height: 64, channels: 3, background: "#888" },
    })
      .png()
      .toBuffer();
    const id = await upload(server, key, png);
    const other = await upload(server, key, png);
    const arg = { inputImageResourceId: id, preprocessor: "canny" };
    const unknown = await call(server, "POST", "/v1/jobs", key, {
      requestId: "m1",
      stages: txt2img({ controlnet: { args: [{ ...arg, mask: "no-such-resource" }] } }),
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.details[0].field).toBe("stages[1].diffusion.controlnet.args[0].mask");
    const both = await call(server, "POST", "/v1/jobs", key, {
      requestId: "m2",
      stages: txt2img({ controlnet: { args: [{ ...arg, mask: id, maskResourceId: other }] } }),
    });
    expect(both.status).toBe(400);
    expect(both.body.message).toMatch(
      /^stages\[1\]\.diffusion\.controlnet\.args\[0\]\.mask: names another resource/,
    );
  });
});

describe("regression: diffusion.layerDiffusion dropped", () => {
  it("enable makes a PNG whose background is transparent and whose subject is opaque", async () => {
    const job = await run(fresh(), txt2img({ layerDiffusion: { enable: true, weight: 1 } }));
    const png = await download(job.successInfo.images[0].url);
    const sharp = await loadSharp();
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    expect(info.channels).toBe(4);
    const alphaAt = (x: number, y: number) => data[(y * info.width + x) * 4 + 3];
    expect(alphaAt(2, 2)).toBe(0);
    expect(alphaAt(128, 128)).toBe(255);
    expect(job.successInfo.imageExifMetaMap[job.successInfo.images[0].id].meta.MIMEType).toBe("image/png");
  });

  it("validates its fields", async () => {
    const res = await call(server, "POST", "/v1/jobs/credits", fresh(), {
      stages: txt2img({ layer_diffusion: { enable: "yes" } }),
    });
    expect(res.status).toBe(400);
    expect(res.body.message).toBe(
      'stages[1].diffusion.layerDiffusion.enable: must be true or false, got "yes"',
    );
  });
});

describe("regression: diffusion.animateDiff dropped", () => {
  it("makes the result an animation of videoLength frames at fps", async () => {
    const job = await run(
      fresh(),
      txt2img({ animateDiff: { args: [{ videoLength: 12, fps: 10, motionLora: { items: [] } }] } }),
    );
    expect(job.successInfo.images).toEqual([]);
    const video = job.successInfo.videos[0];
    expect(video.meta.image).toEqual({ format: "webp", width: 256, height: 256 });
    const meta = await (await loadSharp())(await download(video.url), { animated: true }).metadata();
    expect(meta.pages).toBe(12);
    expect(meta.delay?.[0]).toBe(100);
  });

  it("validates its fields", async () => {
    const res = await call(server, "POST", "/v1/jobs/credits", fresh(), {
      stages: txt2img({ animateDiff: { args: [{ fps: 500 }] } }),
    });
    expect(res.status).toBe(400);
    expect(res.body.message).toMatch(
      /^stages\[1\]\.diffusion\.animateDiff\.args\[0\]\.fps: must be an integer between 0 and 60/,
    );
  });
});
