/**
 * TensorArt TAMS credit formulas, as published, on exact fractions.
 *
 * @see ../shared/providers/docs/tensorart-tams.txt "Intro To Billing" › "Calculation Formula for Credits"
 */
import { ceil, fromDecimal, mul, type Ratio, ratio } from "./decimal.js";

/**
 * MODEL_FACTOR by base model. "The coefficients for the current SDXL model are temporarily
 * discounted and consistent with SD, with all coefficients set to 1. For the FLUX model, the
 * coefficients are set to 2."
 * @see tensorart-tams.txt "Intro To Billing" › info box
 */
export const TAMS_MODEL_FACTORS = { SD: 1, SDXL: 1, FLUX: 2 } as const;

/** The model family that decides MODEL_FACTOR and the FLUX upscaler variant. */
export type TamsModelFamily = keyof typeof TAMS_MODEL_FACTORS | "OTHER";

/**
 * The family of a base model name (`"FLUX.1"`, `"SDXL 1.0"`, `"SD 1.5"`) or a model id.
 * Anything that is not recognisably FLUX or SDXL counts as SD: factor 1, like SD and SDXL
 * (inferred for other families, e.g. SD3 or HunyuanDiT, which the doc does not mention).
 */
export function tamsModelFamily(baseModel: string | undefined): TamsModelFamily {
  if (!baseModel) return "SD";
  if (/flux/i.test(baseModel)) return "FLUX";
  if (/sdxl|sd_?xl/i.test(baseModel)) return "SDXL";
  if (/^(sd|stable[ -]?diffusion)[ _-]?(1|2|v1|v2)/i.test(baseModel)) return "SD";
  return "OTHER";
}

/** MODEL_FACTOR for a family: 2 for FLUX, 1 otherwise. */
export function tamsModelFactor(family: TamsModelFamily): number {
  return family === "FLUX" ? TAMS_MODEL_FACTORS.FLUX : 1;
}

/** CEIL(STEPS / 5): the number of 5-step blocks, each worth 1/5 credit per image. */
export function stepBlocks(steps: number): bigint {
  return ceil(ratio(steps, 5));
}

/**
 * DIFFUSION: `MODEL_FACTOR * COUNT * (CEIL(STEPS / 5) / 5)`.
 * @see tensorart-tams.txt "Intro To Billing" › "DIFFUSION:"
 * @example formatRatio(diffusionCredits({ modelFactor: 1, count: 1, steps: 20 })) // "0.8"
 */
export function diffusionCredits(p: { modelFactor: number; count: number; steps: number }): Ratio {
  return mul(fromDecimal(p.modelFactor), ratio(p.count), ratio(stepBlocks(p.steps), 5));
}

/**
 * The pixel factor's numerator, `CEIL(WIDTH * HEIGHT / 1024 / 1024 * k)` with k = 2, or k = 3 for
 * a FLUX.1 UPSCALER; the factor is this over 2 (whole half-megapixels, rounded up).
 * @see tensorart-tams.txt "Intro To Billing" › "ADETAILER/INPAINT/UPSCALER"
 */
export function pixelBlocks(width: number, height: number, k: 2 | 3): bigint {
  return ceil(ratio(BigInt(width) * BigInt(height) * BigInt(k), 1024 * 1024));
}

/**
 * ADETAILER / INPAINT / UPSCALER:
 * `MODEL_FACTOR * COUNT * (CEIL(STEPS / 5) / 5) * CEIL(WIDTH * HEIGHT / 1024 / 1024 * k) / 2`,
 * k = 3 for a FLUX.1 UPSCALER, 2 otherwise.
 * @see tensorart-tams.txt "Intro To Billing" › "ADETAILER/INPAINT/UPSCALER"
 * @example formatRatio(imageStageCredits({ modelFactor: 1, count: 1, steps: 30, width: 1920, height: 1080, k: 2 })) // "2.4"
 */
export function imageStageCredits(p: {
  modelFactor: number;
  count: number;
  steps: number;
  width: number;
  height: number;
  k: 2 | 3;
}): Ratio {
  return mul(diffusionCredits(p), ratio(pixelBlocks(p.width, p.height, p.k), 2));
}

/** A video model's coefficients (exact decimals as written in the doc). */
export interface VideoModelCoefficients {
  textToVideo: string;
  imageToVideo: string;
}

/**
 * Model coefficients for VIDEO_DIFFUSION. PYRAMID_FLOW_MINIFLUX has one row per resolution.
 * @see tensorart-tams.txt "Intro To Billing" › "VIDEO DIFFUSION" › "Model Coefficients"
 */
