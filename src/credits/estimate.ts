/**
 * One entry point for "what does this request cost?": picks the provider's estimator and, where a
 * provider has several priced endpoints, the endpoint (given, or recognised from the body's shape).
 */
import { type AithrivingEndpoint, type AithrivingPrices, estimateAithriving } from "./aithriving.js";
import { type AituboKind, type AituboPrices, estimateAitubo } from "./aitubo.js";
import { CreditsInputError } from "./errors.js";
import { describe, getField, isObject, type JsonObject } from "./protojson.js";
import { estimateQolaba, type QolabaEndpoint, type QolabaPrices } from "./qolaba.js";
import { estimateTamsStages } from "./tams.js";
import { estimateTamsTemplate, estimateTamsWorkflow, type TamsTemplateOptions } from "./tams-workflow.js";
import type { CreditEstimate, CreditProvider } from "./types.js";

/** The providers {@link estimate} knows, in display order. */
export const CREDIT_PROVIDERS: readonly CreditProvider[] = ["aitubo", "tams", "aithriving", "qolaba"];

/** The endpoints each provider prices (`tams`: which body: stages, workflow params or template). */
export const CREDIT_ENDPOINTS = {
  aitubo: ["create", "upscale", "headshot"],
  tams: ["stages", "workflow", "template"],
  aithriving: [
    "basic/textToImage",
    "basic/imageToImage",
    "sd3/textToImage",
    "ultra",
    "core",
    "edit/erase",
    "edit/inpaint",
  ],
  qolaba: ["getTextToImage", "getImagetoImage"],
} as const satisfies Record<CreditProvider, readonly string[]>;

/** Options of {@link estimate}. */
export interface EstimateOptions {
  /** The endpoint; recognised from the body when left out (see {@link detectEndpoint}). */
  endpoint?: string;
  /** Price overrides for the provider's table. */
  prices?: Partial<AituboPrices> | Partial<AithrivingPrices> | Partial<QolabaPrices>;
  /** TAMS model and template lookups. */
  tams?: TamsTemplateOptions;
}

const has = (body: JsonObject, ...names: string[]) =>
  names.some((n) => getField(body, n, "") !== undefined || (n in body && body[n] !== null));

/**
 * Recognises which endpoint a request body is for, from the fields only that endpoint takes.
 * Throws {@link CreditsInputError} (field `endpoint`) when the body does not say (AIThriving's
 * ultra and core take the same body).
 */
export function detectEndpoint(provider: CreditProvider, request: unknown): string {
  if (provider === "tams" && Array.isArray(request)) return "stages";
  if (!isObject(request)) return "";
  switch (provider) {
    case "tams":
      if (has(request, "stages")) return "stages";
      if (has(request, "params")) return "workflow";
      if (has(request, "templateId")) return "template";
      throw new CreditsInputError(
        "stages",
        "is required (or params for a workflow, or templateId and fields)",
      );
    case "aitubo":
      if (has(request, "upscaleFactor", "artId")) return "upscale";
      if (has(request, "transformId")) return "headshot";
      return "create";
    case "aithriving":
      if (has(request, "init_image", "image_strength")) return "basic/imageToImage";
      if (has(request, "mask")) return has(request, "prompt") ? "edit/inpaint" : "edit/erase";
      if (typeof request.model === "string" && /^sd3/.test(request.model)) return "sd3/textToImage";
      if (has(request, "steps", "width", "height", "cfg_scale", "sampler", "clip_guidance_preset")) {
        return "basic/textToImage";
      }
      throw new CreditsInputError(
        "endpoint",
        "cannot be told from this body (ultra, core and sd3/textToImage take the same fields): name it",
      );
    case "qolaba":
      return has(request, "image") ? "getImagetoImage" : "getTextToImage";
  }
}

/**
 * Estimates any supported request: `provider` plus the request body exactly as the API takes it
 * (TAMS: `{stages}` or a bare stages array, `{params}` for a workflow, `{templateId, fields}`).
 *
 * @example estimate("tams", { stages: [{ type: "DIFFUSION", diffusion: { width: 512, height: 512, steps: 20 } }] }).total // 0.8
 * @example estimate("aithriving", { prompt: "x" }, { endpoint: "core" }).total // 6
 */
export function estimate(
  provider: CreditProvider,
  request: unknown,
  options: EstimateOptions = {},
): CreditEstimate {
  if (!(CREDIT_PROVIDERS as readonly string[]).includes(provider)) {
    throw new CreditsInputError(
      "provider",
      `must be one of ${CREDIT_PROVIDERS.join(", ")}, got ${describe(provider)}`,
    );
  }
  const endpoint = options.endpoint ?? detectEndpoint(provider, request);
  const allowed: readonly string[] = CREDIT_ENDPOINTS[provider];
  if (!allowed.includes(endpoint)) {
    throw new CreditsInputError(
      "endpoint",
      `must be one of ${allowed.join(", ")} for ${provider}, got ${describe(endpoint)}`,
    );
  }
  switch (provider) {
    case "tams":
      return estimateTams(endpoint, request, options.tams ?? {});
    case "aitubo":
      return estimateAitubo(endpoint as AituboKind, request, options.prices as Partial<AituboPrices>);
    case "aithriving":
      return estimateAithriving(
        endpoint as AithrivingEndpoint,
        request,
        options.prices as Partial<AithrivingPrices>,
      );
    case "qolaba":
      return estimateQolaba(endpoint as QolabaEndpoint, request, options.prices as Partial<QolabaPrices>);
  }
}

function estimateTams(endpoint: string, request: unknown, options: TamsTemplateOptions): CreditEstimate {
  if (Array.isArray(request)) return estimateTamsStages(request, options);
  if (!isObject(request))
    throw new CreditsInputError("", `the request must be a JSON object, got ${describe(request)}`);
  if (endpoint === "stages") return estimateTamsStages(getField(request, "stages", "")?.value, options);
  if (endpoint === "workflow") return estimateTamsWorkflow(getField(request, "params", "")?.value, options);
  const id = getField(request, "templateId", "");
  if (!id || (typeof id.value !== "string" && typeof id.value !== "number")) {
    throw new CreditsInputError(
      id?.path ?? "templateId",
      `must be a template id, got ${describe(id?.value)}`,
    );
  }
  return estimateTamsTemplate(String(id.value), getField(request, "fields", "")?.value, options);
}
