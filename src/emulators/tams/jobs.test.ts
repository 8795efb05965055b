/**
 * Stage jobs: the pipeline rules, the lifecycle, idempotency, cancel, credits and bad input.
 */
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { imageInfo, loadSharp, renderPlaceholder } from "../core/images.js";
import { balanceOf, call, finishAll, tamsServer, upload } from "./test-kit.js";

const server = tamsServer();
afterAll(() => server.close());

const txt2img = (extra: Record<string, unknown> = {}, count = 1) => [
  { type: "INPUT_INITIALIZE", inputInitialize: { seed: 42, count } },
  {
    type: "DIFFUSION",
    diffusion: {
      width: 512,
      height: 768,
      prompts: [{ text: "a lighthouse" }],
      steps: 20,
      sdModel: "600423083519508503",
      ...extra,
    },
  },
];

let n = 0;
const fresh = () => `jobs-${++n}`;

async function run(key: string, stages: unknown[]) {
  const created = await call(server, "POST", "/v1/jobs", key, {
    requestId: `r-${key}-${Math.random()}`,
    stages,
  });
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

describe("job lifecycle", () => {
  it("goes CREATED → WAITING (with its place in the key's queue) → RUNNING → SUCCESS on the clock", async () => {
    const key = fresh();
    const a = await call(server, "POST", "/v1/jobs", key, { requestId: "a", stages: txt2img() });
    const b = await call(server, "POST", "/v1/jobs", key, { requestId: "b", stages: txt2img() });
    expect(a.body.job.status).toBe("CREATED");
    const waiting = await call(server, "GET", `/v1/jobs/${b.body.job.id}`, key);
    expect(waiting.body.job).toMatchObject({
      status: "WAITING",
      waitingInfo: { queueRank: "2", queueLen: "2" },
    });
    server.clock.advance(1600);
    const running = await call(server, "GET", `/v1/jobs/${a.body.job.id}`, key);
    expect(running.body.job.status).toBe("RUNNING");
    expect(running.body.job.runningInfo.stages[0].processingImages[0].progress).toBeGreaterThanOrEqual(0);
    finishAll(server);
    const done = await call(server, "GET", `/v1/jobs/${a.body.job.id}`, key);
    expect(done.body.job.status).toBe("SUCCESS");
    expect(done.body.job.id).toBe(a.body.job.id);
  });

  it("charges the estimate once for a repeated requestId and returns the same job", async () => {
    const key = fresh();
    const body = { requestId: "same", stages: txt2img({}, 2) };
    const first = await call(server, "POST", "/v1/jobs", key, body);
    const second = await call(server, "POST", "/v1/jobs", key, body);
    expect(second.body.job.id).toBe(first.body.job.id);
    const credits = (await call(server, "POST", "/v1/jobs/credits", key, { stages: body.stages })).body
      .credits;
    expect(credits).toBe(1.6);
    expect(await balanceOf(server, key)).toBe(server.settings.startCredit - credits);
    // Another key with the same requestId gets its own job.
    const other = await call(server, "POST", "/v1/jobs", fresh(), body);
    expect(other.body.job.id).not.toBe(first.body.job.id);
  });

  it("cancels an unfinished job (refunding it) and refuses to cancel a finished one", async () => {
    const key = fresh();
    const created = await call(server, "POST", "/v1/jobs", key, { requestId: "c", stages: txt2img() });
    const id = created.body.job.id;
    const canceled = await call(server, "DELETE", `/v1/jobs/${id}`, key);
    expect(canceled.body).toEqual({ jobId: id });
    expect((await call(server, "GET", `/v1/jobs/${id}`, key)).body.job.status).toBe("CANCELED");
    expect(await balanceOf(server, key)).toBe(server.settings.startCredit);
    finishAll(server);
    expect((await call(server, "GET", `/v1/jobs/${id}`, key)).body.job.status).toBe("CANCELED");
    const again = await call(server, "DELETE", `/v1/jobs/${id}`, key);
    expect(again.status).toBe(400);
    expect(again.body.message).toContain("CANCELED");
  });

  it("fails a job on the magic word emu:fail with failedInfo, and gives the credits back", async () => {
    const key = fresh();
    const job = await run(key, txt2img({ prompts: [{ text: "emu:fail" }] }));
    expect(job.status).toBe("FAILED");
    expect(job.failedInfo).toEqual({
      reason: expect.stringContaining("emu:fail"),
      code: "FATAL_ERROR",
      // The stages that finished before DIFFUSION failed: INPUT_INITIALIZE.
      stages: [{ stageIndex: "0", processingImages: [{ progress: 100 }] }],
    });
    expect(await balanceOf(server, key)).toBe(server.settings.startCredit);
  });

  it("answers 404 for another key's job and 400 for a job id that is not a number", async () => {
    const key = fresh();
    const created = await call(server, "POST", "/v1/jobs", key, { requestId: "x", stages: txt2img() });
    const theirs = await call(server, "GET", `/v1/jobs/${created.body.job.id}`, fresh());
    expect(theirs.status).toBe(404);
    expect(theirs.body.code).toBe(5);
    expect((await call(server, "GET", "/v1/jobs/abc", key)).status).toBe(400);
  });

  it("refuses a job the balance does not cover, leaving the balance and the job list untouched", async () => {
    const key = fresh();
    await server.fetch(`/__emulator/tenants/${key}`, {
      method: "PUT",
      body: JSON.stringify({ balance: 0.5 }),
    });
    const res = await call(server, "POST", "/v1/jobs", key, { requestId: "poor", stages: txt2img() });
    expect(res.status).toBe(400);
    expect(res.body.code).toBe(9);
    expect(await balanceOf(server, key)).toBe(0.5);
  });

  it("stops serving result URLs after expiredIn on the emulator's clock", async () => {
    const job = await run(fresh(), txt2img());
    const img = job.successInfo.images[0];
    expect(Number(img.expiredIn) * 1000).toBeGreaterThan(server.clock.now());
    server.clock.advance(Number(img.expiredIn) * 1000 - server.clock.now() + 1000);
    const u = new URL(img.url);
    const res = await server.fetch(u.pathname + u.search);
    expect(res.status).toBe(403);
    expect(await res.text()).toContain("Request has expired.");
  });
});

describe("the pipeline acts on the previous stage's image", () => {
  it("img2img starts from the uploaded image, and the upscaler really resizes (hrResizeX/Y)", async () => {
    const key = fresh();
    const sharp = await loadSharp();
    const red = await sharp({ create: { width: 300, height: 200, channels: 3, background: "#ff0000" } })
      .png()
      .toBuffer();
    const id = await upload(server, key, red);
    const job = await run(key, [
      { type: "INPUT_INITIALIZE", inputInitialize: { imageResourceId: id, count: 1 } },
      {
        type: "DIFFUSION",
        diffusion: {
          width: 512,
          height: 512,
          steps: 20,
          sdModel: "600423083519508503",
          denoisingStrength: 0.1,
        },
      },
      {
        type: "IMAGE_TO_UPSCALER",
        imageToUpscaler: {
          hrUpscaler: "4x-UltraSharp",
          hrResizeX: 1000,
          hrResizeY: 700,
          hrSecondPassSteps: 10,
        },
      },
    ]);
    const bytes = await download(job.successInfo.images[0].url);
    expect(await imageInfo(bytes)).toMatchObject({ width: 1000, height: 700 });
    // Denoise 0.1 keeps most of the red input: the top-left corner is red-dominant.
    const { data } = await sharp(bytes)
      .extract({ left: 5, top: 5, width: 10, height: 10 })
      .raw()
      .toBuffer({ resolveWithObject: true });
    expect(data[0]!).toBeGreaterThan(data[1]! + 60);
  });

  it("inpaint changes only the masked region", async () => {
    const key = fresh();
    const sharp = await loadSharp();
    const base = await renderPlaceholder({
      width: 256,
      height: 256,
      format: "png",
      seed: 1,
      prompt: "base",
      jobId: "t",
    });
    const mask = await sharp(
      Buffer.from(
        '<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256"><rect width="256" height="256" fill="#000"/><rect x="96" y="96" width="64" height="64" fill="#fff"/></svg>',
      ),
    )
      .png()
      .toBuffer();
    const [imageId, maskId] = [await upload(server, key, base), await upload(server, key, mask)];
    const job = await run(key, [
      { type: "INPUT_INITIALIZE", inputInitialize: { imageResourceId: imageId, count: 1 } },
      {
        type: "IMAGE_TO_INPAINT",
        imageToInpaint: {
          maskImageResourceId: maskId,
          maskBlur: 0,
          diffusion: {
            width: 256,
            height: 256,
            steps: 20,
            sdModel: "681693017352010007",
            prompts: [{ text: "a door" }],
          },
        },
      },
    ]);
    const out = await download(job.successInfo.images[0].url);
    const raw = async (b: Buffer, left: number, top: number) =>
      (await sharp(b).removeAlpha().extract({ left, top, width: 32, height: 32 }).raw().toBuffer()).toString(
        "hex",
      );
    expect(await raw(out, 8, 8)).toBe(await raw(base, 8, 8));
    expect(await raw(out, 112, 112)).not.toBe(await raw(base, 112, 112));
  });

  it("refuses a mask that is not the image's size, naming maskImageResourceId", async () => {
    const key = fresh();
    const sharp = await loadSharp();
    const img = await sharp({ create: { width: 64, height: 64, channels: 3, background: "#000" } })
      .png()
      .toBuffer();
    const mask = await sharp({ create: { width: 32, height: 64, channels: 3, background: "#fff" } })
      .png()
      .toBuffer();
    const [imageId, maskId] = [await upload(server, key, img), await upload(server, key, mask)];
    const res = await call(server, "POST", "/v1/jobs", key, {
      requestId: "m",
      stages: [
        { type: "INPUT_INITIALIZE", inputInitialize: { imageResourceId: imageId } },
        {
          type: "IMAGE_TO_INPAINT",
          imageToInpaint: {
            maskImageResourceId: maskId,
            diffusion: { width: 64, height: 64, steps: 10, sdModel: "1" },
          },
        },
      ],
    });
    expect(res.status).toBe(400);
    expect(res.body.details[0].field).toBe("stages[1].imageToInpaint.maskImageResourceId");
    expect(res.body.message).toContain("32×64");
  });

  it("puts an animated placeholder in successInfo.videos for VIDEO_DIFFUSION", async () => {
    const job = await run(fresh(), [
      {
        type: "VIDEO_DIFFUSION",
        videoDiffusion: {
          sdModel: "HUNYUANVIDEO",
          width: 320,
          height: 192,
          totalFrames: 30,
          prompts: [{ text: "waves" }],
        },
      },
    ]);
    expect(job.successInfo.images).toEqual([]);
    const video = job.successInfo.videos[0];
    expect(video.meta.image).toEqual({ format: "webp", width: 320, height: 192 });
    const sharp = await loadSharp();
    const meta = await sharp(await download(video.url), { animated: true }).metadata();
    expect(meta.pages).toBeGreaterThan(1);
    expect(job.credits).toBe(17.44);
  });

  it("uses a ControlNet input image (canny) and LoRA ids without complaint", async () => {
    const key = fresh();
    const sharp = await loadSharp();
    const id = await upload(
      server,
      key,
      await sharp({ create: { width: 64, height: 64, channels: 3, background: "#888" } })
        .png()
        .toBuffer(),
    );
    const job = await run(
      key,
      txt2img({
        controlnet: {
          args: [{ inputImageResourceId: id, preprocessor: "canny", model: "619225630271212879", weight: 1 }],
        },
        lora: { items: [{ loraModel: "661652545330040294", weight: 0.8 }] },
      }),
    );
    expect(job.status).toBe("SUCCESS");
  });
});

describe("bad input gets TAMS's error naming the field, and leaves nothing behind", () => {
  const cases: [string, unknown, string][] = [
    ["no requestId", { stages: txt2img() }, "requestId"],
    ["stages not an array", { requestId: "r", stages: {} }, "stages"],
    ["no stages", { requestId: "r", stages: [] }, "stages"],
    ["an unknown stage type", { requestId: "r", stages: [{ type: "TXT2IMG" }] }, "stages[0].type"],
    ["steps as a word", { requestId: "r", stages: txt2img({ steps: "many" }) }, "stages[1].diffusion.steps"],
    [
      "width over the limit",
      { requestId: "r", stages: txt2img({ width: 99999 }) },
      "stages[1].diffusion.width",
    ],
    [
      "a DIFFUSION without sdModel",
      { requestId: "r", stages: txt2img({ sdModel: undefined }) },
      "stages[1].diffusion.sdModel",
    ],
    [
      "a field given twice",
      { requestId: "r", stages: txt2img({ sd_model: "1" }) },
      "stages[1].diffusion.sdModel",
    ],
    [
      "count 2 without DIFFUSION",
      {
        requestId: "r",
        stages: [
          {
            type: "INPUT_INITIALIZE",
            inputInitialize: { imageResourceId: "f204c24a-52dc-4cf4-930a-9b8f73969414", count: 2 },
          },
          {
            type: "IMAGE_TO_UPSCALER",
            imageToUpscaler: {
              hrUpscaler: "4x-UltraSharp",
              hrScale: 2,
              diffusion: { width: 512, height: 512, steps: 10, sdModel: "1" },
            },
          },
        ],
      },
      "stages[0].inputInitialize.count",
    ],
    [
      "an image stage without DIFFUSION and without its own diffusion",
      {
        requestId: "r",
        stages: [
          {
            type: "INPUT_INITIALIZE",
            inputInitialize: { imageResourceId: "f204c24a-52dc-4cf4-930a-9b8f73969414" },
          },
          { type: "IMAGE_TO_ADETAILER", imageToAdetailer: { args: [{ adModel: "face_yolov8s.pt" }] } },
        ],
      },
      "stages[1].imageToAdetailer.diffusion",
    ],
    [
      "an unknown input image",
      {
        requestId: "r",
        stages: [
          { type: "INPUT_INITIALIZE", inputInitialize: { imageResourceId: "nope", count: 1 } },
          ...txt2img().slice(1),
        ],
      },
      "stages[0].inputInitialize.imageResourceId",
    ],
    [
      "an upscale past 4096 px",
      {
        requestId: "r",
        stages: [
          ...txt2img({ width: 2048, height: 1536 }),
          { type: "IMAGE_TO_UPSCALER", imageToUpscaler: { hrUpscaler: "4x-UltraSharp", hrScale: 4 } },
        ],
      },
      "stages[2].imageToUpscaler.hrScale",
    ],
    [
      "a remote notifyUrl",
      { requestId: "r", stages: txt2img(), notifyUrl: "https://example.com/hook" },
      "notifyUrl",
    ],
  ];

  it.each(cases)("%s", async (_, body, field) => {
    const key = fresh();
    const res = await call(server, "POST", "/v1/jobs", key, body);
    expect(res.status).toBe(400);
    expect(res.body.code).toBe(3);
    expect(res.body.details[0]).toEqual({
      "@type": "type.googleapis.com/tams_api.ArgumentError",
      field,
      message: expect.any(String),
    });
    expect(res.body.message.startsWith(field)).toBe(true);
    expect(await balanceOf(server, key)).toBe(server.settings.startCredit);
    // Nothing left behind: the same requestId still makes a job once the input is fixed.
    const ok = await call(server, "POST", "/v1/jobs", key, { requestId: "r", stages: txt2img() });
    expect(ok.body.job.status).toBe("CREATED");
  });

  it("answers a body that is not JSON with code 3, never a 500", async () => {
    const res = await call(server, "POST", "/v1/jobs", fresh(), "{not json");
    expect(res.status).toBe(400);
    expect(res.body.message).toContain("not valid JSON");
  });

  it("answers POST /v1/jobs/credits bad input the same way", async () => {
    const res = await call(server, "POST", "/v1/jobs/credits", fresh(), {
      stages: [{ type: "DIFFUSION", diffusion: { width: 512, height: 512, sdModel: "1" } }],
    });
    expect(res.status).toBe(400);
    expect(res.body.details[0].field).toBe("stages[0].diffusion.steps");
  });
});

describe("webhooks", () => {
  it("POSTs the job to a loopback notifyUrl at each status change, on the emulator clock", async () => {
    const received: { status: string }[] = [];
    const hook = createServer((req: IncomingMessage, res) => {
      let text = "";
      req.on("data", (c) => {
        text += c;
      });
      req.on("end", () => {
        received.push(JSON.parse(text).job);
        res.end("ok");
      });
    });
    await new Promise<void>((r) => hook.listen(0, "127.0.0.1", r));
    const url = `http://127.0.0.1:${(hook.address() as AddressInfo).port}/hook`;
    const key = fresh();
    await call(server, "POST", "/v1/jobs", key, { requestId: "w", stages: txt2img(), notifyUrl: url });
    const waitFor = async (count: number) => {
      for (let i = 0; i < 200 && received.length < count; i++) await new Promise((r) => setImmediate(r));
      for (let i = 0; i < 50 && received.length < count; i++) await server.clock.wallDelay(10);
    };
    server.clock.advance(0);
    await waitFor(1);
    expect(received.map((j) => j.status)).toEqual(["WAITING"]);
    finishAll(server);
    await waitFor(3);
    expect(received.map((j) => j.status)).toEqual(["WAITING", "RUNNING", "SUCCESS"]);
    await new Promise((r) => hook.close(r));
  });
});

describe("rate limit", () => {
  it("answers the 6th request within a second with 429 in TAMS's shape and Retry-After, when enabled", async () => {
    const limited = tamsServer({ providerOptions: { tams: { rateLimit: true } } });
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++)
      statuses.push((await call(limited, "GET", "/v1/models/600423083519508503", "app")).status);
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429]);
    const res = await call(limited, "GET", "/v1/models/600423083519508503", "app");
    expect(res.body.code).toBe(8);
    expect(res.headers.get("retry-after")).toBe("1");
    // Another app has its own budget; a second later the first one has too.
    expect((await call(limited, "GET", "/v1/models/600423083519508503", "other-app")).status).toBe(200);
    limited.clock.advance(1000);
    expect((await call(limited, "GET", "/v1/models/600423083519508503", "app")).status).toBe(200);
    await limited.close();
  });

  it("is off by default", async () => {
    const statuses = new Set<number>();
    for (let i = 0; i < 8; i++)
      statuses.add((await call(server, "GET", "/v1/models/600423083519508503", "burst")).status);
    expect([...statuses]).toEqual([200]);
  });
});
