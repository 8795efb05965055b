/**
 * protobuf's JSON mapping (grpc-gateway), as TAMS reads and writes it:
 * - a request field may be lowerCamelCase or snake_case, mixed in one body; both at once is an error;
 * - `null` means unset; unknown fields are dropped (grpc-gateway's DiscardUnknown);
 * - 64-bit (and 32-bit) integers may be JSON numbers or decimal strings; floats may be strings too;
 * - enums are written by name (a number is also read);
 * - in responses, 64-bit integers are strings and unset fields are left out.
 *
 * @see ../shared/providers/NOTES.md "TensorArt TAMS" › "JSON mapping is protobuf's"
 */
import * as z from "zod";

/** `hr_resize_x` → `hrResizeX`. */
export function camelCase(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** `hrResizeX` → `hr_resize_x`. */
export function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * A protobuf message: each field under either spelling, `null` as unset, unknown fields dropped.
 * Keys are canonical (lowerCamelCase) after parsing, so issue paths use the doc's spelling.
 * @example message({ sdModel: str() }).parse({ sd_model: "1" }) // { sdModel: "1" }
 */
export function message<S extends z.ZodRawShape>(shape: S) {
  const keys = new Set(Object.keys(shape));
  return z.preprocess((input, ctx) => {
    if (!isPlainObject(input)) return input;
    const out: Record<string, unknown> = {};
    const spelled: Record<string, string> = {};
    for (const [key, value] of Object.entries(input)) {
      const canonical = keys.has(key) ? key : camelCase(key);
      if (!keys.has(canonical) || value === null) continue;
      if (canonical in out) {
        ctx.addIssue({
          code: "custom",
          message: `is given twice, as "${spelled[canonical]}" and as "${key}"`,
          path: [canonical],
          input,
        });
        continue;
      }
      out[canonical] = value;
      spelled[canonical] = key;
    }
    return out;
  }, z.object(shape));
}

/** Reports a missing required field. */
function required(ctx: z.core.$RefinementCtx): never {
  ctx.addIssue({ code: "custom", message: "is required", input: undefined });
  return z.NEVER;
}

const INTEGER_TEXT = /^-?\d+$/;
const NUMBER_TEXT = /^-?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Bounds for numeric fields. */
export interface Bounds {
  min?: number;
  max?: number;
}

const boundsText = ({ min, max }: Bounds) =>
  min !== undefined && max !== undefined
    ? ` between ${min} and ${max}`
    : min !== undefined
      ? ` >= ${min}`
      : max !== undefined
        ? ` <= ${max}`
        : "";

/**
 * An integer field (int32/int64/uint64): a JSON number or a decimal string, read as a number.
 * @example int64({ min: 1 }).parse("20") // 20
 */
export function int64(bounds: Bounds = {}) {
  return z.unknown().transform((value, ctx) => {
    if (value === undefined) return required(ctx);
    let n: number | undefined;
    if (typeof value === "number" && Number.isSafeInteger(value)) n = value;
    else if (typeof value === "string" && INTEGER_TEXT.test(value.trim())) {
      const big = BigInt(value.trim());
      if (big >= BigInt(Number.MIN_SAFE_INTEGER) && big <= BigInt(Number.MAX_SAFE_INTEGER)) n = Number(big);
    }
    if (
      n === undefined ||
      (bounds.min !== undefined && n < bounds.min) ||
      (bounds.max !== undefined && n > bounds.max)
    ) {
      ctx.addIssue({
        code: "custom",
        message: `must be an integer${boundsText(bounds)} (a number or a decimal string), got ${show(value)}`,
        input: value,
      });
      return z.NEVER;
    }
    return n;
  });
}

/** A uint64 id (`templateId`, `ckpt_name`): a decimal string or a safe JSON integer, kept as a string. */
export function uint64Id() {
  return z.unknown().transform((value, ctx) => {
    if (value === undefined) return required(ctx);
    if (typeof value === "string" && /^\d{1,20}$/.test(value.trim())) return value.trim();
    if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0) return String(value);
    ctx.addIssue({
      code: "custom",
      message: `must be a uint64 id (a decimal string), got ${show(value)}`,
      input: value,
    });
    return z.NEVER;
  });
}

