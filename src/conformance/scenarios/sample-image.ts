/** Input images for image-to-image, ControlNet and upload scenarios: small, generated, deterministic. */
import sharp from "sharp";

/**
 * A PNG (or JPEG) with a few shapes, so edge detection and segmentation have something to find.
 * @example const png = await sampleImage(512, 512);
 */
export async function sampleImage(
  width: number,
  height: number,
  format: "png" | "jpeg" = "png",
): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <rect width="100%" height="100%" fill="#dfe7ef"/>
    <circle cx="${width / 2}" cy="${height / 2}" r="${Math.min(width, height) / 4}" fill="#c0392b"/>
    <rect x="${width / 8}" y="${height / 8}" width="${width / 5}" height="${height / 5}" fill="#2c3e50"/>
  </svg>`;
  const img = sharp(Buffer.from(svg));
  return format === "png" ? img.png().toBuffer() : img.jpeg().toBuffer();
}
