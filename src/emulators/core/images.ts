/**
 * Real image files: deterministic placeholders and operations on inputs, all done with sharp.
 *
 * sharp is imported on the first image, not at start-up (it is most of the emulator's start-up
 * cost otherwise). Every function is deterministic: the same arguments give byte-identical output.
 * Each generated image carries its parameters as XMP, which {@link readImageParams} reads back.
 */
import type { Sharp, SharpOptions } from "sharp";
import { jsonForXml, xmlText } from "./xml-text.js";

/** Output formats the emulators produce. */
export type ImageFormat = "png" | "jpeg" | "webp";

/** Content type of an image format. */
export const CONTENT_TYPES: Record<ImageFormat | "gif", string> = {
  png: "image/png",
  jpeg: "image/jpeg",
  webp: "image/webp",
  gif: "image/gif",
};

type SharpFactory = (input?: Buffer | SharpOptions, options?: SharpOptions) => Sharp;
let sharpModule: Promise<SharpFactory> | undefined;

/** The sharp factory, imported on first use. */
export function loadSharp(): Promise<SharpFactory> {
  sharpModule ??= import("sharp").then((m) => {
    // One render at a time per image keeps a 2-core machine responsive; libvips threads do the rest.
    m.default.cache(false);
    return m.default as unknown as SharpFactory;
  });
  return sharpModule;
}

/** What a placeholder shows and records. */
export interface PlaceholderSpec {
  width: number;
  height: number;
  format: ImageFormat;
  seed: number | string;
  prompt: string;
  /** The job (or task) the image belongs to; shown on the image. */
  jobId: string;
  /** Extra line, e.g. the provider and model. */
  label?: string;
  /** Parameters written into the XMP metadata (JSON). The spec's own fields are added. */
  params?: Record<string, unknown>;
  /** An input image the result derives from (img2img, ControlNet). */
  source?: Buffer;
  /** 0..1: how much of the source shows through (1 = the source alone, under the text). */
  sourceWeight?: number;
  /**
   * A control map (ControlNet's edges, depth or pose) blended over the picture at `opacity`, under
   * the caption, so the caption stays readable.
   */
  control?: { image: Buffer; opacity: number };
  /** `false`: no caption (inpainting draws it inside the masked region instead). Default true. */
  caption?: boolean;
}

/** A small seeded PRNG (mulberry32) over a string hash, so colours follow the seed. */
export function seededRandom(seed: string): () => number {
  let h = 1779033703 ^ seed.length;
  for (let i = 0; i < seed.length; i++) {
    h = Math.imul(h ^ seed.charCodeAt(i), 3432918353);
    h = (h << 13) | (h >>> 19);
  }
  let a = h >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const XMP_NS = "https://github.com/imagegen-emulators/ns/1.0/";

/** An XMP packet holding `params` as JSON, readable with {@link readImageParams}. */
function xmpPacket(params: Record<string, unknown>): string {
  return (
    `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">` +
    `<rdf:Description rdf:about="" xmlns:ie="${XMP_NS}"><ie:params>${xmlText(jsonForXml(params))}</ie:params>` +
    `</rdf:Description></rdf:RDF></x:xmpmeta>`
  );
}

/**
 * Approximate advance of a character in ems, in DejaVu Sans (the caption's font): wide for CJK,
 * Hangul, full-width forms and emoji, a little wider for capitals. Errs wide, so lines fit.
 */
function charEm(c: number): number {
  if (
    (c >= 0x1100 && c <= 0x115f) ||
    (c >= 0x2e80 && c <= 0xa4cf) ||
    (c >= 0xac00 && c <= 0xd7a3) ||
    (c >= 0xf900 && c <= 0xfaff) ||
    (c >= 0xfe30 && c <= 0xfe4f) ||
    (c >= 0xff00 && c <= 0xff60) ||
    (c >= 0xffe0 && c <= 0xffe6) ||
    c >= 0x1f000
  )
    return 1.05;
  if (c === 0x20) return 0.32;
  // W, M and m are the widest Latin letters (bold W is just over 1 em), then w.
  if (c === 0x57) return 1.0;
  if (c === 0x4d || c === 0x6d) return 0.98;
  if (c === 0x77) return 0.84;
  if ((c >= 0x41 && c <= 0x5a) || c === 0xd7) return 0.8;
  return 0.66;
}

const widthEm = (text: string) => {
  let w = 0;
  for (const ch of text) w += charEm(ch.codePointAt(0)!);
  return w;
};

/**
 * Wraps text to lines at most `maxEm` wide and at most `maxLines` lines; a word wider than a line
 * (a long seed, an id, a URL) is broken where it must be. Text beyond the last line ends in `…`.
 */
function wrap(text: string, maxEm: number, maxLines: number): string[] {
  const lines: string[] = [];
  let line = "";
  let truncated = false;
  const push = () => {
    if (lines.length < maxLines) lines.push(line);
    else truncated = true;
    line = "";
  };
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const joined = line ? `${line} ${word}` : word;
    if (widthEm(joined) <= maxEm) {
      line = joined;
      continue;
    }
    if (widthEm(word) <= maxEm) {
      push();
      line = word;
      continue;
    }
    // Wider than a line (a long seed, an id, a URL): broken by characters, from this line on.
    if (line) line += " ";
    for (const ch of word) {
      if (line.trim() && widthEm(line + ch) > maxEm) push();
      line += ch;
    }
  }
  if (line) push();
  if (truncated && lines.length > 0) {
    let last = lines[lines.length - 1]!;
    while (last && widthEm(`${last}…`) > maxEm) last = [...last].slice(0, -1).join("");
    lines[lines.length - 1] = `${last}…`;
  }
  return lines;
}

