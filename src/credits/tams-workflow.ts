/**
 * TensorArt TAMS credits for ComfyUI-style workflows (`POST /v1/jobs/workflow`,
 * `/v1/jobs/workflow/params/check`) and workflow templates (`/v1/workflows/template/check`).
 *
 * The doc publishes no workflow formula. The rule here is inferred: each sampler node (KSampler,
 * KSamplerAdvanced, SamplerCustom, SamplerCustomAdvanced) is one sampling run, priced like a
 * DIFFUSION stage: `MODEL_FACTOR * BATCH * CEIL(STEPS / 5) / 5`, where BATCH is the batch size of
 * the latent it samples and MODEL_FACTOR comes from the checkpoint its `model` input loads. Image
 * size does not enter (as for DIFFUSION); `denoise` does not either. The doc's workflow example
 * (two KSamplers, 26 and 30 steps, batch 1, 1024×1536, job credits 2.4) fits this rule and rules
 * out the alternatives: pricing the second, upscaled pass as an UPSCALER with the pixel factor
 * gives 3.0; scaling its steps by denoise 0.3 gives 1.6.
 *
 * @see ../shared/providers/docs/tensorart-tams.txt "workflow" › "Get workflow result" and
 *   "Workflow Template" › "Check Workflow Template Parameters"
 */
import { formatRatio, fromHundredths, toHundredths } from "./decimal.js";
import { CreditsInputError } from "./errors.js";
import {
  asObject,
  describe,
  getField,
  isObject,
  type JsonObject,
  parseInt64,
  readArray,
} from "./protojson.js";
import type { TamsOptions } from "./tams.js";
import { diffusionCredits, tamsModelFactor, tamsModelFamily } from "./tams-formulas.js";
import type { CreditEstimate, CreditLine } from "./types.js";

/** A workflow graph node as the API takes it. */
export interface TamsWorkflowNode {
  classType?: string;
  class_type?: string;
  inputs?: Record<string, unknown>;
}

/** A workflow graph: node id → node. */
export type TamsWorkflowParams = Record<string, TamsWorkflowNode>;

/** Sampler node classes: the nodes that are charged. */
export const TAMS_SAMPLER_CLASSES = [
  "KSampler",
  "KSamplerAdvanced",
  "SamplerCustom",
  "SamplerCustomAdvanced",
] as const;

interface Node {
  id: string;
  classType: string;
  inputs: JsonObject;
  path: string;
}

/** A link input: `["4", 0]` = output 0 of node "4". */
function linkTarget(value: unknown): string | undefined {
  if (
    Array.isArray(value) &&
    value.length === 2 &&
    (typeof value[0] === "string" || typeof value[0] === "number")
  ) {
    if (typeof value[1] === "number") return String(value[0]);
  }
  return undefined;
}

function parseGraph(params: unknown, root: string): Map<string, Node> {
  const graph = asObject(params, root);
  const nodes = new Map<string, Node>();
  for (const [id, raw] of Object.entries(graph)) {
    const path = `${root}.${id}`;
    const node = asObject(raw, path);
    const classType = getField(node, "classType", path);
    if (!classType || typeof classType.value !== "string" || classType.value === "") {
      throw new CreditsInputError(
        classType?.path ?? `${path}.classType`,
        `must name the node class (e.g. "KSampler"), got ${describe(classType?.value)}`,
      );
    }
    const inputs = getField(node, "inputs", path);
    nodes.set(id, {
      id,
      classType: classType.value,
      inputs: inputs ? asObject(inputs.value, inputs.path) : {},
      path,
    });
  }
  for (const node of nodes.values()) {
    for (const [name, value] of Object.entries(node.inputs)) {
      const target = linkTarget(value);
      if (target !== undefined && !nodes.has(target)) {
        throw new CreditsInputError(
          `${node.path}.inputs.${name}`,
          `links to node "${target}", which is not in the graph`,
        );
      }
    }
  }
  return nodes;
}

function intInput(node: Node, name: string, min: number): number | undefined {
  const v = node.inputs[name];
  if (v === undefined || v === null || linkTarget(v) !== undefined) return undefined;
  return parseInt64(v, `${node.path}.inputs.${name}`, { min });
}

/** What a latent input carries: batch size and, when known, size in pixels. */
interface LatentInfo {
  batch: number;
  width?: number;
  height?: number;
  from: string;
}

