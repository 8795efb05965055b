/**
 * The stage pipeline of `POST /v1/jobs`: the documented rules a list of stages must follow, and
 * the plan of what each stage does to the previous stage's images.
 *
 * Documented rules [doc]: without a DIFFUSION stage `inputInitialize.count` can only be 1; a stage
 * that needs diffusion parameters without a DIFFUSION stage carries them in its own `diffusion`;
 * the `Latent` upscaler only works after a DIFFUSION stage; an inpaint mask has exactly the
 * image's size. The other rules here are inferred and say so.
 *
 * @see ../shared/providers/docs/tensorart-tams.txt "What's Stage", "img2img", "Inpaint"
 */
import { argumentError } from "./errors.js";
import type { ResolvedImage, ResourceProblem } from "./resources.js";
import { resourceProblemText } from "./resources.js";
import { type DiffusionParams, LIMITS, type Stage } from "./schemas.js";

/** A stage's body field, by type. */
const BODY = {
  INPUT_INITIALIZE: "inputInitialize",
  DIFFUSION: "diffusion",
  IMAGE_TO_UPSCALER: "imageToUpscaler",
  IMAGE_TO_ADETAILER: "imageToAdetailer",
  IMAGE_TO_INPAINT: "imageToInpaint",
  IMAGE_TO_ANIMATE_DIFF: "imageToAnimateDiff",
  VIDEO_DIFFUSION: "videoDiffusion",
} as const;

/** What planning needs from the outside. */
export interface StagePlanContext {
  /** A resource id → the image, or why it cannot be used. */
  resolveResource(id: string): ResolvedImage | ResourceProblem;
  /** `false` for `/v1/jobs/credits`: pricing does not need the images to exist. */
  checkResources: boolean;
  /** Largest image (width × height) a stage may make. */
  maxPixels: number;
}

/** A ControlNet input to a diffusion step. */
export interface ControlInput {
  image: ResolvedImage;
  preprocessor: string;
  weight: number;
  /** Where the ControlNet acts (white); everywhere without one. */
  mask?: ResolvedImage;
}

/** One thing a pipeline does to each image. */
export type ImageStep =
  | {
      kind: "diffusion";
      width: number;
      height: number;
      prompt: string;
      negativePrompt: string;
      sdModel: string;
      sampler?: string;
      steps: number;
      /** How much of the incoming image stays (img2img): 1 - denoisingStrength. */
      keep: number;
      control?: ControlInput;
      loras: string[];
    }
  /** A first stage without DIFFUSION: the input is taken at its diffusion size. */
  | { kind: "resize"; width: number; height: number }
  | { kind: "upscale"; width: number; height: number; upscaler: string }
  | { kind: "adetailer"; width: number; height: number; models: string[]; prompt: string }
  | { kind: "inpaint"; mask?: ResolvedImage; prompt: string; maskBlur: number; invert: boolean }
  | {
      kind: "video";
      width: number;
      height: number;
      frames: number;
      prompt: string;
      sdModel: string;
      /** Time per frame (AnimateDiff's `fps`); default 100 ms. */
      delayMs?: number;
    }
  /** LayerDiffusion: the subject on a transparent background. */
  | { kind: "cutout" };

/** A planned job: how many outputs, from what, through which steps. */
export interface StagePlan {
  count: number;
  /** -1 means random: the job picks one from its id. */
  seed: number;
  input?: ResolvedImage;
  steps: ImageStep[];
  output: { kind: "image" | "video"; width: number; height: number; format: "png" | "webp" };
  /** Emulated running time before the clock mode and slow factor, in ms. */
  runningMs: number;
}

const promptText = (prompts: { text?: string | undefined }[] | undefined) =>
  (prompts ?? [])
    .map((p) => p.text?.trim() ?? "")
    .filter(Boolean)
    .join(", ");

/**
 * Checks a job's stages against the rules and plans its run. Throws TAMS's argument error naming
 * the field for the first rule broken.
 */
