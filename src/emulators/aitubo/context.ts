/**
 * What every Aitubo route module shares: the core services, ids, per-tenant state, auth, and body
 * parsing in Aitubo's voice.
 */

import type { z } from "zod";
import { publicUrl } from "../core/hosts.js";
import type { EmulatorContext, ProviderContext } from "../core/provider.js";
import { type Tenant, tenantScope } from "../core/tenants.js";
import { describeProblem, firstProblem, parseJsonText } from "../core/validation.js";
import { AITUBO_MESSAGES, aituboError } from "./errors.js";
import { createIdFactory } from "./ids.js";
import type { GenerateRecipe } from "./renders.js";

/** The provider name, used as the file store and job store namespace. */
export const AITUBO = "aitubo";

/**
 * One generated image of a job, and its upscaled variants. It is also the job's own record of the
 * image (`{path, artId}`): one object per image, kept as long as the job.
 */
export interface Art {
  artId: string;
  jobId: string;
  /** Relative path of the original. */
  path: string;
  width: number;
  height: number;
  /** Variants made by upscale jobs (none until the first); a variant shows once its job has succeeded. */
  variants?: { spec: "2x" | "3x" | "4x"; path: string; jobId: string }[];
  /** An image job's inputs (img2img, inpaint, ControlNet), which its render reads; none on a text job. */
  input?: Pick<GenerateRecipe, "source" | "strength" | "mask" | "control">;
  /** The original's byte size once rendered, or as `/api/job/list` promised it (core/promised-size.ts). */
  size?: number;
}

/** Aitubo state kept per tenant. */
export interface TenantState {
  arts: Map<string, Art>;
  /** Models this tenant has generated with (`type=used` in the model list). */
  usedModels: Set<string>;
}

/** The shared pieces of the Aitubo instance. */
export interface AituboContext {
  core: ProviderContext;
  ids: ReturnType<typeof createIdFactory>;
}

/** Builds the shared context. */
export function createAituboContext(core: ProviderContext): AituboContext {
  return { core, ids: createIdFactory(core.random("ids")) };
}

/** The tenant's Aitubo state. */
export function tenantState(tenant: Tenant): TenantState {
  return tenantScope(tenant, AITUBO, () => ({ arts: new Map(), usedModels: new Set() }));
}

/** The tenant for a route that needs a key: 401 in Aitubo's shape without one (or in strict mode). */
export function requireTenant(ctx: AituboContext, c: EmulatorContext): Tenant {
  const key = c.get("tenantKey");
  const tenant = key ? ctx.core.tenants.resolve(key) : undefined;
  if (!tenant) aituboError("UNAUTHORIZED", AITUBO_MESSAGES.unauthorized);
  return tenant;
}

/**
 * The tenant if the request carried a key (routes that work without one). A key that strict mode
 * refuses is still refused here: sending an unregistered key is not the same as sending none.
 */
export function optionalTenant(ctx: AituboContext, c: EmulatorContext): Tenant | undefined {
  const key = c.get("tenantKey");
  if (!key) return undefined;
  const tenant = ctx.core.tenants.resolve(key);
  if (!tenant) aituboError("UNAUTHORIZED", AITUBO_MESSAGES.unauthorized);
  return tenant;
}

/**
 * `<base>/file/`: where result and upload paths are served; on a real host (intercepted or
 * proxied) the real API's `https://file.aitubo.ai/` [doc].
 */
export function fileDomain(c: EmulatorContext): string {
  return publicUrl(c, "/file/");
}

/** Parses a JSON body against a schema; every failure is Aitubo's 400 envelope naming the field. */
export async function jsonBody<T extends z.ZodType>(c: EmulatorContext, schema: T): Promise<z.infer<T>> {
  const text = await c.req.text();
  const parsed = parseJsonText(text);
  if (!parsed.ok)
    aituboError(
      "INVALID_ARGUMENT",
      parsed.tooDeep ? `request body ${parsed.problem}` : "request body must be a JSON object",
    );
  if (parsed.value === null || typeof parsed.value !== "object" || Array.isArray(parsed.value)) {
    aituboError("INVALID_ARGUMENT", "request body must be a JSON object");
  }
  return parseWith(schema, parsed.value);
}

/** Validates a value; a failure is Aitubo's 400 envelope naming the field. */
export function parseWith<T extends z.ZodType>(schema: T, value: unknown): z.infer<T> {
  const result = schema.safeParse(value);
  if (!result.success) aituboError("INVALID_ARGUMENT", describeProblem(firstProblem(result.error)));
  return result.data;
}
