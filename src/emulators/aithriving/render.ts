/**
 * The images AIThriving answers with. Everything is a pure function of the request (inputs, seed,
 * uploaded bytes), so the same seed and inputs give byte-identical images.
 */
import { createHash } from "node:crypto";
import {
  type ImageFormat,
  inpaintPlaceholder,
  loadSharp,
  maskedComposite,
  renderPlaceholder,
} from "../core/images.js";

/** A stable id for a request, shown on the image: a hash of everything that shapes it. */
export function requestId(parts: readonly unknown[], uploads: readonly Buffer[] = []): string {
  const h = createHash("sha256").update(JSON.stringify(parts));
  for (const bytes of uploads) h.update(bytes);
  return `ath-${h.digest("hex").slice(0, 16)}`;
}

/** What a generated (not edited) image shows. */
export interface GenerateSpec {
  width: number;
  height: number;
  format: ImageFormat;
  seed: number;
  prompt: string;
  /** Shown on the image, e.g. `AIThriving · basic SD1.6`. */
  label: string;
  /** Recorded in the image's metadata. */
  params: Record<string, unknown>;
  /** imageToImage: the init image and how much of it shows (image_strength). */
  source?: Buffer;
  sourceWeight?: number;
  id: string;
}

/** Renders a generated image. */
export function renderGenerated(spec: GenerateSpec): Promise<Buffer> {
  return renderPlaceholder({
    width: spec.width,
    height: spec.height,
    format: spec.format,
    seed: spec.seed,
    prompt: spec.prompt,
    jobId: spec.id,
    label: spec.label,
    params: spec.params,
    source: spec.source,
    sourceWeight: spec.sourceWeight,
  });
}

/**
 * Erase: the masked region is replaced by a heavy blur of the image (the surroundings flowing in,
 * as an eraser's fill looks); everything outside the mask is left exactly as it was.
 */
export async function renderErase(image: Buffer, mask: Buffer, format: ImageFormat): Promise<Buffer> {
  const sharp = await loadSharp();
  const { width = 64, height = 64 } = await sharp(image).metadata();
  const fill = await sharp(image)
    .removeAlpha()
    .blur(Math.max(3, Math.min(width, height) / 12))
    .png()
    .toBuffer();
  return maskedComposite(image, fill, mask, format);
}

/**
 * Inpaint: the masked region shows a placeholder of the prompt (at the image's size, seeded),
 * captioned inside the region; everything outside the mask is left exactly as it was.
 */
export async function renderInpaint(
  image: Buffer,
  mask: Buffer,
  spec: Omit<GenerateSpec, "width" | "height" | "source" | "sourceWeight">,
  size: { width: number; height: number },
): Promise<Buffer> {
  return inpaintPlaceholder(image, mask, {
    width: size.width,
    height: size.height,
    format: spec.format,
    seed: spec.seed,
    prompt: spec.prompt,
    jobId: spec.id,
    label: spec.label,
    params: spec.params,
  });
}
