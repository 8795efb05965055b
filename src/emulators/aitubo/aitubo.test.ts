import { crc32 } from "node:zlib";
import sharp from "sharp";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readImageParams } from "../core/images.js";
import { createEmulatorServer, type EmulatorServer } from "../core/server.js";
import { aituboProvider } from "./index.js";

const KEY = "ced695cfd83811eda5e286850d1dc848";
const DREAMSHAPER = "642b977d2f2842537c09fe41";
const CONCEPT_CANVAS = "6426f9c60ca4651b98b91a6d";
let server: EmulatorServer;

beforeEach(() => {
  server = createEmulatorServer([aituboProvider], {
    clock: { mode: "manual", start: 1_681_202_765_550 },
    startCredit: 160,
    // A fixed seed: job ids (drawn into the captions, which lossy WebP lets touch the rest of an
    // image) are the same on every run.
    seed: 1,
  });
});
afterEach(() => server.close());

const headers = (key = KEY) => ({ authorization: `Bearer ${key}`, "content-type": "application/json" });
const post = async (path: string, body: unknown, key = KEY) =>
  server.fetch(`/aitubo${path}`, { method: "POST", headers: headers(key), body: JSON.stringify(body) });
const get = (path: string, key?: string) =>
  server.fetch(`/aitubo${path}`, key ? { headers: { authorization: `Bearer ${key}` } } : undefined);
const json = async (res: Response | Promise<Response>) => (await res).json();
const balance = async (key = KEY) => (await json(get("/api/user/profile", key))).data.credit;
const download = async (url: string) => Buffer.from(await (await server.fetch(url)).arrayBuffer());
const settle = () => server.clock.advance(10 * 60_000);

async function upload(png: Buffer, key = KEY): Promise<Response> {
  const form = new FormData();
  form.append("image", new Blob([new Uint8Array(png)], { type: "image/png" }), "init.png");
  return server.fetch("/aitubo/api/job/upload-image", {
    method: "POST",
    headers: { authorization: `Bearer ${key}` },
    body: form,
  });
}
const solidPng = (w: number, h: number, color = "#3366cc") =>
  sharp({ create: { width: w, height: h, channels: 3, background: color } })
    .png()
    .toBuffer();

describe("models and catalogs", () => {
  it("lists platform models, including the doc's, without a key (as the Go SDK calls it)", async () => {
    const body = await json(get("/api/model/list?type=platform&pageIndex=1&pageSize=50"));
    expect(body.code).toBe(0);
    expect(body.data.domain).toBe("http://localhost/aitubo/file/");
    const ids = body.data.models.map((m: { id: string }) => m.id);
    expect(ids).toContain(DREAMSHAPER);
    expect(ids).toContain(CONCEPT_CANVAS);
    expect(body.data.models.find((m: { id: string }) => m.id === DREAMSHAPER)).toMatchObject({
      name: "DreamShaper",
      username: "Aitubo",
      controlNet: true,
      isFavourite: false,
      cover: `assets/model/${DREAMSHAPER}/cover.jpg`,
    });
  });

  it("pages with a total, and filters by kind and name", async () => {
    const p1 = await json(get("/api/model/list?pageIndex=1&pageSize=5"));
    const p2 = await json(get("/api/model/list?pageIndex=2&pageSize=5"));
    expect(p1.data.models).toHaveLength(5);
    expect(p1.data.total).toBeGreaterThan(10);
    expect(p2.data.models[0].id).not.toBe(p1.data.models[0].id);
    const loras = await json(get("/api/model/list?kind=lora&pageSize=100"));
    expect(loras.data.models.every((m: { kind: string }) => m.kind === "lora")).toBe(true);
    const named = await json(get("/api/model/list?name=dreamsh"));
    expect(named.data.models.map((m: { id: string }) => m.id)).toEqual([DREAMSHAPER]);
  });

  it("rejects a bad page or type in the envelope, naming the field", async () => {
    const res = await get("/api/model/list?pageIndex=0");
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ code: 400, info: expect.stringContaining("pageIndex") });
    expect(await json(get("/api/model/list?type=favourite"))).toMatchObject({
      info: expect.stringMatching(/^type /),
    });
  });

  it("lists the ControlNet types, and their icons are real images", async () => {
    const body = await json(get("/api/job/models"));
    expect(body.data.models.map((m: { id: string }) => m.id)).toEqual([
      "canny",
      "scribble",
      "openpose",
      "mlsd",
      "hed",
      "seg",
      "depth",
      "normal",
    ]);
    const icon = await download(body.data.domain + body.data.models[0].icon);
    expect((await sharp(icon).metadata()).format).toBe("jpeg");
  });

  it("lists transforms by tag", async () => {
    const body = await json(get("/api/transform/list"));
    expect(body.data.tags.length).toBeGreaterThan(0);
    const first = body.data.transform[body.data.tags[0]][0];
    expect(first).toMatchObject({
      id: expect.any(String),
      cost: expect.any(Number),
      pro: expect.any(Boolean),
    });
  });
});

