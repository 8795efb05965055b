/**
 * AIThriving's request bodies, one schema per endpoint, with every documented range and enum.
 * Unknown fields are accepted and ignored (stripped), as the upstream APIs do.
 *
 * Multipart bodies arrive as strings; {@link formFields} turns numeric text into numbers first, so
 * one schema serves JSON and form data alike.
 */
import * as z from "zod";

/** [doc] Samplers of the basic (SD1.6) endpoints. */
export const SAMPLERS = [
  "DDIM",
  "DDPM",
  "K_DPMPP_2M",
  "K_DPMPP_2S_ANCESTRAL",
  "K_DPM_2",
  "K_DPM_2_ANCESTRAL",
  "K_EULER",
  "K_EULER_ANCESTRAL",
  "K_HEUN",
  "K_LMS",
] as const;

/** [doc] CLIP guidance presets. */
export const CLIP_GUIDANCE_PRESETS = [
  "FAST_BLUE",
  "FAST_GREEN",
  "NONE",
  "SIMPLE",
  "SLOW",
  "SLOWER",
  "SLOWEST",
] as const;

/** [doc] Style presets ("subject to change", says the doc). */
export const STYLE_PRESETS = [
  "3d-model",
  "analog-film",
  "anime",
  "cinematic",
  "comic-book",
  "digital-art",
  "enhance",
  "fantasy-art",
  "isometric",
  "line-art",
  "low-poly",
  "modeling-compound",
  "neon-punk",
  "origami",
  "photographic",
  "pixel-art",
  "tile-texture",
] as const;

/** [doc] Aspect ratios of sd3, ultra and core. */
export const ASPECT_RATIOS = ["16:9", "1:1", "21:9", "2:3", "3:2", "4:5", "5:4", "9:16", "9:21"] as const;

/** An aspect ratio. */
export type AspectRatio = (typeof ASPECT_RATIOS)[number];

/**
 * Output size per aspect ratio: about one megapixel, sides multiples of 64 [inferred: the sizes the
 * upstream Stability models produce; AIThriving does not print them].
 */
export const ASPECT_SIZES: Record<AspectRatio, { width: number; height: number }> = {
  "1:1": { width: 1024, height: 1024 },
  "16:9": { width: 1344, height: 768 },
  "21:9": { width: 1536, height: 640 },
  "2:3": { width: 832, height: 1216 },
  "3:2": { width: 1216, height: 832 },
  "4:5": { width: 896, height: 1088 },
  "5:4": { width: 1088, height: 896 },
  "9:16": { width: 768, height: 1344 },
  "9:21": { width: 640, height: 1536 },
};

/** [doc] SD3 models. */
export const SD3_MODELS = ["sd3-large", "sd3-large-turbo", "sd3-medium"] as const;

/** [doc] Output formats of the edit endpoints (also accepted by sd3, ultra and core [inferred]). */
export const OUTPUT_FORMATS = ["jpeg", "png", "webp"] as const;

/** Random seed bound: a uint32 minus one, as the upstream API [inferred]. */
export const MAX_SEED = 4_294_967_294;

/** A prompt: required, not blank; 10000 characters at most [inferred]. */
const prompt = z.string().trim().min(1).max(10_000);
const optionalText = z.string().max(10_000).optional();
/** [doc] "omit this option or use 0 for a random seed". */
const seed = z.number().int().min(0).max(MAX_SEED).default(0);
/** [doc] "between 320 and 1536 pixels, in an increment divisible by 64". */
const side = z.number().int().min(320).max(1536).multipleOf(64);
const outputFormat = z.enum(OUTPUT_FORMATS).default("png");

/** Fields shared by basic textToImage and imageToImage. */
const basicFields = {
  prompt,
  /** [doc] Range [0, 35], default 7. The doc types it int; decimals pass, as upstream [inferred]. */
  cfg_scale: z.number().min(0).max(35).default(7),
  clip_guidance_preset: z.enum(CLIP_GUIDANCE_PRESETS).optional(),
  sampler: z.enum(SAMPLERS).optional(),
  seed,
  /** [doc] Range [10, 50], default 30. */
  steps: z.number().int().min(10).max(50).default(30),
  style_preset: z.enum(STYLE_PRESETS).optional(),
};

/** POST /api/generate/basic/textToImage (JSON). */
export const basicTextToImageSchema = z.object({ ...basicFields, width: side, height: side });

/**
 * POST /api/generate/basic/imageToImage (multipart). width/height are marked required, yet the
 * doc's own example omits them: absent, they come from the init image [doc example].
 */
export const basicImageToImageSchema = z.object({
  ...basicFields,
  width: side.optional(),
  height: side.optional(),
  /** [doc] Range [0, 1], default 0.35. */
  image_strength: z.number().min(0).max(1).default(0.35),
});

/** POST /api/generate/sd3/textToImage (and the table's `sdv3` spelling). */
export const sd3Schema = z.object({
  prompt,
  /** Default sd3-large [inferred: the upstream default]. */
  model: z.enum(SD3_MODELS).default("sd3-large"),
  aspect_ratio: z.enum(ASPECT_RATIOS).default("1:1"),
  seed,
  negative_prompt: optionalText,
  output_format: outputFormat,
});

/** POST /api/generate/ultra. */
export const ultraSchema = z.object({
  prompt,
  aspect_ratio: z.enum(ASPECT_RATIOS).default("1:1"),
  seed,
  negative_prompt: optionalText,
  output_format: outputFormat,
});

/** POST /api/generate/core. */
export const coreSchema = ultraSchema.extend({ style_preset: z.enum(STYLE_PRESETS).optional() });

/** POST /api/edit/erase (multipart; the image and mask files are checked apart). */
export const eraseSchema = z.object({ seed, output_format: outputFormat });

/** POST /api/edit/inpaint (multipart; the image and mask files are checked apart). */
export const inpaintSchema = z.object({
  prompt,
  negative_prompt: optionalText,
  seed,
  output_format: outputFormat,
});

/** Body fields that are numbers, for turning multipart text into numbers. */
export const NUMERIC_FIELDS = new Set(["width", "height", "cfg_scale", "seed", "steps", "image_strength"]);

const NUMBER_TEXT = /^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$/;

/**
 * Form fields as a plain object: files left out (the caller takes them), empty text dropped (a
 * form's way of saying "not given"), numeric text of numeric fields turned into numbers so the
 * schema's range checks apply. Text that is not a number stays text, and the schema names it.
 */
export function formFields(form: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(form)) {
    if (typeof value !== "string") continue;
    if (value === "") continue;
    out[name] = NUMERIC_FIELDS.has(name) && NUMBER_TEXT.test(value) ? Number(value) : value;
  }
  return out;
}
