/**
 * Image bodies for the fuzz: small real images, a truncated one, bytes that are no image, and a
 * decompression bomb (a tiny PNG whose header declares 100,000 × 100,000 pixels).
 */
import { crc32 } from "node:zlib";
import sharp from "sharp";

/** The images the generators draw from, made once per run. */
export interface FuzzImages {
  png: Buffer;
  jpeg: Buffer;
  webp: Buffer;
  /** A PNG cut in the middle of its image data. */
  truncated: Buffer;
  /** A valid 1×1 PNG whose IHDR then claims 100,000 × 100,000 (CRC fixed, so parsers believe it). */
  bomb: Buffer;
  /** Text with an image's name and type. */
  notAnImage: Buffer;
}

/** A PNG whose header declares `width × height`, with the IHDR's CRC recomputed. */
export function withDeclaredSize(png: Buffer, width: number, height: number): Buffer {
  const out = Buffer.from(png);
  // Signature (8) + IHDR length (4) + "IHDR" (4), then width and height, then 5 bytes, then the CRC.
  out.writeUInt32BE(width, 16);
  out.writeUInt32BE(height, 20);
  out.writeUInt32BE(crc32(out.subarray(12, 29)) >>> 0, 29);
  return out;
}

/** Makes the fuzz images (a few ms). */
export async function makeFuzzImages(): Promise<FuzzImages> {
  const base = sharp({ create: { width: 64, height: 48, channels: 3, background: "#3a6" } });
  const png = await base.clone().png().toBuffer();
  const one = await sharp({ create: { width: 1, height: 1, channels: 3, background: "#000" } })
    .png()
    .toBuffer();
  return {
    png,
    jpeg: await base.clone().jpeg().toBuffer(),
    webp: await base.clone().webp().toBuffer(),
    truncated: png.subarray(0, Math.floor(png.length * 0.6)),
    bomb: withDeclaredSize(one, 100_000, 100_000),
    notAnImage: Buffer.from("GIF89a? no: this is text pretending to be an image\n"),
  };
}