export const TAMS_VIDEO_MODEL_COEFFICIENTS: Readonly<Record<string, VideoModelCoefficients>> = {
  MOCHI_1_10B: { textToVideo: "0.45", imageToVideo: "0.45" },
  COGVIDEOX_2B: { textToVideo: "0.19", imageToVideo: "0.19" },
  COGVIDEOX_5B: { textToVideo: "0.23", imageToVideo: "0.23" },
  COGVIDEOX1_5_5B: { textToVideo: "0.93", imageToVideo: "0.93" },
  "PYRAMID_FLOW_MINIFLUX (640×384)": { textToVideo: "0.09", imageToVideo: "0.09" },
  "PYRAMID_FLOW_MINIFLUX (1280×768)": { textToVideo: "0.29", imageToVideo: "0.29" },
  LTX_VIDEO_2B: { textToVideo: "0.05", imageToVideo: "0.05" },
  HUNYUANVIDEO: { textToVideo: "0.45", imageToVideo: "0.42" },
  HUNYUANVIDEO_FAST: { textToVideo: "0.30", imageToVideo: "0.30" },
  COSMOS_1_7B: { textToVideo: "0.73", imageToVideo: "1.0" },
  SKYREELS_V1: { textToVideo: "0.91", imageToVideo: "0.91" },
  WAN_2_1: { textToVideo: "0.72", imageToVideo: "0.72" },
};

/** "Other models": coefficient 1.0 for both modes. */
export const TAMS_VIDEO_OTHER_COEFFICIENT = "1.0";

/**
 * FAST generation mode discount factors; other models 1.0 (no discount).
 * @see tensorart-tams.txt "Intro To Billing" › "Fast Generation Mode Discounts"
 */
export const TAMS_VIDEO_FAST_DISCOUNTS: Readonly<Record<string, string>> = {
  HUNYUANVIDEO: "0.5",
  LTX_VIDEO_2B: "0.6",
  COGVIDEOX1_5_5B: "0.5",
  WAN_2_1: "0.67",
};

/** The constant factor of the video formula. */
export const TAMS_VIDEO_CONSTANT = "1.25";

/** A key for matching model names regardless of case and separators (`HunyuanVideo` = `HUNYUANVIDEO`). */
function videoKey(name: string): string {
  return name.toUpperCase().replace(/[^A-Z0-9]/g, "");
}

/** What the coefficient table says for a model, with the row it came from. */
export interface VideoCoefficient {
  row: string;
  coefficient: string;
  discount: string;
}

/**
 * Looks up a video model's coefficient and FAST discount. Unknown models get "Other models" 1.0.
 * PYRAMID_FLOW_MINIFLUX is priced by resolution: up to 640×384 pixels the 640×384 row, above it
 * the 1280×768 row (the doc lists only those two sizes; the cut-off between them is inferred).
 */
export function videoCoefficient(p: {
  model: string;
  imageToVideo: boolean;
  fast: boolean;
  width?: number;
  height?: number;
}): VideoCoefficient {
  const key = videoKey(p.model);
  let row = Object.keys(TAMS_VIDEO_MODEL_COEFFICIENTS).find(
    (name) => !name.includes("(") && videoKey(name) === key,
  );
  if (!row && key === "PYRAMIDFLOWMINIFLUX") {
    const pixels = (p.width ?? 0) * (p.height ?? 0);
    row = pixels > 640 * 384 ? "PYRAMID_FLOW_MINIFLUX (1280×768)" : "PYRAMID_FLOW_MINIFLUX (640×384)";
  }
  const coefficients = row ? TAMS_VIDEO_MODEL_COEFFICIENTS[row]! : undefined;
  const coefficient = coefficients
    ? p.imageToVideo
      ? coefficients.imageToVideo
      : coefficients.textToVideo
    : TAMS_VIDEO_OTHER_COEFFICIENT;
  const discountRow = Object.keys(TAMS_VIDEO_FAST_DISCOUNTS).find((name) => videoKey(name) === key);
  const discount = p.fast && discountRow ? TAMS_VIDEO_FAST_DISCOUNTS[discountRow]! : "1.0";
  return { row: row ?? "Other models", coefficient, discount };
}

/**
 * VIDEO_DIFFUSION, before rounding: `(Total Frames + 1) * Model Coefficient * Discount Factor * 1.25`.
 * The doc rounds the result to 2 decimal places.
 * @see tensorart-tams.txt "Intro To Billing" › "VIDEO DIFFUSION"
 */
export function videoCreditsExact(p: { totalFrames: number; coefficient: string; discount: string }): Ratio {
  return mul(
    ratio(p.totalFrames + 1),
    fromDecimal(p.coefficient),
    fromDecimal(p.discount),
    fromDecimal(TAMS_VIDEO_CONSTANT),
  );
}