/** A float/double field: a JSON number or a numeric string. */
export function float(bounds: Bounds = {}) {
  return z.unknown().transform((value, ctx) => {
    if (value === undefined) return required(ctx);
    let n: number | undefined;
    if (typeof value === "number" && Number.isFinite(value)) n = value;
    else if (typeof value === "string" && NUMBER_TEXT.test(value.trim())) n = Number(value);
    if (
      n === undefined ||
      (bounds.min !== undefined && n < bounds.min) ||
      (bounds.max !== undefined && n > bounds.max)
    ) {
      ctx.addIssue({
        code: "custom",
        message: `must be a number${boundsText(bounds)}, got ${show(value)}`,
        input: value,
      });
      return z.NEVER;
    }
    return n;
  });
}

/** A bool field: `true`/`false`, or the strings `"true"`/`"false"` (the API schema's own example sends those). */
export function bool() {
  return z.unknown().transform((value, ctx) => {
    if (value === undefined) return required(ctx);
    if (typeof value === "boolean") return value;
    if (value === "true" || value === "false") return value === "true";
    ctx.addIssue({ code: "custom", message: `must be true or false, got ${show(value)}`, input: value });
    return z.NEVER;
  });
}

/** A string field. protojson takes only JSON strings here. */
export function str(options: { nonEmpty?: boolean; max?: number } = {}) {
  return z.unknown().transform((value, ctx) => {
    if (value === undefined) return required(ctx);
    if (typeof value !== "string") {
      ctx.addIssue({ code: "custom", message: `must be a string, got ${show(value)}`, input: value });
      return z.NEVER;
    }
    if (options.nonEmpty && value.trim() === "") {
      ctx.addIssue({ code: "custom", message: "must not be empty", input: value });
      return z.NEVER;
    }
    if (options.max !== undefined && value.length > options.max) {
      ctx.addIssue({ code: "custom", message: `must be at most ${options.max} characters`, input: value });
      return z.NEVER;
    }
    return value;
  });
}

/**
 * An enum field, by name; a number is read as the value's index in `names` (proto order).
 * @example enumName(["DEFAULT", "DIFFUSION"]).parse(1) // "DIFFUSION"
 */
export function enumName<const T extends readonly string[]>(names: T) {
  return z.unknown().transform((value, ctx): T[number] => {
    if (value === undefined) return required(ctx);
    if (typeof value === "string" && names.includes(value)) return value as T[number];
    if (typeof value === "number" && Number.isInteger(value) && value >= 0 && value < names.length)
      return names[value] as T[number];
    ctx.addIssue({
      code: "custom",
      message: `must be one of ${names.join(", ")}, got ${show(value)}`,
      input: value,
    });
    return z.NEVER;
  });
}

/** A repeated field. */
export function repeated<T extends z.ZodType>(item: T, bounds: { max?: number } = {}) {
  const arr = z.array(item);
  return bounds.max !== undefined ? arr.max(bounds.max) : arr;
}

/** A short rendering of a bad value for messages. */
export function show(value: unknown): string {
  if (value === undefined) return "nothing";
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/**
 * A response object as protojson writes it: `undefined` fields left out (recursively); numbers
 * stay numbers (callers write int64 as strings themselves with {@link int64Out}).
 */
export function compact<T>(value: T): T {
  if (Array.isArray(value)) return value.map(compact) as T;
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = compact(v);
    return out as T;
  }
  return value;
}

/** An int64 as protojson writes it: a decimal string. */
export function int64Out(n: number | bigint): string {
  return typeof n === "bigint" ? n.toString() : String(Math.trunc(n));
}