/** Where the caption goes and what it says. */
interface CaptionLayout {
  fontSize: number;
  lineHeight: number;
  left: number;
  /** The band's top edge; the band runs to the bottom of the image. */
  top: number;
  lines: { text: string; bold: boolean }[];
}

/** Bold glyphs are about this much wider than regular ones. */
const BOLD = 1.1;
/** The size, seed, job and label lines are this much smaller than the prompt's. */
const META_SCALE = 0.85;

/**
 * Lays the caption out within `area` (the whole image unless told): the prompt (bold, up to 4
 * lines), then the size and seed, the job id and the label, each wrapped (up to 2 lines each), as
 * many lines as fit.
 */
function captionLayout(spec: PlaceholderSpec, area: { width: number; height: number } = spec): CaptionLayout {
  const { width: w, height: h } = area;
  const fontSize = Math.max(8, Math.round(Math.min(w, h) / 22));
  const lineHeight = Math.round(fontSize * 1.3);
  const left = Math.round(fontSize * 0.6);
  const maxEm = Math.max(1, (w - 2 * left) / fontSize);
  const prompt = spec.prompt.trim() || "(no prompt)";
  const meta = [
    `${spec.width}×${spec.height} · seed ${spec.seed}`,
    `job ${spec.jobId}`,
    ...(spec.label ? [spec.label] : []),
  ];
  const all = [
    ...wrap(prompt, maxEm / BOLD, 4).map((text) => ({ text, bold: true })),
    ...meta.flatMap((m) => wrap(m, maxEm / META_SCALE, 2)).map((text) => ({ text, bold: false })),
  ];
  const fit = Math.max(1, Math.floor((h - fontSize) / lineHeight));
  const lines = all.slice(0, fit);
  const height = lines.reduce(
    (sum, l) => sum + (l.bold ? lineHeight : Math.round(lineHeight * META_SCALE)),
    fontSize,
  );
  return { fontSize, lineHeight, left, top: h - height, lines };
}

const hsl = (h: number, s: number, l: number) => `hsl(${Math.round(h)},${Math.round(s)}%,${Math.round(l)}%)`;

