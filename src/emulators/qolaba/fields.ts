/**
 * Pydantic-style fields on zod. Qolaba's backend is FastAPI + pydantic v2, so a 422 lists each bad
 * field with pydantic's error `type` and message, and pydantic's lax mode decides what passes
 * ("512" is an int, "true" a bool, 3 is not a str) [backend]. Each helper is a zod schema that
 * coerces the way pydantic does and reports problems as custom issues carrying that `type`;
 * {@link fieldErrors} turns them into Qolaba's `{field, message, type}` list.
 *
 * Each starts from `z.unknown().optional()` so that an absent key still reaches the transform
 * (zod 4 refuses an absent key whose schema is not optional), which then applies the default or
 * reports pydantic's "missing".
 */
import * as z from "zod";
import { issuePath } from "../core/validation.js";
import type { QolabaFieldError } from "./errors.js";

/** Constraints of a numeric field (pydantic's ge/gt/le). */
export interface Bounds {
  ge?: number;
  gt?: number;
  le?: number;
}

type Ctx = z.core.$RefinementCtx;

/** Reports a pydantic error on the current field. */
function fail(ctx: Ctx, type: string, message: string): never {
  ctx.addIssue({ code: "custom", message, params: { type } });
  return z.NEVER as never;
}

const MISSING = "Field required";

function checkBounds(ctx: Ctx, value: number, b: Bounds): number {
  if (b.gt !== undefined && !(value > b.gt))
    fail(ctx, "greater_than", `Input should be greater than ${b.gt}`);
  if (b.ge !== undefined && !(value >= b.ge))
    fail(ctx, "greater_than_equal", `Input should be greater than or equal to ${b.ge}`);
  if (b.le !== undefined && !(value <= b.le))
    fail(ctx, "less_than_equal", `Input should be less than or equal to ${b.le}`);
  return value;
}

const INT_TEXT = /^\s*[+-]?\d+\s*$/;
const NUMBER_TEXT = /^\s*[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?\s*$/;

/**
 * An int (pydantic lax: integer numbers, whole floats, integer strings).
 * @example pyInt({ ge: 1, le: 8 }) // batch
 */
export function pyInt(bounds: Bounds, fallback?: number) {
  return z
    .unknown()
    .optional()
    .transform((v, ctx): number => {
      if (v === undefined || v === null) {
        if (fallback !== undefined) return fallback;
        return fail(ctx, "missing", MISSING);
      }
      let n: number;
      if (typeof v === "number") {
        if (!Number.isInteger(v))
          fail(ctx, "int_from_float", "Input should be a valid integer, got a number with a fractional part");
        n = v;
      } else if (typeof v === "string") {
        if (!INT_TEXT.test(v))
          fail(ctx, "int_parsing", "Input should be a valid integer, unable to parse string as an integer");
        n = Number(v);
      } else return fail(ctx, "int_type", "Input should be a valid integer");
      return checkBounds(ctx, n, bounds);
    });
}

/** A float (pydantic lax: numbers and numeric strings). */
export function pyFloat(bounds: Bounds, fallback?: number) {
  return z
    .unknown()
    .optional()
    .transform((v, ctx): number => {
      if (v === undefined || v === null) {
        if (fallback !== undefined) return fallback;
        return fail(ctx, "missing", MISSING);
      }
      let n: number;
      if (typeof v === "number") n = v;
      else if (typeof v === "string") {
        if (!NUMBER_TEXT.test(v))
          fail(ctx, "float_parsing", "Input should be a valid number, unable to parse string as a number");
        n = Number(v);
      } else return fail(ctx, "float_type", "Input should be a valid number");
      if (!Number.isFinite(n)) fail(ctx, "finite_number", "Input should be a finite number");
      return checkBounds(ctx, n, bounds);
    });
}

/** A string (pydantic does not turn numbers into strings). */
export function pyStr(fallback?: string, maxLength = 10_000) {
  return z
    .unknown()
    .optional()
    .transform((v, ctx): string => {
      if (v === undefined || v === null) {
        if (fallback !== undefined) return fallback;
        return fail(ctx, "missing", MISSING);
      }
      if (typeof v !== "string") return fail(ctx, "string_type", "Input should be a valid string");
      if (v.length > maxLength)
        fail(ctx, "string_too_long", `String should have at most ${maxLength} characters`);
      return v;
    });
}

const TRUE_WORDS = new Set(["1", "on", "t", "true", "y", "yes"]);
const FALSE_WORDS = new Set(["0", "off", "f", "false", "n", "no"]);

/** A bool (pydantic lax: true/false, 0/1, and the words yes/no, on/off, t/f...). */
export function pyBool(fallback: boolean) {
  return z
    .unknown()
    .optional()
    .transform((v, ctx): boolean => {
      if (v === undefined || v === null) return fallback;
      if (typeof v === "boolean") return v;
      if (v === 0 || v === 1) return v === 1;
      if (typeof v === "string") {
        const w = v.trim().toLowerCase();
        if (TRUE_WORDS.has(w)) return true;
        if (FALSE_WORDS.has(w)) return false;
        return fail(ctx, "bool_parsing", "Input should be a valid boolean, unable to interpret input");
      }
      return fail(ctx, "bool_type", "Input should be a valid boolean");
    });
}

/** One of fixed strings (pydantic `Literal[...]`). */
export function pyLiteral<const T extends readonly string[]>(values: T, fallback: T[number]) {
  const quoted = values.map((x) => `'${x}'`);
  const list = quoted.length > 1 ? `${quoted.slice(0, -1).join(", ")} or ${quoted.at(-1)}` : quoted[0];
  return z
    .unknown()
    .optional()
    .transform((v, ctx): T[number] => {
      if (v === undefined || v === null) return fallback;
      if (typeof v === "string" && values.includes(v)) return v as T[number];
      return fail(ctx, "literal_error", `Input should be ${list}`);
    });
}

/** An http(s) URL (the doc: "the URL of an existing image") [inferred check]. */
export function pyUrl() {
  return z
    .unknown()
    .optional()
    .transform((v, ctx): string => {
      if (v === undefined || v === null) return fail(ctx, "missing", MISSING);
      if (typeof v !== "string") return fail(ctx, "string_type", "Input should be a valid string");
      let url: URL;
      try {
        url = new URL(v);
      } catch {
        return fail(ctx, "url_parsing", "Input should be a valid URL, relative URL without a base");
      }
      if (url.protocol !== "http:" && url.protocol !== "https:")
        fail(ctx, "url_scheme", "URL scheme should be 'http' or 'https'");
      return v;
    });
}

/** A failed parse as Qolaba's field list. */
export function fieldErrors(error: z.ZodError): QolabaFieldError[] {
  return error.issues.map((issue) => ({
    field: issuePath(issue.path) || "body",
    message: issue.message,
    type: (issue as { params?: { type?: string } }).params?.type ?? issue.code,
  }));
}
