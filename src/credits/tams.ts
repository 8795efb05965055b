/**
 * TensorArt TAMS credits for a job's `stages` (`POST /v1/jobs`, `POST /v1/jobs/credits`), plus
 * re-exports of the workflow and template estimators.
 *
 * Each stage is priced on its own; later stages inherit WIDTH, HEIGHT and STEPS from earlier ones:
 * - INPUT_INITIALIZE sets COUNT (default 1) for the stages after it; it costs nothing itself.
 * - DIFFUSION: `MODEL_FACTOR * COUNT * CEIL(STEPS/5)/5`. It produces a WIDTH × HEIGHT image.
 * - IMAGE_TO_UPSCALER / IMAGE_TO_ADETAILER / IMAGE_TO_INPAINT: the same times the pixel factor
 *   `CEIL(WIDTH*HEIGHT/1024/1024*2)/2` (`*3` for a FLUX.1 UPSCALER). WIDTH × HEIGHT is the image the
 *   previous image stage produced; for the first image stage, its own nested `diffusion` parameters.
 *   An UPSCALER's WIDTH × HEIGHT is the size it produces, and its STEPS are `hrSecondPassSteps`.
 *   INPAINT's STEPS are DIFFUSION's when the job has a DIFFUSION stage, else its own `diffusion.steps`.
 *   ADETAILER is priced per arg: `adSteps`, or with `adUseSteps` the steps INPAINT would use.
 * - VIDEO_DIFFUSION: `ROUND((totalFrames + 1) * coefficient * FAST discount * 1.25, 2)`.
 *
 * @see ../shared/providers/docs/tensorart-tams.txt "Intro To Billing" › "Calculation Formula for Credits"
 */
import {
  add,
  floor,
  formatRatio,
  fromDecimal,
  fromHundredths,
  isWholeHundredths,
  mul,
  type Ratio,
  ratio,
  toHundredths,
  ZERO,
} from "./decimal.js";
import { CreditsInputError } from "./errors.js";
import {
  asObject,
  describe,
  fieldPath,
  type JsonObject,
  type Read,
  readArray,
  readBool,
  readEnum,
  readInt,
  readNumber,
  readObject,
  readString,
} from "./protojson.js";
import {
  diffusionCredits,
  imageStageCredits,
  type TamsModelFamily,
  tamsModelFactor,
  tamsModelFamily,
  videoCoefficient,
  videoCreditsExact,
} from "./tams-formulas.js";
import type { CreditEstimate, CreditLine, CreditSource } from "./types.js";

export { estimateTamsTemplate, estimateTamsWorkflow, TAMS_DOC_TEMPLATES } from "./tams-workflow.js";

/** Lookups the pure functions cannot do themselves: the emulator passes its model catalog here. */
export interface TamsOptions {
  /**
   * The base model of a model id (`sdModel`, `ckpt_name`), e.g. `"FLUX.1"`, `"SDXL 1.0"`, `"SD 1.5"`.
   * It decides MODEL_FACTOR (2 for FLUX, else 1). Without it, or when it returns undefined, the id
   * itself is tested for "flux" (so names work) and anything else counts as SD.
   */
  baseModelOf?: (modelId: string) => string | undefined;
  /**
   * The video family of a VIDEO_DIFFUSION `sdModel` as named in the coefficient table
   * (`"HUNYUANVIDEO"`, `"WAN_2_1"`). Without it the `sdModel` value itself is looked up.
   */
  videoModelOf?: (modelId: string) => string | undefined;
}

/** Stage types that carry a body, with the body's field name (lowerCamelCase; snake_case also read). */
export const TAMS_STAGE_BODIES = {
  INPUT_INITIALIZE: "inputInitialize",
  DIFFUSION: "diffusion",
  IMAGE_TO_UPSCALER: "imageToUpscaler",
  IMAGE_TO_ADETAILER: "imageToAdetailer",
  IMAGE_TO_INPAINT: "imageToInpaint",
  IMAGE_TO_ANIMATE_DIFF: "imageToAnimateDiff",
  VIDEO_DIFFUSION: "videoDiffusion",
} as const;

/** A TAMS stage type, by its enum name. */
export type TamsStageType = keyof typeof TAMS_STAGE_BODIES;