describe("text to image", () => {
  it("runs the doc's example: 40 credits, status 0 → 1 → 2, four 512×512 images", async () => {
    const created = await json(
      post("/api/job/create", { prompt: "A cat sleeps on the plane", modelId: DREAMSHAPER }),
    );
    expect(created).toEqual({
      code: 0,
      data: { id: expect.stringMatching(/^[0-9a-f]{24}$/), credit: 120, consumedCredit: 40, subCredit: 40 },
    });
    const id = created.data.id;
    const status = async () => (await json(get(`/api/job/get?id=${id}`))).data.status;
    expect(await status()).toBe(0);
    server.clock.advance(600);
    expect(await status()).toBe(1);
    settle();
    const done = await json(get(`/api/job/get?id=${id}`));
    expect(done.data).toMatchObject({
      id,
      status: 2,
      createAt: "2023-04-11T08:46:05.550Z",
      args: {
        prompt: "A cat sleeps on the plane",
        negativePrompt: "lowres, bad anatomy, cropped, worst quality, low quality",
        strength: 0.8,
        width: 512,
        height: 512,
        count: 4,
        steps: 30,
        modelId: DREAMSHAPER,
      },
      result: {
        code: 0,
        data: { domain: "http://localhost/aitubo/file/", nsfws: [false, false, false, false] },
      },
    });
    const { images, artIds, domain } = done.data.result.data;
    expect(images).toHaveLength(4);
    expect(artIds).toHaveLength(4);
    for (const path of images) expect(path).toMatch(new RegExp(`^images/art/${id}/[0-9a-v]{20}\\.png$`));
    const png = await download(domain + images[0]);
    const meta = await sharp(png).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(["png", 512, 512]);
    expect(await readImageParams(png)).toMatchObject({
      prompt: "A cat sleeps on the plane",
      jobId: id,
      modelId: DREAMSHAPER,
    });
  });

  it("answers a finished job's poll with the base URL the client used, each time", async () => {
    const { id } = (await json(post("/api/job/create", { prompt: "x", modelId: DREAMSHAPER, count: 1 })))
      .data;
    settle();
    const domainVia = async (origin: string) =>
      (await json(server.fetch(`${origin}/aitubo/api/job/get?id=${id}`))).data.result.data.domain;
    expect(await domainVia("http://a.test")).toBe("http://a.test/aitubo/file/");
    expect(await domainVia("http://b.test:4000")).toBe("http://b.test:4000/aitubo/file/");
    expect(await domainVia("http://a.test")).toBe("http://a.test/aitubo/file/");
  });

  it("honours size, count, format and seed; the same seed draws the same picture", async () => {
    const body = {
      prompt: "x",
      modelId: DREAMSHAPER,
      width: 768,
      height: 512,
      count: 1,
      seed: 7,
      imageFormat: "webp",
    };
    const a = await json(post("/api/job/create", body));
    const b = await json(post("/api/job/create", body));
    expect(a.data.consumedCredit).toBe(10);
    settle();
    const file = async (id: string) => {
      const d = (await json(get(`/api/job/get?id=${id}`))).data.result.data;
      return download(d.domain + d.images[0]);
    };
    const [fa, fb] = [await file(a.data.id), await file(b.data.id)];
    const meta = await sharp(fa).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(["webp", 768, 512]);
    // Same seed: the same background; only the job id caption differs. Compare a caption-free strip.
    const strip = (img: Buffer) =>
      sharp(img).extract({ left: 0, top: 0, width: 768, height: 100 }).raw().toBuffer();
    expect((await strip(fa)).equals(await strip(fb))).toBe(true);
  });

  it("needs a key to create; polling works without one; an unknown job id is 404", async () => {
    expect((await server.fetch("/aitubo/api/job/create", { method: "POST", body: "{}" })).status).toBe(401);
    const { data } = await json(post("/api/job/create", { prompt: "x", modelId: DREAMSHAPER }));
    expect((await get(`/api/job/get?id=${data.id}`)).status).toBe(200);
    const missing = await get("/api/job/get?id=64351e4d567bcd86773dc841");
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ code: 404, info: expect.stringContaining("64351e4d") });
  });

  it("refuses with code 1000 when credit is short, charging nothing and creating nothing", async () => {
    await server.fetch(`/__emulator/tenants/${KEY}`, {
      method: "PUT",
      body: JSON.stringify({ balance: 30 }),
    });
    const res = await post("/api/job/create", { prompt: "x", modelId: DREAMSHAPER });
    expect(await res.json()).toMatchObject({ code: 1000, info: "no enough credit" });
    expect(await balance()).toBe(30);
    expect((await json(get("/api/job/list?pageIndex=1&pageSize=10", KEY))).data.jobs).toEqual([]);
    // Three images fit.
    expect((await json(post("/api/job/create", { prompt: "x", modelId: DREAMSHAPER, count: 3 }))).code).toBe(
      0,
    );
  });

  it("fails a job on `emu:fail`, reports status 3 with a reason, and refunds it", async () => {
    const { data } = await json(post("/api/job/create", { prompt: "emu:fail", modelId: DREAMSHAPER }));
    expect(await balance()).toBe(120);
    settle();
    const got = await json(get(`/api/job/get?id=${data.id}`));
    expect(got.data.status).toBe(3);
    expect(got.data.result).toMatchObject({ code: 1, info: expect.stringContaining("emu:fail") });
    expect(await balance()).toBe(160);
  });

  it("flags NSFW on `emu:nsfw` with the doc's warning", async () => {
    const { data } = await json(
      post("/api/job/create", { prompt: "emu:nsfw", modelId: DREAMSHAPER, count: 2 }),
    );
    settle();
    const got = await json(get(`/api/job/get?id=${data.id}`));
    expect(got.data.result.info).toBe("Warning: some images may contain NSFW content");
    expect(got.data.result.data.nsfws).toEqual([true, true]);
  });
});

