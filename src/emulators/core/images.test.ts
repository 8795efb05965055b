import sharp from "sharp";
import { describe, expect, it } from "vitest";
import {
  animatedPlaceholder,
  convertImage,
  cutoutImage,
  edgeMap,
  inpaintPlaceholder,
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
      captionBand: { top: expect.any(Number), height: expect.any(Number) },
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

describe("images people look at (issue 10)", () => {
  const square = { width: 512, height: 512, seed: 7, jobId: "job-src" };
  const whiteRect = (x: number, y: number, w: number, h: number) =>
    sharp({ create: { width: 512, height: 512, channels: 3, background: "#000" } })
      .composite([
        {
          input: Buffer.from(
            `<svg xmlns="http://www.w3.org/2000/svg" width="512" height="512"><rect x="${x}" y="${y}" width="${w}" height="${h}" fill="#fff"/></svg>`,
          ),
        },
      ])
      .png()
      .toBuffer();

  it("regression: a derived image's metadata named png while the file was another format", async () => {
    const src = await renderPlaceholder({ ...square, format: "png", prompt: "the source" });
    const control = await edgeMap(src);
    const derived: [string, Buffer][] = [
      [
        "control map over a placeholder",
        await renderPlaceholder({ ...spec, format: "webp", control: { image: control, opacity: 0.5 } }),
      ],
      ["img2img", await renderPlaceholder({ ...spec, format: "jpeg", source: src })],
      ["resize", await resizeImage(src, 1024, 768, "webp")],
      ["convert", await convertImage(src, "jpeg")],
      ["cut-out", await cutoutImage(await convertImage(src, "webp"))],
      [
        "masked composite",
        await maskedComposite(
          src,
          await renderPlaceholder({ ...square, format: "png", prompt: "x" }),
          await whiteRect(0, 0, 100, 100),
          "webp",
        ),
      ],
      [
        "inpaint",
        await inpaintPlaceholder(src, await whiteRect(0, 0, 200, 200), { ...spec, format: "jpeg" }),
      ],
    ];
    for (const [name, bytes] of derived) {
      const meta = await sharp(bytes).metadata();
      const params = await readImageParams(bytes);
      expect({ name, format: params?.format, width: params?.width, height: params?.height }).toEqual({
        name,
        format: meta.format,
        width: meta.width,
        height: meta.height,
      });
      if (name !== "resize" && name !== "convert" && name !== "cut-out")
        expect({ name, derived: params?.derivedFromSource }).toEqual({ name, derived: true });
    }
  });

  it("regression: the source's caption showed through under a derived image's caption", async () => {
    // The same picture with and without a caption: a derived image must not tell them apart.
    const captioned = await renderPlaceholder({ ...square, format: "png", prompt: "OLD CAPTION ".repeat(6) });
    const bare = await sharp(captioned).png().toBuffer(); // no metadata: its caption is just pixels
    const plain = await renderPlaceholder({
      ...square,
      format: "png",
      prompt: "OLD CAPTION ".repeat(6),
      caption: false,
    });
    const derive = (source: Buffer) =>
      renderPlaceholder({ ...square, format: "png", prompt: "new", source, sourceWeight: 1 });
    /** Fine detail (text strokes): how far pixels stand from a blur of themselves, in total. */
    const detail = async (img: Buffer) => {
      const grey = await sharp(img).greyscale().raw().toBuffer();
      const soft = await sharp(img).greyscale().blur(3).raw().toBuffer();
      return grey.reduce((sum, v, i) => sum + Math.abs(v - soft[i]!), 0);
    };
    const [fromCaptioned, fromPlain, fromBare] = await Promise.all(
      [captioned, plain, bare].map(async (s) => detail(await derive(s))),
    );
    // Nothing of the old caption's text can be made out (it has no more detail than a source
    // without a caption)...
    expect(fromCaptioned).toBeLessThan(fromPlain * 1.05);
    // ...while a picture without our metadata (a user's own) keeps all its detail.
    expect(fromBare).toBeGreaterThan(fromPlain * 1.3);
    // The same holds for the control maps made from it.
    const edges = async (b: Buffer) => (await sharp(await edgeMap(b)).stats()).channels[0]!.mean;
    expect(await edges(captioned)).toBeLessThan((await edges(plain)) + 1);
  });

  it("regression: a long seed ran off the edge of a 512 px image", async () => {
    const longSeed = "f6886a5c-d592-482f-a493-3e7d25aa0011:0-and-more-characters-to-wrap";
    const rightmostText = async (img: Buffer) => {
      const { data, info } = await sharp(img).raw().toBuffer({ resolveWithObject: true });
      let right = -1;
      for (let y = 0; y < info.height; y++)
        for (let x = 0; x < info.width; x++) {
          const i = (y * info.width + x) * info.channels;
          if (data[i]! > 235 && data[i + 1]! > 235 && data[i + 2]! > 235 && x > right) right = x;
        }
      return right;
    };
    // A background without white, so the only white pixels are the caption's.
    const img = await renderPlaceholder({
      ...square,
      seed: longSeed,
      format: "png",
      prompt: "x ".repeat(3),
      jobId: longSeed,
    });
    expect(await rightmostText(img)).toBeLessThan(512 - 8);
    // The widest letters, in bold (the prompt) and regular (the seed and label), stay inside too.
    const wide = await renderPlaceholder({
      ...square,
      seed: "W".repeat(60),
      format: "png",
      prompt: `${"W".repeat(80)} ${"m".repeat(40)}`,
      label: "M".repeat(60),
    });
    expect(await rightmostText(wide)).toBeLessThan(512);
    const short = await readImageParams(await renderPlaceholder({ ...square, format: "png", prompt: "x" }));
    const long = await readImageParams(img);
    // It wrapped: the caption band is taller than a short seed's.
    expect((long?.captionBand as { top: number }).top).toBeLessThan(
      (short?.captionBand as { top: number }).top,
    );
  });

  it("draws prompts holding control characters and markup (XML-safe caption)", async () => {
    const prompt = 'a\u0000b\u001b[31m <c> & "d" \ud800 \u{1F431}';
    const img = await renderPlaceholder({ ...spec, format: "png", prompt });
    expect((await sharp(img).metadata()).width).toBe(320);
    expect((await readImageParams(img))?.prompt).toBe(prompt);
  });
});
