/**
 * A result's byte size, answered before the result is rendered, and kept true by the render.
 *
 * Some answers name a file's size in bytes (Aitubo's `/api/job/list`, TAMS's
 * `imageExifMetaMap.FileSize`). Rendering every listed image to learn it cost 500–900 ms per list
 * page. Instead each file keeps a size record: its first render records its natural size; a listing
 * that comes first promises an upper bound computed from the width, height and format, and the
 * render then brings its bytes to exactly that size by adding a metadata block every decoder
 * skips (PNG: a private ancillary chunk; JPEG: comment segments; WebP: an unknown RIFF chunk). The
 * pixels and the metadata the image carries are unchanged, so a size a client saw never
 * contradicts the file it downloads. An image that would not fit is re-encoded smaller first (a
 * PNG with fewer palette colours, a JPEG or WebP at a lower quality), which the bound makes
 * practically never needed.
 */
import { crc32 } from "node:zlib";
import { type ImageFormat, loadSharp } from "./images.js";

/** Where a file's size is recorded (a result file's `meta`). */
export interface SizeRecord {
  size?: number;
}

/** Bytes the smallest padding block takes in each format: a size closer than this cannot be hit. */
export const MIN_PADDING: Readonly<Record<ImageFormat, number>> = { png: 12, jpeg: 4, webp: 8 };

/**
 * Bytes per pixel the bound allows. Placeholders measure at most 0.22 (PNG), 0.09 (JPEG) and 0.03
 * (WebP) beyond their headers and metadata, from 512 pixels a side up, with long prompts. A
 * narrower image is more caption, in smaller type (2048×64 measures 0.57 for PNG, 1024×300 0.31):
 * it gets `dense × 256 / its short side` when that is more. Images derived from an input
 * (img2img, ControlNet, upscales) can hold as much detail as the input and get the `dense` rates.
 * Over 64–2048 pixels a side, placeholders measure at most 0.68 of their bound.
 */
const BYTES_PER_PIXEL: Readonly<Record<"plain" | "dense", Readonly<Record<ImageFormat, number>>>> = {
  plain: { png: 0.4, jpeg: 0.12, webp: 0.06 },
  dense: { png: 0.75, jpeg: 0.5, webp: 0.4 },
};
/** Headers, tables and the metadata packet without its text. */
const FIXED_BYTES = 16 * 1024;
/**
 * The metadata packet carries the prompt (and a derived image its source's), JSON- and then
 * XML-escaped: at most 8 bytes per byte of text (a quote becomes `\&quot;`).
 */
const BYTES_PER_TEXT_BYTE = 8;

/**
 * The size promised for an image not rendered yet: `width × height` at a generous rate for its
 * format (higher when `derived` from an input image), plus its headers and metadata (`textBytes`:
 * UTF-8 bytes of the text it carries, the prompt). Even for WebP (RIFF files have even sizes).
 */
export function sizeBound(
  width: number,
  height: number,
  format: ImageFormat,
  textBytes = 0,
  derived = false,
): number {
  const dense = BYTES_PER_PIXEL.dense[format];
  const rate = derived
    ? dense
    : Math.max(BYTES_PER_PIXEL.plain[format], (dense * 256) / Math.max(1, Math.min(width, height)));
  const bound = Math.ceil(width * height * rate) + FIXED_BYTES + textBytes * BYTES_PER_TEXT_BYTE;
  return bound + (bound % 2);
}

/**
 * The size to answer for a file: the one recorded (by its render, or an earlier promise), else a
 * promise of `bound()`, recorded so that the render keeps it.
 */
export function promisedSize(record: SizeRecord, bound: () => number): number {
  record.size ??= bound();
  return record.size;
}

/**
 * After a render: records the natural size if nothing was promised, else returns the bytes brought
 * to the promised size. An image that cannot be brought to it (never seen: see the module's
 * comment) is kept as it is, its real size recorded for every later answer, and `onMiss` hears of it.
 */
export async function keepPromise(
  record: SizeRecord,
  bytes: Buffer,
  format: ImageFormat,
  onMiss?: (problem: string) => void,
): Promise<Buffer> {
  if (record.size === undefined) {
    record.size = bytes.length;
    return bytes;
  }
  if (record.size === bytes.length) return bytes;
  const fitted = await fitImage(bytes, format, record.size);
  if (fitted) return fitted;
  onMiss?.(`a ${bytes.length}-byte ${format} could not be brought to its promised ${record.size} bytes`);
  record.size = bytes.length;
  return bytes;
}