describe("/api/job/list sizes", () => {
  const cacheBytes = async () => (await json(server.fetch("/__emulator/state"))).files.cacheBytes as number;
  const listed = async () =>
    (await json(get("/api/job/list?pageIndex=1&pageSize=10", KEY))).data as {
      domain: string;
      jobs: { arts: { images: { path: string; size: number }[] }[] }[];
    };

  it("regression: the list rendered every image to size it; now it renders none, and each download is exactly the size it said", async () => {
    for (const imageFormat of ["png", "jpg", "webp"])
      await post("/api/job/create", {
        prompt: `a ${imageFormat} kite`,
        modelId: DREAMSHAPER,
        count: 2,
        imageFormat,
      });
    settle();
    const first = await listed();
    expect(await cacheBytes()).toBe(0);
    const images = first.jobs.flatMap((j) => j.arts.flatMap((a) => a.images));
    expect(images).toHaveLength(6);
    for (const image of images) {
      const bytes = await download(first.domain + image.path);
      expect(bytes.byteLength).toBe(image.size);
      // Still the image it was: its own size, format and parameters.
      const meta = await sharp(bytes).metadata();
      expect([meta.width, meta.height]).toEqual([512, 512]);
      expect((await readImageParams(bytes))?.prompt).toMatch(/^a (png|jpg|webp) kite$/);
    }
    // The sizes are kept: a later list answers the same.
    expect(await listed()).toEqual(first);
  });

  it("an image fetched before the list is listed at its own size, unpadded", async () => {
    const { data } = await json(
      post("/api/job/create", { prompt: "fetched first", modelId: DREAMSHAPER, count: 1 }),
    );
    settle();
    const job = (await json(get(`/api/job/get?id=${data.id}`))).data.result.data;
    const bytes = await download(job.domain + job.images[0]);
    const again = await download(job.domain + job.images[0]);
    expect(again.equals(bytes)).toBe(true);
    expect((await listed()).jobs[0]!.arts[0]!.images[0]!.size).toBe(bytes.byteLength);
  });
});