export function planStages(stages: Stage[], ctx: StagePlanContext): StagePlan {
  if (stages.length === 0) throw argumentError("stages", "must list at least one stage");
  const types = stages.map((s) => s.type);
  const diffusionAt = types.indexOf("DIFFUSION");
  const hasDiffusion = diffusionAt >= 0;
  const firstWork = types[0] === "INPUT_INITIALIZE" ? 1 : 0;
  const videoAt = types.indexOf("VIDEO_DIFFUSION");

  stages.forEach((s, i) => {
    const p = `stages[${i}]`;
    if (s.type === "DEFAULT") throw argumentError(`${p}.type`, "must name a stage type; DEFAULT is not one");
    if (s.type === "INPUT_INITIALIZE" && i !== 0)
      throw argumentError(`${p}.type`, "INPUT_INITIALIZE can only be the first stage");
    // [inferred] one diffusion, right after the input: the later stages act on its images.
    if (s.type === "DIFFUSION" && i !== diffusionAt)
      throw argumentError(`${p}.type`, "a job has at most one DIFFUSION stage");
    if (s.type === "DIFFUSION" && i !== firstWork)
      throw argumentError(`${p}.type`, "DIFFUSION must be the first stage after INPUT_INITIALIZE");
    if (s.type === "VIDEO_DIFFUSION" && (i !== firstWork || stages.length !== firstWork + 1))
      throw argumentError(`${p}.type`, "VIDEO_DIFFUSION cannot be combined with image stages");
    if (s.type === "IMAGE_TO_ANIMATE_DIFF" && i !== stages.length - 1)
      throw argumentError(`${p}.type`, "IMAGE_TO_ANIMATE_DIFF must be the last stage");
    if (s.type !== "INPUT_INITIALIZE" && s.type !== "IMAGE_TO_ANIMATE_DIFF") {
      const body = BODY[s.type];
      if (s[body] === undefined) throw argumentError(`${p}.${body}`, `is required for a ${s.type} stage`);
    }
  });
  if (types.every((t) => t === "INPUT_INITIALIZE"))
    throw argumentError("stages", "must contain a stage that makes or changes an image");

  // INPUT_INITIALIZE
  const init = types[0] === "INPUT_INITIALIZE" ? (stages[0]!.inputInitialize ?? {}) : undefined;
  const count = init?.count && init.count > 0 ? init.count : 1;
  const seed = init?.seed ?? -1;
  let input: ResolvedImage | undefined;
  const initPath = "stages[0].inputInitialize";
  if (init?.imageResourceId !== undefined && ctx.checkResources) {
    input = resolve(ctx, init.imageResourceId, `${initPath}.imageResourceId`);
  }
  if (!hasDiffusion && videoAt < 0) {
    // [doc] "Do not perform the Diffusion operation, therefore inputInitialize.count can only be 1".
    if (count > 1)
      throw argumentError(`${initPath}.count`, "can only be 1 when the job has no DIFFUSION stage");
    if (init?.imageResourceId === undefined)
      throw argumentError(
        init ? `${initPath}.imageResourceId` : "stages",
        "is required when the job has no DIFFUSION stage: the image stages act on the input image",
      );
  }

  const steps: ImageStep[] = [];
  let size: { width: number; height: number } | undefined = input && {
    width: input.width,
    height: input.height,
  };
  let diffusionSteps: number | undefined;
  let runningMs = 0;
  let output: StagePlan["output"] | undefined;
  let first = true;
  let animate: { frames: number; fps: number; sdModel: string } | undefined;
  let transparent = false;
  const mp = (w: number, h: number) => (w * h) / (1024 * 1024);

  stages.forEach((s, i) => {
    const p = `stages[${i}]`;
    switch (s.type) {
      case "DIFFUSION": {
        const d = s.diffusion!;
        const dp = `${p}.diffusion`;
        const need = requireDiffusion(d, dp, "a DIFFUSION stage needs it");
        const control = controlOf(d, dp, ctx);
        steps.push({
          kind: "diffusion",
          width: need.width,
          height: need.height,
          prompt: promptText(d.prompts),
          negativePrompt: promptText(d.negativePrompts),
          sdModel: need.sdModel,
          ...(d.sampler ? { sampler: d.sampler } : {}),
          steps: need.steps,
          // img2img keeps 1 - denoise of the input (SD WebUI's default denoise 0.75; inferred).
          keep: init?.imageResourceId !== undefined ? 1 - (d.denoisingStrength ?? 0.75) : 0,
          ...(control ? { control } : {}),
          loras: (d.lora?.items ?? []).map((l) => l.loraModel),
        });
        size = { width: need.width, height: need.height };
        diffusionSteps = need.steps;
        runningMs += count * need.steps * Math.max(0.25, mp(need.width, need.height)) * 200;
        const motion = d.animateDiff?.args?.[0];
        if (motion) {
          // [inferred] AnimateDiff's usual defaults: 16 frames at 8 fps when 0 or unset.
          animate = { frames: motion.videoLength || 16, fps: motion.fps || 8, sdModel: need.sdModel };
          runningMs += count * animate.frames * 150;
        }
        if (d.layerDiffusion?.enable) transparent = true;
        first = false;
        break;
      }
      case "IMAGE_TO_UPSCALER": {
        const u = s.imageToUpscaler!;
        const up = `${p}.imageToUpscaler`;
        const upscaler = u.hrUpscaler ?? "Latent";
        // [doc] "hr_upscaler prohibits the use of latent, as latent only takes effect during the
        // Diffusion phase of txt2img".
        if (/^latent/i.test(upscaler) && !hasDiffusion)
          throw argumentError(
            `${up}.hrUpscaler`,
            `"${upscaler}" only works after a DIFFUSION stage (latent upscaling takes effect during diffusion); use an image upscaler such as 4x-UltraSharp`,
          );
        const base = stageInput(u.diffusion, up, hasDiffusion, first, size, steps);
        const target = upscaleTarget(u, up, base);
        const limitField = u.hrResizeX || u.hrResizeY ? `${up}.hrResizeX` : `${up}.hrScale`;
        checkSize(target, limitField, ctx);
        steps.push({ kind: "upscale", width: target.width, height: target.height, upscaler });
        runningMs +=
          count *
          (u.hrSecondPassSteps || diffusionSteps || 10) *
          Math.max(0.25, mp(target.width, target.height)) *
          150;
        size = target;
        first = false;
        break;
      }
      case "IMAGE_TO_ADETAILER": {
        const a = s.imageToAdetailer!;
        const ap = `${p}.imageToAdetailer`;
        const base = stageInput(a.diffusion, ap, hasDiffusion, first, size, steps);
        const args = a.args ?? [];
        if (args.length === 0) throw argumentError(`${ap}.args`, "must list at least one ADetailer model");
        steps.push({
          kind: "adetailer",
          width: base.width,
          height: base.height,
          models: args.map((x) => x.adModel ?? "face_yolov8n.pt"),
          prompt: args
            .map((x) => promptText(x.adPrompt))
            .filter(Boolean)
            .join(", "),
        });
        runningMs += count * args.length * 1500;
        size = base;
        first = false;
        break;
      }
      case "IMAGE_TO_INPAINT": {
        const n = s.imageToInpaint!;
        const np = `${p}.imageToInpaint`;
        const incoming = size;
        const base = stageInput(n.diffusion, np, hasDiffusion, first, size, []);
        if (n.maskImageResourceId === undefined)
          throw argumentError(`${np}.maskImageResourceId`, "is required for an IMAGE_TO_INPAINT stage");
        let mask: ResolvedImage | undefined;
        if (ctx.checkResources) {
          mask = resolve(ctx, n.maskImageResourceId, `${np}.maskImageResourceId`);
          // [doc] "the resolution of the mask image should be exactly the same as that of the original image".
          if (incoming && (mask.width !== incoming.width || mask.height !== incoming.height))
            throw argumentError(
              `${np}.maskImageResourceId`,
              `the mask is ${mask.width}×${mask.height} but the image it masks is ${incoming.width}×${incoming.height}; they must be the same size`,
            );
        }
        steps.push({
          kind: "inpaint",
          ...(mask ? { mask } : {}),
          prompt: promptText(n.diffusion?.prompts) || "inpaint",
          maskBlur: n.maskBlur ?? 4,
          invert: n.inpaintMaskInvert === 1,
        });
        // A first stage renders at its diffusion size (the input is resized to it, as SD WebUI's img2img does).
        if (first && incoming && (incoming.width !== base.width || incoming.height !== base.height))
          steps.push({ kind: "resize", width: base.width, height: base.height });
        runningMs +=
          count *
          (n.diffusion?.steps ?? diffusionSteps ?? 20) *
          Math.max(0.25, mp(base.width, base.height)) *
          150;
        size = base;
        first = false;
        break;
      }
      case "VIDEO_DIFFUSION": {
        const v = s.videoDiffusion!;
        const vp = `${p}.videoDiffusion`;
        if (v.totalFrames === undefined)
          throw argumentError(`${vp}.totalFrames`, "is required for a VIDEO_DIFFUSION stage");
        if (v.sdModel === undefined)
          throw argumentError(`${vp}.sdModel`, "is required for a VIDEO_DIFFUSION stage");
        (v.inp?.args ?? []).forEach((arg, k) => {
          for (const f of ["startImageResourceId", "endImageResourceId"] as const) {
            const id = arg[f];
            if (id && ctx.checkResources) resolve(ctx, id, `${vp}.inp.args[${k}].${f}`);
          }
        });
        const width = v.width || input?.width || 512;
        const height = v.height || input?.height || 512;
        steps.push({
          kind: "video",
          width,
          height,
          frames: v.totalFrames,
          prompt: promptText(v.prompts),
          sdModel: v.sdModel,
        });
        runningMs += v.totalFrames * 400;
        output = { kind: "video", width, height, format: "webp" };
        break;
      }
      case "IMAGE_TO_ANIMATE_DIFF": {
        const base = size ?? { width: 512, height: 512 };
        steps.push({
          kind: "video",
          width: base.width,
          height: base.height,
          frames: 16,
          prompt: "animate diff",
          sdModel: "",
        });
        runningMs += count * 5000;
        output = { kind: "video", width: base.width, height: base.height, format: "webp" };
        break;
      }
      default:
        break;
    }
  });

  const final = size ?? { width: 512, height: 512 };
  // The DIFFUSION stage's AnimateDiff and LayerDiffusion act on the job's final image.
  if (animate && !output) {
    steps.push({
      kind: "video",
      ...final,
      frames: animate.frames,
      prompt: "AnimateDiff",
      sdModel: animate.sdModel,
      delayMs: Math.round(1000 / animate.fps),
    });
    output = { kind: "video", ...final, format: "webp" };
  } else if (transparent && !output) steps.push({ kind: "cutout" });
  return {
    count,
    seed,
    ...(input ? { input } : {}),
    steps,
    output: output ?? { kind: "image", width: final.width, height: final.height, format: "png" },
    runningMs: Math.min(120_000, Math.max(1000, Math.round(runningMs))),
  };
}

