/**
 * Request schemas. Ranges marked [doc] are the doc's own; [inferred] ones are ours (the doc gives
 * none) and are listed in the README's fidelity table. Unknown fields are accepted and ignored, as
 * the real API does with the extra fields its clients send [client].
 */
import * as z from "zod";

const int = () => z.number().int();

/**
 * [client] An optional text field where `""` means unset: the Go SDK and bots send every field,
 * empty ones included (`imagePath: ""` on a text job), and the real API answers as if absent.
 */
const unsetIfEmpty = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === "" ? undefined : v), schema.optional());

/** Output formats a create can ask for ([client] `imageFormat`, default jpg in the Go SDK). */
export const IMAGE_FORMATS = ["jpg", "jpeg", "png", "webp"] as const;

/** `POST /api/job/create`. */
export const createJobSchema = z.looseObject({
  prompt: z.string().trim().min(1).max(4000),
  negativePrompt: z.string().max(4000).optional(),
  // [client] optional altogether: the job runs on a default platform model. Its shape is checked
  // where the model is resolved (any well-formed id is a model).
  modelId: unsetIfEmpty(z.string().max(100)),
  imagePath: unsetIfEmpty(z.string().max(2048)),
  maskImage: unsetIfEmpty(z.string().max(2048)),
  // [doc] one of the ControlNet types, checked where it applies (a job with an imagePath); on a
  // text job it is ignored [public client: a bot sends "checkpoint" with a prompt alone].
  controlModel: unsetIfEmpty(z.string().max(100)),
  // [doc] [0, 2], default 1
  controlStrength: z.number().min(0).max(2).optional(),
  controlFilter: unsetIfEmpty(z.string().max(100)),
  // [doc] [0.1, 1], default 0.8
  strength: z.number().min(0.1).max(1).optional(),
  // [inferred] 64–2048, a multiple of 8 (what SD backends accept); default 512 [doc]
  width: int().min(64).max(2048).multipleOf(8).optional(),
  height: int().min(64).max(2048).multipleOf(8).optional(),
  // [doc] 10 <= value <= 50, default 30
  steps: int().min(10).max(50).optional(),
  // [doc] 0 < value <= 20, default 7.5 (the doc's table says integer; its own example sends 0.7)
  guidanceScale: z.number().gt(0).max(20).optional(),
  // [inferred] 1–8, default 4 [doc]
  count: int().min(1).max(8).optional(),
  // [client] int64
  seed: int().min(-1).max(Number.MAX_SAFE_INTEGER).optional(),
  imageFormat: z.enum(IMAGE_FORMATS).optional(),
});

/** A validated create body. */
export type CreateJobBody = z.infer<typeof createJobSchema>;

/** `POST /api/job/upscale`. */
export const upscaleSchema = z.looseObject({
  // [doc] RealESRGAN_x4plus / RealESRGAN_x4plus_anime_6B (the doc prints a stray space in the first)
  model: z.enum(["RealESRGAN_x4plus", "RealESRGAN_x4plus_anime_6B"]).optional(),
  imagePath: z.string().min(1).max(2048),
  // [doc] 2 <= factor <= 4
  upscaleFactor: int().min(2).max(4),
  beauty: z.boolean().optional(),
  artId: z.string().min(1).max(100),
  type: z.string().max(50).optional(),
});

/** `POST /api/art/segment`. */
export const segmentSchema = z.looseObject({
  image: z.string().min(1).max(2048),
});

/** `POST /api/transform/create-headshot`. */
export const headshotSchema = z.looseObject({
  imagePath: z.string().min(1).max(2048),
  transformId: z.string().min(1).max(100),
  width: int().min(64).max(2048).multipleOf(8).optional(),
  height: int().min(64).max(2048).multipleOf(8).optional(),
  keepHair: z.boolean().optional(),
  keepPose: z.boolean().optional(),
});

const pageNumber = (name: string) =>
  z
    .string()
    .regex(/^\d+$/, `${name} must be a positive integer`)
    .transform(Number)
    .pipe(int().min(1, `${name} must be a positive integer`));

/** Paging query ([doc] pageIndex starts from 1; both marked required, defaults [inferred] 1 and 20). */
export const pagingSchema = z.object({
  pageIndex: pageNumber("pageIndex").optional(),
  pageSize: pageNumber("pageSize").pipe(int().max(100)).optional(),
});

/** `/api/model/list` query. */
export const modelListSchema = pagingSchema.extend({
  type: z.enum(["platform", "community", "used"]).optional(),
  kind: z.enum(["checkpoint", "lora"]).optional(),
  name: z.string().max(200).optional(),
  baseModel: z.enum(["sd_1.5", "sdxl_1.0"]).optional(),
});

/**
 * A query without its empty parameters: [client] the Go SDK's `ListModels` always sends all six
 * (`?pageIndex=1&pageSize=20&type=&kind=&name=&baseModel=`), and an empty one means unset.
 */
export function withoutEmpty(query: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(query).filter(([, v]) => v !== ""));
}
