/**
 * protobuf's JSON mapping (grpc-gateway), as TAMS reads and writes it, and as the lenient JSON APIs
 * of the other providers are read. The one implementation of these rules: the credits module reads
 * requests with the throwing readers below, the TAMS emulator with the zod field builders; both go
 * through the same value parsers, so a value one accepts the other accepts, with the same message.
 *
 * - a request field may be lowerCamelCase or snake_case, mixed in one body; both at once is an error;
 * - `null` means unset; unknown fields are dropped (grpc-gateway's DiscardUnknown);
 * - 64-bit (and 32-bit) integers may be JSON numbers or decimal strings; floats may be strings too;
 * - booleans may be `"true"`/`"false"` (the API schema's own example sends those);
 * - an enum is read by name or by number; an unknown name or number is refused, naming the field;
 * - in responses, 64-bit integers are strings and unset fields are left out.
 *
 * Lives in `src/credits` because the credits module may import nothing from `src/emulators`, while
 * the emulators already build on the credits module.
 *
 * @see ../shared/providers/NOTES.md "TensorArt TAMS" › "JSON mapping is protobuf's"
 */
import * as z from "zod";
import { CreditsInputError } from "./errors.js";

/** A parsed JSON object. */
export type JsonObject = Record<string, unknown>;

/** A value read from a request, with the path it was read from. */
export interface Read<T> {
  value: T;
  path: string;
}

/** Bounds for numeric fields. */
export interface Bounds {
  min?: number;
  max?: number;
}

// ---- names and paths ----

