import { createHash } from "node:crypto";
import sharp from "sharp";
import { afterEach, describe, expect, it } from "vitest";
import { estimateAithriving } from "../../credits/index.js";
import { readImageParams } from "../core/images.js";
import type { EmulatorServer } from "../core/server.js";
import {
  aithrivingServer,
  describeBase64,
  diffByRegion,
  makeImage,
  makeMask,
  maskRect,
  send,
} from "./test-support.js";

let server: EmulatorServer;
afterEach(async () => {
  await server?.close();
});

/** The balance of a key, read through the control plane as a user would. */
async function balanceOf(key = "test-key"): Promise<number> {
  const res = await server.fetch(`/__emulator/tenants/${encodeURIComponent(key)}`);
  return ((await res.json()) as { balance: number }).balance;
}

/** A short digest of a base64 image, so a failing comparison prints two hashes, not megabytes. */
const digest = (b64: string) => createHash("sha256").update(b64).digest("hex").slice(0, 16);

const t2i = { prompt: "a lighthouse at dusk", width: 512, height: 768 };

describe("basic textToImage", () => {
  it("answers code 0 with a base64 PNG of the asked size and the seed", async () => {
    server = aithrivingServer();
    const res = await send(server, { path: "/api/generate/basic/textToImage", json: { ...t2i, seed: 42 } });
    expect(res.status).toBe(200);
    const body = (await res.json()) as {
      code: number;
      message: string;
      data: { image: string; seed: number };
    };
    expect(body.code).toBe(0);
    expect(body.message).toBe("success");
    expect(body.data.seed).toBe(42);
    const img = await describeBase64(body.data.image);
    expect(img).toMatchObject({ format: "png", width: 512, height: 768 });
    const params = await readImageParams(img.bytes);
    expect(params).toMatchObject({ prompt: "a lighthouse at dusk", seed: 42, steps: 30, cfg_scale: 7 });
  });

  it("gives the same image for the same seed and inputs, and another for another seed", async () => {
    server = aithrivingServer();
    const one = async (seed: number) => {
      const res = await send(server, { path: "/api/generate/basic/textToImage", json: { ...t2i, seed } });
      return digest(((await res.json()) as { data: { image: string } }).data.image);
    };
    const a = await one(7);
    expect(await one(7)).toBe(a);
    expect(await one(8)).not.toBe(a);
  });

  it("picks a random seed for 0 or no seed, reports it, and that seed replays the image", async () => {
    server = aithrivingServer();
    const r1 = (await (
      await send(server, { path: "/api/generate/basic/textToImage", json: t2i })
    ).json()) as { data: { image: string; seed: number } };
    const r2 = (await (
      await send(server, { path: "/api/generate/basic/textToImage", json: { ...t2i, seed: 0 } })
    ).json()) as { data: { image: string; seed: number } };
    expect(r1.data.seed).toBeGreaterThan(0);
    expect(r2.data.seed).toBeGreaterThan(0);
    expect(r1.data.seed).not.toBe(r2.data.seed);
    const replay = (await (
      await send(server, { path: "/api/generate/basic/textToImage", json: { ...t2i, seed: r1.data.seed } })
    ).json()) as { data: { image: string } };
    expect(digest(replay.data.image)).toBe(digest(r1.data.image));
  });

  it("charges CEIL(steps/5)/5: 0.4 at 10 steps, 1.2 by default, 2 at 50", async () => {
    server = aithrivingServer({ keys: { payer: 100 } });
    for (const [steps, cost] of [
      [10, 0.4],
      [undefined, 1.2],
      [50, 2],
    ] as const) {
      const before = await balanceOf("payer");
      const res = await send(server, {
        path: "/api/generate/basic/textToImage",
        key: "payer",
        json: { ...t2i, width: 320, height: 320, ...(steps ? { steps } : {}) },
      });
      expect(((await res.json()) as { code: number }).code).toBe(0);
      expect(before - (await balanceOf("payer"))).toBeCloseTo(cost, 10);
      expect(cost).toBe(estimateAithriving("basic/textToImage", steps ? { steps } : {}).total);
    }
  });
});