/** The SVG elements of a placeholder's background: a seeded gradient and shapes. */
function backgroundSvg(spec: PlaceholderSpec, opacity: number): string {
  const { width: w, height: h } = spec;
  const rand = seededRandom(`${spec.seed}|${spec.prompt}|${w}x${h}`);
  const hue = rand() * 360;
  const c1 = hsl(hue, 55 + rand() * 30, 35 + rand() * 20);
  const c2 = hsl((hue + 90 + rand() * 120) % 360, 55 + rand() * 30, 45 + rand() * 20);
  const shapes: string[] = [];
  for (let i = 0; i < 6; i++) {
    const r = (0.05 + rand() * 0.2) * Math.min(w, h);
    shapes.push(
      `<circle cx="${Math.round(rand() * w)}" cy="${Math.round(rand() * h)}" r="${Math.round(r)}" fill="${hsl(
        (hue + rand() * 180) % 360,
        70,
        60,
      )}" opacity="${(0.2 + rand() * 0.3).toFixed(2)}"/>`,
    );
  }
  return (
    `<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${c1}"/>` +
    `<stop offset="1" stop-color="${c2}"/></linearGradient></defs>` +
    `<g opacity="${opacity.toFixed(2)}"><rect width="${w}" height="${h}" fill="url(#g)"/>${shapes.join("")}</g>`
  );
}

/** The SVG elements of the caption: a dark band at `bandOpacity` and the lines on it. */
function captionSvg(layout: CaptionLayout, width: number, height: number, bandOpacity: number): string {
  const { fontSize: fs, lineHeight, left, top } = layout;
  let y = top + Math.round(fs * 0.5);
  const texts = layout.lines
    .map((l) => {
      const lineH = l.bold ? lineHeight : Math.round(lineHeight * META_SCALE);
      y += lineH;
      const attrs = l.bold ? ' font-weight="bold"' : ` font-size="${Math.round(fs * META_SCALE * 10) / 10}"`;
      return `<text x="${left}" y="${y - Math.round(lineH * 0.25)}"${attrs}>${xmlText(l.text)}</text>`;
    })
    .join("");
  return (
    `<rect x="0" y="${top}" width="${width}" height="${height - top}" fill="#000" opacity="${bandOpacity}"/>` +
    `<g font-family="DejaVu Sans, Verdana, sans-serif" font-size="${fs}" fill="#fff">${texts}</g>`
  );
}

const svgDocument = (width: number, height: number, body: string) =>
  Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">${body}</svg>`);

/** Encodes in `format` with settings chosen for speed (these are placeholders, not art). */
function encode(img: Sharp, format: ImageFormat | "gif"): Sharp {
  switch (format) {
    case "png":
      return img.png({ compressionLevel: 3, adaptiveFiltering: false });
    case "jpeg":
      return img.jpeg({ quality: 85 });
    case "webp":
      return img.webp({ quality: 80, effort: 1 });
    case "gif":
      return img.gif();
  }
}

/** The parameters recorded in a placeholder's metadata. */
export function placeholderParams(spec: PlaceholderSpec): Record<string, unknown> {
  const { top } = captionLayout(spec);
  return {
    ...spec.params,
    width: spec.width,
    height: spec.height,
    format: spec.format,
    seed: spec.seed,
    prompt: spec.prompt,
    jobId: spec.jobId,
    derivedFromSource: spec.source !== undefined || spec.control !== undefined,
    // Where the caption band is, so a later derivation can hide it (see withoutCaption).
    captionBand: { top, height: spec.height - top },
  };
}

/** Caption band opacity over a picture of its own, and over a derived one (opaque enough that
 * nothing under it competes with the text). */
const BAND_OPACITY = { plain: 0.55, derived: 0.85 };

/**
 * Renders a placeholder at exactly `width × height` in `format`. With a `source` (img2img), the
 * source shows through, any caption an earlier emulator image carried blurred away; a `control`
 * map is blended over it; one caption is drawn last, on top of everything.
 * @example
 * const png = await renderPlaceholder({ width: 512, height: 512, format: "png", seed: 42, prompt: "a cat", jobId: "j1" });
 */
