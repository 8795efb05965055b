/**
 * Uploads (resource/image + PUT, STS + form upload), models, ControlNet detect and img2prompt.
 */
import { afterAll, describe, expect, it } from "vitest";
import { imageInfo, loadSharp } from "../core/images.js";
import { DOC_MODELS, FAKER_MODEL_COUNT, loadCatalog } from "./catalog.js";
import { call, finishAll, tamsServer, upload } from "./test-kit.js";

const server = tamsServer();
afterAll(() => server.close());

const png = async (w = 96, h = 64, colour = "#3366cc") => {
  const sharp = await loadSharp();
  return sharp({ create: { width: w, height: h, channels: 3, background: colour } })
    .png()
    .toBuffer();
};

async function put(putUrl: string, body: Uint8Array, headers: Record<string, string> = {}) {
  const u = new URL(putUrl);
  const res = await server.fetch(u.pathname + u.search, {
    method: "PUT",
    headers,
    body: new Uint8Array(body),
  });
  return { status: res.status, text: await res.text() };
}

describe("uploads", () => {
  it("returns a resourceId, a putUrl on the emulator and the headers to send; the PUT answers 200 {Status: OK}", async () => {
    const res = await call(server, "POST", "/v1/resource/image", "up", { expire_sec: "600" });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      resourceId: expect.any(String),
      putUrl: expect.stringContaining("/tams/upload/"),
      headers: { "Content-Type": "application/octet-stream" },
    });
    const answer = await put(res.body.putUrl, await png(), res.body.headers);
    expect(answer).toEqual({ status: 200, text: JSON.stringify({ Status: "OK" }) });
  });

  it("refuses a PUT that is not an image (400), to an unknown id (404), or after expireSec (403)", async () => {
    const a = await call(server, "POST", "/v1/resource/image", "up", { expireSec: 60 });
    expect((await put(a.body.putUrl, new TextEncoder().encode("hello"))).status).toBe(400);
    expect((await put(a.body.putUrl.replace(a.body.resourceId, "nope"), await png())).status).toBe(404);
    server.clock.advance(61_000);
    expect((await put(a.body.putUrl, await png())).status).toBe(403);
  });

  it("says a resource has no image until its PUT, then takes it as a job input", async () => {
    const a = await call(server, "POST", "/v1/resource/image", "up2", {});
    const stages = [
      { type: "INPUT_INITIALIZE", inputInitialize: { imageResourceId: a.body.resourceId, count: 1 } },
      {
        type: "IMAGE_TO_UPSCALER",
        imageToUpscaler: {
          hrUpscaler: "4x-UltraSharp",
          hrScale: 2,
          diffusion: { width: 96, height: 64, steps: 10, sdModel: "1" },
        },
      },
    ];
    const early = await call(server, "POST", "/v1/jobs", "up2", { requestId: "u", stages });
    expect(early.status).toBe(400);
    expect(early.body.message).toContain("PUT the bytes");
    await put(a.body.putUrl, await png());
    const ok = await call(server, "POST", "/v1/jobs", "up2", { requestId: "u", stages });
    expect(ok.status).toBe(200);
    finishAll(server);
    const job = (await call(server, "GET", `/v1/jobs/${ok.body.job.id}`, "up2")).body.job;
    expect(job.successInfo.images[0].meta.image).toMatchObject({ width: 192, height: 128 });
  });

  it("keeps uploads per key: another key cannot use the id", async () => {
    const id = await upload(server, "owner", await png());
    const res = await call(server, "POST", "/v1/img2prompt", "intruder", { resourceId: id });
    expect(res.status).toBe(404);
  });

  it("makes a job's result image usable as the next job's input", async () => {
    const key = "chain";
    const first = await call(server, "POST", "/v1/jobs", key, {
      requestId: "1",
      stages: [
        {
          type: "DIFFUSION",
          diffusion: { width: 256, height: 256, steps: 10, sdModel: "600423083519508503" },
        },
      ],
    });
    finishAll(server);
    const image = (await call(server, "GET", `/v1/jobs/${first.body.job.id}`, key)).body.job.successInfo
      .images[0];
    const res = await call(server, "POST", "/v1/img2prompt", key, { resourceId: image.id });
    expect(res.status).toBe(200);
  });

  it("STS: answers OSS-style credentials, and a form POST to `host` stores the file", async () => {
    const sts = await call(server, "POST", "/v1/resource/image/sts", "sts", { expireSec: 300 });
    expect(Object.keys(sts.body).sort()).toEqual([
      "accessId",
      "callback",
      "expire",
      "filePath",
      "host",
      "policy",
      "resourceId",
      "securityToken",
      "signature",
    ]);
    const form = new FormData();
    form.set("key", sts.body.filePath);
    form.set("policy", sts.body.policy);
    form.set("file", new Blob([new Uint8Array(await png())], { type: "image/png" }), "a.png");
    const res = await server.fetch(new URL(sts.body.host).pathname, { method: "POST", body: form });
    expect(res.status).toBe(200);
    const tags = await call(server, "POST", "/v1/img2prompt", "sts", { resourceId: sts.body.resourceId });
    expect(tags.status).toBe(200);
  });

  it("refuses bad bodies naming the field", async () => {
    const res = await call(server, "POST", "/v1/resource/image", "up", { expireSec: -5 });
    expect(res.status).toBe(400);
    expect(res.body.details[0].field).toBe("expireSec");
  });
});

