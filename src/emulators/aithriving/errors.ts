/**
 * AIThriving's error table. The docs publish one envelope, `{code: 0 | -1, message, data}`, with
 * `-1` for "failure callback" and the reason in `message`. How a failure travels over HTTP is not
 * published: the doc's examples check HTTP 200 and then `code`, so every failure the emulator
 * answers on purpose is HTTP 200 with `code: -1` [inferred]. Statuses other than 200 appear only
 * where the core asks for one (an injected fault, an unknown route, a bug).
 */
import { HTTPException } from "hono/http-exception";

/** Why a request failed, by name; each maps to the envelope's `code`. */
export const AITHRIVING_CODES = {
  /** [doc] "0 for success callback". */
  OK: 0,
  /** [doc] "-1 for failure callback"; every failure below shares it. */
  INVALID_PARAMETER: -1,
  UNAUTHORIZED: -1,
  INSUFFICIENT_CREDITS: -1,
  GENERATION_FAILED: -1,
  NOT_FOUND: -1,
  RATE_LIMITED: -1,
  INTERNAL: -1,
} as const;

/** A code's name. */
export type AithrivingCode = keyof typeof AITHRIVING_CODES;

/** HTTP status per code: a `Record`, so a missing status is a compile error. */
export const AITHRIVING_HTTP_STATUS: Record<AithrivingCode, number> = {
  OK: 200,
  // [inferred] the envelope carries the failure; clients read `code` after checking HTTP 200.
  INVALID_PARAMETER: 200,
  UNAUTHORIZED: 200,
  INSUFFICIENT_CREDITS: 200,
  GENERATION_FAILED: 200,
  NOT_FOUND: 404,
  RATE_LIMITED: 429,
  INTERNAL: 500,
};

/**
 * Messages. `success` is the doc's own word; the rest are [inferred] (the doc only says
 * "failure reason for failure") and written to name the field or the cause.
 */
export const AITHRIVING_MESSAGES = {
  success: "success",
  missingKey: "Authentication failed: send your API key in the Authorization (or Authentication) header",
  unknownKey: "Authentication failed: invalid API key",
  insufficientCredits: (needed: number, balance: number) =>
    `Insufficient credits: this request needs ${needed} credits, the balance is ${balance}`,
  notJson: "request body must be JSON",
  notMultipart: "request body must be multipart/form-data",
  notAnObject: "request body must be a JSON object",
  missingFile: (field: string) => `${field} is required (a file)`,
  notAFile: (field: string) => `${field} must be a file`,
  badImage: (field: string, why: string) => `${field} is not a usable image: ${why}`,
  maskSize: (image: string, mask: string) =>
    `mask must have the same dimensions as image: image is ${image}, mask is ${mask}`,
  timedOut: "Generation timed out",
  internal: "internal server error",
} as const;

/** The AIThriving envelope of a failure. */
export interface AithrivingFailure {
  code: -1;
  message: string;
  data: null;
}

/** A ready response in AIThriving's shape. */
export function aithrivingErrorResponse(
  name: Exclude<AithrivingCode, "OK">,
  message: string,
  status: number = AITHRIVING_HTTP_STATUS[name],
): Response {
  const body: AithrivingFailure = { code: AITHRIVING_CODES[name], message, data: null };
  return Response.json(body, { status });
}

/** Throws an AIThriving error; the core's error handler returns its response as is. */
export function aithrivingError(name: Exclude<AithrivingCode, "OK">, message: string): never {
  // HTTPException wants a status type; the ready `res` carries the real one.
  throw new HTTPException(AITHRIVING_HTTP_STATUS[name] as 400, {
    res: aithrivingErrorResponse(name, message),
  });
}

/** The code name for a status the core asks for (faults, 404, 429, 500). */
export function codeForStatus(status: number): Exclude<AithrivingCode, "OK"> {
  if (status === 401 || status === 403) return "UNAUTHORIZED";
  if (status === 404) return "NOT_FOUND";
  if (status === 429) return "RATE_LIMITED";
  if (status >= 500) return "INTERNAL";
  return "INVALID_PARAMETER";
}