export async function renderPlaceholder(spec: PlaceholderSpec): Promise<Buffer> {
  const sharp = await loadSharp();
  const { width: w, height: h } = spec;
  const weight = spec.source ? Math.min(1, Math.max(0, spec.sourceWeight ?? 0.6)) : 0;
  const derived = spec.source !== undefined || spec.control !== undefined;
  const background = backgroundSvg(spec, 1 - weight * 0.85);
  const caption =
    spec.caption === false
      ? ""
      : captionSvg(captionLayout(spec), w, h, derived ? BAND_OPACITY.derived : BAND_OPACITY.plain);
  const xmp = xmpPacket(placeholderParams(spec));
  // Without a source or control the SVG fills the canvas itself: rendering it directly skips the
  // composites (about half the render time of a 512×512 PNG).
  if (!derived)
    return encode(
      sharp(svgDocument(w, h, background + caption))
        .removeAlpha()
        .withXmp(xmp),
      spec.format,
    ).toBuffer();
  // The source is carried unencoded (raw) between steps: no encode and decode in the middle.
  const sized = spec.source
    ? await (await captionFreeSharp(spec.source))
        .resize(w, h, { fit: "cover" })
        .removeAlpha()
        .raw()
        .toBuffer({ resolveWithObject: true })
    : undefined;
  const base = sized
    ? sharp(sized.data, { raw: sized.info })
    : sharp(svgDocument(w, h, background)).removeAlpha();
  const layers = [
    ...(spec.source ? [{ input: svgDocument(w, h, background) }] : []),
    ...(spec.control ? [{ input: await translucent(spec.control.image, w, h, spec.control.opacity) }] : []),
    ...(caption ? [{ input: svgDocument(w, h, caption) }] : []),
  ];
  return encode(base.composite(layers).withXmp(xmp), spec.format).toBuffer();
}

/**
 * What stands in for an input image whose bytes the upload budget (`--max-upload-mb`) dropped after
 * a job took it: a placeholder of its size that says so, so the job's render goes on (never a 500).
 */
export function droppedUploadImage(name: string, width = 512, height = 512): Promise<Buffer> {
  return renderPlaceholder({
    width,
    height,
    format: "png",
    seed: name,
    prompt: `${name}: its bytes were dropped to stay within --max-upload-mb`,
    jobId: "source",
  });
}

/** `layer` at `width × height` with a uniform alpha of `opacity` (0..1), as PNG. */
async function translucent(layer: Buffer, width: number, height: number, opacity: number): Promise<Buffer> {
  const sharp = await loadSharp();
  const alpha = Buffer.alloc(width * height, Math.round(Math.min(1, Math.max(0, opacity)) * 255));
  return sharp(await sharp(layer).resize(width, height, { fit: "fill" }).removeAlpha().toBuffer())
    .joinChannel(alpha, { raw: { width, height, channels: 1 } })
    .png()
    .toBuffer();
}