describe("auth", () => {
  it("takes the raw key, tolerates Bearer, and keys are separate tenants", async () => {
    server = aithrivingServer({ keys: { raw: 10, other: 10 } });
    await send(server, { path: "/api/generate/ultra", key: "raw", json: { prompt: "x" } });
    expect(await balanceOf("raw")).toBe(10);
    await send(server, { path: "/api/generate/core", key: "raw", json: { prompt: "x" } });
    expect(await balanceOf("raw")).toBe(4);
    await send(server, { path: "/api/generate/core", key: "Bearer other", json: { prompt: "x" } });
    expect(await balanceOf("other")).toBe(4);
  });

  it("regression: the key in the Authentication header (the doc's header table) was not read", async () => {
    server = aithrivingServer({ keys: { "table-key": 10 } });
    const res = await server.fetch("/aithriving/api/generate/core", {
      method: "POST",
      headers: { authentication: "table-key", "content-type": "application/json" },
      body: JSON.stringify({ prompt: "x" }),
    });
    expect(await res.json()).toMatchObject({ code: 0 });
    expect(await balanceOf("table-key")).toBe(4);
  });

  it("refuses a request without a key in AIThriving's envelope (HTTP 200, code -1)", async () => {
    server = aithrivingServer();
    const res = await send(server, { path: "/api/generate/basic/textToImage", key: null, json: t2i });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      code: -1,
      message: expect.stringMatching(/Authorization/),
      data: null,
    });
  });

  it("refuses an unknown key in strict mode", async () => {
    server = aithrivingServer({ strictKeys: true, keys: { known: 50 } });
    const res = await send(server, { path: "/api/generate/basic/textToImage", key: "stranger", json: t2i });
    expect(await res.json()).toMatchObject({ code: -1, message: expect.stringMatching(/invalid API key/) });
    const ok = await send(server, { path: "/api/generate/basic/textToImage", key: "known", json: t2i });
    expect(((await ok.json()) as { code: number }).code).toBe(0);
  });
});

describe("bad input: code -1 naming the field, nothing charged", () => {
  const cases: [string, string, Record<string, unknown>, RegExp][] = [
    ["basic t2i", "/api/generate/basic/textToImage", { ...t2i, prompt: undefined }, /prompt is required/],
    ["basic t2i", "/api/generate/basic/textToImage", { ...t2i, prompt: "  " }, /prompt/],
    ["basic t2i", "/api/generate/basic/textToImage", { ...t2i, prompt: 5 }, /prompt must be a string/],
    ["basic t2i", "/api/generate/basic/textToImage", { ...t2i, width: undefined }, /width is required/],
    ["basic t2i", "/api/generate/basic/textToImage", { ...t2i, height: undefined }, /height is required/],
    ["basic t2i", "/api/generate/basic/textToImage", { ...t2i, width: 256 }, /width must be >= 320/],
    ["basic t2i", "/api/generate/basic/textToImage", { ...t2i, width: 1600 }, /width must be <= 1536/],
    [
      "basic t2i",
      "/api/generate/basic/textToImage",
      { ...t2i, height: 520 },
      /height must be a multiple of 64/,
    ],
    ["basic t2i", "/api/generate/basic/textToImage", { ...t2i, height: "512" }, /height must be a number/],
    ["basic t2i", "/api/generate/basic/textToImage", { ...t2i, cfg_scale: -1 }, /cfg_scale must be >= 0/],
    ["basic t2i", "/api/generate/basic/textToImage", { ...t2i, cfg_scale: 35.5 }, /cfg_scale must be <= 35/],
    ["basic t2i", "/api/generate/basic/textToImage", { ...t2i, steps: 9 }, /steps must be >= 10/],
    ["basic t2i", "/api/generate/basic/textToImage", { ...t2i, steps: 51 }, /steps must be <= 50/],
    ["basic t2i", "/api/generate/basic/textToImage", { ...t2i, steps: 20.5 }, /steps must be an integer/],
    ["basic t2i", "/api/generate/basic/textToImage", { ...t2i, seed: -1 }, /seed must be >= 0/],
    [
      "basic t2i",
      "/api/generate/basic/textToImage",
      { ...t2i, seed: 4294967295 },
      /seed must be <= 4294967294/,
    ],
    ["basic t2i", "/api/generate/basic/textToImage", { ...t2i, seed: 1.5 }, /seed must be an integer/],
    ["basic t2i", "/api/generate/basic/textToImage", { ...t2i, sampler: "EULER" }, /sampler must be one of/],
    [
      "basic t2i",
      "/api/generate/basic/textToImage",
      { ...t2i, clip_guidance_preset: "FAST" },
      /clip_guidance_preset must be one of/,
    ],
    [
      "basic t2i",
      "/api/generate/basic/textToImage",
      { ...t2i, style_preset: "Anime" },
      /style_preset must be one of/,
    ],
    ["sd3", "/api/generate/sd3/textToImage", { prompt: "x", model: "sd4" }, /model must be one of/],
    [
      "sd3",
      "/api/generate/sd3/textToImage",
      { prompt: "x", aspect_ratio: "4:3" },
      /aspect_ratio must be one of/,
    ],
    [
      "sd3",
      "/api/generate/sd3/textToImage",
      { prompt: "x", output_format: "gif" },
      /output_format must be one of/,
    ],
    ["sd3", "/api/generate/sd3/textToImage", { model: "sd3-large" }, /prompt is required/],
    ["sdv3", "/api/generate/sdv3/textToImage", { prompt: "x", seed: "12" }, /seed must be a number/],
    ["ultra", "/api/generate/ultra", { prompt: "x", aspect_ratio: "1:2" }, /aspect_ratio must be one of/],
    ["ultra", "/api/generate/ultra", { prompt: "x", negative_prompt: 3 }, /negative_prompt must be a string/],
    ["core", "/api/generate/core", { prompt: "x", style_preset: "none" }, /style_preset must be one of/],
    ["core", "/api/generate/core", { prompt: "" }, /prompt/],
  ];
  it.each(cases)("%s %s %j → %s", async (_name, path, json, message) => {
    server = aithrivingServer({ keys: { k: 100 } });
    const res = await send(server, { path, key: "k", json });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { code: number; message: string; data: unknown };
    expect(body).toEqual({ code: -1, message: expect.stringMatching(message), data: null });
    expect(await balanceOf("k")).toBe(100);
  });

  it("names every bad field at once", async () => {
    server = aithrivingServer();
    const res = await send(server, {
      path: "/api/generate/basic/textToImage",
      json: { ...t2i, steps: 5, cfg_scale: 99 },
    });
    const { message } = (await res.json()) as { message: string };
    expect(message).toMatch(/steps/);
    expect(message).toMatch(/cfg_scale/);
  });

  it("refuses a body that is not JSON, or not an object", async () => {
    server = aithrivingServer();
    for (const text of ["{not json", "[1,2]", "null"]) {
      const res = await send(server, { path: "/api/generate/ultra", text });
      expect(await res.json()).toMatchObject({ code: -1, message: expect.stringMatching(/JSON/) });
    }
  });
});

