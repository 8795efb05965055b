/**
 * What a check reports: one finding per difference between what was expected and what was seen,
 * with the JSON path where it was seen. Breaking findings make `conform` exit non-zero.
 */

/** How much a finding matters. */
export type Severity =
  /** The API no longer behaves as documented (or recorded): a client would break. */
  | "breaking"
  /** Worth knowing, not breaking: a field the schema does not know, a check that could not run. */
  | "info"
  /** A difference declared in advance (by JSON path, with a reason); shown, never failing. */
  | "known";

/** Which kind of check produced a finding. */
export type CheckKind = "schema" | "behaviour" | "credits" | "image" | "snapshot" | "scenario";

/** One difference between expectation and observation. */
export interface Finding {
  check: CheckKind;
  severity: Severity;
  /** Where, e.g. `create: data.consumedCredit` (label of the response, then its JSON path). */
  path: string;
  expected: string;
  actual: string;
  message: string;
  /** For `known` findings: why the difference is accepted. */
  reason?: string;
}

/** True for findings that fail a run. */
export const isBreaking = (f: Finding): boolean => f.severity === "breaking";

/** Describes a JSON value briefly for `expected` / `actual` columns. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "(missing)";
  if (value === null) return "null";
  if (typeof value === "string")
    return value.length > 80 ? `${JSON.stringify(value.slice(0, 77))}…` : JSON.stringify(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return `array(${value.length})`;
  return "object";
}

/** The JSON type name of a value (`array`, `null`, `integer` is reported as `number`). */
export function jsonType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}