function resolve(ctx: StagePlanContext, id: string, field: string): ResolvedImage {
  const r = ctx.resolveResource(id);
  if (typeof r === "string") throw argumentError(field, resourceProblemText(id, r));
  return r;
}

/** DIFFUSION's (or a nested `diffusion`'s) fields a stage cannot do without. */
function requireDiffusion(d: DiffusionParams | undefined, path: string, why: string) {
  if (!d) throw argumentError(path, `is required: ${why}`);
  for (const f of ["width", "height", "steps", "sdModel"] as const)
    if (d[f] === undefined) throw argumentError(`${path}.${f}`, `is required: ${why}`);
  return { width: d.width!, height: d.height!, steps: d.steps!, sdModel: d.sdModel! };
}

/**
 * The image an UPSCALER / ADETAILER / INPAINT stage starts from. Without a DIFFUSION stage it
 * must carry diffusion parameters [doc]; as the first image stage it takes the input at their
 * width × height (the credit formula's inheritance rule), so a resize step is planned.
 */
function stageInput(
  nested: DiffusionParams | undefined,
  path: string,
  hasDiffusion: boolean,
  first: boolean,
  size: { width: number; height: number } | undefined,
  steps: ImageStep[],
): { width: number; height: number } {
  if (!hasDiffusion) {
    const d = requireDiffusion(
      nested,
      `${path}.diffusion`,
      "a stage without a DIFFUSION stage before it carries the diffusion parameters of the original image",
    );
    if (first) {
      if (!size || size.width !== d.width || size.height !== d.height)
        steps.push({ kind: "resize", width: d.width, height: d.height });
      return { width: d.width, height: d.height };
    }
  }
  return size ?? { width: 512, height: 512 };
}