/** The parameters in an XMP packet, or `undefined`. */
function paramsOfXmp(xmp: Buffer | undefined): Record<string, unknown> | undefined {
  const m = xmp?.toString("utf8").match(/<ie:params>([\s\S]*?)<\/ie:params>/);
  if (!m) return undefined;
  const json = m[1]!
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
  try {
    return JSON.parse(json) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

/** Reads back the parameters a generated image carries, or `undefined`. */
export async function readImageParams(image: Buffer): Promise<Record<string, unknown> | undefined> {
  const sharp = await loadSharp();
  return paramsOfXmp((await sharp(image).metadata()).xmp);
}

/**
 * The parameters a derived image carries: those of the image it came from, with the size and
 * format of the new file (so the metadata always names the real format), the caption band scaled
 * to the new height, and `extra`. `undefined` when the input carried none.
 */
function derivedParams(
  from: Record<string, unknown> | undefined,
  out: { width: number; height: number; format: ImageFormat },
  extra: Record<string, unknown> = {},
): Record<string, unknown> | undefined {
  if (!from) return undefined;
  const band = from.captionBand as { top: number; height: number } | undefined;
  const scale = typeof from.height === "number" && from.height > 0 ? out.height / from.height : 1;
  return {
    ...from,
    width: out.width,
    height: out.height,
    format: out.format,
    ...(band
      ? {
          captionBand: {
            top: Math.round(band.top * scale),
            height: out.height - Math.round(band.top * scale),
          },
        }
      : {}),
    ...extra,
  };
}

/** Encodes, writing `params` (when there are any) as the XMP packet. */
function encodeWith(img: Sharp, format: ImageFormat, params: Record<string, unknown> | undefined): Sharp {
  return encode(params ? img.withXmp(xmpPacket(params)) : img, format);
}

/**
 * The image with the caption an emulator image carries (found through its metadata) blurred
 * beyond reading, so a result derived from it shows one caption: its own. Any other image comes
 * back as it is.
 */
export async function withoutCaption(image: Buffer): Promise<Buffer> {
  const cleaned = await captionFree(image);
  return cleaned ? cleaned.withXmp(xmpPacket(cleaned.params)).png({ compressionLevel: 1 }).toBuffer() : image;
}

/** A sharp pipeline over `image` with its caption hidden (see {@link withoutCaption}). */
async function captionFreeSharp(image: Buffer): Promise<Sharp> {
  const sharp = await loadSharp();
  return (await captionFree(image)) ?? sharp(image);
}

/**
 * `image` with its caption band blurred, as an unencoded pipeline (so callers go on without an
 * encode and decode), or `undefined` when it carries no caption band.
 */
async function captionFree(
  image: Buffer,
): Promise<(Sharp & { params: Record<string, unknown> }) | undefined> {
  const sharp = await loadSharp();
  const meta = await sharp(image).metadata();
  const params = paramsOfXmp(meta.xmp);
  const band = params?.captionBand as
    | { top: number; height: number; left?: number; width?: number }
    | undefined;
  const { width = 0, height = 0 } = meta;
  if (!band || typeof params?.height !== "number" || typeof params.width !== "number" || !width || !height)
    return undefined;
  // The band in this file's pixels (a result may have been resized since), with a small margin.
  const sx = width / params.width;
  const sy = height / params.height;
  const clamp = (v: number, max: number) => Math.max(0, Math.min(max, v));
  const top = clamp(Math.floor(band.top * sy) - 2, height - 1);
  const left = clamp(Math.floor((band.left ?? 0) * sx) - 2, width - 1);
  const bandHeight = clamp(Math.ceil((band.top + band.height) * sy) + 2, height) - top;
  const bandWidth =
    clamp(Math.ceil(((band.left ?? 0) + (band.width ?? params.width)) * sx) + 2, width) - left;
  if (bandHeight < 1 || bandWidth < 1) return undefined;
  const blurred = await sharp(image)
    .extract({ left, top, width: bandWidth, height: bandHeight })
    .removeAlpha()
    .blur(Math.max(4, Math.min(bandHeight, bandWidth) / 3))
    .raw()
    .toBuffer({ resolveWithObject: true });
  const { data, info } = await sharp(image)
    .removeAlpha()
    .composite([{ input: blurred.data, raw: blurred.info, top, left }])
    .raw()
    .toBuffer({ resolveWithObject: true });
  return Object.assign(sharp(data, { raw: info }), { params });
}

/** Size and format of an image. */
export interface ImageInfo {
  format: string;
  width: number;
  height: number;
  hasAlpha: boolean;
  bytes: number;
}

/** Why an upload is not an acceptable image. */
export type ImageRejection =
  | { reason: "not-an-image"; message: string }
  | { reason: "too-many-pixels"; message: string }
  | { reason: "too-large"; message: string };

/** Limits for {@link validateImage}. */
export interface ImageLimits {
  maxBytes: number;
  /** Decompression-bomb guard: width × height above this is refused before decoding. */
  maxPixels: number;
}

/** Default limits: 20 MiB and 40 megapixels (a 6324×6324 image). */
export const DEFAULT_IMAGE_LIMITS: ImageLimits = { maxBytes: 20 * 1024 * 1024, maxPixels: 40_000_000 };

/**
 * Checks that bytes are a decodable image within limits.
 * Returns its info, or why it was refused.
 */
export async function validateImage(
  bytes: Uint8Array,
  limits: ImageLimits = DEFAULT_IMAGE_LIMITS,
): Promise<{ ok: true; info: ImageInfo } | { ok: false; rejection: ImageRejection }> {
  if (bytes.byteLength === 0)
    return { ok: false, rejection: { reason: "not-an-image", message: "the file is empty" } };
  if (bytes.byteLength > limits.maxBytes) {
    return {
      ok: false,
      rejection: {
        reason: "too-large",
        message: `the file is ${bytes.byteLength} bytes; the limit is ${limits.maxBytes}`,
      },
    };
  }
  const sharp = await loadSharp();
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  try {
    const meta = await sharp(buf, { limitInputPixels: false }).metadata();
    const { width = 0, height = 0, format } = meta;
    if (!format || !width || !height) throw new Error("no image header");
    if (width * height > limits.maxPixels) {
      return {
        ok: false,
        rejection: {
          reason: "too-many-pixels",
          message: `the image is ${width}×${height} (${width * height} pixels); the limit is ${limits.maxPixels} pixels`,
        },
      };
    }
    // Decode for real (cheaply, shrink-on-load) so a truncated or corrupt body is caught now.
    await sharp(buf, { limitInputPixels: limits.maxPixels, failOn: "error" }).resize(8, 8).raw().toBuffer();
    return {
      ok: true,
      info: { format, width, height, hasAlpha: meta.hasAlpha ?? false, bytes: bytes.byteLength },
    };
  } catch {
    return { ok: false, rejection: { reason: "not-an-image", message: "the file is not a readable image" } };
  }
}

/** Info about an image (throws on a non-image). */
export async function imageInfo(image: Buffer): Promise<ImageInfo> {
  const sharp = await loadSharp();
  const m = await sharp(image).metadata();
  return {
    format: m.format ?? "unknown",
    width: m.width ?? 0,
    height: m.height ?? 0,
    hasAlpha: m.hasAlpha ?? false,
    bytes: image.byteLength,
  };
}

/** Converts to another format, size unchanged. */
export async function convertImage(image: Buffer, format: ImageFormat): Promise<Buffer> {
  const sharp = await loadSharp();
  const { width = 0, height = 0, xmp } = await sharp(image).metadata();
  return encodeWith(
    sharp(image),
    format,
    derivedParams(paramsOfXmp(xmp), { width, height, format }),
  ).toBuffer();
}

/**
 * Resizes to exactly `width × height` (upscaling uses Lanczos, like an upscaler would, minus the AI).
 */
export async function resizeImage(
  image: Buffer,
  width: number,
  height: number,
  format: ImageFormat = "png",
): Promise<Buffer> {
  const sharp = await loadSharp();
  const params = derivedParams(paramsOfXmp((await sharp(image).metadata()).xmp), { width, height, format });
  return encodeWith(
    sharp(image).resize(width, height, { fit: "fill", kernel: "lanczos3" }),
    format,
    params,
  ).toBuffer();
}

/**
 * A cut-out: the subject (an ellipse filling the middle, as a stand-in for segmentation) kept with
 * full alpha, everything else transparent. Always PNG, since JPEG has no alpha.
 */
export async function cutoutImage(image: Buffer): Promise<Buffer> {
  const sharp = await loadSharp();
  const { width = 1, height = 1 } = await sharp(image).metadata();
  const mask = Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><ellipse cx="${width / 2}" cy="${
      height / 2
    }" rx="${width * 0.36}" ry="${height * 0.44}" fill="#fff"/></svg>`,
  );
  const params = derivedParams(paramsOfXmp((await sharp(image).metadata()).xmp), {
    width,
    height,
    format: "png",
  });
  return encodeWith(
    sharp(image)
      .ensureAlpha()
      .composite([{ input: mask, blend: "dest-in" }]),
    "png",
    params,
  ).toBuffer();
}

