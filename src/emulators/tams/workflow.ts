/**
 * ComfyUI-style workflow graphs (`params` of `POST /v1/jobs/workflow`): validation against the
 * known node classes, execution order, and what each SaveImage node produces.
 *
 * A link is `[nodeId, outputIndex]`. For a known class, every required input must be present (the
 * doc's answer for a missing one is "字段必填"), links must point to an existing node and to an
 * output that node's class has, of the type the input takes. Unknown classes are accepted as
 * they are (TAMS runs custom nodes we cannot know), and links into them are taken on trust.
 *
 * @see ../shared/providers/docs/tensorart-tams.txt "workflow" and "Workflow Template"
 */
import { TAMS_MESSAGES } from "./errors.js";
import type { ResolvedImage, ResourceProblem } from "./resources.js";
import { resourceProblemText } from "./resources.js";
import type { WorkflowParams } from "./schemas.js";

/** Value types of node inputs and outputs. */
type IoType =
  | "MODEL"
  | "CLIP"
  | "VAE"
  | "CONDITIONING"
  | "LATENT"
  | "IMAGE"
  | "MASK"
  | "CONTROL_NET"
  | "UPSCALE_MODEL"
  | "INT"
  | "FLOAT"
  | "STRING"
  | "BOOLEAN"
  | "RESOURCE";

/** Input spec: its type, and whether a graph may leave it out. */
interface InputSpec {
  type: IoType;
  required: boolean;
}

/** A node class we know. */
export interface NodeClass {
  inputs: Record<string, InputSpec>;
  outputs: IoType[];
  /** An output node: what makes a graph worth running. */
  output?: boolean;
}

const req = (type: IoType): InputSpec => ({ type, required: true });
const opt = (type: IoType): InputSpec => ({ type, required: false });

/** Link-carried types: a literal is not a valid value for these. */
const LINK_TYPES: readonly IoType[] = [
  "MODEL",
  "CLIP",
  "VAE",
  "CONDITIONING",
  "LATENT",
  "IMAGE",
  "MASK",
  "CONTROL_NET",
  "UPSCALE_MODEL",
];

/** The class of a node's `classType`, or `undefined` (a client's text: own keys only, never `constructor`). */
function nodeClass(classType: string): NodeClass | undefined {
  return Object.hasOwn(NODE_CLASSES, classType) ? NODE_CLASSES[classType] : undefined;
}

/**
 * Inputs whose values come from a fixed list (ComfyUI's COMBO inputs), with ComfyUI's own lists.
 * A template field on one of them carries the list as `inputString` (inferred format: the JSON
 * array text; TensorArt's ComfyUI node reads `inputString` for a field's options [public client]).
 */
export const INPUT_OPTIONS: Readonly<Record<string, Readonly<Record<string, readonly string[]>>>> = {
  KSampler: {
    sampler_name: [
      "euler",
      "euler_ancestral",
      "heun",
      "dpm_2",
      "dpm_2_ancestral",
      "lms",
      "dpmpp_2s_ancestral",
      "dpmpp_sde",
      "dpmpp_2m",
      "dpmpp_2m_sde",
      "ddim",
      "uni_pc",
    ],
    scheduler: ["normal", "karras", "exponential", "sgm_uniform", "simple", "ddim_uniform"],
  },
  LatentUpscale: {
    upscale_method: ["nearest-exact", "bilinear", "area", "bicubic", "bislerp"],
    crop: ["disabled", "center"],
  },
  LatentUpscaleBy: { upscale_method: ["nearest-exact", "bilinear", "area", "bicubic", "bislerp"] },
  ImageScale: {
    upscale_method: ["nearest-exact", "bilinear", "area", "bicubic", "lanczos"],
    crop: ["disabled", "center"],
  },
  ImageScaleBy: { upscale_method: ["nearest-exact", "bilinear", "area", "bicubic", "lanczos"] },
};

