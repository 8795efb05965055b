/**
 * Request bodies of the TAMS API as protojson messages. Field shapes follow the API reference's
 * schema example; bounds not stated in the doc are marked inferred. Stage rules that span fields
 * (what a pipeline may contain) live in `stages.ts`.
 *
 * @see ../shared/providers/docs/tensorart-tams.txt "v1/jobs" (request schema)
 */
import * as z from "zod";
import { bool, enumName, float, int64, message, repeated, str, uint64Id } from "../../credits/protojson.js";
import { TAMS_GENERATION_MODES, TAMS_STAGE_TYPES } from "../../credits/tams.js";

/** Stage types in proto order [doc][official types]: a number names one (`{"type": 2}` is DIFFUSION). */
export const STAGE_TYPES = TAMS_STAGE_TYPES;

/** `imageToInpaint.resizeMode`, proto order [official types] `ImageToInpaintInputResizeModeT`. */
export const RESIZE_MODES = [
  "DEFAULT",
  "JUST_RESIZE",
  "CROP_AND_RESIZE",
  "RESIZE_AND_FILL",
  "JUST_RESIZE_LATENT_UPSCALE",
] as const;

/** `imageToInpaint.inpaintingFill`, proto order [official types] `ImageToInpaintInputInpaintFillT`. */
export const INPAINTING_FILLS = ["DEFAULT", "FILL", "ORIGINAL", "LATENT_NOISE", "LATENT_NOTHING"] as const;

/**
 * `controlnet.args[].controlMode`: the API schema shows only "DEFAULT" [doc]; the other names are
 * sd-webui-controlnet's three control modes, in its order (inferred).
 */
export const CONTROL_MODES = [
  "DEFAULT",
  "BALANCED",
  "MY_PROMPT_IS_MORE_IMPORTANT",
  "CONTROLNET_IS_MORE_IMPORTANT",
] as const;

/**
 * `POST /v1/resource/image` `term`: an int32 in the official types, "1-short(keep 7days)
 * 2-long(keep forever)" [official types]; 0 is proto3's unset (short). The names SHORT and LONG
 * are inferred (the official SDK sends the number: `{"expireSec":"3600","term":1}`).
 */
export const RESOURCE_TERMS = ["DEFAULT", "SHORT", "LONG"] as const;

/** A stage type's name. */
export type StageType = (typeof STAGE_TYPES)[number];

/** Limits the doc does not state (inferred from SD WebUI and tensor.art's own UI). */
export const LIMITS = {
  /** Images per job. tensor.art's UI offers up to 4. */
  maxCount: 4,
  minSide: 64,
  /** Diffusion width/height. */
  maxSide: 2048,
  /** Upscaler targets. */
  maxUpscaledSide: 4096,
  maxSteps: 150,
  maxStages: 10,
  maxPrompts: 100,
  maxHrScale: 4,
  maxVideoFrames: 241,
} as const;

/** Bounds the official types declare (`@min`/`@max` in `tams-sdk`'s `dist/index.d.ts`). */
export const OFFICIAL = {
  minSteps: 10,
  maxSteps: 50,
  maxCfgScale: 35,
  maxSeed: 4_294_967_295,
  minUpscaledSide: 128,
} as const;

const side = () => int64({ min: LIMITS.minSide, max: LIMITS.maxSide });

/**
 * `hrResizeX`/`hrResizeY`: `@min 128` [official types], or 0, proto3's "unset" (the API schema's own
 * example sends `"hrResizeX": 0` beside `hrScale`).
 */
const upscaledSide = () =>
  int64({ min: 0, max: LIMITS.maxUpscaledSide }).refine((n) => n === 0 || n >= OFFICIAL.minUpscaledSide, {
    message: `must be 0 (unset) or between ${OFFICIAL.minUpscaledSide} and ${LIMITS.maxUpscaledSide}`,
  });

/** A prompt item; the doc's own examples contain an empty `{}` item. */
export const promptSchema = message({ text: str({ max: 10_000 }).optional(), weight: float().optional() });