/**
 * Stage types in proto order, so that a number names one (`{"type": 2}` is DIFFUSION): the official
 * types list DEFAULT..IMAGE_TO_INPAINT in this order [official types]; the doc adds
 * IMAGE_TO_ANIMATE_DIFF and VIDEO_DIFFUSION after them [doc] (their numbers 6 and 7 are inferred).
 */
export const TAMS_STAGE_TYPES = [
  "DEFAULT",
  "INPUT_INITIALIZE",
  "DIFFUSION",
  "IMAGE_TO_UPSCALER",
  "IMAGE_TO_ADETAILER",
  "IMAGE_TO_INPAINT",
  "IMAGE_TO_ANIMATE_DIFF",
  "VIDEO_DIFFUSION",
] as const;

/**
 * `videoDiffusion.generationMode`: DEFAULT, or FAST, the mode the billing page discounts [doc]
 * (the enum's name and order are inferred: the API schema shows only "DEFAULT").
 */
export const TAMS_GENERATION_MODES = ["DEFAULT", "FAST"] as const;

/**
 * ADETAILER's `adSteps` when a request leaves it out: the value the API schema's own example
 * shows (`"adSteps": "20"`, beside `"adUseSteps": "false"`). Inferred: the doc gives no default.
 */
export const TAMS_DEFAULT_AD_STEPS = 20;

/** UPSCALER's `hrScale` when neither it nor `hrResizeX/Y` is given: SD WebUI's default (inferred). */
export const TAMS_DEFAULT_HR_SCALE = 2;

interface Diffusion {
  path: string;
  width?: Read<number>;
  height?: Read<number>;
  steps?: Read<number>;
  sdModel?: Read<string>;
}

interface ImageSize {
  width: number;
  height: number;
  from: string;
}

/** What earlier stages hand to later ones. */
interface JobState {
  count: number;
  countFrom: string;
  /** The image the last image-producing stage made. */
  image?: ImageSize;
  /** The nearest preceding DIFFUSION stage. */
  diffusion?: { steps: number; path: string; sdModel?: string };
  /** INPUT_INITIALIZE gave an image (img2img, image-to-video). */
  inputImage: boolean;
}

function readDiffusion(obj: JsonObject, path: string): Diffusion {
  return {
    path,
    width: readInt(obj, "width", path, { min: 1 }),
    height: readInt(obj, "height", path, { min: 1 }),
    steps: readInt(obj, "steps", path, { min: 1 }),
    sdModel: readString(obj, "sdModel", path),
  };
}

function readNestedDiffusion(body: JsonObject, path: string): Diffusion | undefined {
  const nested = readObject(body, "diffusion", path);
  return nested && readDiffusion(nested.value, nested.path);
}

function required<T>(read: Read<T> | undefined, path: string, why: string): Read<T> {
  if (!read) throw new CreditsInputError(path, `is required (${why})`);
  return read;
}

/** A model id → family and MODEL_FACTOR, with the inputs that explain it. */
function resolveModel(sdModel: string | undefined, options: TamsOptions) {
  const base = sdModel === undefined ? undefined : options.baseModelOf?.(sdModel);
  const family: TamsModelFamily = tamsModelFamily(base ?? sdModel);
  // An id the catalog cannot resolve and that does not say FLUX is priced as SD (factor 1).
  const shown = base === undefined && family !== "FLUX" ? "unresolved (priced as SD)" : family;
  const inputs: Record<string, string | number> = {
    modelFactor: tamsModelFactor(family),
    modelFamily: shown,
  };
  if (sdModel !== undefined) inputs.sdModel = sdModel;
  if (base !== undefined) inputs.baseModel = base;
  return { family, factor: tamsModelFactor(family), inputs };
}

/** Credits as a number of hundredths; image formulas are exact, anything finer is rounded half up. */
function lineCredits(r: Ratio): { credits: number; exact: boolean } {
  return { credits: fromHundredths(toHundredths(r)), exact: isWholeHundredths(r) };
}

const STEPS_PART = (steps: number) => `(CEIL(${steps} / 5) / 5)`;
const PIXEL_PART = (w: number, h: number, k: number) => `CEIL(${w} * ${h} / 1024 / 1024 * ${k}) / 2`;

function stageType(stage: JsonObject, path: string): TamsStageType {
  const names = TAMS_STAGE_TYPES.slice(1);
  const t = readEnum(stage, "type", path, TAMS_STAGE_TYPES);
  if (!t) throw new CreditsInputError(fieldPath(path, "type"), `is required, one of ${names.join(", ")}`);
  // DEFAULT is proto3's "unset": no stage of that type exists.
  if (t.value === "DEFAULT")
    throw new CreditsInputError(t.path, `must name a stage type (${names.join(", ")})`);
  return t.value;
}

