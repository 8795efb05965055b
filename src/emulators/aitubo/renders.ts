/**
 * How each result image is made: recipes over the core's image operations, registered in the
 * file store and rendered on first fetch.
 */

import {
  depthMap,
  edgeMap,
  type ImageFormat,
  inpaintPlaceholder,
  poseMap,
  renderPlaceholder,
  resizeImage,
} from "../core/images.js";
import { AITUBO } from "./context.js";
import type { ImageSource } from "./sources.js";

/** The file extension Aitubo uses for a format. */
export function extensionOf(format: ImageFormat): string {
  return format === "jpeg" ? "jpg" : format;
}

/** The format a create asks for: `imageFormat` [client], else png as in the doc's example. */
export function formatOf(imageFormat: string | undefined): ImageFormat {
  if (imageFormat === "jpg" || imageFormat === "jpeg") return "jpeg";
  if (imageFormat === "webp") return "webp";
  return "png";
}

/** Everything a generated image depends on. */
export interface GenerateRecipe {
  width: number;
  height: number;
  format: ImageFormat;
  seed: number | string;
  prompt: string;
  jobId: string;
  index: number;
  modelName?: string;
  /**
   * The parameters written into the image's metadata. Without them, a generation's own are
   * written (`provider`, `modelId`, `modelName`, `steps`, `artId`).
   */
  params?: Record<string, unknown>;
  modelId?: string;
  steps?: number;
  artId?: string;
  source?: ImageSource;
  /** img2img denoising strength [0.1, 1]: how far the result moves from the source. */
  strength?: number;
  mask?: ImageSource;
  control?: { model: string; strength: number };
}

/** The control image a ControlNet preprocessor would make from the source. */
async function controlImage(model: string, source: Buffer, width: number, height: number, seed: string) {
  if (model === "openpose") return poseMap(width, height, seed);
  if (model === "depth" || model === "seg" || model === "normal") return depthMap(source);
  // canny, scribble, mlsd, hed: edge maps of one kind or another.
  return edgeMap(source);
}

/** Renders one generated image. Deterministic: same recipe, same bytes. */
export async function renderGenerated(r: GenerateRecipe): Promise<Buffer> {
  const seed = `${r.seed}:${r.index}`;
  const label = [
    r.modelName,
    r.control ? `controlnet ${r.control.model}` : undefined,
    r.source ? (r.mask ? "inpaint" : "img2img") : undefined,
  ]
    .filter(Boolean)
    .join(" · ");
  // img2img: the source shows through; ControlNet: the control map is blended in instead [inferred].
  const sourceBytes = r.source && !r.control && !r.mask ? await r.source.bytes() : undefined;
  const control =
    r.control && r.source
      ? {
          image: await controlImage(r.control.model, await r.source.bytes(), r.width, r.height, seed),
          opacity: Math.min(0.8, 0.3 * r.control.strength + 0.1),
        }
      : undefined;
  const spec = {
    width: r.width,
    height: r.height,
    format: r.format,
    seed,
    prompt: r.prompt,
    jobId: r.jobId,
    label: label || undefined,
    params: r.params
      ? { ...r.params, index: r.index }
      : {
          provider: AITUBO,
          modelId: r.modelId,
          modelName: r.modelName,
          steps: r.steps,
          artId: r.artId,
          index: r.index,
        },
    source: sourceBytes,
    // Higher strength = more denoising = less of the source survives.
    sourceWeight: r.strength !== undefined ? Math.min(0.9, Math.max(0.1, 1 - r.strength + 0.1)) : undefined,
    control,
  };
  if (r.mask && r.source) {
    // Inpaint: only the mask's white region changes; the caption is drawn inside it.
    const base = await resizeImage(await r.source.bytes(), r.width, r.height, "png");
    return inpaintPlaceholder(base, await r.mask.bytes(), spec);
  }
  return renderPlaceholder(spec);
}