const LATENT_INPUTS = ["latent_image", "samples", "latent", "pixels", "image", "images"];

/** Follows a latent (or image) back to where its batch size is set. */
function traceLatent(nodes: Map<string, Node>, id: string, seen: Set<string>): LatentInfo {
  const node = nodes.get(id)!;
  if (seen.has(id)) throw new CreditsInputError(node.path, "is part of a cycle");
  seen.add(id);
  const upstream = () => {
    for (const name of LATENT_INPUTS) {
      const t = linkTarget(node.inputs[name]);
      if (t !== undefined) return traceLatent(nodes, t, seen);
    }
    // A source that sets no batch (LoadImage, an unknown loader) yields one image.
    return { batch: 1, from: `${node.path} ${node.classType}` };
  };
  if (/^Empty.*Latent/.test(node.classType)) {
    const batch = intInput(node, "batch_size", 1) ?? 1;
    const width = intInput(node, "width", 1);
    const height = intInput(node, "height", 1);
    return {
      batch,
      ...(width !== undefined ? { width } : {}),
      ...(height !== undefined ? { height } : {}),
      from: `${node.path} ${node.classType}`,
    };
  }
  if (node.classType === "SamplerCustomAdvanced") {
    const t = linkTarget(node.inputs.latent_image);
    if (t !== undefined) return traceLatent(nodes, t, seen);
  }
  const up = upstream();
  if (node.classType === "RepeatLatentBatch") {
    return {
      ...up,
      batch: up.batch * (intInput(node, "amount", 1) ?? 1),
      from: `${node.path} RepeatLatentBatch`,
    };
  }
  if (node.classType === "LatentUpscale" || node.classType === "ImageScale") {
    const width = intInput(node, "width", 0);
    const height = intInput(node, "height", 0);
    return {
      ...up,
      ...(width ? { width } : {}),
      ...(height ? { height } : {}),
    };
  }
  return up;
}

/** The checkpoint a `model` input loads, through LoRA and other model patches. */
function traceModel(nodes: Map<string, Node>, id: string, seen: Set<string>): string | undefined {
  const node = nodes.get(id)!;
  if (seen.has(id)) return undefined;
  seen.add(id);
  for (const name of ["ckpt_name", "unet_name", "model_name"]) {
    const v = node.inputs[name];
    if (typeof v === "string" || typeof v === "number") return String(v);
  }
  const t = linkTarget(node.inputs.model);
  return t === undefined ? undefined : traceModel(nodes, t, seen);
}

/** Steps of a sampler node: its `steps` input, or for SamplerCustom* the `steps` of its scheduler. */
function samplerSteps(nodes: Map<string, Node>, node: Node): { steps: number; from: string } {
  const own = intInput(node, "steps", 1);
  if (own !== undefined) return { steps: own, from: `${node.path}.inputs.steps` };
  const sigmas = linkTarget(node.inputs.sigmas);
  if (sigmas !== undefined) {
    const scheduler = nodes.get(sigmas)!;
    const steps = intInput(scheduler, "steps", 1);
    if (steps !== undefined) return { steps, from: `${scheduler.path}.inputs.steps` };
  }
  throw new CreditsInputError(
    `${node.path}.inputs.steps`,
    `is required (a ${node.classType} is priced by its steps)`,
  );
}

function samplerLatent(nodes: Map<string, Node>, node: Node): LatentInfo {
  const t = linkTarget(node.inputs.latent_image);
  if (t === undefined) {
    throw new CreditsInputError(
      `${node.path}.inputs.latent_image`,
      "must link to the latent this sampler denoises",
    );
  }
  return traceLatent(nodes, t, new Set());
}

/** Orders node ids the way ComfyUI prints them: numerically when they are numbers. */
function byNodeId(a: string, b: string): number {
  const na = Number(a);
  const nb = Number(b);
  return Number.isFinite(na) && Number.isFinite(nb) ? na - nb : a.localeCompare(b);
}

/**
 * Estimates the credits of a workflow graph (`params` of `POST /v1/jobs/workflow`): one line per
 * sampler node, `MODEL_FACTOR * BATCH * CEIL(STEPS / 5) / 5` (inferred; see the module comment).
 * A graph without sampler nodes costs 0. Throws {@link CreditsInputError} for a malformed graph.
 *
 * @see ../shared/providers/docs/tensorart-tams.txt "workflow" (example job: credits 2.4)
 * @example estimateTamsWorkflow({ "3": { classType: "KSampler", inputs: { steps: 26, latent_image: ["5", 0] } },
 *   "5": { classType: "EmptyLatentImage", inputs: { batch_size: 1, width: 1024, height: 1536 } } }).total // 1.2
 */