/**
 * Estimates the credits of a TAMS job from its `stages` array, exactly as `POST /v1/jobs` and
 * `POST /v1/jobs/credits` take it (camelCase or snake_case fields, int64 as strings or numbers,
 * enums by name or number), or as the emulator has parsed it. Throws {@link CreditsInputError} naming the field for input it cannot price.
 *
 * @see ../shared/providers/docs/tensorart-tams.txt "Intro To Billing"
 * @example
 * estimateTamsStages([
 *   { type: "INPUT_INITIALIZE", inputInitialize: { seed: -1, count: 1 } },
 *   { type: "DIFFUSION", diffusion: { width: 512, height: 512, steps: 20, sdModel: "600423083519508503" } },
 * ]).total // 0.8
 */
export function estimateTamsStages(stages: unknown, options: TamsOptions = {}): CreditEstimate {
  if (!Array.isArray(stages))
    throw new CreditsInputError("stages", `must be an array, got ${describe(stages)}`);
  if (stages.length === 0) throw new CreditsInputError("stages", "must list at least one stage");

  const parsed = stages.map((raw, i) => {
    const path = `stages[${i}]`;
    const stage = asObject(raw, path);
    const type = stageType(stage, path);
    return { path, type, stage };
  });

  const state: JobState = {
    count: 1,
    countFrom: "default (no INPUT_INITIALIZE stage)",
    inputImage: false,
  };
  const items: CreditLine[] = [];
  for (const { path, type, stage } of parsed) {
    const bodyName = TAMS_STAGE_BODIES[type];
    const read = readObject(stage, bodyName, path);
    const body = read?.value ?? {};
    const bodyPath = read?.path ?? fieldPath(path, bodyName);
    const item = `${path} ${type}`;
    switch (type) {
      case "INPUT_INITIALIZE":
        items.push(inputInitialize(item, body, bodyPath, state));
        break;
      case "DIFFUSION":
        if (!read) throw new CreditsInputError(bodyPath, "is required for a DIFFUSION stage");
        items.push(diffusionStage(item, body, bodyPath, state, options));
        break;
      case "IMAGE_TO_UPSCALER":
        items.push(upscalerStage(item, body, bodyPath, state, options));
        break;
      case "IMAGE_TO_ADETAILER":
        items.push(...adetailerStage(item, body, bodyPath, state, options));
        break;
      case "IMAGE_TO_INPAINT":
        items.push(inpaintStage(item, body, bodyPath, state, options));
        break;
      case "IMAGE_TO_ANIMATE_DIFF":
        // No published formula. "Other unpaid capabilities are currently in public testing phase
        // and can be used for free" (Intro To Billing), so: 0, marked inferred.
        items.push({
          item,
          credits: 0,
          inputs: {},
          formula: "no published formula; unpriced capabilities are free during public testing = 0",
          source: "inferred",
        });
        break;
      case "VIDEO_DIFFUSION":
        if (!read) throw new CreditsInputError(bodyPath, "is required for a VIDEO_DIFFUSION stage");
        items.push(videoStage(item, body, bodyPath, state, options));
        break;
    }
  }
  return { provider: "tams", total: totalOf(items), items };
}

/** The exact sum of a breakdown, through integer hundredths. */
export function totalOf(items: readonly CreditLine[]): number {
  let sum: Ratio = ZERO;
  for (const line of items) sum = add(sum, fromDecimal(line.credits));
  return fromHundredths(toHundredths(sum));
}

function inputInitialize(item: string, body: JsonObject, path: string, state: JobState): CreditLine {
  const count = readInt(body, "count", path, { min: 0 });
  // proto3 cannot tell 0 from unset; an unset count generates one image (inferred).
  state.count = count && count.value > 0 ? count.value : 1;
  state.countFrom = count && count.value > 0 ? count.path : `default (${path}.count not set)`;
  state.inputImage = readString(body, "imageResourceId", path) !== undefined;
  return {
    item,
    credits: 0,
    inputs: { count: state.count, countFrom: state.countFrom, inputImage: state.inputImage },
    formula: `sets COUNT = ${state.count} for the stages after it; no charge of its own = 0`,
    source: count && count.value > 0 ? "documented" : "inferred",
  };
}