/** The node classes validated exactly (ComfyUI's own input names and outputs). */
export const NODE_CLASSES: Readonly<Record<string, NodeClass>> = {
  CheckpointLoaderSimple: { inputs: { ckpt_name: req("STRING") }, outputs: ["MODEL", "CLIP", "VAE"] },
  LoraLoader: {
    inputs: {
      model: req("MODEL"),
      clip: req("CLIP"),
      lora_name: req("STRING"),
      strength_model: req("FLOAT"),
      strength_clip: req("FLOAT"),
    },
    outputs: ["MODEL", "CLIP"],
  },
  CLIPTextEncode: { inputs: { text: req("STRING"), clip: req("CLIP") }, outputs: ["CONDITIONING"] },
  EmptyLatentImage: {
    inputs: { width: req("INT"), height: req("INT"), batch_size: req("INT") },
    outputs: ["LATENT"],
  },
  KSampler: {
    inputs: {
      model: req("MODEL"),
      seed: req("INT"),
      steps: req("INT"),
      cfg: req("FLOAT"),
      sampler_name: req("STRING"),
      scheduler: req("STRING"),
      positive: req("CONDITIONING"),
      negative: req("CONDITIONING"),
      latent_image: req("LATENT"),
      denoise: opt("FLOAT"),
    },
    outputs: ["LATENT"],
  },
  LatentUpscale: {
    inputs: {
      samples: req("LATENT"),
      upscale_method: req("STRING"),
      width: req("INT"),
      height: req("INT"),
      crop: req("STRING"),
    },
    outputs: ["LATENT"],
  },
  LatentUpscaleBy: {
    inputs: { samples: req("LATENT"), upscale_method: req("STRING"), scale_by: req("FLOAT") },
    outputs: ["LATENT"],
  },
  VAEDecode: { inputs: { samples: req("LATENT"), vae: req("VAE") }, outputs: ["IMAGE"] },
  VAEEncode: { inputs: { pixels: req("IMAGE"), vae: req("VAE") }, outputs: ["LATENT"] },
  LoadImage: { inputs: { image: req("RESOURCE") }, outputs: ["IMAGE", "MASK"] },
  ImageScale: {
    inputs: {
      image: req("IMAGE"),
      upscale_method: req("STRING"),
      width: req("INT"),
      height: req("INT"),
      crop: req("STRING"),
    },
    outputs: ["IMAGE"],
  },
  ImageScaleBy: {
    inputs: { image: req("IMAGE"), upscale_method: req("STRING"), scale_by: req("FLOAT") },
    outputs: ["IMAGE"],
  },
  SaveImage: { inputs: { images: req("IMAGE"), filename_prefix: opt("STRING") }, outputs: [], output: true },
  PreviewImage: { inputs: { images: req("IMAGE") }, outputs: [], output: true },
};

/** One problem with one node input, in the shape of the doc's ArgumentError message. */
export interface NodeProblem {
  nodeId: string;
  classType: string;
  input: string;
  problem: string;
}

/** A link `[nodeId, outputIndex]`, or undefined for a literal. */
export function linkOf(value: unknown): { nodeId: string; output: number } | undefined {
  if (
    Array.isArray(value) &&
    value.length === 2 &&
    (typeof value[0] === "string" || typeof value[0] === "number") &&
    typeof value[1] === "number" &&
    Number.isInteger(value[1])
  ) {
    return { nodeId: String(value[0]), output: value[1] };
  }
  return undefined;
}

const isNumberLike = (v: unknown, integer: boolean) =>
  (typeof v === "number" && Number.isFinite(v) && (!integer || Number.isInteger(v))) ||
  (typeof v === "string" && (integer ? /^-?\d+$/ : /^-?\d+(\.\d+)?$/).test(v.trim()));

/** What {@link validateWorkflow} needs from the outside. */
export interface WorkflowContext {
  /** A resource id for LoadImage: the image, or why it cannot be used. */
  resolveResource(id: string): ResolvedImage | ResourceProblem;
}