export function estimateTamsWorkflow(
  params: unknown,
  options: TamsOptions = {},
  root = "params",
): CreditEstimate {
  const nodes = parseGraph(params, root);
  const items: CreditLine[] = [];
  const samplers = [...nodes.values()]
    .filter((n) => (TAMS_SAMPLER_CLASSES as readonly string[]).includes(n.classType))
    .sort((a, b) => byNodeId(a.id, b.id));
  let total = 0n;
  for (const node of samplers) {
    const { steps, from } = samplerSteps(nodes, node);
    const latent = samplerLatent(nodes, node);
    const modelLink = linkTarget(node.inputs.model);
    const sdModel = modelLink === undefined ? undefined : traceModel(nodes, modelLink, new Set());
    const base = sdModel === undefined ? undefined : options.baseModelOf?.(sdModel);
    const family = tamsModelFamily(base ?? sdModel);
    const factor = tamsModelFactor(family);
    const exact = diffusionCredits({ modelFactor: factor, count: latent.batch, steps });
    const hundredths = toHundredths(exact);
    total += hundredths;
    const inputs: CreditLine["inputs"] = {
      steps,
      stepsFrom: from,
      batch: latent.batch,
      batchFrom: latent.from,
      modelFactor: factor,
      modelFamily: family,
    };
    if (latent.width !== undefined) inputs.width = latent.width;
    if (latent.height !== undefined) inputs.height = latent.height;
    if (sdModel !== undefined) inputs.sdModel = sdModel;
    if (base !== undefined) inputs.baseModel = base;
    items.push({
      item: `${node.path} ${node.classType}`,
      credits: fromHundredths(hundredths),
      inputs,
      formula: `MODEL_FACTOR * BATCH * (CEIL(STEPS / 5) / 5) = ${factor} * ${latent.batch} * (CEIL(${steps} / 5) / 5) = ${formatRatio(exact)}`,
      source: "inferred",
    });
  }
  return { provider: "tams", total: fromHundredths(total), items };
}

/** An editable field of a workflow template. */
export interface TamsTemplateField {
  nodeId: string;
  fieldName: string;
  fieldValue: string;
}

/** A workflow template: its editable fields and the graph they are written into. */
export interface TamsTemplate {
  templateId: string;
  name: string;
  fields: TamsTemplateField[];
  params: TamsWorkflowParams;
  /** Where the template comes from, and what of it is inferred. */
  source: string;
}

/**
 * Templates the doc shows. The doc publishes template 676018193025756628's name, its two editable
 * fields (node 25 `image`, node 27 `text`) and its estimate (1 credit), but not its graph. The graph
 * below is a reconstruction (inferred): an image-to-image pass with one 25-step KSampler, the
 * simplest graph the sampler rule prices at 1. It makes the template usable offline; it does not
 * verify the rule. An emulator with its own catalog passes `templates` instead.
 * @see tensorart-tams.txt "Workflow Template" › "Get Workflow Template", "Check Workflow Template Parameters"
 */
export const TAMS_DOC_TEMPLATES: Readonly<Record<string, TamsTemplate>> = {
  "676018193025756628": {
    templateId: "676018193025756628",
    name: "二次元转真实",
    fields: [
      { nodeId: "25", fieldName: "image", fieldValue: "" },
      { nodeId: "27", fieldName: "text", fieldValue: "1 girl" },
    ],
    params: {
      "3": {
        classType: "KSampler",
        inputs: {
          cfg: 7,
          denoise: 0.6,
          latent_image: ["26", 0],
          model: ["4", 0],
          negative: ["7", 0],
          positive: ["27", 0],
          sampler_name: "dpmpp_2m",
          scheduler: "karras",
          seed: 12345,
          steps: 25,
        },
      },
      "4": { classType: "CheckpointLoaderSimple", inputs: { ckpt_name: "600423083519508503" } },
      "7": {
        classType: "CLIPTextEncode",
        inputs: { clip: ["4", 1], text: "lowres, bad anatomy, worst quality" },
      },
      "8": { classType: "VAEDecode", inputs: { samples: ["3", 0], vae: ["4", 2] } },
      "9": { classType: "SaveImage", inputs: { filename_prefix: "TensorArt", images: ["8", 0] } },
      "25": { classType: "LoadImage", inputs: { image: "" } },
      "26": { classType: "VAEEncode", inputs: { pixels: ["25", 0], vae: ["4", 2] } },
      "27": { classType: "CLIPTextEncode", inputs: { clip: ["4", 1], text: "1 girl" } },
    },
    source:
      "doc: templateId, name, fields and the 1-credit estimate; inferred: the graph (a reconstruction with one 25-step KSampler)",
  },
};