function diffusionStage(
  item: string,
  body: JsonObject,
  path: string,
  state: JobState,
  options: TamsOptions,
): CreditLine {
  const d = readDiffusion(body, path);
  const steps = required(d.steps, fieldPath(path, "steps"), "DIFFUSION is priced by STEPS").value;
  const width = required(
    d.width,
    fieldPath(path, "width"),
    "later stages inherit WIDTH from DIFFUSION",
  ).value;
  const height = required(
    d.height,
    fieldPath(path, "height"),
    "later stages inherit HEIGHT from DIFFUSION",
  ).value;
  const model = resolveModel(d.sdModel?.value, options);
  const exact = diffusionCredits({ modelFactor: model.factor, count: state.count, steps });
  const { credits } = lineCredits(exact);
  state.image = { width, height, from: path };
  state.diffusion = { steps, path, ...(d.sdModel ? { sdModel: d.sdModel.value } : {}) };
  return {
    item,
    credits,
    inputs: { count: state.count, steps, width, height, ...model.inputs },
    formula: `MODEL_FACTOR * COUNT * (CEIL(STEPS / 5) / 5) = ${model.factor} * ${state.count} * ${STEPS_PART(steps)} = ${formatRatio(exact)}`,
    source: "documented",
  };
}

/**
 * WIDTH × HEIGHT of an ADETAILER / INPAINT / UPSCALER input: "If it is not the first stage of
 * generating the image (excluding INPUT_INITIALIZE), it inherits the WIDTH and HEIGHT generated by
 * the previous stage. If it is the first ..., it uses the WIDTH and HEIGHT from DIFFUSION parameter"
 * (the stage's own nested `diffusion`).
 */
function inheritedSize(
  state: JobState,
  nested: Diffusion | undefined,
  path: string,
  type: string,
): ImageSize {
  if (state.image) return state.image;
  const where = fieldPath(path, "diffusion");
  const why = `the first image stage (${type}) takes WIDTH and HEIGHT from its own diffusion parameters`;
  if (!nested) throw new CreditsInputError(where, `is required: ${why}`);
  return {
    width: required(nested.width, fieldPath(where, "width"), why).value,
    height: required(nested.height, fieldPath(where, "height"), why).value,
    from: nested.path,
  };
}

/**
 * STEPS of an INPAINT (or an ADETAILER arg with `adUseSteps`): "If there is a DIFFUSION stage, it
 * inherits the STEPS from DIFFUSION. If there is no DIFFUSION stage, it uses the STEPS parameter."
 * The DIFFUSION used is the nearest one before this stage.
 */
function inheritedSteps(state: JobState, nested: Diffusion | undefined, path: string, why: string) {
  if (state.diffusion) return { steps: state.diffusion.steps, from: `${state.diffusion.path}.steps` };
  const where = fieldPath(fieldPath(path, "diffusion"), "steps");
  const read = required(nested?.steps, where, why);
  return { steps: read.value, from: read.path };
}

function stageModel(state: JobState, nested: Diffusion | undefined, options: TamsOptions) {
  return resolveModel(nested?.sdModel?.value ?? state.diffusion?.sdModel, options);
}

function pixelLine(p: {
  item: string;
  count: number;
  steps: number;
  size: { width: number; height: number };
  k: 2 | 3;
  model: ReturnType<typeof resolveModel>;
  inputs: Record<string, string | number | boolean>;
  source: CreditSource;
}): CreditLine {
  const { width, height } = p.size;
  const exact = imageStageCredits({
    modelFactor: p.model.factor,
    count: p.count,
    steps: p.steps,
    width,
    height,
    k: p.k,
  });
  const { credits } = lineCredits(exact);
  return {
    item: p.item,
    credits,
    inputs: { count: p.count, steps: p.steps, width, height, ...p.model.inputs, ...p.inputs },
    formula:
      `MODEL_FACTOR * COUNT * (CEIL(STEPS / 5) / 5) * CEIL(WIDTH * HEIGHT / 1024 / 1024 * ${p.k}) / 2 = ` +
      `${p.model.factor} * ${p.count} * ${STEPS_PART(p.steps)} * ${PIXEL_PART(width, height, p.k)} = ${formatRatio(exact)}`,
    source: p.source,
  };
}

