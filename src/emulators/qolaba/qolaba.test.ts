import sharp from "sharp";
import { afterEach, describe, expect, it } from "vitest";
import { estimateQolaba } from "../../credits/index.js";
import { depthMap, edgeMap, readImageParams } from "../core/images.js";
import type { EmulatorServer } from "../core/server.js";
import { externalSource } from "./image-source.js";
import {
  CANNY,
  call,
  DEPTH,
  fetchImage,
  POSE,
  qolabaServer,
  resultUrls,
  SDXL_I2I,
  SDXL_T2I,
  T2I,
  tenantState,
} from "./test-support.js";

let server: EmulatorServer;
afterEach(async () => {
  await server?.close();
});

const ENVELOPE_KEYS = [
  "app_id",
  "error",
  "error_data",
  "input",
  "output",
  "status",
  "task_id",
  "time_required",
];

describe("getTextToImage", () => {
  it("celery false answers SUCCESS with one URL per image, each a WebP of the asked size", async () => {
    server = qolabaServer();
    const { status, body } = await call(server, "/getTextToImage", T2I);
    expect(status).toBe(200);
    expect(Object.keys(body).sort()).toEqual(ENVELOPE_KEYS);
    expect(body).toMatchObject({
      status: "SUCCESS",
      error: null,
      error_data: null,
      app_id: SDXL_T2I,
      task_id: null,
    });
    expect(body.output).toEqual({
      result: [expect.any(String), expect.any(String)],
      Has_NSFW_Content: [false, false],
    });
    expect(body.time_required).toEqual({ startup_time: expect.any(Number), runtime: expect.any(Number) });
    expect(body.input).toMatchObject({ ...T2I, negative_prompt: " ", celery: false, inference_type: "a10g" });
    const urls = resultUrls(body);
    expect(new Set(urls).size).toBe(2);
    for (const url of urls) {
      expect(url).toMatch(/^http:\/\/localhost\/qolaba\/files\/.+\.webp$/);
      expect(await fetchImage(server, url)).toMatchObject({
        contentType: "image/webp",
        format: "webp",
        width: 768,
        height: 512,
      });
    }
  });

  it("floors width and height to a multiple of 8, as the backend does", async () => {
    server = qolabaServer();
    const { body } = await call(server, "/getTextToImage", { ...T2I, width: 1001, height: 263, batch: 1 });
    expect(body.input).toMatchObject({ width: 1000, height: 256 });
    expect(await fetchImage(server, resultUrls(body)[0]!)).toMatchObject({ width: 1000, height: 256 });
  });

  it("accepts pydantic's lax forms: numeric strings and boolean words", async () => {
    server = qolabaServer();
    const { status, body } = await call(server, "/getTextToImage", {
      ...T2I,
      width: "512",
      batch: "1",
      guidance_scale: "7",
      celery: "no",
    });
    expect(status).toBe(200);
    expect(body.input).toMatchObject({ width: 512, batch: 1, guidance_scale: 7, celery: false });
  });

  it("celery true answers PENDING with a task_id at once, then SUCCESS as the clock advances", async () => {
    server = qolabaServer({ clock: { mode: "manual" } });
    const queued = await call(server, "/getTextToImage", { ...T2I, celery: true });
    expect(queued.body).toMatchObject({ status: "PENDING", output: {}, time_required: {}, app_id: SDXL_T2I });
    const taskId = queued.body.task_id!;
    expect(taskId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const poll = () => call(server, "/getImage", { id: taskId });
    expect((await poll()).body).toMatchObject({
      status: "PENDING",
      task_id: taskId,
      input: queued.body.input,
    });
    server.clock.advance(2000); // start-up done, still running
    expect((await poll()).body.status).toBe("PENDING");
    server.clock.advance(60_000);
    const done = (await poll()).body;
    expect(done).toMatchObject({ status: "SUCCESS", task_id: taskId, app_id: SDXL_T2I, error: null });
    const urls = resultUrls(done);
    expect(urls).toHaveLength(2);
    expect(await fetchImage(server, urls[0]!)).toMatchObject({ format: "webp", width: 768, height: 512 });
  });

  it("inference_type changes the run time and nothing else", async () => {
    server = qolabaServer({ clock: { mode: "manual" } });
    const a10g = await call(server, "/getTextToImage", { ...T2I, celery: true, inference_type: "a10g" });
    const h100 = await call(server, "/getTextToImage", { ...T2I, celery: true, inference_type: "h100" });
    server.clock.advance(3000);
    const [slow, fast] = await Promise.all(
      [a10g, h100].map(async (r) => (await call(server, "/getImage", { id: r.body.task_id })).body),
    );
    expect(fast!.status).toBe("SUCCESS");
    expect(slow!.status).toBe("PENDING");
    server.clock.advance(60_000);
    const slowDone = (await call(server, "/getImage", { id: a10g.body.task_id })).body;
    expect(slowDone.status).toBe("SUCCESS");
    const fastTime = fast!.time_required as { startup_time: number; runtime: number };
    const slowTime = slowDone.time_required as { startup_time: number; runtime: number };
    expect(fastTime.runtime).toBeLessThan(slowTime.runtime);
    const a = await fetchImage(server, resultUrls(slowDone)[0]!);
    const b = await fetchImage(server, resultUrls(fast!)[0]!);
    expect([a.format, a.width, a.height]).toEqual([b.format, b.width, b.height]);
    expect(resultUrls(slowDone)).toHaveLength(resultUrls(fast!).length);
  });

  it("celery false waits for the emulated work before answering (manual clock)", async () => {
    server = qolabaServer({ clock: { mode: "manual" } });
    let settled = false;
    const pending = call(server, "/getTextToImage", { ...T2I, batch: 1 }).then((r) => {
      settled = true;
      return r;
    });
    await new Promise((r) => setTimeout(r, 30));
    expect(settled).toBe(false);
    server.clock.advance(60_000);
    expect((await pending).body.status).toBe("SUCCESS");
  });

  it("charges the credit library's estimate", async () => {
    server = qolabaServer({ keys: { payer: 100 } });
    await call(server, "/getTextToImage", { ...T2I, batch: 3, num_inference_steps: 25 }, "Bearer payer");
    const expected = estimateQolaba("getTextToImage", { batch: 3, num_inference_steps: 25 }).total;
    expect(expected).toBeGreaterThan(0);
    expect((await tenantState(server, "payer")).balance).toBeCloseTo(100 - expected, 10);
  });

  it("serves the same routes under /api/v1", async () => {
    server = qolabaServer();
    const { status, body } = await call(server, "/api/v1/getTextToImage", { ...T2I, celery: true });
    expect(status).toBe(200);
    const polled = await call(server, "/api/v1/getImage", { id: body.task_id });
    expect(polled.body.status).toBe("SUCCESS");
  });
});

describe("validation: 422 with the field list, no task, no charge", () => {
  const cases: [string, Record<string, unknown>, { field: string; type: string; message: RegExp }][] = [
    [
      "app_id missing",
      { ...T2I, app_id: undefined },
      { field: "app_id", type: "missing", message: /Field required/ },
    ],
    [
      "prompt missing",
      { ...T2I, prompt: undefined },
      { field: "prompt", type: "missing", message: /Field required/ },
    ],
    [
      "prompt a number",
      { ...T2I, prompt: 5 },
      { field: "prompt", type: "string_type", message: /valid string/ },
    ],
    ["height 255", { ...T2I, height: 255 }, { field: "height", type: "greater_than_equal", message: /256/ }],
    ["height 1537", { ...T2I, height: 1537 }, { field: "height", type: "less_than_equal", message: /1536/ }],
    ["width 100", { ...T2I, width: 100 }, { field: "width", type: "greater_than_equal", message: /256/ }],
    ["width 2048", { ...T2I, width: 2048 }, { field: "width", type: "less_than_equal", message: /1536/ }],
    [
      "width 512.5",
      { ...T2I, width: 512.5 },
      { field: "width", type: "int_from_float", message: /fractional/ },
    ],
    ["width 'big'", { ...T2I, width: "big" }, { field: "width", type: "int_parsing", message: /integer/ }],
    [
      "steps 0",
      { ...T2I, num_inference_steps: 0 },
      { field: "num_inference_steps", type: "greater_than_equal", message: /1/ },
    ],
    [
      "steps 51",
      { ...T2I, num_inference_steps: 51 },
      { field: "num_inference_steps", type: "less_than_equal", message: /50/ },
    ],
    [
      "steps missing",
      { ...T2I, num_inference_steps: undefined },
      { field: "num_inference_steps", type: "missing", message: /required/ },
    ],
    [
      "guidance 0.5",
      { ...T2I, guidance_scale: 0.5 },
      { field: "guidance_scale", type: "greater_than_equal", message: /1/ },
    ],
    [
      "guidance 31",
      { ...T2I, guidance_scale: 31 },
      { field: "guidance_scale", type: "less_than_equal", message: /30/ },
    ],
    [
      "guidance 'x'",
      { ...T2I, guidance_scale: "x" },
      { field: "guidance_scale", type: "float_parsing", message: /number/ },
    ],
    ["batch 0", { ...T2I, batch: 0 }, { field: "batch", type: "greater_than_equal", message: /1/ }],
    ["batch 9", { ...T2I, batch: 9 }, { field: "batch", type: "less_than_equal", message: /8/ }],
    ["batch missing", { ...T2I, batch: undefined }, { field: "batch", type: "missing", message: /required/ }],
    [
      "celery 'maybe'",
      { ...T2I, celery: "maybe" },
      { field: "celery", type: "bool_parsing", message: /boolean/ },
    ],
    ["celery 2", { ...T2I, celery: 2 }, { field: "celery", type: "bool_type", message: /boolean/ }],
    [
      "inference_type t4",
      { ...T2I, inference_type: "t4" },
      { field: "inference_type", type: "literal_error", message: /'a10g', 'a100' or 'h100'/ },
    ],
    [
      "negative_prompt []",
      { ...T2I, negative_prompt: [] },
      { field: "negative_prompt", type: "string_type", message: /string/ },
    ],
  ];
  it.each(cases)("getTextToImage: %s", async (_name, body, expected) => {
    server = qolabaServer({ keys: { k: 100 } });
    const res = await call(server, "/getTextToImage", { ...body, celery: body.celery ?? true }, "Bearer k");
    expect(res.status).toBe(422);
    expect(res.body).toMatchObject({ status: "FAILED", error: "Validation error", task_id: null });
    const errors = (res.body.error_data as { errors: { field: string; type: string; message: string }[] })
      .errors;
    expect(errors).toContainEqual({
      field: expected.field,
      type: expected.type,
      message: expect.stringMatching(expected.message),
    });
    expect(await tenantState(server, "k")).toMatchObject({ balance: 100, jobs: 0, files: 0 });
  });

  const I2I = {
    app_id: CANNY,
    image: "https://example.com/cat.png",
    prompt: "a cat",
    guidance_scale: 7,
    batch: 1,
    num_inference_steps: 20,
  };
  const i2iCases: [string, Record<string, unknown>, { field: string; type: string }][] = [
    ["image missing", { ...I2I, image: undefined }, { field: "image", type: "missing" }],
    ["image not a URL", { ...I2I, image: "cat.png" }, { field: "image", type: "url_parsing" }],
    ["image ftp", { ...I2I, image: "ftp://example.com/cat.png" }, { field: "image", type: "url_scheme" }],
    ["strength 0", { ...I2I, strength: 0 }, { field: "strength", type: "greater_than" }],
    ["strength 1.1", { ...I2I, strength: 1.1 }, { field: "strength", type: "less_than_equal" }],
    [
      "ControlNet without steps",
      { ...I2I, num_inference_steps: undefined },
      { field: "num_inference_steps", type: "missing" },
    ],
    [
      "steps 60",
      { ...I2I, num_inference_steps: 60 },
      { field: "num_inference_steps", type: "less_than_equal" },
    ],
    ["batch 9", { ...I2I, batch: 9 }, { field: "batch", type: "less_than_equal" }],
    ["guidance 40", { ...I2I, guidance_scale: 40 }, { field: "guidance_scale", type: "less_than_equal" }],
    ["width 200", { ...I2I, width: 200 }, { field: "width", type: "greater_than_equal" }],
  ];
  it.each(i2iCases)("getImagetoImage: %s", async (_name, body, expected) => {
    server = qolabaServer({ keys: { k: 100 } });
    const res = await call(server, "/getImagetoImage", { ...body, celery: true }, "Bearer k");
    expect(res.status).toBe(422);
    const errors = (res.body.error_data as { errors: { field: string; type: string }[] }).errors;
    expect(errors).toContainEqual(expect.objectContaining(expected));
    expect(await tenantState(server, "k")).toMatchObject({ balance: 100, jobs: 0, files: 0 });
  });

  it("lists every bad field at once", async () => {
    server = qolabaServer();
    const res = await call(server, "/getTextToImage", { app_id: SDXL_T2I, prompt: "x", width: 9999 });
    const fields = (res.body.error_data as { errors: { field: string }[] }).errors.map((e) => e.field).sort();
    expect(fields).toEqual(["batch", "guidance_scale", "height", "num_inference_steps", "width"]);
  });

  it("answers a body that is not JSON, or not an object, with 422", async () => {
    server = qolabaServer();
    for (const [text, type] of [
      ["{oops", "json_invalid"],
      ["[1]", "model_attributes_type"],
      ["", "missing"],
    ] as const) {
      const res = await call(server, "/getTextToImage", text);
      expect(res.status).toBe(422);
      expect(res.body.error_data).toEqual({ errors: [expect.objectContaining({ field: "body", type })] });
    }
  });

  it("getImage requires an id", async () => {
    server = qolabaServer();
    const res = await call(server, "/getImage", { refID: "r1" });
    expect(res.status).toBe(422);
    expect(res.body.error_data).toEqual({
      errors: [{ field: "id", type: "missing", message: "Field required" }],
    });
  });
});

describe("auth", () => {
  it("no Authorization header: 403 Not authenticated, even with a bad body", async () => {
    server = qolabaServer();
    const res = await call(server, "/getTextToImage", { batch: 99 }, null);
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({
      status: "FAILED",
      error: "HTTP Exception",
      error_data: "Not authenticated",
    });
  });

  it("a header that is not Bearer: 403", async () => {
    server = qolabaServer();
    const res = await call(server, "/getTextToImage", T2I, "test-key");
    expect(res.status).toBe(403);
    expect(res.body.error_data).toBe("Invalid authentication credentials");
  });

  it("an unknown key in strict mode: 500 Invalid API Key, after validation", async () => {
    server = qolabaServer({ strictKeys: true, keys: { good: 100 } });
    const bad = await call(server, "/getTextToImage", T2I, "Bearer nope");
    expect(bad.status).toBe(500);
    expect(bad.body).toMatchObject({
      status: "FAILED",
      error: "Internal Error",
      error_data: "('Invalid API Key',)",
    });
    const invalid = await call(server, "/getTextToImage", { ...T2I, batch: 0 }, "Bearer nope");
    expect(invalid.status).toBe(422);
    const good = await call(server, "/getTextToImage", T2I, "Bearer good");
    expect(good.status).toBe(200);
  });

  it("tasks belong to their key: another key sees an unknown (PENDING) task", async () => {
    server = qolabaServer();
    const { body } = await call(server, "/getTextToImage", { ...T2I, celery: true }, "Bearer owner");
    const mine = await call(server, "/getImage", { id: body.task_id }, "Bearer owner");
    expect(mine.body.status).toBe("SUCCESS");
    const theirs = await call(server, "/getImage", { id: body.task_id }, "Bearer other");
    expect(theirs.body).toMatchObject({ status: "PENDING", task_id: body.task_id, output: {}, input: {} });
  });
});

describe("getImagetoImage", () => {
  /** A text-to-image result of the emulator, as a source. */
  async function ownResult(width = 512, height = 512) {
    const { body } = await call(server, "/getTextToImage", { ...T2I, width, height, batch: 1 });
    return resultUrls(body)[0]!;
  }
  const i2i = (app_id: string, image: string, extra: Record<string, unknown> = {}) => ({
    app_id,
    image,
    prompt: "a cat in a hat",
    guidance_scale: 7,
    batch: 1,
    num_inference_steps: 20,
    ...extra,
  });

  it("uses an emulator result as the source and sizes the output from it", async () => {
    server = qolabaServer();
    const src = await ownResult(640, 384);
    const { status, body } = await call(server, "/getImagetoImage", i2i(SDXL_I2I, src, { strength: 0.9 }));
    expect(status).toBe(200);
    expect(body.status).toBe("SUCCESS");
    const out = await fetchImage(server, resultUrls(body)[0]!);
    expect(out).toMatchObject({ format: "webp", width: 640, height: 384 });
    expect(await readImageParams(out.bytes)).toMatchObject({ derivedFromSource: true, strength: 0.9 });
  });

  it("width and height, when given, set the output size", async () => {
    server = qolabaServer();
    const { body } = await call(
      server,
      "/getImagetoImage",
      i2i(SDXL_I2I, await ownResult(), { width: 800, height: 600 }),
    );
    expect(await fetchImage(server, resultUrls(body)[0]!)).toMatchObject({ width: 800, height: 600 });
  });

  it("never fetches another URL: it becomes a deterministic 1024×1024 placeholder source", async () => {
    server = qolabaServer();
    const url = "http://192.0.2.1/never/fetched.png";
    const a = await externalSource(url);
    expect((await externalSource(url)).equals(a)).toBe(true);
    expect((await externalSource(`${url}?v=2`)).equals(a)).toBe(false);
    const { body } = await call(server, "/getImagetoImage", i2i(CANNY, url));
    expect(body.status).toBe("SUCCESS");
    expect(await fetchImage(server, resultUrls(body)[0]!)).toMatchObject({ width: 1024, height: 1024 });
  });

  it("an emulator URL with no file behind it is the backend's Image URL Error, nothing charged", async () => {
    server = qolabaServer({ keys: { k: 100 } });
    const res = await call(
      server,
      "/getImagetoImage",
      i2i(SDXL_I2I, "http://localhost/qolaba/files/nope/0.webp", { celery: true }),
      "Bearer k",
    );
    expect(res.status).toBe(500);
    expect(res.body).toMatchObject({
      error: "Image URL Error",
      error_data: "Given image type is not supported. Please try with JPG or PNG.",
      status: "FAILED",
    });
    expect(await tenantState(server, "k")).toMatchObject({ balance: 100, jobs: 0 });
  });

  /** Mean luminance of `image` where `map` is bright vs dark. */
  async function meanWhere(image: Buffer, map: Buffer, width: number, height: number) {
    const img = await sharp(image).resize(width, height).greyscale().raw().toBuffer();
    const m = await sharp(map).resize(width, height).greyscale().raw().toBuffer();
    let hi = 0;
    let nh = 0;
    let lo = 0;
    let nl = 0;
    for (let i = 0; i < img.length; i++) {
      if (m[i]! > 127) {
        hi += img[i]!;
        nh++;
      } else {
        lo += img[i]!;
        nl++;
      }
    }
    return { bright: hi / Math.max(1, nh), dark: lo / Math.max(1, nl) };
  }

  it("regression: ControlNet results were WebP files whose metadata said png", async () => {
    server = qolabaServer();
    const srcUrl = await ownResult();
    for (const app of [CANNY, DEPTH, POSE]) {
      const { body } = await call(server, "/getImagetoImage", i2i(app, srcUrl));
      const out = await fetchImage(server, resultUrls(body)[0]!);
      expect(out.format).toBe("webp");
      expect(await readImageParams(out.bytes)).toMatchObject({ format: "webp", derivedFromSource: true });
    }
  });

  it("canny: the source's edges show in the result", async () => {
    server = qolabaServer();
    const srcUrl = await ownResult();
    const src = (await fetchImage(server, srcUrl)).bytes;
    const { body } = await call(server, "/getImagetoImage", i2i(CANNY, srcUrl));
    const out = (await fetchImage(server, resultUrls(body)[0]!)).bytes;
    // The source's own caption is not content: edgeMap reads the metadata that locates it and
    // leaves it out, as the emulator's ControlNet does.
    const edges = await edgeMap(src);
    const m = await meanWhere(out, edges, 512, 512);
    expect(m.bright - m.dark).toBeGreaterThan(40);
  });

  it("depth: brighter (nearer) areas of the depth map are brighter in the result", async () => {
    server = qolabaServer();
    const srcUrl = await ownResult();
    const src = (await fetchImage(server, srcUrl)).bytes;
    const { body } = await call(server, "/getImagetoImage", i2i(DEPTH, srcUrl));
    const out = (await fetchImage(server, resultUrls(body)[0]!)).bytes;
    const depth = await depthMap(await sharp(src).png().toBuffer());
    const m = await meanWhere(out, depth, 512, 512);
    expect(m.bright).toBeGreaterThan(m.dark);
  });

  it("the three ControlNet apps and plain img2img give four different images", async () => {
    server = qolabaServer();
    const srcUrl = await ownResult();
    const outs = await Promise.all(
      [CANNY, DEPTH, POSE, SDXL_I2I].map(async (app) => {
        const { body } = await call(server, "/getImagetoImage", i2i(app, srcUrl));
        const bytes = (await fetchImage(server, resultUrls(body)[0]!)).bytes;
        return sharp(bytes).raw().toBuffer();
      }),
    );
    for (let i = 0; i < outs.length; i++)
      for (let j = i + 1; j < outs.length; j++) expect(outs[i]!.equals(outs[j]!)).toBe(false);
  });

  it("refuses an app id the endpoint does not serve, as the backend does", async () => {
    server = qolabaServer({ keys: { k: 100 } });
    for (const [path, body] of [
      ["/getImagetoImage", i2i(SDXL_T2I, "https://example.com/a.png")],
      ["/getTextToImage", { ...T2I, app_id: CANNY }],
      ["/getTextToImage", { ...T2I, app_id: "ap-doesnotexist" }],
    ] as const) {
      const res = await call(server, path, { ...body, celery: true }, "Bearer k");
      expect(res.status).toBe(500);
      expect(res.body).toMatchObject({
        error: "Internal Error",
        error_data: "('Given APP Id is not available',)",
      });
    }
    expect(await tenantState(server, "k")).toMatchObject({ balance: 100, jobs: 0 });
  });
});

describe("failures, NSFW, credits", () => {
  it("a failed celery task: PENDING, then FAILED with the reason; not charged", async () => {
    server = qolabaServer({ clock: { mode: "manual" }, keys: { k: 100 } });
    const { body } = await call(
      server,
      "/getTextToImage",
      { ...T2I, prompt: "x emu:fail", celery: true },
      "Bearer k",
    );
    expect(body.status).toBe("PENDING");
    expect((await call(server, "/getImage", { id: body.task_id }, "Bearer k")).body.status).toBe("PENDING");
    server.clock.advance(60_000);
    const failed = (await call(server, "/getImage", { id: body.task_id }, "Bearer k")).body;
    expect(failed).toMatchObject({
      status: "FAILED",
      error: "Image Generation Error",
      error_data: expect.stringMatching(/failed on purpose/),
      output: {},
    });
    expect((await tenantState(server, "k")).balance).toBe(100);
  });

  it("a failed synchronous task: HTTP 500 in the envelope; not charged", async () => {
    server = qolabaServer({ keys: { k: 100 } });
    const res = await call(server, "/getTextToImage", { ...T2I, prompt: "x emu:fail" }, "Bearer k");
    expect(res.status).toBe(500);
    expect(res.body).toMatchObject({ status: "FAILED", error: "Image Generation Error" });
    expect((await tenantState(server, "k")).balance).toBe(100);
  });

  it("a hung task fails at Celery's one-hour time limit", async () => {
    server = qolabaServer({ clock: { mode: "manual" } });
    const { body } = await call(server, "/getTextToImage", { ...T2I, prompt: "x emu:hang", celery: true });
    server.clock.advance(59 * 60 * 1000);
    expect((await call(server, "/getImage", { id: body.task_id })).body.status).toBe("PENDING");
    server.clock.advance(2 * 60 * 1000);
    expect((await call(server, "/getImage", { id: body.task_id })).body).toMatchObject({
      status: "FAILED",
      error_data: "('TimeLimitExceeded(3600)',)",
    });
  });

  it("a hung synchronous task answers HTTP 500 at the time limit; not charged", async () => {
    server = qolabaServer({ clock: { mode: "manual" }, keys: { k: 100 } });
    let settled = false;
    const pending = call(server, "/getTextToImage", { ...T2I, prompt: "x emu:hang" }, "Bearer k").then(
      (r) => {
        settled = true;
        return r;
      },
    );
    await new Promise((r) => setTimeout(r, 30));
    server.clock.advance(59 * 60 * 1000);
    await new Promise((r) => setTimeout(r, 20));
    expect(settled).toBe(false);
    server.clock.advance(2 * 60 * 1000);
    const res = await pending;
    expect(res.status).toBe(500);
    expect(res.body).toMatchObject({ status: "FAILED", error_data: "('TimeLimitExceeded(3600)',)" });
    expect((await tenantState(server, "k")).balance).toBe(100);
  });

  it("NSFW results are left out of result and flagged, as the backend does", async () => {
    server = qolabaServer();
    const { body } = await call(server, "/getTextToImage", { ...T2I, prompt: "x emu:nsfw", batch: 3 });
    expect(body.output).toEqual({ result: [], Has_NSFW_Content: [true, true, true] });
  });

  it("refuses a short balance and leaves nothing behind", async () => {
    server = qolabaServer({ keys: { poor: 0.1 } });
    const res = await call(server, "/getTextToImage", { ...T2I, celery: true }, "Bearer poor");
    expect(res.status).toBe(500);
    expect(res.body).toMatchObject({ status: "FAILED", error: "Insufficient Credits", task_id: null });
    expect(await tenantState(server, "poor")).toMatchObject({ balance: 0.1, jobs: 0, files: 0 });
  });

  it("regression: getImage refused task_id and ref_id, the backend's other spelling of id and refID", async () => {
    server = qolabaServer({ clock: { mode: "manual" } });
    const { body } = await call(server, "/getTextToImage", { ...T2I, celery: true });
    server.clock.advance(10 * 60_000);
    const byDoc = await call(server, "/getImage", { id: body.task_id, refID: "r1" });
    const byBackend = await call(server, "/getImage", { task_id: body.task_id, ref_id: "r1" });
    expect(byBackend.status).toBe(200);
    expect(byBackend.body).toMatchObject({ status: "SUCCESS", task_id: body.task_id });
    expect(byBackend.body).toEqual(byDoc.body);
    const neither = await call(server, "/getImage", { ref_id: "r1" });
    expect(neither.status).toBe(422);
    expect(neither.body.error_data).toEqual({
      errors: [{ field: "id", type: "missing", message: "Field required" }],
    });
  });

  it("an unknown task id reads PENDING, as Celery reports it", async () => {
    server = qolabaServer();
    const res = await call(server, "/getImage", { id: "no-such-task", refID: "ref-1" });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: "PENDING", task_id: "no-such-task", error: null });
  });

  it("an unknown route and a missing file answer 404 in the envelope", async () => {
    server = qolabaServer();
    const route = await call(server, "/getVideo", {});
    expect(route.status).toBe(404);
    expect(route.body).toMatchObject({ status: "FAILED", error: "HTTP Exception", error_data: "Not Found" });
    const file = await server.fetch("/qolaba/files/none/0.webp");
    expect(file.status).toBe(404);
  });
});
