/**
 * The images of a Qolaba task. Text-to-image: a seeded placeholder. Image-to-image: the
 * placeholder over the source, the source showing through as much as `strength` says (the doc:
 * a higher strength follows the reference more closely). ControlNet: that, with the preprocessed
 * control image (canny edges, a depth map, a pose skeleton) blended in under the caption, so a
 * test can see which control was applied.
 */
import {
  depthMap,
  edgeMap,
  type ImageFormat,
  loadSharp,
  poseMap,
  renderPlaceholder,
  withoutCaption,
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
  // The source's own caption (an emulator image) is hidden first: resizing drops the metadata
  // that locates it.
  const sized = await sharp(await withoutCaption(source))
    .resize(width, height, { fit: "cover" })
    .removeAlpha()
    .png()
    .toBuffer();
  return model === "canny" ? edgeMap(sized) : depthMap(sized);
}

/** Renders one result image. */
export async function renderResult(spec: ResultSpec): Promise<Buffer> {
  const seed = `${spec.taskId}:${spec.index}`;
  const control =
    spec.controlnet && spec.source
      ? {
          image: await controlImage(spec.controlnet, spec.source, spec.width, spec.height, seed),
          opacity: CONTROL_OPACITY,
        }
      : undefined;
  return renderPlaceholder({
    width: spec.width,
    height: spec.height,
    format: RESULT_FORMAT,
    seed,
    prompt: spec.prompt,
    jobId: spec.taskId,
    label: spec.label,
    params: { ...spec.params, index: spec.index, controlnet: spec.controlnet ?? null },
    source: spec.source,
    sourceWeight: spec.strength,
    control,
  });
}
