/**
 * Request plumbing shared by the routes: the JSON body through a protojson schema (answering
 * TAMS's argument error naming the field), and the caller's tenant.
 */
import type { z } from "zod";
import type { EmulatorContext } from "../core/provider.js";
import type { Tenant } from "../core/tenants.js";
import { firstProblem, parseJsonText } from "../core/validation.js";
import { argumentError, TAMS_MESSAGES, TamsError } from "./errors.js";
import type { TamsState } from "./state.js";

/**
 * Parses the body as JSON against `schema`. An empty body is `{}` (grpc-gateway reads it so).
 * @example const body = await parseBody(c, createJobSchema);
 */
export async function parseBody<T extends z.ZodType>(c: EmulatorContext, schema: T): Promise<z.output<T>> {
  const text = await c.req.text();
  let json: unknown = {};
  if (text.trim() !== "") {
    // In TAMS's words, never V8's: the parser's message is not the provider's [inferred].
    const parsed = parseJsonText(text);
    if (!parsed.ok) throw argumentError("body", parsed.problem);
    json = parsed.value;
  }
  const result = schema.safeParse(json);
  if (!result.success) {
    const p = firstProblem(result.error);
    throw argumentError(p.field || "body", p.message);
  }
  return result.data;
}

/** The caller's tenant; the auth middleware has already checked it exists. */
export function tenantOf(c: EmulatorContext, state: TamsState): Tenant {
  const key = c.get("tenantKey");
  const tenant = key === undefined ? undefined : state.ctx.tenants.resolve(key);
  if (!tenant) throw new TamsError("UNAUTHENTICATED", TAMS_MESSAGES.unknownKey);
  return tenant;
}