/** The size an upscaler makes: `hrResizeX × hrResizeY`, one side with the aspect kept, or `hrScale` (default 2, as SD WebUI). */
function upscaleTarget(
  u: { hrResizeX?: number | undefined; hrResizeY?: number | undefined; hrScale?: number | undefined },
  path: string,
  base: { width: number; height: number },
) {
  const x = u.hrResizeX ?? 0;
  const y = u.hrResizeY ?? 0;
  if (x > 0 && y > 0) return { width: x, height: y };
  if (x > 0) return { width: x, height: Math.floor((x * base.height) / base.width) };
  if (y > 0) return { width: Math.floor((y * base.width) / base.height), height: y };
  const scale = u.hrScale && u.hrScale > 0 ? u.hrScale : 2;
  if (scale < 1)
    throw argumentError(`${path}.hrScale`, `must be at least 1 (an upscaler does not shrink), got ${scale}`);
  return { width: Math.floor(base.width * scale), height: Math.floor(base.height * scale) };
}

function checkSize(target: { width: number; height: number }, field: string, ctx: StagePlanContext) {
  const max = LIMITS.maxUpscaledSide;
  if (
    target.width < 1 ||
    target.height < 1 ||
    target.width > max ||
    target.height > max ||
    target.width * target.height > ctx.maxPixels
  )
    throw argumentError(
      field,
      `would make a ${target.width}×${target.height} image; the limit is ${max} pixels per side and ${ctx.maxPixels} pixels in all`,
    );
}

function controlOf(d: DiffusionParams, path: string, ctx: StagePlanContext): ControlInput | undefined {
  let control: ControlInput | undefined;
  (d.controlnet?.args ?? []).forEach((arg, k) => {
    const ap = `${path}.controlnet.args[${k}]`;
    if (!ctx.checkResources) return;
    const image = resolve(ctx, arg.inputImageResourceId, `${ap}.inputImageResourceId`);
    if (arg.mask && arg.maskResourceId && arg.mask !== arg.maskResourceId)
      throw argumentError(`${ap}.mask`, "names another resource than maskResourceId; give one of them");
    const maskId = arg.mask || arg.maskResourceId;
    const mask = maskId ? resolve(ctx, maskId, arg.mask ? `${ap}.mask` : `${ap}.maskResourceId`) : undefined;
    control ??= {
      image,
      preprocessor: arg.preprocessor ?? "none",
      weight: arg.weight ?? 1,
      ...(mask ? { mask } : {}),
    };
  });
  return control;
}