/** An edge map (Laplacian convolution on greyscale): ControlNet's canny preprocessor, near enough. */
export async function edgeMap(image: Buffer, format: ImageFormat = "png"): Promise<Buffer> {
  const sharp = await loadSharp();
  // sharp runs its pipeline in a fixed order (colourspace last), so the greyscale is made first,
  // then convolved as a one-band raw image.
  // The emulator's own caption is not content: it leaves no edges.
  const grey = await (await captionFreeSharp(image))
    .removeAlpha()
    .greyscale()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const { width, height } = grey.info;
  const conv = await sharp(grey.data, { raw: { width, height, channels: 1 } })
    // The kernel sums to 0, so the scale must be given (sharp's default scale is the kernel's sum).
    .convolve({ width: 3, height: 3, kernel: [-1, -1, -1, -1, 8, -1, -1, -1, -1], scale: 1 })
    .extractChannel(0)
    .raw()
    .toBuffer();
  const edges = sharp(conv, { raw: { width, height, channels: 1 } }).threshold(40);
  return encode(edges, format).toBuffer();
}

/** A depth-like map: heavily blurred, normalised greyscale (near is bright). */
export async function depthMap(image: Buffer, format: ImageFormat = "png"): Promise<Buffer> {
  const sharp = await loadSharp();
  const { width = 64, height = 64 } = await sharp(image).metadata();
  const sigma = Math.max(2, Math.min(width, height) / 40);
  return encode((await captionFreeSharp(image)).greyscale().blur(sigma).normalise(), format).toBuffer();
}

