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

/** Caption text made safe for the SVG (control characters included): one function for every provider. */
const xmlEscape = xmlText;

const XMP_NS = "https://github.com/imagegen-emulators/ns/1.0/";

/** An XMP packet holding `params` as JSON, readable with {@link readImageParams}. */
function xmpPacket(params: Record<string, unknown>): string {
  return (
    `<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">` +
    `<rdf:Description rdf:about="" xmlns:ie="${XMP_NS}"><ie:params>${xmlEscape(jsonForXml(params))}</ie:params>` +
    `</rdf:Description></rdf:RDF></x:xmpmeta>`
  );
}

/** Wraps text to lines of at most `max` characters, and at most `lines` lines. */
function wrap(text: string, max: number, lines: number): string[] {
  const out: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const next = line ? `${line} ${word}` : word;
    if (next.length > max && line) {
      out.push(line);
      line = word.slice(0, max);
    } else line = next.slice(0, max);
    if (out.length === lines) break;
  }
  if (line && out.length < lines) out.push(line);
  return out;
}

const hsl = (h: number, s: number, l: number) => `hsl(${Math.round(h)},${Math.round(s)}%,${Math.round(l)}%)`;

/** The SVG layer of a placeholder: a seeded gradient and shapes, and the caption. */
function placeholderSvg(spec: PlaceholderSpec, backgroundOpacity: number): string {
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
  const fs = Math.max(8, Math.round(Math.min(w, h) / 22));
  const lineH = Math.round(fs * 1.3);
  const maxChars = Math.max(8, Math.floor(w / (fs * 0.58)) - 2);
  const promptLines = wrap(spec.prompt || "(no prompt)", maxChars, 4);
  const meta = [`${w}×${h} · seed ${spec.seed}`, `job ${spec.jobId}`];
  if (spec.label) meta.push(spec.label);
  const all = [...promptLines.map((t) => ({ t, bold: true })), ...meta.map((t) => ({ t, bold: false }))];
  const panelH = all.length * lineH + fs;
  const y0 = h - panelH;
  const texts = all
    .map(
      (l, i) =>
        `<text x="${Math.round(fs * 0.6)}" y="${y0 + fs * 0.5 + (i + 1) * lineH - Math.round(lineH * 0.25)}"${
          l.bold ? ' font-weight="bold"' : ""
        }>${xmlEscape(l.t)}</text>`,
    )
    .join("");
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}">` +
    `<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${c1}"/>` +
    `<stop offset="1" stop-color="${c2}"/></linearGradient></defs>` +
    `<g opacity="${backgroundOpacity.toFixed(2)}"><rect width="${w}" height="${h}" fill="url(#g)"/>${shapes.join("")}</g>` +
    `<rect x="0" y="${y0}" width="${w}" height="${panelH}" fill="#000" opacity="0.55"/>` +
    `<g font-family="DejaVu Sans, Verdana, sans-serif" font-size="${fs}" fill="#fff">${texts}</g></svg>`
  );
}

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
  return {
    ...spec.params,
    width: spec.width,
    height: spec.height,
    format: spec.format,
    seed: spec.seed,
    prompt: spec.prompt,
    jobId: spec.jobId,
    derivedFromSource: spec.source !== undefined,
  };
}

/**
 * Renders a placeholder at exactly `width × height` in `format`.
 * @example
 * const png = await renderPlaceholder({ width: 512, height: 512, format: "png", seed: 42, prompt: "a cat", jobId: "j1" });
 */
export async function renderPlaceholder(spec: PlaceholderSpec): Promise<Buffer> {
  const sharp = await loadSharp();
  const weight = spec.source ? Math.min(1, Math.max(0, spec.sourceWeight ?? 0.6)) : 0;
  const svg = Buffer.from(placeholderSvg(spec, 1 - weight * 0.85));
  // Without a source the SVG fills the canvas itself: rendering it directly skips a composite
  // (about half the render time of a 512×512 PNG).
  const img = spec.source
    ? sharp(
        await sharp(spec.source).resize(spec.width, spec.height, { fit: "cover" }).removeAlpha().toBuffer(),
      )
        .composite([{ input: svg, top: 0, left: 0 }])
        .withXmp(xmpPacket(placeholderParams(spec)))
    : sharp(svg)
        .removeAlpha()
        .withXmp(xmpPacket(placeholderParams(spec)));
  return encode(img, spec.format).toBuffer();
}

/** Reads back the parameters a generated image carries, or `undefined`. */
export async function readImageParams(image: Buffer): Promise<Record<string, unknown> | undefined> {
  const sharp = await loadSharp();
  const { xmp } = await sharp(image).metadata();
  const text = xmp?.toString("utf8");
  const m = text?.match(/<ie:params>([\s\S]*?)<\/ie:params>/);
  if (!m) return undefined;
  const json = m[1]!
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
  return JSON.parse(json) as Record<string, unknown>;
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
  return encode(sharp(image), format).toBuffer();
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
  return encode(sharp(image).resize(width, height, { fit: "fill", kernel: "lanczos3" }), format).toBuffer();
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
  return sharp(image)
    .ensureAlpha()
    .composite([{ input: mask, blend: "dest-in" }])
    .png({ compressionLevel: 3 })
    .toBuffer();
}

/** An edge map (Laplacian convolution on greyscale): ControlNet's canny preprocessor, near enough. */
export async function edgeMap(image: Buffer, format: ImageFormat = "png"): Promise<Buffer> {
  const sharp = await loadSharp();
  // sharp runs its pipeline in a fixed order (colourspace last), so the greyscale is made first,
  // then convolved as a one-band raw image.
  const grey = await sharp(image).removeAlpha().greyscale().raw().toBuffer({ resolveWithObject: true });
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
  return encode(sharp(image).greyscale().blur(sigma).normalise(), format).toBuffer();
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
  const alpha = await sharp(mask)
    .resize(width, height, { fit: "fill" })
    .greyscale()
    .extractChannel(0)
    .raw()
    .toBuffer();
  const painted = await sharp(
    await sharp(overlay).resize(width, height, { fit: "fill" }).removeAlpha().toBuffer(),
  )
    .joinChannel(alpha, { raw: { width, height, channels: 1 } })
    .png()
    .toBuffer();
  return encode(sharp(base).composite([{ input: painted }]), format).toBuffer();
}

/** Blends `layer` over `base` at `opacity` (a control image showing through a result). */
export async function blendImages(
  base: Buffer,
  layer: Buffer,
  opacity: number,
  format: ImageFormat = "png",
): Promise<Buffer> {
  const sharp = await loadSharp();
  const { width = 1, height = 1 } = await sharp(base).metadata();
  const a = Math.round(Math.min(1, Math.max(0, opacity)) * 255);
  const alpha = Buffer.alloc(width * height, a);
  const top = await sharp(await sharp(layer).resize(width, height, { fit: "fill" }).removeAlpha().toBuffer())
    .joinChannel(alpha, { raw: { width, height, channels: 1 } })
    .png()
    .toBuffer();
  // Keep the base's metadata (the placeholder's parameters) on the result.
  return encode(
    sharp(base)
      .composite([{ input: top }])
      .keepXmp(),
    format,
  ).toBuffer();
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
