/**
 * Qolaba's answers, success or error, in one envelope [doc][backend]:
 * `{time_required, error, error_data, input, output, app_id, task_id, status}`.
 *
 * The error kinds and messages are the backend's constants (`src/utils/Constants.py`,
 * `src/utils/Exceptions.py` of aumritThought/qolaba_modal_docs) [backend]. An exception raised with
 * one argument becomes `error: "Internal Error"` and `error_data: str(exc.args)`, which is why the
 * invalid-key answer reads `"('Invalid API Key',)"`.
 */
import { HTTPException } from "hono/http-exception";

/** Task status words [doc]. */
export type QolabaStatus = "PENDING" | "SUCCESS" | "FAILED";

/** One field problem of a 422, pydantic-style. */
export interface QolabaFieldError {
  field: string;
  message: string;
  type: string;
}

/** The envelope of every answer. */
export interface QolabaEnvelope {
  time_required: { startup_time: number; runtime: number } | Record<string, never>;
  error: string | null;
  error_data: string | { errors: QolabaFieldError[] } | null;
  input: Record<string, unknown>;
  output: { result: string[]; Has_NSFW_Content: boolean[] } | Record<string, never>;
  app_id: string | null;
  task_id: string | null;
  status: QolabaStatus;
}

/** Failure kinds, by name. */
export const QOLABA_ERRORS = {
  VALIDATION: "Validation error",
  /** FastAPI's HTTPBearer refusals, wrapped as the backend wraps HTTP exceptions [inferred]. */
  NOT_AUTHENTICATED: "HTTP Exception",
  INVALID_KEY: "Internal Error",
  UNKNOWN_APP: "Internal Error",
  IMAGE_FETCH: "Image URL Error",
  GENERATION: "Image Generation Error",
  /** [inferred] Qolaba publishes no credit errors; the kind names the cause. */
  INSUFFICIENT_CREDITS: "Insufficient Credits",
  TIMEOUT: "Internal Error",
  NOT_FOUND: "HTTP Exception",
  RATE_LIMITED: "HTTP Exception",
  /** Any other HTTP exception (an injected 4xx fault). */
  HTTP_ERROR: "HTTP Exception",
  INTERNAL: "Internal Error",
} as const;

/** A failure kind's name. */
export type QolabaErrorName = keyof typeof QOLABA_ERRORS;

/** HTTP status per failure: a `Record`, so a missing status is a compile error. */
export const QOLABA_HTTP_STATUS: Record<QolabaErrorName, number> = {
  VALIDATION: 422,
  NOT_AUTHENTICATED: 403,
  INVALID_KEY: 500,
  UNKNOWN_APP: 500,
  IMAGE_FETCH: 500,
  GENERATION: 500,
  INSUFFICIENT_CREDITS: 500,
  TIMEOUT: 500,
  NOT_FOUND: 404,
  RATE_LIMITED: 429,
  HTTP_ERROR: 400,
  INTERNAL: 500,
};

/** Messages (`error_data`), as constants; the backend's own words where it has them. */
export const QOLABA_MESSAGES = {
  /** FastAPI HTTPBearer, no Authorization header. */
  notAuthenticated: "Not authenticated",
  /** FastAPI HTTPBearer, a header that is not `Bearer <token>`. */
  invalidCredentials: "Invalid authentication credentials",
  /** `check_token` raises `Exception("Invalid API Key")`: one argument, so str(args). */
  invalidKey: "('Invalid API Key',)",
  unknownApp: "('Given APP Id is not available',)",
  /** IMAGE_FETCH_ERROR_MSG. */
  imageFetch: "Given image type is not supported. Please try with JPG or PNG.",
  /** NSFW_CONTENT_DETECT_ERROR_MSG (kept for reference; NSFW results are flagged, not failed). */
  nsfw: "Request cancelled due to detection of NSFW content. Please ensure your prompt is appropriate.",
  /** Celery's hard time limit (3600 s in the backend's config) [inferred wording]. */
  timeLimit: "('TimeLimitExceeded(3600)',)",
  insufficientCredits: (needed: number, balance: number) =>
    `Not enough credits: this task needs ${needed}, the balance is ${balance}`,
  notFound: "Not Found",
  internal: "('internal server error',)",
} as const;

/** An envelope with the defaults of the backend's `APITaskResponse`. */
export function envelope(fields: Partial<QolabaEnvelope>): QolabaEnvelope {
  return {
    time_required: {},
    error: null,
    error_data: null,
    input: {},
    output: {},
    app_id: null,
    task_id: null,
    status: "PENDING",
    ...fields,
  };
}

/** A ready error response. */
export function qolabaErrorResponse(
  name: QolabaErrorName,
  errorData: QolabaEnvelope["error_data"],
  extra: Partial<QolabaEnvelope> = {},
  status: number = QOLABA_HTTP_STATUS[name],
): Response {
  return Response.json(
    envelope({ ...extra, error: QOLABA_ERRORS[name], error_data: errorData, status: "FAILED" }),
    {
      status,
    },
  );
}

/** Throws a Qolaba error; the core's error handler returns its response as is. */
export function qolabaError(
  name: QolabaErrorName,
  errorData: QolabaEnvelope["error_data"],
  extra: Partial<QolabaEnvelope> = {},
): never {
  throw new HTTPException(QOLABA_HTTP_STATUS[name] as 400, {
    res: qolabaErrorResponse(name, errorData, extra),
  });
}

/** The failure name for a status the core asks for (faults, 404, 429, 500). */
export function errorForStatus(status: number): QolabaErrorName {
  if (status === 403 || status === 401) return "NOT_AUTHENTICATED";
  if (status === 404) return "NOT_FOUND";
  if (status === 422) return "VALIDATION";
  if (status === 429) return "RATE_LIMITED";
  if (status >= 500) return "INTERNAL";
  return "HTTP_ERROR";
}