/** An OpenPose-style skeleton on black, placed by the seed (no pose is detected). */
export async function poseMap(width: number, height: number, seed: string, format: ImageFormat = "png") {
  const sharp = await loadSharp();
  const rand = seededRandom(seed);
  const cx = width * (0.4 + rand() * 0.2);
  const s = Math.min(width, height) / 8;
  const top = height * 0.15;
  const p = {
    head: [cx, top],
    neck: [cx, top + s],
    lh: [cx - s * 1.2, top + s * 2.4],
    rh: [cx + s * 1.2, top + s * (1.8 + rand())],
    hip: [cx, top + s * 3.2],
    lf: [cx - s * 0.8, top + s * 5.4],
    rf: [cx + s * 0.8, top + s * 5.4],
  };
  const line = (a: number[], b: number[], c: string) =>
    `<line x1="${a[0]}" y1="${a[1]}" x2="${b[0]}" y2="${b[1]}" stroke="${c}" stroke-width="${Math.max(2, s / 6)}"/>`;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="#000"/>${[
    line(p.head, p.neck, "#f00"),
    line(p.neck, p.lh, "#fa0"),
    line(p.neck, p.rh, "#0f0"),
    line(p.neck, p.hip, "#0af"),
    line(p.hip, p.lf, "#00f"),
    line(p.hip, p.rf, "#f0f"),
  ].join("")}<circle cx="${p.head[0]}" cy="${p.head[1]}" r="${s / 3}" fill="#f00"/></svg>`;
  return encode(sharp(Buffer.from(svg)), format).toBuffer();
}

/**
 * Paints `overlay` onto `base` only where `mask` is white (inpainting / erasing). All three must be
 * the same size; the caller checks and answers the provider's error otherwise.
 */
export async function maskedComposite(
  base: Buffer,
  overlay: Buffer,
  mask: Buffer,
  format: ImageFormat = "png",
): Promise<Buffer> {
  const sharp = await loadSharp();
  const { width = 1, height = 1 } = await sharp(base).metadata();
  const alpha = await maskAlpha(mask, width, height);
  // The result is the base with a region redrawn (an erase, a face fix): it carries the base's
  // parameters, else the overlay's. (An inpaint of a prompt is inpaintPlaceholder's.)
  const from =
    paramsOfXmp((await sharp(base).metadata()).xmp) ?? paramsOfXmp((await sharp(overlay).metadata()).xmp);
  const params = derivedParams(from, { width, height, format }, { derivedFromSource: true });
  return paintThrough(base, overlay, alpha, format, params);
}

/** A mask at `width × height` as one byte per pixel (white = 255 = paint here). */
async function maskAlpha(mask: Buffer, width: number, height: number): Promise<Buffer> {
  const sharp = await loadSharp();
  return sharp(mask).resize(width, height, { fit: "fill" }).greyscale().extractChannel(0).raw().toBuffer();
}

/** `overlay` painted onto `base` through `alpha`, encoded with `params`. */
async function paintThrough(
  base: Buffer,
  overlay: Buffer,
  alpha: Buffer,
  format: ImageFormat,
  params: Record<string, unknown> | undefined,
): Promise<Buffer> {
  const sharp = await loadSharp();
  const { width = 1, height = 1 } = await sharp(base).metadata();
  const painted = await sharp(
    await sharp(overlay).resize(width, height, { fit: "fill" }).removeAlpha().toBuffer(),
  )
    .joinChannel(alpha, { raw: { width, height, channels: 1 } })
    .png()
    .toBuffer();
  return encodeWith(sharp(base).composite([{ input: painted }]), format, params).toBuffer();
}

/** The bounding box of a mask's painted (over half white) pixels, or `undefined` if none. */
function boundsOf(alpha: Buffer, width: number, height: number) {
  let left = width;
  let top = height;
  let right = -1;
  let bottom = -1;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      if (alpha[row + x]! < 128) continue;
      if (x < left) left = x;
      if (x > right) right = x;
      if (y < top) top = y;
      bottom = y;
    }
  }
  return right < 0 ? undefined : { left, top, width: right - left + 1, height: bottom - top + 1 };
}

/**
 * Inpainting: a placeholder of `spec` painted onto `base` only where `mask` is white; every other
 * pixel of `base` is kept. The caption goes inside the masked region (the bottom of its bounding
 * box, as wide as it), so it is the one caption readable there and nothing outside changes. The
 * result has `base`'s size (`spec.width`/`height` are ignored) and `spec.format`.
 * @example const out = await inpaintPlaceholder(photo, mask, { width: 0, height: 0, format: "png", seed: 1, prompt: "a hat", jobId: "j" });
 */
export async function inpaintPlaceholder(base: Buffer, mask: Buffer, spec: PlaceholderSpec): Promise<Buffer> {
  const sharp = await loadSharp();
  const { width = 1, height = 1 } = await sharp(base).metadata();
  const full = { ...spec, width, height };
  const alpha = await maskAlpha(mask, width, height);
  const box = boundsOf(alpha, width, height);
  let overlay = await renderPlaceholder({ ...full, format: "png", caption: false });
  let captionBand: Record<string, number> | undefined;
  if (box) {
    const layout = captionLayout(full, box);
    const svg = svgDocument(
      box.width,
      box.height,
      captionSvg(layout, box.width, box.height, BAND_OPACITY.derived),
    );
    overlay = await sharp(overlay)
      .composite([{ input: svg, left: box.left, top: box.top }])
      .png({ compressionLevel: 1 })
      .toBuffer();
    captionBand = {
      top: box.top + layout.top,
      height: box.height - layout.top,
      left: box.left,
      width: box.width,
    };
  }
  const params = {
    ...placeholderParams({ ...full, format: spec.format }),
    derivedFromSource: true,
    ...(captionBand ? { captionBand } : {}),
  };
  return paintThrough(base, overlay, alpha, spec.format, params);
}

/**
 * An animated placeholder (the stand-in for a video): `frames` frames of the placeholder with a
 * moving bar, as an animated WebP or GIF.
 */
export async function animatedPlaceholder(
  spec: Omit<PlaceholderSpec, "format">,
  frames: number,
  format: "webp" | "gif" = "webp",
  delayMs = 100,
): Promise<Buffer> {
  const sharp = await loadSharp();
  const still = await renderPlaceholder({ ...spec, format: "png" });
  const n = Math.max(2, Math.min(frames, 48));
  const barW = Math.max(4, Math.round(spec.width / 16));
  const layers: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    const x = Math.round(((spec.width - barW) * i) / (n - 1));
    const bar = Buffer.from(
      `<svg xmlns="http://www.w3.org/2000/svg" width="${spec.width}" height="${spec.height}"><rect x="${x}" y="0" width="${barW}" height="${spec.height}" fill="#fff" opacity="0.5"/></svg>`,
    );
    layers.push(
      await sharp(still)
        .composite([{ input: bar }])
        .png({ compressionLevel: 1 })
        .toBuffer(),
    );
  }
  const joined = sharp(layers as unknown as Buffer, { join: { animated: true } } as SharpOptions);
  const withMeta = joined.withXmp(
    xmpPacket({ ...placeholderParams({ ...spec, format: "png" }), format, frames: n, animated: true }),
  );
  return format === "gif"
    ? withMeta.gif({ delay: Array(n).fill(delayMs), loop: 0 }).toBuffer()
    : withMeta.webp({ delay: Array(n).fill(delayMs), loop: 0, effort: 1 }).toBuffer();
}
