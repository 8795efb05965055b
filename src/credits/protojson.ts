/**
 * Reading request bodies the way protobuf's JSON mapping (grpc-gateway) and lenient JSON APIs do:
 * a field may be spelled lowerCamelCase or snake_case (mixed within one body), 64-bit integers may
 * be strings or numbers, booleans may be `"true"`/`"false"`, and `null` means "not set".
 *
 * Every reader takes the path of the object it reads from and throws {@link CreditsInputError}
 * naming the field in the spelling the request used.
 *
 * @see ../shared/providers/NOTES.md "TensorArt TAMS": JSON mapping is protobuf's
 */
import { CreditsInputError } from "./errors.js";

/** A parsed JSON object. */
export type JsonObject = Record<string, unknown>;

/** A value read from a request, with the path it was read from. */
export interface Read<T> {
  value: T;
  path: string;
}

/** `hrResizeX` → `hr_resize_x`, the proto field name protojson also accepts. */
export function snakeCase(camel: string): string {
  return camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

/** Joins a parent path and a key (`stages[1]` + `diffusion`). */
export function joinPath(parent: string, key: string): string {
  return parent ? `${parent}.${key}` : key;
}

/** A short rendering of a bad value for error messages. */
export function describe(value: unknown): string {
  if (value === undefined) return "nothing";
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/** Whether `value` is a plain JSON object (not an array, not null). */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
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
    throw new CreditsInputError(joinPath(parent, camel), `given twice, as "${camel}" and as "${snake}"`);
  }
  if (hasCamel) return { value: obj[camel], path: joinPath(parent, camel) };
  if (hasSnake) return { value: obj[snake], path: joinPath(parent, snake) };
  return undefined;
}

/** The path a field would have if present: the camelCase spelling (the docs' own). */
export function fieldPath(parent: string, camel: string): string {
  return joinPath(parent, camel);
}

const INTEGER_TEXT = /^\s*-?\d+\s*$/;
const DECIMAL_TEXT = /^\s*-?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?\s*$/i;

/** Bounds for {@link readInt} and {@link readNumber}. */
export interface Bounds {
  min?: number;
  max?: number;
}

function boundsText({ min, max }: Bounds): string {
  if (min !== undefined && max !== undefined) return ` between ${min} and ${max}`;
  if (min !== undefined) return ` ≥ ${min}`;
  if (max !== undefined) return ` ≤ ${max}`;
  return "";
}

/** Parses an integer given as a JSON number or a decimal string (protojson's int64). */
export function parseInt64(value: unknown, path: string, bounds: Bounds = {}): number {
  let n: number | undefined;
  if (typeof value === "number" && Number.isSafeInteger(value)) n = value;
  else if (typeof value === "string" && INTEGER_TEXT.test(value)) {
    const big = BigInt(value.trim());
    if (big <= BigInt(Number.MAX_SAFE_INTEGER) && big >= BigInt(Number.MIN_SAFE_INTEGER)) n = Number(big);
  }
  if (
    n === undefined ||
    (bounds.min !== undefined && n < bounds.min) ||
    (bounds.max !== undefined && n > bounds.max)
  ) {
    throw new CreditsInputError(path, `must be an integer${boundsText(bounds)}, got ${describe(value)}`);
  }
  return n;
}

/** Parses a number given as a JSON number or a numeric string. */
export function parseNumber(value: unknown, path: string, bounds: Bounds = {}): number {
  let n: number | undefined;
  if (typeof value === "number" && Number.isFinite(value)) n = value;
  else if (typeof value === "string" && DECIMAL_TEXT.test(value)) n = Number(value);
  if (
    n === undefined ||
    (bounds.min !== undefined && n < bounds.min) ||
    (bounds.max !== undefined && n > bounds.max)
  ) {
    throw new CreditsInputError(path, `must be a number${boundsText(bounds)}, got ${describe(value)}`);
  }
  return n;
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
  if (!f) return undefined;
  if (typeof f.value === "boolean") return { value: f.value, path: f.path };
  if (f.value === "true" || f.value === "false") return { value: f.value === "true", path: f.path };
  throw new CreditsInputError(f.path, `must be true or false, got ${describe(f.value)}`);
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
