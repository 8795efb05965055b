import sharp from "sharp";
import { describe, expect, it } from "vitest";
import {
  animatedPlaceholder,
  cutoutImage,
  edgeMap,
  maskedComposite,
  readImageParams,
  renderPlaceholder,
  resizeImage,
  validateImage,
} from "./images.js";

const spec = { width: 320, height: 200, seed: 42, prompt: "a red fox in snow", jobId: "job-1" };

describe("placeholders", () => {
  it.each(["png", "jpeg", "webp"] as const)("renders %s at the exact size", async (format) => {
    const img = await renderPlaceholder({ ...spec, format });
    const meta = await sharp(img).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual([format, 320, 200]);
  });

  it("is byte-identical for the same spec, and differs with the seed", async () => {
    const a = await renderPlaceholder({ ...spec, format: "png" });
    const b = await renderPlaceholder({ ...spec, format: "png" });
    const c = await renderPlaceholder({ ...spec, format: "png", seed: 43 });
    expect(a.equals(b)).toBe(true);
    expect(a.equals(c)).toBe(false);
  });

  it("carries its parameters in metadata a test can read back", async () => {
    const img = await renderPlaceholder({ ...spec, format: "jpeg", params: { model: 'm<&>"1' } });
    expect(await readImageParams(img)).toEqual({
      model: 'm<&>"1',
      width: 320,
      height: 200,
      format: "jpeg",
      seed: 42,
      prompt: "a red fox in snow",
      jobId: "job-1",
      derivedFromSource: false,
    });
  });

  it("derives from a source image: the source's colour shows through", async () => {
    const red = await sharp({ create: { width: 100, height: 100, channels: 3, background: "#ff0000" } })
      .png()
      .toBuffer();
    const img = await renderPlaceholder({ ...spec, format: "png", source: red, sourceWeight: 1 });
    const { dominant } = await sharp(img).extract({ left: 0, top: 0, width: 320, height: 60 }).stats();
    expect(dominant.r).toBeGreaterThan(150);
    expect(dominant.g).toBeLessThan(100);
  });

  it("animates: several frames at the exact size", async () => {
    const webp = await animatedPlaceholder(spec, 6, "webp");
    const meta = await sharp(webp, { animated: true }).metadata();
    expect(meta.pages).toBe(6);
    expect([meta.width, meta.pageHeight]).toEqual([320, 200]);
  });
});

describe("operations on inputs", () => {
  it("resizes to the exact size", async () => {
    const img = await renderPlaceholder({ ...spec, format: "png" });
    const big = await resizeImage(img, 640, 400, "jpeg");
    const meta = await sharp(big).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(["jpeg", 640, 400]);
  });

  it("cuts out with alpha: corners transparent, centre opaque", async () => {
    const img = await renderPlaceholder({ ...spec, format: "jpeg" });
    const { data, info } = await sharp(await cutoutImage(img))
      .raw()
      .toBuffer({ resolveWithObject: true });
    expect(info.channels).toBe(4);
    expect(data[3]).toBe(0);
    expect(data[(100 * 320 + 160) * 4 + 3]).toBe(255);
  });

  it("makes an edge map: a flat image has no edges, a square has some", async () => {
    const flat = await sharp({ create: { width: 64, height: 64, channels: 3, background: "#888" } })
      .png()
      .toBuffer();
    const square = await sharp(flat)
      .composite([
        {
          input: Buffer.from(
            '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><rect x="16" y="16" width="32" height="32" fill="#fff"/></svg>',
          ),
        },
      ])
      .png()
      .toBuffer();
    const mean = async (b: Buffer) => (await sharp(await edgeMap(b)).stats()).channels[0]!.mean;
    expect(await mean(flat)).toBe(0);
    expect(await mean(square)).toBeGreaterThan(5);
  });

  it("changes only the masked region", async () => {
    const base = await sharp({ create: { width: 64, height: 64, channels: 3, background: "#000" } })
      .png()
      .toBuffer();
    const over = await sharp({ create: { width: 64, height: 64, channels: 3, background: "#fff" } })
      .png()
      .toBuffer();
    const mask = await sharp({ create: { width: 64, height: 64, channels: 3, background: "#000" } })
      .composite([
        {
          input: Buffer.from(
            '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="64"><rect x="0" y="0" width="32" height="64" fill="#fff"/></svg>',
          ),
        },
      ])
      .png()
      .toBuffer();
    const { data, info } = await sharp(await maskedComposite(base, over, mask))
      .raw()
      .toBuffer({ resolveWithObject: true });
    expect(data[(10 * 64 + 5) * info.channels]).toBe(255); // inside the mask: painted
    expect(data[(10 * 64 + 50) * info.channels]).toBe(0); // outside: untouched
  });
});

describe("validateImage", () => {
  it("accepts an image and reports its size", async () => {
    const png = await renderPlaceholder({ ...spec, format: "png" });
    expect(await validateImage(png)).toMatchObject({
      ok: true,
      info: { format: "png", width: 320, height: 200 },
    });
  });

  it("refuses non-images, empty, oversized and too many pixels", async () => {
    const png = await renderPlaceholder({ ...spec, format: "png" });
    expect(await validateImage(Buffer.from("GIF89a nope"))).toMatchObject({
      ok: false,
      rejection: { reason: "not-an-image" },
    });
    expect(await validateImage(Buffer.alloc(0))).toMatchObject({
      ok: false,
      rejection: { reason: "not-an-image" },
    });
    expect(await validateImage(png, { maxBytes: 10, maxPixels: 1e9 })).toMatchObject({
      ok: false,
      rejection: { reason: "too-large" },
    });
    expect(await validateImage(png, { maxBytes: 1e9, maxPixels: 1000 })).toMatchObject({
      ok: false,
      rejection: { reason: "too-many-pixels" },
    });
    expect(await validateImage(png.subarray(0, png.length / 2))).toMatchObject({ ok: false });
  });
});