/** The size an upscaler produces, the way SD WebUI's hires fix computes it. */
function upscaleTarget(body: JsonObject, path: string, base: ImageSize) {
  const rx = readInt(body, "hrResizeX", path, { min: 0 });
  const ry = readInt(body, "hrResizeY", path, { min: 0 });
  const x = rx?.value ?? 0;
  const y = ry?.value ?? 0;
  if (x > 0 && y > 0) return { width: x, height: y, how: "hrResizeX × hrResizeY", inferred: false };
  // One side given: the other keeps the aspect ratio (SD WebUI `hr_resize_x * height // width`; inferred).
  if (x > 0)
    return {
      width: x,
      height: Math.floor((x * base.height) / base.width),
      how: "hrResizeX, aspect kept",
      inferred: true,
    };
  if (y > 0)
    return {
      width: Math.floor((y * base.width) / base.height),
      height: y,
      how: "hrResizeY, aspect kept",
      inferred: true,
    };
  const s = readNumber(body, "hrScale", path, { min: 0 });
  const scale = s && s.value > 0 ? s.value : TAMS_DEFAULT_HR_SCALE;
  // int(width * hr_scale), computed on the decimal the request wrote rather than on a double.
  const width = Number(floor(mul(ratio(base.width), fromDecimal(scale))));
  const height = Number(floor(mul(ratio(base.height), fromDecimal(scale))));
  const where = s?.path ?? fieldPath(path, "hrScale");
  if (width < 1 || height < 1)
    throw new CreditsInputError(where, `scales ${base.width}×${base.height} below one pixel`);
  return {
    width,
    height,
    how: `hrScale ${scale}${s && s.value > 0 ? "" : " (default)"}`,
    inferred: !s || s.value <= 0,
  };
}

function upscalerStage(
  item: string,
  body: JsonObject,
  path: string,
  state: JobState,
  options: TamsOptions,
): CreditLine {
  const nested = readNestedDiffusion(body, path);
  const base = inheritedSize(state, nested, path, "IMAGE_TO_UPSCALER");
  const target = upscaleTarget(body, path, base);
  const own = readInt(body, "hrSecondPassSteps", path, { min: 0 });
  // The four-stage example gives UPSCALER its own STEPS (30 beside DIFFUSION's 20): hrSecondPassSteps.
  // 0 or unset means "same as the sampling steps" in SD WebUI (inferred here).
  const fallback =
    own && own.value > 0 ? undefined : inheritedSteps(state, nested, path, "hrSecondPassSteps is 0 or unset");
  const steps = fallback ? fallback.steps : own!.value;
  const model = stageModel(state, nested, options);
  const k = model.family === "FLUX" ? 3 : 2;
  const line = pixelLine({
    item,
    count: state.count,
    steps,
    size: target,
    k,
    model,
    inputs: {
      stepsFrom: fallback ? fallback.from : own!.path,
      inputWidth: base.width,
      inputHeight: base.height,
      sizeFrom: `${base.from} upscaled by ${target.how}`,
    },
    source: target.inferred || fallback ? "inferred" : "documented",
  });
  state.image = { width: target.width, height: target.height, from: path };
  return line;
}

function adetailerStage(
  item: string,
  body: JsonObject,
  path: string,
  state: JobState,
  options: TamsOptions,
): CreditLine[] {
  const nested = readNestedDiffusion(body, path);
  const size = inheritedSize(state, nested, path, "IMAGE_TO_ADETAILER");
  const args = required(
    readArray(body, "args", path),
    fieldPath(path, "args"),
    "ADETAILER is priced per arg",
  );
  const model = stageModel(state, nested, options);
  // "The ADETAILER Stage traverses through Args ... It uses the ad_steps from the arg for
  // computation. If the ad_use_steps parameter is used, it inherits the steps from DIFFUSION."
  const lines = args.value.map((raw, i) => {
    const argPath = `${args.path}[${i}]`;
    const arg = asObject(raw, argPath);
    const useSteps = readBool(arg, "adUseSteps", argPath);
    const adSteps = readInt(arg, "adSteps", argPath, { min: 1 });
    let steps: number;
    let stepsFrom: string;
    let inferred = false;
    if (useSteps?.value) {
      ({ steps, from: stepsFrom } = inheritedSteps(
        state,
        nested,
        path,
        `${useSteps.path} inherits DIFFUSION's steps`,
      ));
    } else if (adSteps) {
      steps = adSteps.value;
      stepsFrom = adSteps.path;
    } else {
      steps = TAMS_DEFAULT_AD_STEPS;
      stepsFrom = `default (${argPath}.adSteps not set)`;
      inferred = true;
    }
    return pixelLine({
      item: `${item} args[${i}]`,
      count: state.count,
      steps,
      size,
      k: 2,
      model,
      inputs: { stepsFrom, adUseSteps: useSteps?.value ?? false, sizeFrom: size.from },
      source: inferred ? "inferred" : "documented",
    });
  });
  state.image = { width: size.width, height: size.height, from: path };
  return lines;
}

