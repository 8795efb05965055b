/**
 * Qolaba's request bodies. Ranges are the doc's (width/height 256–1536, num_inference_steps 1–50,
 * guidance_scale 1–30, batch 1–8, strength up to 1); which fields are required, the defaults, the
 * `(0, 1]` bound of strength and the flooring of width/height to a multiple of 8 are the backend's
 * pydantic models (`SDXLText2ImageParameters`, `SDXLImage2ImageParameters`, `APIInput`) [backend].
 */
import * as z from "zod";
import { pyBool, pyFloat, pyInt, pyLiteral, pyStr, pyUrl } from "./fields.js";

/** [doc] The GPUs `inference_type` selects. */
export const INFERENCE_TYPES = ["a10g", "a100", "h100"] as const;

/** A GPU. */
export type InferenceType = (typeof INFERENCE_TYPES)[number];

/** [backend] HW_MULTIPLE: width and height are floored to a multiple of this, not refused. */
export const HW_MULTIPLE = 8;

const side = () => pyInt({ ge: 256, le: 1536 });

/** Fields both generation endpoints take. */
const common = {
  app_id: pyStr(),
  prompt: pyStr(),
  /** [backend] default " ". */
  negative_prompt: pyStr(" "),
  guidance_scale: pyFloat({ ge: 1, le: 30 }),
  batch: pyInt({ ge: 1, le: 8 }),
  /** [backend] APIInput: celery defaults to false, inference_type to a10g. */
  celery: pyBool(false),
  inference_type: pyLiteral(INFERENCE_TYPES, "a10g"),
};

const floor8 = (n: number) => n - (n % HW_MULTIPLE);

/** POST /getTextToImage. */
export const textToImageSchema = z
  .object({
    ...common,
    height: side(),
    width: side(),
    num_inference_steps: pyInt({ ge: 1, le: 50 }),
  })
  .transform((v) => ({ ...v, height: floor8(v.height), width: floor8(v.width) }));

/** A validated text-to-image body. */
export type TextToImageInput = z.output<typeof textToImageSchema>;

/**
 * POST /getImagetoImage (image-to-image and ControlNet). `num_inference_steps` is required for
 * ControlNet apps (checked by the route, which knows the app); width/height are optional here
 * (the backend sizes the result from the image) [backend].
 */
export const imageToImageSchema = z
  .object({
    ...common,
    image: pyUrl(),
    /** [backend] gt 0, le 1, default 0.7. */
    strength: pyFloat({ gt: 0, le: 1 }, 0.7),
    num_inference_steps: pyInt({ ge: 1, le: 50 }, -1),
    height: pyInt({ ge: 256, le: 1536 }, -1),
    width: pyInt({ ge: 256, le: 1536 }, -1),
  })
  .transform(({ num_inference_steps, height, width, ...v }) => ({
    ...v,
    // -1 stands for "not given" inside the schema; the output leaves such fields out.
    ...(num_inference_steps > 0 ? { num_inference_steps } : {}),
    ...(height > 0 ? { height: floor8(height) } : {}),
    ...(width > 0 ? { width: floor8(width) } : {}),
  }));

/** A validated image-to-image body. */
export type ImageToImageInput = z.output<typeof imageToImageSchema>;

/**
 * POST /getImage: the task status, `{id, refID?}` [doc]. [backend] One version of the backend's
 * request model names them `task_id` and `ref_id`: both spellings are read (the doc's wins when a
 * body carries both), and a missing id is reported as `id`, the doc's name.
 */
export const taskStatusSchema = z.preprocess(
  (v) => {
    if (!v || typeof v !== "object" || Array.isArray(v)) return v;
    // A poll, many times a second: a body in the doc's names needs no copy.
    if (!("task_id" in v) && !("ref_id" in v)) return v;
    const { task_id, ref_id, ...rest } = v as Record<string, unknown>;
    return {
      ...(task_id !== undefined ? { id: task_id } : {}),
      ...(ref_id !== undefined ? { refID: ref_id } : {}),
      ...rest,
    };
  },
  z.object({
    id: pyStr(),
    refID: pyStr(""),
  }),
);