const loraItem = message({
  loraModel: str({ nonEmpty: true }),
  weight: float({ min: -10, max: 10 }).optional(),
  blockWeight: str().optional(),
  loraAccessKey: str().optional(),
});

/** `lora` (`{}` is allowed: the doc sends `"lora": {}`). */
export const loraSchema = message({ items: repeated(loraItem, { max: 20 }).optional() });

const embeddingItem = message({
  model: str({ nonEmpty: true }),
  weight: float().optional(),
  embeddingAccessKey: str().optional(),
});

const controlnetArg = message({
  inputImageResourceId: str({ nonEmpty: true }),
  maskResourceId: str().optional(),
  // [official types] `mask`: the same resource as the doc's `maskResourceId` (inferred); the
  // ControlNet acts only where the mask is white.
  mask: str().optional(),
  preprocessor: str().optional(),
  model: str().optional(),
  weight: float({ min: 0, max: 2 }).optional(),
  // [doc] shows "DEFAULT" only; the names are the inpaint stage's resize modes [official types] (inferred
  // to be the same enum: sd-webui-controlnet has the same three resize modes).
  resizeMode: enumName(RESIZE_MODES).optional(),
  guidance: float().optional(),
  guidanceStart: float({ min: 0, max: 1 }).optional(),
  guidanceEnd: float({ min: 0, max: 1 }).optional(),
  controlMode: enumName(CONTROL_MODES).optional(),
  pixelPerfect: bool().optional(),
  preprocessorParams: z.record(z.string(), z.unknown()).optional(),
});

/**
 * Diffusion parameters: the DIFFUSION stage's body, and the `diffusion` a later stage carries when
 * the job has no DIFFUSION stage. Every field is optional here; `stages.ts` says which are needed.
 */
export const diffusionSchema = message({
  width: side().optional(),
  height: side().optional(),
  prompts: repeated(promptSchema, { max: LIMITS.maxPrompts }).optional(),
  negativePrompts: repeated(promptSchema, { max: LIMITS.maxPrompts }).optional(),
  sdModel: str({ nonEmpty: true }).optional(),
  sdVae: str().optional(),
  sampler: str().optional(),
  // [official types] steps: @min 10 @max 50; cfgScale: @max 35.
  steps: int64({ min: OFFICIAL.minSteps, max: OFFICIAL.maxSteps }).optional(),
  cfgScale: float({ min: 0, max: OFFICIAL.maxCfgScale }).optional(),
  clipSkip: int64({ min: 0, max: 12 }).optional(),
  denoisingStrength: float({ min: 0, max: 1 }).optional(),
  etaNoiseSeedDelta: int64().optional(),
  controlnet: message({ args: repeated(controlnetArg, { max: 5 }).optional() }).optional(),
  lora: loraSchema.optional(),
  embedding: message({ items: repeated(embeddingItem, { max: 20 }).optional() }).optional(),
  // [doc] AnimateDiff: the result is an animation of `videoLength` frames at `fps` (bounds inferred).
  animateDiff: message({
    args: repeated(
      message({
        videoLength: int64({ min: 0, max: LIMITS.maxVideoFrames }).optional(),
        fps: int64({ min: 0, max: 60 }).optional(),
        motionLora: loraSchema.optional(),
      }),
      { max: 1 },
    ).optional(),
  }).optional(),
  // [doc] LayerDiffusion: `enable` makes the result a PNG with a transparent background.
  layerDiffusion: message({ enable: bool().optional(), weight: float().optional() }).optional(),
  v1Clip: bool().optional(),
  modelAccessKey: str().optional(),
  scheduleName: str().optional(),
  enableElla: bool().optional(),
  enablePix2pix: bool().optional(),
  useHunyuanDit: bool().optional(),
  clipEncoderName: str().optional(),
});

/** Diffusion parameters, parsed. */
export type DiffusionParams = z.infer<typeof diffusionSchema>;