/** A node of a validated graph, in execution order. */
export interface PlannedNode {
  id: string;
  classType: string;
  /** A sampler node: its progress is reported (`process`). */
  sampler: boolean;
  /** SaveImage nodes: the images it writes. */
  images: PlannedImage[];
}

/** An image a SaveImage node writes. */
export interface PlannedImage {
  width: number;
  height: number;
  seed: number;
  prompt: string;
  /** A LoadImage resource the image derives from. */
  source?: ResolvedImage;
  /** 0..1: how much of the source shows (1 - denoise). */
  sourceWeight: number;
  model?: string;
}

/** A validated graph: nodes in execution order. */
export interface WorkflowPlan {
  nodes: PlannedNode[];
  /** Sampling work, for the job's duration: Σ steps × batch × megapixels. */
  work: number;
}

/** The result of validation: a plan, or every problem found. */
export type WorkflowValidation = { ok: true; plan: WorkflowPlan } | { ok: false; problems: NodeProblem[] };

/** The message of a graph with no output node (ComfyUI's own words). */
export const NO_OUTPUTS = "Prompt has no outputs";

/**
 * Validates a graph and plans its run.
 * @example validateWorkflow(params, { resolveResource: (id) => index.resolve(key, id) })
 */
export function validateWorkflow(params: WorkflowParams, context: WorkflowContext): WorkflowValidation {
  const problems: NodeProblem[] = [];
  const resources = new Map<string, ResolvedImage>();
  const ids = Object.keys(params);
  for (const id of ids) {
    const node = params[id]!;
    const spec = nodeClass(node.classType);
    const inputs = node.inputs ?? {};
    const add = (input: string, problem: string) =>
      problems.push({ nodeId: id, classType: node.classType, input, problem });
    // Links, whatever the class.
    for (const [name, value] of Object.entries(inputs)) {
      const link = linkOf(value);
      if (!link) continue;
      // Own keys only: a link to "constructor" names no node (it is not the object's prototype).
      const target = Object.hasOwn(params, link.nodeId) ? params[link.nodeId] : undefined;
      if (!target) {
        add(name, `links to node ${link.nodeId}, which is not in the workflow`);
        continue;
      }
      const targetSpec = nodeClass(target.classType);
      if (!targetSpec) continue;
      const outType = targetSpec.outputs[link.output];
      if (outType === undefined || link.output < 0) {
        add(
          name,
          `links to output ${link.output} of node ${link.nodeId} (${target.classType}), which has ${targetSpec.outputs.length} output(s)`,
        );
        continue;
      }
      const want = spec?.inputs[name]?.type;
      if (want && LINK_TYPES.includes(want) && outType !== want) {
        add(
          name,
          `takes ${want}, but output ${link.output} of node ${link.nodeId} (${target.classType}) is ${outType}`,
        );
      }
    }
    if (!spec) continue;
    for (const [name, input] of Object.entries(spec.inputs)) {
      const value = inputs[name];
      if (
        value === undefined ||
        value === null ||
        (value === "" && input.required && input.type !== "STRING")
      ) {
        if (input.required) add(name, TAMS_MESSAGES.fieldRequired);
        continue;
      }
      if (linkOf(value)) continue;
      if (LINK_TYPES.includes(input.type))
        add(name, `must be a link [nodeId, outputIndex] to a ${input.type} output`);
      else if (input.type === "INT" && !isNumberLike(value, true)) add(name, "must be an integer");
      else if (input.type === "FLOAT" && !isNumberLike(value, false)) add(name, "must be a number");
      else if (input.type === "STRING" && typeof value !== "string" && typeof value !== "number")
        add(name, "must be a string");
      else if (input.type === "RESOURCE") {
        if (typeof value !== "string" || value.trim() === "") add(name, TAMS_MESSAGES.fieldRequired);
        else {
          const r = context.resolveResource(value);
          if (typeof r === "string") add(name, resourceProblemText(value, r));
          else resources.set(id, r);
        }
      }
    }
    for (const size of ["width", "height"] as const) {
      if (
        (node.classType === "EmptyLatentImage" || node.classType === "ImageScale") &&
        isNumberLike(inputs[size], true)
      ) {
        const n = Number(inputs[size]);
        const min = node.classType === "EmptyLatentImage" ? 16 : 0;
        if (n < min || n > 4096) add(size, `must be between ${min} and 4096`);
      }
    }
    if (node.classType === "EmptyLatentImage" && isNumberLike(inputs.batch_size, true)) {
      const n = Number(inputs.batch_size);
      if (n < 1 || n > 4) add("batch_size", "must be between 1 and 4");
    }
    if (node.classType === "KSampler" && isNumberLike(inputs.steps, true)) {
      const n = Number(inputs.steps);
      if (n < 1 || n > 150) add("steps", "must be between 1 and 150");
    }
  }
  if (problems.length > 0) return { ok: false, problems };

  const outputs = ids.filter((id) => nodeClass(params[id]!.classType)?.output);
  if (outputs.length === 0)
    return { ok: false, problems: [{ nodeId: "-", classType: "-", input: "workflow", problem: NO_OUTPUTS }] };

  // Execution order: depth-first from the output nodes, dependencies first; a cycle is an error.
  const order: string[] = [];
  const state = new Map<string, "visiting" | "done">();
  const visit = (id: string, path: string[]): NodeProblem | undefined => {
    const s = state.get(id);
    if (s === "done") return undefined;
    if (s === "visiting") {
      const node = params[id]!;
      return {
        nodeId: id,
        classType: node.classType,
        input: "inputs",
        problem: `is part of a cycle: ${[...path, id].join(" → ")}`,
      };
    }
    state.set(id, "visiting");
    for (const value of Object.values(params[id]!.inputs ?? {})) {
      const link = linkOf(value);
      if (!link) continue;
      const p = visit(link.nodeId, [...path, id]);
      if (p) return p;
    }
    state.set(id, "done");
    order.push(id);
    return undefined;
  };
  for (const id of outputs.sort(byNodeId)) {
    const p = visit(id, []);
    if (p) return { ok: false, problems: [p] };
  }

  const evaluator = createEvaluator(params, resources);
  let work = 0;
  const nodes: PlannedNode[] = order.map((id) => {
    const node = params[id]!;
    const sampler = /^KSampler/.test(node.classType) || /^SamplerCustom/.test(node.classType);
    if (sampler) {
      const v = evaluator.latentOf(id);
      work += (Number(node.inputs?.steps) || 20) * v.batch * ((v.width * v.height) / (1024 * 1024));
    }
    const images: PlannedImage[] = [];
    if (node.classType === "SaveImage") {
      const v = evaluator.value(node.inputs?.images);
      for (let i = 0; i < v.batch; i++) {
        images.push({
          width: v.width,
          height: v.height,
          seed: v.seed + i,
          prompt: v.prompt,
          ...(v.source ? { source: v.source } : {}),
          sourceWeight: v.sourceWeight,
          ...(v.model ? { model: v.model } : {}),
        });
      }
    }
    return { id, classType: node.classType, sampler, images };
  });
  return { ok: true, plan: { nodes, work } };
}