describe("basic imageToImage", () => {
  it("uses the init image's size when width and height are left out, rounded to 64 in range", async () => {
    server = aithrivingServer();
    const res = await send(server, {
      path: "/api/generate/basic/imageToImage",
      form: { prompt: "black hair" },
      files: { init_image: await makeImage(700, 300) },
    });
    const body = (await res.json()) as { code: number; data: { image: string } };
    expect(body.code).toBe(0);
    expect(await describeBase64(body.data.image)).toMatchObject({ width: 704, height: 320 });
  });

  it("starts from the init image: a stronger image_strength keeps more of it", async () => {
    server = aithrivingServer();
    const init = await makeImage(320, 320);
    const run = async (strength: string) => {
      const res = await send(server, {
        path: "/api/generate/basic/imageToImage",
        form: { prompt: "p", image_strength: strength, seed: "1" },
        files: { init_image: init },
      });
      return (await describeBase64(((await res.json()) as { data: { image: string } }).data.image)).bytes;
    };
    const whole = { left: 0, top: 0, right: 320, bottom: 320 };
    const near = await diffByRegion(await run("0.9"), init, whole);
    const far = await diffByRegion(await run("0.1"), init, whole);
    const meanDelta = async (img: Buffer) => {
      const a = await sharp(img).removeAlpha().raw().toBuffer();
      const b = await sharp(init).removeAlpha().raw().toBuffer();
      let sum = 0;
      for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
      return sum / a.length;
    };
    expect(near.inside).toBeGreaterThan(0);
    expect(far.inside).toBeGreaterThan(0);
    expect(await meanDelta(await run("0.9"))).toBeLessThan(await meanDelta(await run("0.1")));
  });

  it.each([
    [{ prompt: "p" }, {}, /init_image is required/],
    [{ prompt: "p", init_image: "data:image/png;base64,AAAA" }, {}, /init_image must be a file/],
    [{ prompt: "p" }, { init_image: Buffer.from("not an image") }, /init_image is not a usable image/],
    [{ prompt: "p", width: "500" }, "image", /width must be a multiple of 64/],
    [{ prompt: "p", width: "wide" }, "image", /width must be a number/],
    [{ prompt: "p", image_strength: "1.5" }, "image", /image_strength must be <= 1/],
    [{ prompt: "p", image_strength: "-0.1" }, "image", /image_strength must be >= 0/],
    [{ prompt: "p", steps: "60" }, "image", /steps must be <= 50/],
    [{ image_strength: "0.3" }, "image", /prompt is required/],
  ] as const)("%j %j → %s, nothing charged", async (form, files, message) => {
    server = aithrivingServer({ keys: { k: 50 } });
    const res = await send(server, {
      path: "/api/generate/basic/imageToImage",
      key: "k",
      form: form as Record<string, string>,
      files:
        files === "image" ? { init_image: await makeImage(320, 320) } : (files as Record<string, Buffer>),
    });
    expect(await res.json()).toEqual({ code: -1, message: expect.stringMatching(message), data: null });
    expect(await balanceOf("k")).toBe(50);
  });

  it("refuses a JSON body: the endpoint takes multipart", async () => {
    server = aithrivingServer();
    const res = await send(server, { path: "/api/generate/basic/imageToImage", json: { prompt: "p" } });
    expect(await res.json()).toMatchObject({ code: -1, message: expect.stringMatching(/multipart/) });
  });
});

