/**
 * The images of a Qolaba task. Text-to-image: a seeded placeholder. Image-to-image: the
 * placeholder over the source, the source showing through as much as `strength` says (the doc:
 * a higher strength follows the reference more closely). ControlNet: that, with the preprocessed
 * control image (canny edges, a depth map, a pose skeleton) blended in, so a test can see which
 * control was applied.
 */
import {
  blendImages,
  depthMap,
  edgeMap,
  type ImageFormat,
  loadSharp,
  poseMap,
  renderPlaceholder,
} from "../core/images.js";
import type { ControlnetModel } from "./catalog.js";

/** The format results come in: the backend's OUTPUT_IMAGE_EXTENSION [backend]. */
export const RESULT_FORMAT: ImageFormat = "webp";

/** How much of the control image shows in a ControlNet result. */
export const CONTROL_OPACITY = 0.5;

/** What one result image is made from. */
export interface ResultSpec {
  width: number;
  height: number;
  prompt: string;
  taskId: string;
  index: number;
  label: string;
  params: Record<string, unknown>;
  source?: Buffer;
  strength?: number;
  controlnet?: ControlnetModel;
}

/** The control image of a source, at the result's size. */
export async function controlImage(
  model: ControlnetModel,
  source: Buffer,
  width: number,
  height: number,
  seed: string,
): Promise<Buffer> {
  if (model === "openpose") return poseMap(width, height, seed);
  const sharp = await loadSharp();
  const sized = await sharp(source).resize(width, height, { fit: "cover" }).removeAlpha().png().toBuffer();
  return model === "canny" ? edgeMap(sized) : depthMap(sized);
}

/** Renders one result image. */
export async function renderResult(spec: ResultSpec): Promise<Buffer> {
  const seed = `${spec.taskId}:${spec.index}`;
  const base = await renderPlaceholder({
    width: spec.width,
    height: spec.height,
    format: spec.controlnet ? "png" : RESULT_FORMAT,
    seed,
    prompt: spec.prompt,
    jobId: spec.taskId,
    label: spec.label,
    params: { ...spec.params, index: spec.index, controlnet: spec.controlnet ?? null },
    source: spec.source,
    sourceWeight: spec.strength,
  });
  if (!spec.controlnet || !spec.source) return base;
  const control = await controlImage(spec.controlnet, spec.source, spec.width, spec.height, seed);
  return blendImages(base, control, CONTROL_OPACITY, RESULT_FORMAT);
}
