/**
 * ControlNet preprocessors, done for real on the image: canny and other line detectors give an
 * edge map (sharp's convolution), depth gives a blurred greyscale map, openpose a pose skeleton
 * placeholder (no pose is detected).
 */
import { depthMap, edgeMap, imageInfo, poseMap } from "../core/images.js";

/** The preprocessor families the emulator runs, by module name. */
export const PREPROCESSORS = {
  canny: "edge",
  lineart: "edge",
  lineart_anime: "edge",
  softedge_pidinet: "edge",
  softedge_hed: "edge",
  scribble_pidinet: "edge",
  mlsd: "edge",
  depth: "depth",
  depth_midas: "depth",
  depth_zoe: "depth",
  depth_leres: "depth",
  depth_anything: "depth",
  openpose: "pose",
  openpose_full: "pose",
  openpose_face: "pose",
  openpose_hand: "pose",
  dw_openpose_full: "pose",
} as const satisfies Record<string, "edge" | "depth" | "pose">;

/** A preprocessor module name the emulator runs. */
export type PreprocessorName = keyof typeof PREPROCESSORS;

/** True for a module {@link preprocess} knows. */
export function isPreprocessor(name: string): name is PreprocessorName {
  return Object.hasOwn(PREPROCESSORS, name);
}

/**
 * Runs a preprocessor on an image; an unknown module (or `none`) returns the image unchanged,
 * as a ControlNet arg with preprocessor `none` uses its input as the control map.
 */
export async function preprocess(image: Buffer, module: string, seed: string): Promise<Buffer> {
  if (!isPreprocessor(module)) return image;
  switch (PREPROCESSORS[module]) {
    case "edge":
      return edgeMap(image, "png");
    case "depth":
      return depthMap(image, "png");
    case "pose": {
      const { width, height } = await imageInfo(image);
      return poseMap(width, height, seed, "png");
    }
  }
}