describe("bad input to create: the envelope names the field; nothing is charged or created", () => {
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ["missing prompt", { modelId: DREAMSHAPER }, /^prompt is required/],
    ["empty prompt", { prompt: "  ", modelId: DREAMSHAPER }, /^prompt /],
    ["malformed model id", { prompt: "x", modelId: "dreamshaper" }, /^modelId must be a model id: 24 hex/],
    ["model id one short", { prompt: "x", modelId: DREAMSHAPER.slice(1) }, /^modelId must be a model id/],
    ["steps 9", { prompt: "x", modelId: DREAMSHAPER, steps: 9 }, /^steps must be >= 10/],
    ["steps 51", { prompt: "x", modelId: DREAMSHAPER, steps: 51 }, /^steps must be <= 50/],
    ["steps 20.5", { prompt: "x", modelId: DREAMSHAPER, steps: 20.5 }, /^steps must be an integer/],
    ["steps as text", { prompt: "x", modelId: DREAMSHAPER, steps: "30" }, /^steps must be a number/],
    [
      "guidanceScale 0",
      { prompt: "x", modelId: DREAMSHAPER, guidanceScale: 0 },
      /^guidanceScale must be > 0/,
    ],
    [
      "guidanceScale 21",
      { prompt: "x", modelId: DREAMSHAPER, guidanceScale: 21 },
      /^guidanceScale must be <= 20/,
    ],
    ["strength 0.05", { prompt: "x", modelId: DREAMSHAPER, strength: 0.05 }, /^strength must be >= 0.1/],
    ["strength 1.5", { prompt: "x", modelId: DREAMSHAPER, strength: 1.5 }, /^strength must be <= 1/],
    [
      "controlStrength 3",
      { prompt: "x", controlModel: "canny", imagePath: "http://a/b.png", controlStrength: 3 },
      /^controlStrength must be <= 2/,
    ],
    [
      "controlModel unknown",
      { prompt: "x", controlModel: "sketchy", imagePath: "http://a/b.png" },
      /^controlModel must be one of/,
    ],
    [
      "controlModel with a non-ControlNet model",
      { prompt: "x", controlModel: "canny", imagePath: "http://a/b.png", modelId: CONCEPT_CANVAS },
      /does not support ControlNet/,
    ],
    [
      "width not a multiple of 8",
      { prompt: "x", modelId: DREAMSHAPER, width: 500 },
      /^width must be a multiple of 8/,
    ],
    ["count 0", { prompt: "x", modelId: DREAMSHAPER, count: 0 }, /^count must be >= 1/],
    [
      "imagePath not uploaded",
      { prompt: "x", modelId: DREAMSHAPER, imagePath: "images/tmp/nope.png" },
      /^imagePath: no uploaded image/,
    ],
    [
      "imageFormat gif",
      { prompt: "x", modelId: DREAMSHAPER, imageFormat: "gif" },
      /^imageFormat must be one of/,
    ],
  ];
  it.each(cases)("%s", async (_name, body, info) => {
    const res = await post("/api/job/create", body);
    expect(res.status).toBe(400);
    const out = await res.json();
    expect(out.code).toBe(400);
    expect(out.info).toMatch(info);
    expect(await balance()).toBe(160);
    expect((await json(get("/api/job/list?pageIndex=1&pageSize=10", KEY))).data.total).toBe(0);
  });

  it("a body that is not JSON, or not an object", async () => {
    for (const raw of ["{nope", "[1,2]", "null", ""]) {
      const res = await server.fetch("/aitubo/api/job/create", {
        method: "POST",
        headers: headers(),
        body: raw,
      });
      expect(res.status).toBe(400);
      expect((await res.json()).info).toBe("request body must be a JSON object");
    }
  });

  it("ignores unknown fields, as the real API does with what clients send", async () => {
    const res = await json(
      post("/api/job/create", { prompt: "x", modelId: DREAMSHAPER, hdEnhance: true, loras: [] }),
    );
    expect(res.code).toBe(0);
  });
});