describe("sd3, ultra, core", () => {
  it("answers the aspect ratio's size in the asked format, on both sd3 spellings", async () => {
    server = aithrivingServer();
    for (const path of ["/api/generate/sd3/textToImage", "/api/generate/sdv3/textToImage"]) {
      const res = await send(server, {
        path,
        json: { prompt: "fox", aspect_ratio: "21:9", output_format: "jpeg" },
      });
      const body = (await res.json()) as { code: number; data: { image: string } };
      expect(body.code).toBe(0);
      expect(await describeBase64(body.data.image)).toMatchObject({
        format: "jpeg",
        width: 1536,
        height: 640,
      });
    }
  });

  it("also takes form data, reading numbers from text", async () => {
    server = aithrivingServer();
    const res = await send(server, {
      path: "/api/generate/core",
      form: { prompt: "fox", aspect_ratio: "9:16", seed: "77", output_format: "webp" },
    });
    const body = (await res.json()) as { code: number; data: { image: string; seed: number } };
    expect(body.code).toBe(0);
    expect(body.data.seed).toBe(77);
    expect(await describeBase64(body.data.image)).toMatchObject({ format: "webp", width: 768, height: 1344 });
  });

  it("defaults to 1:1 PNG", async () => {
    server = aithrivingServer();
    const res = await send(server, { path: "/api/generate/ultra", json: { prompt: "fox" } });
    const body = (await res.json()) as { data: { image: string } };
    expect(await describeBase64(body.data.image)).toMatchObject({ format: "png", width: 1024, height: 1024 });
  });
});