function inpaintStage(
  item: string,
  body: JsonObject,
  path: string,
  state: JobState,
  options: TamsOptions,
): CreditLine {
  const nested = readNestedDiffusion(body, path);
  const size = inheritedSize(state, nested, path, "IMAGE_TO_INPAINT");
  const { steps, from } = inheritedSteps(
    state,
    nested,
    path,
    "there is no DIFFUSION stage to inherit STEPS from",
  );
  const line = pixelLine({
    item,
    count: state.count,
    steps,
    size,
    k: 2,
    model: stageModel(state, nested, options),
    inputs: { stepsFrom: from, sizeFrom: size.from },
    source: "documented",
  });
  state.image = { width: size.width, height: size.height, from: path };
  return line;
}

function videoStage(
  item: string,
  body: JsonObject,
  path: string,
  state: JobState,
  options: TamsOptions,
): CreditLine {
  const frames = required(
    readInt(body, "totalFrames", path, { min: 1 }),
    fieldPath(path, "totalFrames"),
    "video credits are priced by total frames",
  ).value;
  const sdModel = readString(body, "sdModel", path)?.value;
  const family = (sdModel !== undefined ? options.videoModelOf?.(sdModel) : undefined) ?? sdModel ?? "";
  const mode = readEnum(body, "generationMode", path, TAMS_GENERATION_MODES)?.value ?? "DEFAULT";
  const width = readInt(body, "width", path, { min: 0 })?.value;
  const height = readInt(body, "height", path, { min: 0 })?.value;
  // Image-to-video when a start/end frame is given (videoDiffusion.inp.args) or INPUT_INITIALIZE
  // starts from an image. The doc prices the two modes but does not say how a request selects one:
  // this rule is inferred.
  const inp = readObject(body, "inp", path);
  const inpArgs = inp ? (readArray(inp.value, "args", inp.path)?.value ?? []) : [];
  const frameImage = inpArgs.some(
    (a) =>
      typeof a === "object" &&
      a !== null &&
      ["startImageResourceId", "start_image_resource_id", "endImageResourceId", "end_image_resource_id"].some(
        (k) => typeof (a as JsonObject)[k] === "string" && (a as JsonObject)[k] !== "",
      ),
  );
  const imageToVideo = frameImage || state.inputImage;
  const c = videoCoefficient({
    model: family,
    imageToVideo,
    fast: mode === "FAST",
    ...(width !== undefined ? { width } : {}),
    ...(height !== undefined ? { height } : {}),
  });
  const exact = videoCreditsExact({ totalFrames: frames, coefficient: c.coefficient, discount: c.discount });
  const rounded = toHundredths(exact);
  // Text-to-video is what a request without any image is; image-to-video is our detection rule.
  const modeMatters = imageToVideo && (c.row === "HUNYUANVIDEO" || c.row === "COSMOS_1_7B");
  const pyramidGuess =
    c.row.startsWith("PYRAMID") && !((width === 640 && height === 384) || (width === 1280 && height === 768));
  return {
    item,
    credits: fromHundredths(rounded),
    inputs: {
      totalFrames: frames,
      model: family || "(none)",
      coefficientRow: c.row,
      coefficient: c.coefficient,
      generationMode: mode,
      discount: c.discount,
      videoMode: imageToVideo ? "image-to-video" : "text-to-video",
    },
    formula:
      `ROUND((TOTAL_FRAMES + 1) * COEFFICIENT * DISCOUNT * 1.25, 2) = ` +
      `ROUND((${frames} + 1) * ${c.coefficient} * ${c.discount} * 1.25, 2) = ` +
      `ROUND(${formatRatio(exact)}, 2) = ${formatRatio(ratio(rounded, 100))}`,
    source: modeMatters || pyramidGuess ? "inferred" : "documented",
  };
}