/** Re-encodings tried, in order, when an image is larger than its promise. */
const SMALLER: Readonly<Record<ImageFormat, readonly Record<string, unknown>[]>> = {
  png: [
    { palette: true, colours: 256, compressionLevel: 9 },
    { palette: true, colours: 16, compressionLevel: 9 },
    { palette: true, colours: 2, compressionLevel: 9 },
  ],
  jpeg: [{ quality: 50 }, { quality: 20 }, { quality: 5 }],
  webp: [{ quality: 50 }, { quality: 20 }, { quality: 5 }],
};

/**
 * `bytes` (an image in `format`) at exactly `size` bytes: padded, or re-encoded smaller (keeping
 * its XMP) and then padded; `undefined` if even the smallest encoding does not fit.
 */
export async function fitImage(
  bytes: Buffer,
  format: ImageFormat,
  size: number,
): Promise<Buffer | undefined> {
  const padded = padImage(bytes, format, size);
  if (padded) return padded;
  // Too large, or short of the promise by less than the smallest block: a smaller encoding it is.
  const sharp = await loadSharp();
  for (const options of SMALLER[format]) {
    const img = sharp(bytes).keepXmp();
    const smaller = await (format === "png"
      ? img.png(options)
      : format === "jpeg"
        ? img.jpeg(options)
        : img.webp(options)
    ).toBuffer();
    const fitted = padImage(smaller, format, size);
    if (fitted) return fitted;
  }
  return undefined;
}

/**
 * `bytes` grown to exactly `size` with a block decoders skip, or `undefined` when the gap is
 * negative or smaller than the format's smallest block (see {@link MIN_PADDING}).
 */
export function padImage(bytes: Buffer, format: ImageFormat, size: number): Buffer | undefined {
  const gap = size - bytes.length;
  if (gap === 0) return bytes;
  if (gap < MIN_PADDING[format]) return undefined;
  if (format === "png") return padPng(bytes, gap);
  if (format === "jpeg") return padJpeg(bytes, gap);
  return padWebp(bytes, gap);
}

/** PNG: a private ancillary chunk `iePd` of zeros before IEND (ancillary: decoders skip it). */
function padPng(bytes: Buffer, gap: number): Buffer | undefined {
  const iend = bytes.length - 12;
  if (iend < 8 || bytes.toString("latin1", iend + 4, iend + 8) !== "IEND") return undefined;
  const chunk = Buffer.alloc(gap);
  chunk.writeUInt32BE(gap - 12, 0);
  chunk.write("iePd", 4, "latin1");
  chunk.writeUInt32BE(crc32(chunk.subarray(4, gap - 4)), gap - 4);
  return Buffer.concat([bytes.subarray(0, iend), chunk, bytes.subarray(iend)]);
}

/** Largest JPEG segment: marker (2) + length field (2) + 65,533 bytes. */
const JPEG_MAX_SEGMENT = 65_537;

/** JPEG: COM segments of zeros after the APPn segments (JFIF's APP0 stays first after SOI). */
function padJpeg(bytes: Buffer, gap: number): Buffer | undefined {
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) return undefined;
  let at = 2;
  while (at + 4 <= bytes.length && bytes[at] === 0xff && bytes[at + 1]! >= 0xe0 && bytes[at + 1]! <= 0xef)
    at += 2 + bytes.readUInt16BE(at + 2);
  if (at + 2 > bytes.length || bytes[at] !== 0xff) return undefined;
  // Segments of 4..65,537 bytes adding up to `gap`: full ones, then the rest (never under 4).
  const sizes: number[] = [];
  let left = gap;
  while (left > JPEG_MAX_SEGMENT) {
    const take = left - JPEG_MAX_SEGMENT < 4 ? left - 4 : JPEG_MAX_SEGMENT;
    sizes.push(take);
    left -= take;
  }
  sizes.push(left);
  const segments = sizes.map((n) => {
    const s = Buffer.alloc(n);
    s[0] = 0xff;
    s[1] = 0xfe;
    s.writeUInt16BE(n - 2, 2);
    return s;
  });
  return Buffer.concat([bytes.subarray(0, at), ...segments, bytes.subarray(at)]);
}

/**
 * WebP: an unknown chunk `iePd` at the end of an extended (VP8X) file, which readers skip; the RIFF
 * size grows with it. A simple (VP8 or VP8L only) file cannot carry one and is left alone.
 */
function padWebp(bytes: Buffer, gap: number): Buffer | undefined {
  if (
    gap % 2 !== 0 ||
    bytes.toString("latin1", 0, 4) !== "RIFF" ||
    bytes.toString("latin1", 12, 16) !== "VP8X"
  )
    return undefined;
  const chunk = Buffer.alloc(gap);
  chunk.write("iePd", 0, "latin1");
  chunk.writeUInt32LE(gap - 8, 4);
  const out = Buffer.concat([bytes, chunk]);
  out.writeUInt32LE(out.length - 8, 4);
  return out;
}