const inputInitializeSchema = message({
  // [official types] @max 4294967295; no @min: -1 (random) is what the doc's examples send.
  seed: int64({ max: OFFICIAL.maxSeed }).optional(),
  imageResourceId: str({ nonEmpty: true }).optional(),
  count: int64({ min: 0, max: LIMITS.maxCount }).optional(),
});

const upscalerSchema = message({
  hrUpscaler: str({ nonEmpty: true }).optional(),
  hrResizeX: upscaledSide().optional(),
  hrResizeY: upscaledSide().optional(),
  // [official types] `@format int32`: a whole factor (protojson refuses 1.5 for an int32).
  hrScale: int64({ min: 0, max: LIMITS.maxHrScale }).optional(),
  hrSecondPassSteps: int64({ min: 0, max: LIMITS.maxSteps }).optional(),
  denoisingStrength: float({ min: 0, max: 1 }).optional(),
  diffusion: diffusionSchema.optional(),
});

const adetailerArg = message({
  adModel: str({ nonEmpty: true }).optional(),
  adPrompt: repeated(promptSchema).optional(),
  adNegativePrompt: repeated(promptSchema).optional(),
  adConfidence: float({ min: 0, max: 1 }).optional(),
  adDilateErode: int64().optional(),
  adMaskMergeInvert: str().optional(),
  adDenoisingStrength: float({ min: 0, max: 1 }).optional(),
  adInpaintOnlyMasked: bool().optional(),
  adInpaintOnlyMaskedPadding: int64({ min: 0 }).optional(),
  adUseInpaintWidthHeight: bool().optional(),
  adInpaintWidth: int64({ min: 0, max: LIMITS.maxSide }).optional(),
  adInpaintHeight: int64({ min: 0, max: LIMITS.maxSide }).optional(),
  adUseSteps: bool().optional(),
  adSteps: int64({ min: 1, max: LIMITS.maxSteps }).optional(),
  adUseCfgScale: bool().optional(),
  // [official types] adCfgScale: @max 35.
  adCfgScale: float({ min: 0, max: OFFICIAL.maxCfgScale }).optional(),
  lora: loraSchema.optional(),
  adUseCheckpoint: bool().optional(),
  adCheckpoint: str().optional(),
  adUseSampler: bool().optional(),
  adSampler: str().optional(),
  adUseNoiseMultiplier: bool().optional(),
  adNoiseMultiplier: float().optional(),
  adUseClipSkip: bool().optional(),
  adClipSkip: int64({ min: 0, max: 12 }).optional(),
});

const adetailerSchema = message({
  args: repeated(adetailerArg, { max: 10 }).optional(),
  diffusion: diffusionSchema.optional(),
});

const inpaintSchema = message({
  resizeMode: enumName(RESIZE_MODES).optional(),
  maskImageResourceId: str({ nonEmpty: true }).optional(),
  maskBlur: int64({ min: 0, max: 64 }).optional(),
  inpaintingFill: enumName(INPAINTING_FILLS).optional(),
  inpaintFullRes: bool().optional(),
  inpaintFullResPadding: int64({ min: 0, max: 256 }).optional(),
  inpaintMaskInvert: int64({ min: 0, max: 1 }).optional(),
  diffusion: diffusionSchema.optional(),
});

const videoDiffusionSchema = message({
  sdModel: str({ nonEmpty: true }).optional(),
  lora: loraSchema.optional(),
  generationMode: enumName(TAMS_GENERATION_MODES).optional(),
  width: int64({ min: 0, max: LIMITS.maxSide }).optional(),
  height: int64({ min: 0, max: LIMITS.maxSide }).optional(),
  fps: int64({ min: 0, max: 60 }).optional(),
  totalFrames: int64({ min: 1, max: LIMITS.maxVideoFrames }).optional(),
  prompts: repeated(promptSchema, { max: LIMITS.maxPrompts }).optional(),
  negativePrompts: repeated(promptSchema, { max: LIMITS.maxPrompts }).optional(),
  modelAccessKey: str().optional(),
  controlnet: message({
    args: repeated(
      message({ inputVideoResourceId: str().optional(), preprocessor: str().optional() }),
    ).optional(),
  }).optional(),
  inp: message({
    args: repeated(
      message({ startImageResourceId: str().optional(), endImageResourceId: str().optional() }),
    ).optional(),
  }).optional(),
});