describe("edit erase and inpaint", () => {
  for (const path of ["/api/edit/erase", "/api/edit/inpaint"]) {
    it(`${path} changes only the masked region`, async () => {
      server = aithrivingServer();
      const image = await makeImage(256, 192);
      const res = await send(server, {
        path,
        form: { prompt: "a red hat", seed: "3" },
        files: { image, mask: await makeMask(256, 192) },
      });
      const body = (await res.json()) as { code: number; data: { image: string; seed: number } };
      expect(body.code).toBe(0);
      const out = await describeBase64(body.data.image);
      expect(out).toMatchObject({ format: "png", width: 256, height: 192 });
      const diff = await diffByRegion(out.bytes, image, maskRect(256, 192));
      expect(diff.outside).toBe(0);
      // Most of the masked region is new.
      const area = (256 / 2) * (192 / 2);
      expect(diff.inside).toBeGreaterThan(area * 0.8);
    });

    it(`${path} refuses a mask of another size, nothing charged`, async () => {
      server = aithrivingServer({ keys: { k: 50 } });
      const res = await send(server, {
        path,
        key: "k",
        form: { prompt: "a red hat" },
        files: { image: await makeImage(256, 192), mask: await makeMask(192, 256) },
      });
      expect(await res.json()).toEqual({
        code: -1,
        message: "mask must have the same dimensions as image: image is 256×192, mask is 192×256",
        data: null,
      });
      expect(await balanceOf("k")).toBe(50);
    });

    it(`${path} requires image and mask, and checks output_format`, async () => {
      server = aithrivingServer();
      const image = await makeImage(64, 64);
      const noMask = await send(server, { path, form: { prompt: "p" }, files: { image } });
      expect(await noMask.json()).toMatchObject({ code: -1, message: "mask is required (a file)" });
      const noImage = await send(server, { path, form: { prompt: "p" }, files: { mask: image } });
      expect(await noImage.json()).toMatchObject({ code: -1, message: "image is required (a file)" });
      const badFormat = await send(server, {
        path,
        form: { prompt: "p", output_format: "bmp" },
        files: { image, mask: image },
      });
      expect(await badFormat.json()).toMatchObject({
        code: -1,
        message: expect.stringMatching(/output_format/),
      });
    });
  }

  it("inpaint requires a prompt; erase does not", async () => {
    server = aithrivingServer();
    const files = { image: await makeImage(64, 64), mask: await makeMask(64, 64) };
    const inpaint = await send(server, { path: "/api/edit/inpaint", form: {}, files });
    expect(await inpaint.json()).toMatchObject({ code: -1, message: "prompt is required" });
    const erase = await send(server, { path: "/api/edit/erase", form: {}, files });
    expect(((await erase.json()) as { code: number }).code).toBe(0);
  });

  it("inpaint is deterministic for a seed", async () => {
    server = aithrivingServer();
    const files = { image: await makeImage(96, 96), mask: await makeMask(96, 96) };
    const run = async (seed: string) =>
      digest(
        (
          (await (
            await send(server, { path: "/api/edit/inpaint", form: { prompt: "hat", seed }, files })
          ).json()) as {
            data: { image: string };
          }
        ).data.image,
      );
    expect(await run("5")).toBe(await run("5"));
    expect(await run("5")).not.toBe(await run("6"));
  });
});

describe("credits and failures", () => {
  it("refuses a short balance in AIThriving's shape and takes nothing", async () => {
    server = aithrivingServer({ keys: { poor: 10 } });
    const res = await send(server, { path: "/api/generate/ultra", key: "poor", json: { prompt: "x" } });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      code: -1,
      message: "Insufficient credits: this request needs 16 credits, the balance is 10",
      data: null,
    });
    expect(await balanceOf("poor")).toBe(10);
  });

  it("does not charge a failed result (magic word emu:fail)", async () => {
    server = aithrivingServer({ keys: { k: 20 } });
    const res = await send(server, { path: "/api/generate/ultra", key: "k", json: { prompt: "x emu:fail" } });
    expect(await res.json()).toEqual({
      code: -1,
      message: expect.stringMatching(/failed on purpose/),
      data: null,
    });
    expect(await balanceOf("k")).toBe(20);
  });

  it("a hung generation answers a timeout failure after ten emulated minutes, uncharged", async () => {
    server = aithrivingServer({ clock: { mode: "manual" }, keys: { k: 20 } });
    let settled = false;
    const pending = send(server, {
      path: "/api/generate/core",
      key: "k",
      json: { prompt: "x emu:hang" },
    }).then((r) => {
      settled = true;
      return r;
    });
    await new Promise((r) => setTimeout(r, 50));
    server.clock.advance(9 * 60 * 1000);
    await new Promise((r) => setTimeout(r, 20));
    expect(settled).toBe(false);
    server.clock.advance(60 * 1000);
    const body = (await (await pending).json()) as { code: number; message: string };
    expect(body).toMatchObject({ code: -1, message: "Generation timed out" });
    expect(await balanceOf("k")).toBe(20);
  });

  it("answers only when the emulated work is done (manual clock)", async () => {
    server = aithrivingServer({ clock: { mode: "manual" } });
    let settled = false;
    const pending = send(server, { path: "/api/generate/ultra", json: { prompt: "x" } }).then((r) => {
      settled = true;
      return r;
    });
    await new Promise((r) => setTimeout(r, 50));
    expect(settled).toBe(false);
    server.clock.advance(9_999);
    await new Promise((r) => setTimeout(r, 20));
    expect(settled).toBe(false);
    server.clock.advance(1);
    expect(((await (await pending).json()) as { code: number }).code).toBe(0);
  });

  it("answers an unknown route and an injected fault in its envelope", async () => {
    server = aithrivingServer();
    const missing = await send(server, { path: "/api/generate/nope", json: {} });
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ code: -1, data: null });
    const fault = await send(server, { path: "/api/generate/ultra", json: { prompt: "emu:error-503" } });
    expect(fault.status).toBe(503);
    expect(await fault.json()).toMatchObject({ code: -1, data: null });
  });
});