describe("uploads, image to image and ControlNet", () => {
  it("uploads an image and derives a job's images from it", async () => {
    const up = await json(upload(await solidPng(640, 480)));
    expect(up).toEqual({
      code: 0,
      data: { path: expect.stringMatching(/^images\/tmp\/[0-9a-v]{20}\.png$/) },
    });
    const served = await download(`/aitubo/file/${up.data.path}`);
    expect((await sharp(served).metadata()).width).toBe(640);
    const { data } = await json(
      post("/api/job/create", {
        imagePath: up.data.path,
        modelId: DREAMSHAPER,
        prompt: "scene",
        guidanceScale: 0.7,
        count: 1,
      }),
    );
    settle();
    const r = (await json(get(`/api/job/get?id=${data.id}`))).data.result.data;
    const params = await readImageParams(await download(r.domain + r.images[0]));
    expect(params).toMatchObject({ derivedFromSource: true, prompt: "scene" });
  });

  it("rejects a non-image, an empty file and a decompression bomb, keeping nothing", async () => {
    const notImage = await upload(Buffer.from("hello, not a png"));
    expect(notImage.status).toBe(400);
    expect((await notImage.json()).info).toMatch(/^image: the file is not a readable image/);
    // A PNG whose header claims 50000×50000 pixels.
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(50_000, 0);
    ihdr.writeUInt32BE(50_000, 4);
    ihdr.set([8, 2, 0, 0, 0], 8);
    const chunk = (type: string, data: Buffer) => {
      const len = Buffer.alloc(4);
      len.writeUInt32BE(data.length);
      const body = Buffer.concat([Buffer.from(type), data]);
      const crc = Buffer.alloc(4);
      crc.writeUInt32BE(crc32(body));
      return Buffer.concat([len, body, crc]);
    };
    const bomb = Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      chunk("IHDR", ihdr),
      chunk("IDAT", Buffer.from([0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01])),
      chunk("IEND", Buffer.alloc(0)),
    ]);
    const res = await upload(bomb);
    expect(res.status).toBe(400);
    expect((await res.json()).info).toMatch(/50000×50000.*limit is/);
    const form = new FormData();
    form.append("picture", new Blob(["x"]), "x.png");
    const wrongField = await server.fetch("/aitubo/api/job/upload-image", {
      method: "POST",
      headers: { authorization: `Bearer ${KEY}` },
      body: form,
    });
    expect((await wrongField.json()).info).toMatch(/^image is required/);
    // Every upload was refused: no file, and not even the tenant the first refusal would have made.
    const state = await server.fetch(`/__emulator/tenants/${KEY}`);
    expect(state.status).toBe(404);
  });

  it("runs the doc's ControlNet example with a remote URL, which is not fetched", async () => {
    const { data, code } = await json(
      post("/api/job/create", {
        imagePath:
          "https://ichef.bbci.co.uk/news/976/cpsprodpb/17638/production/_124800859_gettyimages-817514614.jpg.webp",
        controlModel: "canny",
        prompt: "a little dog",
      }),
    );
    expect(code).toBe(0);
    settle();
    const got = await json(get(`/api/job/get?id=${data.id}`));
    expect(got.data.status).toBe(2);
    expect(got.data.args).toMatchObject({ controlModel: "canny", controlStrength: 1 });
    const r = got.data.result.data;
    const img = await download(r.domain + r.images[0]);
    expect((await sharp(img).metadata()).width).toBe(512);
    expect(await readImageParams(img)).toMatchObject({ prompt: "a little dog" });
  });
});

