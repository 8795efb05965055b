/**
 * Aitubo's error table. The docs publish two codes (0 success, 1000 not enough credit); every
 * other code below is an inference, chosen to equal the HTTP status so clients that test
 * `code == 0` behave and humans can read it. The README's fidelity table says so.
 */
import { HTTPException } from "hono/http-exception";

/** Envelope codes by name. */
export const AITUBO_CODES = {
  OK: 0,
  /** [doc] "1000 -> no enough credit". */
  NO_CREDIT: 1000,
  /** [inferred] */
  INVALID_ARGUMENT: 400,
  /** [inferred] */
  UNAUTHORIZED: 401,
  /** [inferred] */
  NOT_FOUND: 404,
  /** [inferred] a body past the size limit. */
  PAYLOAD_TOO_LARGE: 413,
  /** [inferred] */
  RATE_LIMITED: 429,
  /** [inferred] */
  INTERNAL: 500,
} as const;

/** A code's name. */
export type AituboCode = keyof typeof AITUBO_CODES;

/** HTTP status per code: a `Record`, so a missing status is a compile error. */
export const AITUBO_HTTP_STATUS: Record<AituboCode, number> = {
  OK: 200,
  // [inferred] the envelope carries the failure; clients read `code`.
  NO_CREDIT: 200,
  INVALID_ARGUMENT: 400,
  UNAUTHORIZED: 401,
  NOT_FOUND: 404,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  INTERNAL: 500,
};

/** Messages, as constants. The credit message is the doc's own words. */
export const AITUBO_MESSAGES = {
  noCredit: "no enough credit",
  unauthorized: "invalid or missing API key: send Authorization: Bearer <key>",
  jobNotFound: "job not found",
  internal: "internal server error",
} as const;

/** The Aitubo envelope for an error. */
export function aituboErrorBody(code: number, info: string): { code: number; info: string; data: null } {
  return { code, info, data: null };
}

/** A ready response in Aitubo's shape. */
export function aituboErrorResponse(
  name: AituboCode,
  info: string,
  status = AITUBO_HTTP_STATUS[name],
): Response {
  return Response.json(aituboErrorBody(AITUBO_CODES[name], info), { status });
}

/** Throws an Aitubo error; the core returns its response. */
export function aituboError(name: AituboCode, info: string): never {
  throw new HTTPException(AITUBO_HTTP_STATUS[name] as 400, { res: aituboErrorResponse(name, info) });
}

/**
 * The body of an error the core asks for (a fault, an unknown route, a body too large, a bug): its
 * code is its HTTP status, the rule every inferred code above follows, so a 413 says 413.
 */
export function aituboStatusResponse(status: number, info: string): Response {
  return Response.json(aituboErrorBody(status, info), { status });
}