/** `hr_resize_x` → `hrResizeX`. */
export function camelCase(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** `hrResizeX` → `hr_resize_x`, the proto field name protojson also accepts. */
export function snakeCase(camel: string): string {
  // Field names are a fixed set, each read on every request: convert each once.
  let snake = snakeNames.get(camel);
  if (snake === undefined) {
    snake = camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    if (snakeNames.size < MAX_NAMES) snakeNames.set(camel, snake);
  }
  return snake;
}

/** Names {@link snakeCase} has converted (bounded: a client may send any number of unknown names). */
const snakeNames = new Map<string, string>();
const MAX_NAMES = 4096;

/** Joins a parent path and a key (`stages[1]` + `diffusion`). */
export function joinPath(parent: string, key: string): string {
  return parent ? `${parent}.${key}` : key;
}

/** The path a field would have if present: the camelCase spelling (the docs' own). */
export function fieldPath(parent: string, camel: string): string {
  return joinPath(parent, camel);
}

/** A short rendering of a bad value for error messages. */
export function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/** Same as {@link describe}: the name the emulator's code uses. */
export const show = describe;

/** Whether `value` is a plain JSON object (not an array, not null). */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

// ---- value parsers: the one place each rule is written ----

/** A parsed value, or what is wrong with it (without the field name). */
type Parsed<T> = { ok: true; value: T } | { ok: false; problem: string };

const INTEGER_TEXT = /^\s*-?\d+\s*$/;
const DECIMAL_TEXT = /^\s*-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i;

function boundsText({ min, max }: Bounds): string {
  if (min !== undefined && max !== undefined) return ` between ${min} and ${max}`;
  if (min !== undefined) return ` ≥ ${min}`;
  if (max !== undefined) return ` ≤ ${max}`;
  return "";
}

const inBounds = (n: number, { min, max }: Bounds) =>
  (min === undefined || n >= min) && (max === undefined || n <= max);

function integerValue(value: unknown, bounds: Bounds): Parsed<number> {
  let n: number | undefined;
  if (typeof value === "number" && Number.isSafeInteger(value)) n = value;
  else if (typeof value === "string" && INTEGER_TEXT.test(value)) {
    const big = BigInt(value.trim());
    if (big <= BigInt(Number.MAX_SAFE_INTEGER) && big >= BigInt(Number.MIN_SAFE_INTEGER)) n = Number(big);
  }
  if (n !== undefined && inBounds(n, bounds)) return { ok: true, value: n };
  return { ok: false, problem: `must be an integer${boundsText(bounds)}, got ${describe(value)}` };
}

function numberValue(value: unknown, bounds: Bounds): Parsed<number> {
  let n: number | undefined;
  if (typeof value === "number" && Number.isFinite(value)) n = value;
  else if (typeof value === "string" && DECIMAL_TEXT.test(value)) n = Number(value);
  if (n !== undefined && inBounds(n, bounds)) return { ok: true, value: n };
  return { ok: false, problem: `must be a number${boundsText(bounds)}, got ${describe(value)}` };
}

function boolValue(value: unknown): Parsed<boolean> {
  if (typeof value === "boolean") return { ok: true, value };
  if (value === "true" || value === "false") return { ok: true, value: value === "true" };
  return { ok: false, problem: `must be true or false, got ${describe(value)}` };
}

/**
 * An enum value by name, or by number (the value's index in `names`, which lists the enum in proto
 * order from 0). protojson reads both; an unknown name or number is refused.
 */
function enumValue<T extends string>(names: readonly T[], value: unknown): Parsed<T> {
  if (typeof value === "string" && (names as readonly string[]).includes(value))
    return { ok: true, value: value as T };
  if (typeof value === "number" && Number.isInteger(value) && value >= 0 && value < names.length)
    return { ok: true, value: names[value]! };
  return {
    ok: false,
    problem: `must be one of ${names.join(", ")} (by name, or by number 0-${names.length - 1}), got ${describe(value)}`,
  };
}

// ---- readers for the credits module: throw CreditsInputError naming the field ----

function orThrow<T>(parsed: Parsed<T>, path: string): T {
  if (!parsed.ok) throw new CreditsInputError(path, parsed.problem);
  return parsed.value;
}

/** `value` as an object, or an error naming `path`. */
export function asObject(value: unknown, path: string): JsonObject {
  if (!isObject(value)) throw new CreditsInputError(path, `must be a JSON object, got ${describe(value)}`);
  return value;
}

/**
 * The raw value of a field under either spelling, or undefined when absent or `null`.
 * Both spellings at once is an error, as it is for protojson.
 */
export function getField(obj: JsonObject, camel: string, parent: string): Read<unknown> | undefined {
  const snake = snakeCase(camel);
  const hasCamel = obj[camel] !== undefined && obj[camel] !== null;
  const hasSnake = snake !== camel && obj[snake] !== undefined && obj[snake] !== null;
  if (hasCamel && hasSnake) {
    throw new CreditsInputError(joinPath(parent, camel), `is given twice, as "${camel}" and as "${snake}"`);
  }
  if (hasCamel) return { value: obj[camel], path: joinPath(parent, camel) };
  if (hasSnake) return { value: obj[snake], path: joinPath(parent, snake) };
  return undefined;
}

/** Parses an integer given as a JSON number or a decimal string (protojson's int64). */
export function parseInt64(value: unknown, path: string, bounds: Bounds = {}): number {
  return orThrow(integerValue(value, bounds), path);
}

/** Parses a number given as a JSON number or a numeric string. */
export function parseNumber(value: unknown, path: string, bounds: Bounds = {}): number {
  return orThrow(numberValue(value, bounds), path);
}

/** Reads an optional integer field (either spelling); undefined when absent. */
export function readInt(
  obj: JsonObject,
  camel: string,
  parent: string,
  bounds: Bounds = {},
): Read<number> | undefined {
  const f = getField(obj, camel, parent);
  return f && { value: parseInt64(f.value, f.path, bounds), path: f.path };
}

/** Reads an optional number field (either spelling); undefined when absent. */
export function readNumber(
  obj: JsonObject,
  camel: string,
  parent: string,
  bounds: Bounds = {},
): Read<number> | undefined {
  const f = getField(obj, camel, parent);
  return f && { value: parseNumber(f.value, f.path, bounds), path: f.path };
}

/** Reads an optional boolean field: `true`/`false`, or the strings `"true"`/`"false"`. */
export function readBool(obj: JsonObject, camel: string, parent: string): Read<boolean> | undefined {
  const f = getField(obj, camel, parent);
  return f && { value: orThrow(boolValue(f.value), f.path), path: f.path };
}

/** Reads an optional enum field, by name or by number; undefined when absent. */
export function readEnum<T extends string>(
  obj: JsonObject,
  camel: string,
  parent: string,
  names: readonly T[],
): Read<T> | undefined {
  const f = getField(obj, camel, parent);
  return f && { value: orThrow(enumValue(names, f.value), f.path), path: f.path };
}

/** Reads an optional string field; a number is accepted and stringified (64-bit ids). */
export function readString(obj: JsonObject, camel: string, parent: string): Read<string> | undefined {
  const f = getField(obj, camel, parent);
  if (!f) return undefined;
  if (typeof f.value === "string") return { value: f.value, path: f.path };
  if (typeof f.value === "number" && Number.isFinite(f.value))
    return { value: String(f.value), path: f.path };
  throw new CreditsInputError(f.path, `must be a string, got ${describe(f.value)}`);
}

/** Reads an optional object field. */
export function readObject(obj: JsonObject, camel: string, parent: string): Read<JsonObject> | undefined {
  const f = getField(obj, camel, parent);
  return f && { value: asObject(f.value, f.path), path: f.path };
}

/** Reads an optional array field. */
export function readArray(obj: JsonObject, camel: string, parent: string): Read<unknown[]> | undefined {
  const f = getField(obj, camel, parent);
  if (!f) return undefined;
  if (!Array.isArray(f.value))
    throw new CreditsInputError(f.path, `must be an array, got ${describe(f.value)}`);
  return { value: f.value, path: f.path };
}

// ---- zod field builders for the emulator: the same parsers, as zod issues ----

/**
 * A protobuf message: each field under either spelling, `null` as unset, unknown fields dropped.
 * Keys are canonical (lowerCamelCase) after parsing, so issue paths use the doc's spelling.
 * @example message({ sdModel: str() }).parse({ sd_model: "1" }) // { sdModel: "1" }
 */
export function message<S extends z.ZodRawShape>(shape: S) {
  const keys = new Set(Object.keys(shape));
  return z.preprocess((input, ctx) => {
    if (!isObject(input)) return input;
    // The common case (an official client's body): every key already the field's name and none
    // null, so there is nothing to rename or drop, and no copy to make.
    let canonical = true;
    for (const key in input) {
      if (!keys.has(key) || input[key] === null) {
        canonical = false;
        break;
      }
    }
    if (canonical) return input;
    const out: JsonObject = {};
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

/** A zod field over one of the value parsers; `undefined` is "is required" (wrap in `.optional()`). */
function field<T>(parse: (value: unknown) => Parsed<T>) {
  return z.unknown().transform((value, ctx): T => {
    const parsed: Parsed<T> = value === undefined ? { ok: false, problem: "is required" } : parse(value);
    if (parsed.ok) return parsed.value;
    ctx.addIssue({ code: "custom", message: parsed.problem, input: value });
    return z.NEVER;
  });
}

/**
 * An integer field (int32/int64/uint64): a JSON number or a decimal string, read as a number.
 * @example int64({ min: 1 }).parse("20") // 20
 */
export function int64(bounds: Bounds = {}) {
  return field((v) => integerValue(v, bounds));
}

/** A uint64 id (`templateId`, `ckpt_name`): a decimal string or a safe JSON integer, kept as a string. */
export function uint64Id() {
  return field((value): Parsed<string> => {
    if (typeof value === "string" && /^\d{1,20}$/.test(value.trim()))
      return { ok: true, value: value.trim() };
    if (typeof value === "number" && Number.isSafeInteger(value) && value >= 0)
      return { ok: true, value: String(value) };
    return { ok: false, problem: `must be a uint64 id (a decimal string), got ${describe(value)}` };
  });
}

/** A float/double field: a JSON number or a numeric string. */
export function float(bounds: Bounds = {}) {
  return field((v) => numberValue(v, bounds));
}

/** A bool field: `true`/`false`, or the strings `"true"`/`"false"`. */
export function bool() {
  return field(boolValue);
}

/** A string field. protojson takes only JSON strings here. */
export function str(options: { nonEmpty?: boolean; max?: number } = {}) {
  return field((value): Parsed<string> => {
    if (typeof value !== "string") return { ok: false, problem: `must be a string, got ${describe(value)}` };
    if (options.nonEmpty && value.trim() === "") return { ok: false, problem: "must not be empty" };
    if (options.max !== undefined && value.length > options.max)
      return { ok: false, problem: `must be at most ${options.max} characters` };
    return { ok: true, value };
  });
}

/**
 * An enum field, by name or by number (the value's index in `names`, proto order from 0).
 * @example enumName(["DEFAULT", "DIFFUSION"]).parse(1) // "DIFFUSION"
 */
export function enumName<const T extends readonly string[]>(names: T) {
  return field((v) => enumValue<T[number]>(names, v));
}

/** A repeated field. */
export function repeated<T extends z.ZodType>(item: T, bounds: { max?: number } = {}) {
  const arr = z.array(item);
  return bounds.max !== undefined ? arr.max(bounds.max) : arr;
}

// ---- writing responses ----

/**
 * A response object as protojson writes it: `undefined` fields left out (recursively); numbers
 * stay numbers (callers write int64 as strings themselves with {@link int64Out}).
 */
export function compact<T>(value: T): T {
  if (Array.isArray(value)) return value.map(compact) as T;
  if (isObject(value)) {
    const out: JsonObject = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = compact(v);
    return out as T;
  }
  return value;
}

/** An int64 as protojson writes it: a decimal string. */
export function int64Out(n: number | bigint): string {
  return typeof n === "bigint" ? n.toString() : String(Math.trunc(n));
}
