/**
 * TAMS errors: google.rpc.Status bodies (`{code, message, details?}`) with the HTTP status the
 * gateway answers. Codes are gRPC's; the code → HTTP map is grpc-gateway's usual one, except that
 * every request-validation failure answers 400 (the doc's "400 parameter error"), whatever code
 * the body carries.
 *
 * @see ../shared/providers/docs/tensorart-tams.txt "Workflow Template" (code 2 and code 3 examples)
 * @see ../shared/providers/NOTES.md "TensorArt TAMS" (HTTP statuses)
 */
import { HTTPException } from "hono/http-exception";
import { xmlText } from "../core/xml-text.js";

/** gRPC status codes TAMS answers with, by name. */
export const TAMS_CODES = {
  /** [doc] code 2: the doc's "can't find [nodeId:fieldName] ..." answer. */
  UNKNOWN: 2,
  /** [doc] code 3 with a `tams_api.ArgumentError` detail. */
  INVALID_ARGUMENT: 3,
  /** [inferred] a job or resource that does not exist. */
  NOT_FOUND: 5,
  /** [inferred] the key may not do this (someone else's resource). */
  PERMISSION_DENIED: 7,
  /** [inferred] 5 QPS per app exceeded. */
  RESOURCE_EXHAUSTED: 8,
  /** [inferred] a valid request the job's state refuses (cancel a finished job, too few credits). */
  FAILED_PRECONDITION: 9,
  /** [inferred] */
  INTERNAL: 13,
  /** [inferred] */
  UNAVAILABLE: 14,
  /** [inferred] missing or bad Authorization / signature. */
  UNAUTHENTICATED: 16,
} as const;

/** A TAMS error code's name. */
export type TamsCode = keyof typeof TAMS_CODES;

/** HTTP status per code: a `Record`, so a missing status is a compile error. */
export const TAMS_HTTP_STATUS: Record<TamsCode, number> = {
  // The doc's code 2 example is a request-validation answer, so 400, not grpc-gateway's 500 (inferred).
  UNKNOWN: 400,
  INVALID_ARGUMENT: 400,
  NOT_FOUND: 404,
  PERMISSION_DENIED: 403,
  RESOURCE_EXHAUSTED: 429,
  FAILED_PRECONDITION: 400,
  INTERNAL: 500,
  UNAVAILABLE: 503,
  UNAUTHENTICATED: 401,
};

/** The `@type` of TAMS's argument-error detail [doc]. */
export const ARGUMENT_ERROR_TYPE = "type.googleapis.com/tams_api.ArgumentError";

/** Messages. Those marked [doc] are copied word for word from the doc. */
export const TAMS_MESSAGES = {
  /** [doc] the message of a code-3 workflow validation failure (sic). */
  paramsValid: "Params Valid",
  /** [doc] a template field left out of `fields.fieldAttrs`. */
  missingTemplateField: (nodeId: string, fieldName: string) =>
    `can't find [nodeId:fieldName] ${nodeId}:${fieldName} in fields parameter`,
  /** [doc] a required node input that is missing or null ("field required"). */
  fieldRequired: "字段必填",
  unauthenticated: "missing Authorization header: send `Bearer <token>` or `TAMS-SHA256-RSA app_id=...`",
  badSignature: "signature verification failed",
  unknownKey: "unknown token or app id",
  rateLimited: "request rate exceeds 5 QPS for this app",
  internal: "internal server error",
} as const;

/** One `details[]` entry of an argument error. */
export interface ArgumentErrorDetail {
  "@type": typeof ARGUMENT_ERROR_TYPE;
  field: string;
  message: string;
}

/** A google.rpc.Status body. */
export interface TamsStatusBody {
  code: number;
  message: string;
  details?: ArgumentErrorDetail[];
}