describe("upscale, segment, profile, headshots, job list", () => {
  async function finishedArt() {
    const { data } = await json(post("/api/job/create", { prompt: "up", modelId: DREAMSHAPER, count: 1 }));
    settle();
    const r = (await json(get(`/api/job/get?id=${data.id}`))).data.result.data;
    return {
      jobId: data.id,
      artId: r.artIds[0] as string,
      path: r.images[0] as string,
      domain: r.domain as string,
    };
  }

  it("really upscales the art and adds the variant to the job list with byte sizes", async () => {
    const art = await finishedArt();
    const up = await json(
      post("/api/job/upscale", { imagePath: art.path, upscaleFactor: 2, artId: art.artId }),
    );
    expect(up).toMatchObject({
      code: 0,
      data: { id: expect.any(String), consumedCredit: 10, subCredit: 10 },
    });
    const before = await json(get("/api/job/list?pageIndex=1&pageSize=10", KEY));
    expect(before.data.jobs[0].arts[0].images.map((i: { spec: string }) => i.spec)).toEqual(["o"]);
    settle();
    const done = await json(get(`/api/job/get?id=${up.data.id}`));
    expect(done.data.status).toBe(2);
    const big = await download(done.data.result.data.domain + done.data.result.data.images[0]);
    const meta = await sharp(big).metadata();
    expect([meta.width, meta.height]).toEqual([1024, 1024]);
    const list = await json(get("/api/job/list?pageIndex=1&pageSize=10", KEY));
    const images = list.data.jobs[0].arts[0].images;
    expect(images.map((i: { spec: string }) => i.spec)).toEqual(["o", "2x"]);
    expect(images[1].size).toBe(big.byteLength);
    expect(list.data.jobs).toHaveLength(1);
  });

  it("rejects a bad factor and an unknown art", async () => {
    const art = await finishedArt();
    const five = await post("/api/job/upscale", { imagePath: art.path, upscaleFactor: 5, artId: art.artId });
    expect((await five.json()).info).toMatch(/^upscaleFactor must be <= 4/);
    const unknown = await post("/api/job/upscale", { imagePath: art.path, upscaleFactor: 2, artId: "nope" });
    expect((await unknown.json()).info).toMatch(/^artId nope is not one of your images/);
  });

  it("segments into a PNG cut-out with a transparent background", async () => {
    const art = await finishedArt();
    const seg = await json(post("/api/art/segment", { image: art.domain + art.path }));
    expect(seg.data.image).toMatch(/^http:\/\/localhost\/aitubo\/file\/images\/segment\/.+\.png$/);
    const png = await download(seg.data.image);
    const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
    expect(info.channels).toBe(4);
    expect(data[3]).toBe(0); // top-left corner: transparent
    const center = (info.width * (info.height / 2) + info.width / 2) * 4;
    expect(data[center + 3]).toBe(255);
  });

  it("reports the balance as the profile's credit", async () => {
    expect(await balance()).toBe(160);
    await post("/api/job/create", { prompt: "x", modelId: DREAMSHAPER, count: 2 });
    expect(await balance()).toBe(140);
    expect((await get("/api/user/profile")).status).toBe(401);
  });

  it("creates a headshot charged at the transform's catalog cost", async () => {
    const list = await json(get("/api/transform/list"));
    const transform = list.data.transform[list.data.tags[0]][0];
    const up = await json(upload(await solidPng(256, 256)));
    const res = await json(
      post("/api/transform/create-headshot", { imagePath: up.data.path, transformId: transform.id }),
    );
    expect(res.data.consumedCredit).toBe(transform.cost);
    expect(await balance()).toBe(160 - transform.cost);
    const bad = await post("/api/transform/create-headshot", {
      imagePath: up.data.path,
      transformId: "nope",
    });
    expect((await bad.json()).info).toMatch(/^transformId nope/);
  });
});