describe("models", () => {
  it.each(
    DOC_MODELS.map((m) => [m.id, m.modelType] as const),
  )("knows doc model %s (%s)", async (id, type) => {
    const res = await call(server, "GET", `/v1/models/${id}`, "m");
    expect(res.status).toBe(200);
    expect(res.body.model).toMatchObject({
      id,
      modelType: type,
      baseModel: expect.any(String),
      projectName: expect.any(String),
    });
    const showcase = new URL(res.body.model.showcaseImageUrls[0]);
    expect((await server.fetch(showcase.pathname)).status).toBe(200);
  });

  it("has a faker catalog that is the same on every build", async () => {
    const catalog = await loadCatalog();
    const fakerIds = [...catalog.models.values()].filter((m) => m.source === "faker").map((m) => m.id);
    expect(fakerIds).toHaveLength(FAKER_MODEL_COUNT);
    const res = await call(server, "GET", `/v1/models/${fakerIds[0]}`, "m");
    expect(res.body.model.id).toBe(fakerIds[0]);
  });

  it("answers 404 in TAMS's shape for an unknown id, 400 for a non-number", async () => {
    expect((await call(server, "GET", "/v1/models/123", "m")).body).toEqual({
      code: 5,
      message: "model 123 not found",
    });
    expect((await call(server, "GET", "/v1/models/abc", "m")).status).toBe(400);
  });
});

describe("ControlNet detect", () => {
  it("canny returns an edge map of the uploaded image, usable as a resource", async () => {
    const sharp = await loadSharp();
    // Left half black, right half white: one vertical edge in the middle.
    const img = await sharp({ create: { width: 64, height: 64, channels: 3, background: "#000" } })
      .composite([{ input: await png(32, 64, "#fff"), left: 32, top: 0 }])
      .png()
      .toBuffer();
    const id = await upload(server, "cn", img);
    const res = await call(server, "POST", "/v1/controlnet/detect", "cn", {
      controlnetModule: "canny",
      resourceId: id,
    });
    expect(res.status).toBe(200);
    expect(res.body.result.meta.image).toEqual({ format: "png", width: 64, height: 64 });
    const file = await server.fetch(new URL(res.body.result.url).pathname);
    const raw = await sharp(Buffer.from(await file.arrayBuffer()))
      .greyscale()
      .raw()
      .toBuffer();
    expect(raw[10 * 64 + 5]).toBe(0); // flat black area: no edge
    expect(Math.max(raw[10 * 64 + 31]!, raw[10 * 64 + 32]!)).toBe(255); // the edge
    const next = await call(server, "POST", "/v1/img2prompt", "cn", { resourceId: res.body.result.id });
    expect(next.status).toBe(200);
  });

  it.each(["depth_midas", "openpose"])("%s returns a map at the image's size", async (module) => {
    const id = await upload(server, "cn", await png(80, 48));
    const res = await call(server, "POST", "/v1/controlnet/detect", "cn", {
      controlnetModule: module,
      resourceId: id,
    });
    const file = await server.fetch(new URL(res.body.result.url).pathname);
    expect(await imageInfo(Buffer.from(await file.arrayBuffer()))).toMatchObject({ width: 80, height: 48 });
  });

  it("refuses an unknown module (400 naming it) and an unknown resource (404)", async () => {
    const id = await upload(server, "cn", await png());
    const bad = await call(server, "POST", "/v1/controlnet/detect", "cn", {
      controlnetModule: "telepathy",
      resourceId: id,
    });
    expect(bad.body.details[0].field).toBe("controlnetModule");
    const missing = await call(server, "POST", "/v1/controlnet/detect", "cn", {
      controlnetModule: "canny",
      resourceId: "nope",
    });
    expect(missing.status).toBe(404);
    const empty = await call(server, "POST", "/v1/controlnet/detect", "cn", { controlnetModule: "canny" });
    expect(empty.body.details[0].field).toBe("resourceId");
  });
});

describe("img2prompt", () => {
  it("derives the same tags from the same image, different ones from a different image", async () => {
    const blue = await upload(server, "i2p", await png(200, 100, "#2040d0"));
    const again = await upload(server, "i2p", await png(200, 100, "#2040d0"));
    const red = await upload(server, "i2p", await png(100, 200, "#d02020"));
    const tags = async (id: string) =>
      (await call(server, "POST", "/v1/img2prompt", "i2p", { resourceId: id })).body.prompts;
    expect(await tags(blue)).toEqual(await tags(again));
    expect((await tags(blue))[0]).toContain("landscape");
    expect((await tags(blue))[0]).toContain("blue");
    expect((await tags(red))[0]).toContain("portrait");
  });

  it("answers a sentence with tagger=llm", async () => {
    const id = await upload(server, "i2p", await png(200, 100, "#2040d0"));
    const res = await call(server, "POST", "/v1/img2prompt", "i2p", { resourceId: id, tagger: "llm" });
    expect(res.body.prompts).toHaveLength(1);
    expect(res.body.prompts[0]).toMatch(/^A .+\.$/);
    expect(res.body.prompts[0]).toContain("blue");
  });
});