/** A ready response in TAMS's shape. */
export function tamsErrorResponse(
  name: TamsCode,
  message: string,
  details?: ArgumentErrorDetail[],
  status = TAMS_HTTP_STATUS[name],
): Response {
  const body: TamsStatusBody = { code: TAMS_CODES[name], message, ...(details?.length ? { details } : {}) };
  return Response.json(body, { status });
}

/** An error a handler throws; the core (or our onError) returns its response. */
export class TamsError extends HTTPException {
  readonly tamsCode: TamsCode;
  constructor(
    name: TamsCode,
    message: string,
    details?: ArgumentErrorDetail[],
    status = TAMS_HTTP_STATUS[name],
  ) {
    super(status as 400, { res: tamsErrorResponse(name, message, details, status), message });
    this.tamsCode = name;
  }
}

/**
 * A validation failure that names the field: code 3, the field and problem in the message, and a
 * `tams_api.ArgumentError` detail carrying the field, as the doc's example does.
 * @example throw argumentError("stages[1].diffusion.steps", "must be an integer between 1 and 150")
 */
export function argumentError(field: string, problem: string): TamsError {
  return new TamsError("INVALID_ARGUMENT", field ? `${field}: ${problem}` : problem, [
    { "@type": ARGUMENT_ERROR_TYPE, field, message: problem },
  ]);
}

/**
 * A workflow graph that fails validation, in the doc's exact shape: code 3, "Params Valid", one
 * detail with field `workflow` and `node id: N\nclass type: T\n<input>: <problem>\n` lines.
 */
export function workflowError(
  problems: { nodeId: string; classType: string; input: string; problem: string }[],
) {
  const message = problems
    .map((p) => `node id: ${p.nodeId}\nclass type: ${p.classType}\n${p.input}: ${p.problem}\n`)
    .join("");
  return new TamsError("INVALID_ARGUMENT", TAMS_MESSAGES.paramsValid, [
    { "@type": ARGUMENT_ERROR_TYPE, field: "workflow", message },
  ]);
}

/** A 404 in TAMS's shape. */
export function notFound(message: string): TamsError {
  return new TamsError("NOT_FOUND", message);
}

/** Maps any HTTP status the core asks for (faults, unknown routes, bugs) to the closest code. */
export function codeForStatus(status: number): TamsCode {
  if (status === 401) return "UNAUTHENTICATED";
  if (status === 403) return "PERMISSION_DENIED";
  if (status === 404) return "NOT_FOUND";
  if (status === 429) return "RESOURCE_EXHAUSTED";
  if (status === 502 || status === 503 || status === 504) return "UNAVAILABLE";
  if (status >= 500) return "INTERNAL";
  return "INVALID_ARGUMENT";
}

/**
 * The routes that stand for TAMS's object storage (Aliyun OSS): the putUrl, the STS form host and
 * result files. They answer errors as OSS does, in XML, whatever the status.
 */
export function isStoragePath(path: string | undefined): boolean {
  return path !== undefined && /^\/(upload\/|oss\/?$|files\/)/.test(path);
}

/** OSS error codes by HTTP status, for the errors the core asks for [inferred: OSS's usual names]. */
const OSS_CODES: Record<number, string> = {
  400: "InvalidArgument",
  403: "AccessDenied",
  404: "NoSuchKey",
  405: "MethodNotAllowed",
  413: "EntityTooLarge",
  429: "TooManyRequests",
  500: "InternalError",
  503: "ServiceUnavailable",
};

/**
 * An OSS-style XML error, what a client of the storage host sees. The message is the client's
 * text at times (a resource id), so it goes through {@link xmlText}.
 * @example ossErrorResponse(404, "The specified key does not exist.")
 */
export function ossErrorResponse(status: number, message: string, code?: string): Response {
  const name = code ?? OSS_CODES[status] ?? (status >= 500 ? "InternalError" : "InvalidArgument");
  const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<Error>\n  <Code>${name}</Code>\n  <Message>${xmlText(message)}</Message>\n</Error>\n`;
  return new Response(xml, { status, headers: { "content-type": "application/xml" } });
}
