/**
 * Promised sizes: a padded image is exactly the promised size, decodes to the same pixels and
 * keeps its metadata; an image over its promise is re-encoded to fit; the first render records.
 */
import { describe, expect, it } from "vitest";
import { type ImageFormat, loadSharp, readImageParams, renderPlaceholder, seededRandom } from "./images.js";
import { fitImage, keepPromise, MIN_PADDING, padImage, promisedSize, sizeBound } from "./promised-size.js";

const FORMATS: ImageFormat[] = ["png", "jpeg", "webp"];
const pixels = async (bytes: Buffer) => {
  const sharp = await loadSharp();
  return sharp(bytes).raw().toBuffer({ resolveWithObject: true });
};
const placeholder = (format: ImageFormat, width = 96, height = 64) =>
  renderPlaceholder({ width, height, format, seed: 3, prompt: "a padded fox", jobId: "j1" });

describe("padImage", () => {
  it.each(
    FORMATS,
  )("%s: exactly the size asked, the same pixels and metadata, for small and large gaps", async (format) => {
    const bytes = await placeholder(format);
    const before = await pixels(bytes);
    for (const gap of [MIN_PADDING[format], MIN_PADDING[format] + 2, 1000, 65_540, 200_002]) {
      const padded = padImage(bytes, format, bytes.length + gap);
      expect(padded?.length, `gap ${gap}`).toBe(bytes.length + gap);
      const after = await pixels(padded!);
      expect(after.info).toEqual(before.info);
      expect(after.data.equals(before.data)).toBe(true);
      expect(await readImageParams(padded!)).toMatchObject({ prompt: "a padded fox", format });
    }
  });

  it("refuses what it cannot hit: a smaller size, a gap under the smallest block, an odd WebP gap", async () => {
    for (const format of FORMATS) {
      const bytes = await placeholder(format);
      expect(padImage(bytes, format, bytes.length - 1)).toBeUndefined();
      expect(padImage(bytes, format, bytes.length + 1)).toBeUndefined();
      expect(padImage(bytes, format, bytes.length)).toBe(bytes);
    }
    const webp = await placeholder("webp");
    expect(padImage(webp, "webp", webp.length + 9)).toBeUndefined();
  });
});

describe("fitImage", () => {
  it.each(
    FORMATS,
  )("%s: an image over its promise is re-encoded smaller, same size and metadata", async (format) => {
    const sharp = await loadSharp();
    // Noise: the worst case for every encoder, far over the bound's rate.
    const rand = seededRandom("noise");
    const noise = Buffer.from(Array.from({ length: 256 * 256 * 3 }, () => Math.floor(rand() * 256)));
    const img = sharp(noise, { raw: { width: 256, height: 256, channels: 3 } }).withXmp(
      '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"><rdf:Description rdf:about="" xmlns:ie="https://github.com/imagegen-emulators/ns/1.0/"><ie:params>{"prompt":"noise"}</ie:params></rdf:Description></rdf:RDF></x:xmpmeta>',
    );
    const bytes = await (format === "png"
      ? img.png()
      : format === "jpeg"
        ? img.jpeg({ quality: 100 })
        : img.webp({ quality: 100 })
    ).toBuffer();
    const promise = sizeBound(256, 256, format);
    expect(bytes.length).toBeGreaterThan(promise);
    const fitted = await fitImage(bytes, format, promise);
    expect(fitted?.length).toBe(promise);
    const meta = await sharp(fitted!).metadata();
    expect([meta.width, meta.height, meta.format === "heif" ? "" : meta.format]).toEqual([256, 256, format]);
    expect(await readImageParams(fitted!)).toEqual({ prompt: "noise" });
  });
});

describe("promisedSize and keepPromise", () => {
  it("the first render records the natural size; a promise made first is kept by the render", async () => {
    const bytes = await placeholder("png");
    const rendered: { size?: number } = {};
    expect(await keepPromise(rendered, bytes, "png")).toBe(bytes);
    expect(promisedSize(rendered, () => 1)).toBe(bytes.length);

    const listed: { size?: number } = {};
    const promise = promisedSize(listed, () => sizeBound(96, 64, "png", 12));
    expect(promise).toBeGreaterThan(bytes.length);
    expect((await keepPromise(listed, bytes, "png")).length).toBe(promise);
    // Rendered again (the cache let it go): the same bytes.
    expect((await keepPromise(listed, bytes, "png")).equals(await keepPromise(listed, bytes, "png"))).toBe(
      true,
    );
  });

  it.each(
    FORMATS,
  )("%s: placeholders from 64 to 2048 pixels a side fit their bound without re-encoding", async (format) => {
    for (const [w, h] of [
      [64, 64],
      [2048, 64],
      [2048, 255],
      [2048, 256],
      [1024, 300],
      [256, 2048],
      [512, 512],
      [1536, 640],
    ] as const) {
      // Wide capitals over four caption lines: the most text pixels a caption draws.
      const prompt = "Wide WWW MMM mmm ".repeat(40);
      const bytes = await renderPlaceholder({
        width: w,
        height: h,
        format,
        seed: 9,
        prompt,
        jobId: "6426f9c60ca4651b98b91a6d",
        label: "DreamShaper · controlnet canny",
        params: { provider: "aitubo", modelId: "6426f9c60ca4651b98b91a6d", steps: 30 },
      });
      expect(bytes.length + MIN_PADDING[format], `${w}×${h}`).toBeLessThanOrEqual(
        sizeBound(w, h, format, Buffer.byteLength(prompt) + 256),
      );
    }
  });
});