/** Options of {@link estimateTamsTemplate}: model lookups plus the template catalog to use. */
export interface TamsTemplateOptions extends TamsOptions {
  /** Templates by id; consulted before {@link TAMS_DOC_TEMPLATES}. */
  templates?: Readonly<Record<string, TamsTemplate>>;
}

function attrString(attr: JsonObject, camel: string, path: string): string {
  const f = getField(attr, camel, path);
  if (!f || (typeof f.value !== "string" && typeof f.value !== "number")) {
    throw new CreditsInputError(f?.path ?? `${path}.${camel}`, `must be a string, got ${describe(f?.value)}`);
  }
  return String(f.value);
}

/**
 * Estimates a template job (`/v1/workflows/template/check`, `/v1/jobs/workflow/template`): writes
 * each `fields.fieldAttrs[]` value into the template's graph, checks every template field is given
 * and not null (as the doc's error examples do), then prices the graph with
 * {@link estimateTamsWorkflow}.
 *
 * @see ../shared/providers/docs/tensorart-tams.txt "Workflow Template" › "Check Workflow Template Parameters"
 * @example estimateTamsTemplate("676018193025756628", { fieldAttrs: [
 *   { nodeId: "25", fieldName: "image", fieldValue: "f29036b4-ff7b-4394-8c26-aabc1bdae008" },
 *   { nodeId: "27", fieldName: "text", fieldValue: "1 girl" } ] }).total // 1
 */
export function estimateTamsTemplate(
  templateId: string,
  fields: unknown,
  options: TamsTemplateOptions = {},
): CreditEstimate {
  // Own keys only: a template id of "constructor" names no template.
  const own = (table: Readonly<Record<string, TamsTemplate>> | undefined) =>
    table && Object.hasOwn(table, templateId) ? table[templateId] : undefined;
  const template = own(options.templates) ?? own(TAMS_DOC_TEMPLATES);
  if (!template) throw new CreditsInputError("templateId", `unknown template ${describe(templateId)}`);
  const fieldsObj = asObject(fields, "fields");
  const attrs = readArray(fieldsObj, "fieldAttrs", "fields");
  if (!attrs)
    throw new CreditsInputError("fields.fieldAttrs", "is required (the template's fields to fill in)");
  const graph: TamsWorkflowParams = structuredClone(template.params) as TamsWorkflowParams;
  const given = new Map<string, { value: unknown; path: string }>();
  attrs.value.forEach((raw, i) => {
    const path = `${attrs.path}[${i}]`;
    const attr = asObject(raw, path);
    const nodeId = attrString(attr, "nodeId", path);
    const fieldName = attrString(attr, "fieldName", path);
    const valueKey = "fieldValue" in attr ? "fieldValue" : "field_value";
    given.set(`${nodeId}:${fieldName}`, { value: attr[valueKey], path: `${path}.${valueKey}` });
  });
  for (const f of template.fields) {
    const key = `${f.nodeId}:${f.fieldName}`;
    const g = given.get(key);
    // Word for word the doc's error for a missing field (code 2).
    if (!g)
      throw new CreditsInputError(attrs.path, `can't find [nodeId:fieldName] ${key} in fields parameter`);
    const node = graph[f.nodeId];
    const classType = node?.classType ?? node?.class_type ?? "?";
    if (g.value === null || g.value === undefined || g.value === "") {
      throw new CreditsInputError(
        g.path,
        `node id: ${f.nodeId}, class type: ${classType}: ${f.fieldName} is required`,
      );
    }
    if (!isObject(g.value) && !Array.isArray(g.value) && node) {
      node.inputs = { ...(node.inputs ?? {}), [f.fieldName]: g.value };
    }
  }
  const estimate = estimateTamsWorkflow(graph, options, `template ${templateId} params`);
  return estimate;
}