/** One stage: its type and the body for that type. */
export const stageSchema = message({
  type: enumName(STAGE_TYPES),
  inputInitialize: inputInitializeSchema.optional(),
  diffusion: diffusionSchema.optional(),
  imageToUpscaler: upscalerSchema.optional(),
  imageToAdetailer: adetailerSchema.optional(),
  imageToInpaint: inpaintSchema.optional(),
  // No published body: accepted and ignored (its fields are dropped as unknown).
  imageToAnimateDiff: message({}).optional(),
  videoDiffusion: videoDiffusionSchema.optional(),
});

/** A parsed stage. */
export type Stage = z.infer<typeof stageSchema>;

const stagesField = repeated(stageSchema, { max: LIMITS.maxStages });

/** `POST /v1/jobs`. `requestId` is required [doc]. */
export const createJobSchema = message({
  requestId: str({ nonEmpty: true, max: 128 }),
  stages: stagesField,
  notifyUrl: str({ max: 2048 }).optional(),
});

/** `POST /v1/jobs/credits`. */
export const creditsSchema = message({ stages: stagesField });

/** A workflow graph node: `classType` (or `class_type`) and its `inputs` (ComfyUI names, kept as given). */
export const workflowNodeSchema = message({
  classType: str({ nonEmpty: true }),
  inputs: z.record(z.string(), z.unknown()).optional(),
});

/** A workflow graph: node id → node. */
export const workflowParamsSchema = z.record(z.string(), workflowNodeSchema);

/** A parsed workflow graph. */
export type WorkflowParams = z.infer<typeof workflowParamsSchema>;

/** `POST /v1/jobs/workflow`. */
export const createWorkflowJobSchema = message({
  requestId: str({ nonEmpty: true, max: 128 }),
  params: workflowParamsSchema,
  runningNotifyUrl: str({ max: 2048 }).optional(),
});

/** `POST /v1/jobs/workflow/params/check`. */
export const checkWorkflowSchema = message({ params: workflowParamsSchema });

const fieldAttr = message({
  nodeId: str({ nonEmpty: true }),
  fieldName: str({ nonEmpty: true }),
  // google.protobuf.Value: any JSON, null included; `message` drops null, so absent = null here.
  fieldValue: z.unknown().optional(),
});

/** A template's `fields`. */
export const templateFieldsSchema = message({ fieldAttrs: repeated(fieldAttr, { max: 100 }) });

/** `POST /v1/workflows/template/check`. */
export const checkTemplateSchema = message({ templateId: uint64Id(), fields: templateFieldsSchema });

/** `POST /v1/jobs/workflow/template`. */
export const createTemplateJobSchema = message({
  requestId: str({ nonEmpty: true, max: 128 }),
  templateId: uint64Id(),
  fields: templateFieldsSchema,
  runningNotifyUrl: str({ max: 2048 }).optional(),
});

/** `POST /v1/resource/image` (and `/sts`). */
export const createResourceSchema = message({
  expireSec: int64({ min: 0, max: 7 * 24 * 3600 }).optional(),
  // An int32, which protojson reads as a number or a decimal string; the names are also read (inferred).
  term: z
    .preprocess(
      (v) => (typeof v === "string" && /^\s*\d+\s*$/.test(v) ? Number(v) : v),
      enumName(RESOURCE_TERMS),
    )
    .optional(),
});

/** `POST /v1/controlnet/detect`. */
export const detectSchema = message({
  controlnetModule: str({ nonEmpty: true }),
  resourceId: str({ nonEmpty: true }),
});

/** `POST /v1/img2prompt`. */
export const img2promptSchema = message({
  resourceId: str({ nonEmpty: true }),
  tagger: str().optional(),
});