/** Node ids sort numerically when they are numbers ("3" before "10"). */
export function byNodeId(a: string, b: string): number {
  const na = Number(a);
  const nb = Number(b);
  return Number.isFinite(na) && Number.isFinite(nb) ? na - nb : a.localeCompare(b);
}

/** What flows along a LATENT or IMAGE link, as far as images are concerned. */
interface Flow {
  width: number;
  height: number;
  batch: number;
  seed: number;
  prompt: string;
  source?: ResolvedImage;
  sourceWeight: number;
  model?: string;
}

const DEFAULT_FLOW: Flow = { width: 512, height: 512, batch: 1, seed: 0, prompt: "", sourceWeight: 0 };

/** Computes sizes, batch, prompt and seed along the graph (the size "the graph implies"). */
function createEvaluator(params: WorkflowParams, resources: Map<string, ResolvedImage>) {
  const memo = new Map<string, Flow>();
  const num = (v: unknown, fallback: number) =>
    v !== undefined && v !== null && Number.isFinite(Number(v)) ? Number(v) : fallback;

  const textOf = (value: unknown, depth = 0): string => {
    const link = linkOf(value);
    if (!link || depth > 20) return typeof value === "string" ? value : "";
    const node = params[link.nodeId];
    if (!node) return "";
    if (node.classType === "CLIPTextEncode") return textOf(node.inputs?.text, depth + 1);
    for (const v of Object.values(node.inputs ?? {})) {
      const t = textOf(v, depth + 1);
      if (t) return t;
    }
    return "";
  };

  const modelOf = (value: unknown, depth = 0): string | undefined => {
    const link = linkOf(value);
    if (!link || depth > 20) return undefined;
    const node = params[link.nodeId];
    if (!node) return undefined;
    if (node.classType === "CheckpointLoaderSimple") return String(node.inputs?.ckpt_name ?? "");
    return modelOf(node.inputs?.model, depth + 1);
  };

  const value = (input: unknown, depth = 0): Flow => {
    const link = linkOf(input);
    if (!link || depth > 200) return DEFAULT_FLOW;
    const key = `${link.nodeId}:${link.output}`;
    const hit = memo.get(key);
    if (hit) return hit;
    const node = params[link.nodeId];
    const inputs = node?.inputs ?? {};
    let flow: Flow;
    switch (node?.classType) {
      case "EmptyLatentImage":
        flow = {
          ...DEFAULT_FLOW,
          width: num(inputs.width, 512),
          height: num(inputs.height, 512),
          batch: num(inputs.batch_size, 1),
        };
        break;
      case "LoadImage": {
        const r = resources.get(link.nodeId);
        flow = r
          ? { ...DEFAULT_FLOW, width: r.width, height: r.height, source: r, sourceWeight: 1 }
          : DEFAULT_FLOW;
        break;
      }
      case "KSampler":
      case "KSamplerAdvanced": {
        const base = value(inputs.latent_image, depth + 1);
        const denoise = num(inputs.denoise, 1);
        const model = modelOf(inputs.model);
        flow = {
          ...base,
          seed: num(inputs.seed ?? inputs.noise_seed, 0),
          prompt: textOf(inputs.positive) || base.prompt,
          sourceWeight: base.source ? Math.max(0, Math.min(1, base.sourceWeight * (1 - denoise))) : 0,
          ...(model ? { model } : {}),
        };
        break;
      }
      case "LatentUpscale":
      case "ImageScale": {
        const base = value(inputs.samples ?? inputs.image, depth + 1);
        let w = num(inputs.width, 0);
        let h = num(inputs.height, 0);
        // ComfyUI: a 0 side keeps the aspect ratio.
        if (w === 0 && h > 0) w = Math.round((base.width * h) / base.height);
        if (h === 0 && w > 0) h = Math.round((base.height * w) / base.width);
        flow = { ...base, width: w || base.width, height: h || base.height };
        break;
      }
      case "LatentUpscaleBy":
      case "ImageScaleBy": {
        const base = value(inputs.samples ?? inputs.image, depth + 1);
        const s = num(inputs.scale_by, 1);
        flow = { ...base, width: Math.round(base.width * s), height: Math.round(base.height * s) };
        break;
      }
      case "VAEDecode":
        flow = value(inputs.samples, depth + 1);
        break;
      case "VAEEncode":
        flow = value(inputs.pixels, depth + 1);
        break;
      default: {
        // Unknown classes pass through the first linked input that carries an image or latent.
        flow = DEFAULT_FLOW;
        for (const v of Object.values(inputs)) {
          if (!linkOf(v)) continue;
          const f = value(v, depth + 1);
          if (f !== DEFAULT_FLOW) {
            flow = f;
            break;
          }
        }
      }
    }
    memo.set(key, flow);
    return flow;
  };

  return {
    value,
    latentOf: (samplerId: string) => value([samplerId, 0]),
  };
}