describe("real clients run unchanged (issue 10)", () => {
  /** Creates a one-image job, lets it finish, and returns its job view and its first image. */
  async function run(body: Record<string, unknown>, key = KEY) {
    const created = await json(post("/api/job/create", { count: 1, ...body }, key));
    expect(created).toMatchObject({ code: 0 });
    settle();
    const job = (await json(get(`/api/job/get?id=${created.data.id}`))).data;
    const r = job.result.data;
    return { job, image: await download(r.domain + r.images[0]) };
  }

  it("regression: a well-formed model id the catalog lacks was refused", async () => {
    // Ids public clients hard-code from the live catalog.
    const [a, b] = ["657d044d91ee83b5d3c5894e", "65153a1d6173e0279c96d006"];
    const listed = await json(get("/api/model/list?pageSize=100"));
    expect(listed.data.models.map((m: { id: string }) => m.id)).not.toContain(a);
    const text = await readImageParams((await run({ prompt: "a fox", modelId: a })).image);
    expect(text).toMatchObject({ modelId: a, modelName: expect.any(String), derivedFromSource: false });
    // Deterministic: the same id is the same model; another id is another model.
    expect((await readImageParams((await run({ prompt: "again", modelId: a })).image))?.modelName).toBe(
      text?.modelName,
    );
    expect((await readImageParams((await run({ prompt: "b", modelId: b })).image))?.modelName).not.toBe(
      text?.modelName,
    );
    // Every kind of job: img2img, ControlNet, inpaint.
    const up = (await json(upload(await solidPng(512, 512)))).data.path;
    const mask = (await json(upload(await solidPng(512, 512, "#ffffff")))).data.path;
    for (const extra of [
      { imagePath: up },
      { imagePath: up, controlModel: "depth" },
      { imagePath: up, maskImage: mask },
    ]) {
      const { job, image } = await run({ prompt: "derived", modelId: a, imageFormat: "webp", ...extra });
      expect(job).toMatchObject({ status: 2, args: { modelId: a } });
      expect((await sharp(image).metadata()).format).toBe("webp");
      // The metadata names the file's real format (inpaint and ControlNet said png before).
      expect(await readImageParams(image)).toMatchObject({
        modelId: a,
        format: "webp",
        derivedFromSource: true,
      });
    }
    // Listed among the tenant's used models.
    const used = await json(get("/api/model/list?type=used&pageSize=100", KEY));
    expect(used.data.models.map((m: { id: string }) => m.id)).toEqual(expect.arrayContaining([a, b]));
  });

  it("regression: a create without modelId was refused (the Go SDK sends a prompt alone)", async () => {
    const { job, image } = await run({ prompt: "A cat sleeps on the plane" });
    expect(job.status).toBe(2);
    expect(await readImageParams(image)).toMatchObject({ modelId: DREAMSHAPER, modelName: "DreamShaper" });
  });

  it("regression: empty imagePath, maskImage and controlModel were refused instead of read as unset", async () => {
    const { job, image } = await run({
      prompt: "plain text job",
      modelId: DREAMSHAPER,
      imagePath: "",
      maskImage: "",
      controlModel: "",
    });
    expect(job.args).not.toHaveProperty("imagePath");
    expect(job.args).not.toHaveProperty("controlModel");
    expect(await readImageParams(image)).toMatchObject({ derivedFromSource: false });
  });

  it("regression: the Go SDK's model list query (empty type, kind, name, baseModel) was refused", async () => {
    const goSdk = await get("/api/model/list?pageIndex=1&pageSize=20&type=&kind=&name=&baseModel=");
    expect(goSdk.status).toBe(200);
    expect(await goSdk.json()).toEqual(await json(get("/api/model/list?pageIndex=1&pageSize=20")));
    const jobs = await get("/api/job/list?pageIndex=&pageSize=", KEY);
    expect(await jobs.json()).toMatchObject({ code: 0, data: { total: 0 } });
  });

  it("regression: controlModel outside the ControlNet list on a text job was refused (it is ignored)", async () => {
    // A public bot sends controlModel "checkpoint" with a prompt alone.
    const { job } = await run({ prompt: "a castle", modelId: DREAMSHAPER, controlModel: "checkpoint" });
    expect(job.status).toBe(2);
    expect(job.args).not.toHaveProperty("controlModel");
    // With an image, ControlNet applies and the value must be one of the list.
    const withImage = await post("/api/job/create", {
      prompt: "x",
      controlModel: "checkpoint",
      imagePath: "https://example.com/a.png",
    });
    expect(withImage.status).toBe(400);
    expect((await withImage.json()).info).toMatch(/^controlModel must be one of "canny"/);
    expect(await balance()).toBe(150);
  });

  it("regression: polling a job with another key than its creator's was 404", async () => {
    const { data } = await json(post("/api/job/create", { prompt: "x", modelId: DREAMSHAPER, count: 1 }));
    const other = await get(`/api/job/get?id=${data.id}`, "another-bot-key");
    expect(other.status).toBe(200);
    expect((await other.json()).data).toMatchObject({ id: data.id, args: { prompt: "x" } });
    // The key still names its own tenant elsewhere: the other key's job list is empty.
    expect((await json(get("/api/job/list?pageIndex=1&pageSize=10", "another-bot-key"))).data.total).toBe(0);
  });

  it("regression: the upscale answer lacked subCredit, which job create carries", async () => {
    const { job } = await run({ prompt: "to upscale", modelId: DREAMSHAPER });
    const up = await json(
      post("/api/job/upscale", {
        imagePath: job.result.data.images[0],
        upscaleFactor: 3,
        artId: job.result.data.artIds[0],
      }),
    );
    expect(up.data).toEqual({
      id: expect.any(String),
      credit: 140,
      consumedCredit: 10,
      subCredit: 10,
    });
  });

  it("regression: /api/job/model/list, the path the doc's text names, was 404", async () => {
    const alias = await get("/api/job/model/list");
    expect(alias.status).toBe(200);
    expect(await alias.json()).toEqual(await json(get("/api/job/models")));
  });

  it("regression: the doc's Image2Image example failed: its imagePath did not exist", async () => {
    for (const key of [KEY, "a-brand-new-key"]) {
      // The doc's body, verbatim.
      const res = await post(
        "/api/job/create",
        {
          imagePath: "images/tmp/cgqi1jntuq4000800040.png",
          modelId: "642b977d2f2842537c09fe41",
          prompt: "scene",
          guidanceScale: 0.7,
        },
        key,
      );
      expect(await res.json()).toMatchObject({ code: 0, data: { consumedCredit: 40 } });
    }
    settle();
    const served = await server.fetch("/aitubo/file/images/tmp/cgqi1jntuq4000800040.png");
    expect(served.headers.get("content-type")).toBe("image/png");
    const meta = await sharp(Buffer.from(await served.arrayBuffer())).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(["png", 512, 512]);
    const jobs = (await json(get("/api/job/list?pageIndex=1&pageSize=10", KEY))).data.jobs;
    const path = jobs[0].arts[0].images[0].path;
    expect(await readImageParams(await download(`/aitubo/file/${path}`))).toMatchObject({
      derivedFromSource: true,
      prompt: "scene",
    });
  });
});
