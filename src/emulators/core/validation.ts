/**
 * Turning zod's output into one clear sentence a provider can put in its own error body.
 * zod's raw issues never reach a client.
 */
import type { z } from "zod";

/** One validation failure: the field (a dotted path) and what was wrong. */
export interface FieldProblem {
  field: string;
  message: string;
}

/** Dotted path of a zod issue, `a.b[2].c` style. */
export function issuePath(path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (acc, p) => (typeof p === "number" ? `${acc}[${p}]` : acc ? `${acc}.${String(p)}` : String(p)),
    "",
  );
}

/** A zod issue in plain words, without the field name. */
export function issueMessage(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "invalid_type":
      // zod 4 does not keep the input on issues by default; its message says what it received.
      return issue.input === undefined && /received undefined/.test(issue.message)
        ? "is required"
        : `must be ${article(issue.expected)}`;
    case "too_small":
      return issue.origin === "string"
        ? `must be at least ${issue.minimum} characters`
        : issue.origin === "array"
          ? `must have at least ${issue.minimum} items`
          : `must be ${issue.inclusive ? ">=" : ">"} ${issue.minimum}`;
    case "too_big":
      return issue.origin === "string"
        ? `must be at most ${issue.maximum} characters`
        : issue.origin === "array"
          ? `must have at most ${issue.maximum} items`
          : `must be ${issue.inclusive ? "<=" : "<"} ${issue.maximum}`;
    case "invalid_value":
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(", ")}`;
    case "unrecognized_keys":
      return `unknown field(s) ${issue.keys.join(", ")}`;
    case "not_multiple_of":
      return `must be a multiple of ${issue.divisor}`;
    case "invalid_union": {
      // A discriminated union's tag: list the tags it knows.
      const options = (issue as { options?: unknown[] }).options;
      if (Array.isArray(options)) return `must be one of ${options.map((v) => JSON.stringify(v)).join(", ")}`;
      // A union of types (`string | number`): name them.
      const expected = issue.errors.map((branch) =>
        branch.length === 1 && branch[0]!.code === "invalid_type" ? branch[0]!.expected : undefined,
      );
      return expected.every((e) => e !== undefined)
        ? `must be ${expected.map((e) => article(e!)).join(" or ")}`
        : "matches none of the accepted forms";
    }
    default:
      return issue.message;
  }
}

function article(type: string): string {
  if (type === "int") return "an integer";
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/** The first problem of a failed parse, as field + message. */
export function firstProblem(error: z.ZodError): FieldProblem {
  const issue = error.issues[0]!;
  return { field: issuePath(issue.path), message: issueMessage(issue) };
}

/** Every problem of a failed parse. */
export function allProblems(error: z.ZodError): FieldProblem[] {
  return error.issues.map((issue) => ({ field: issuePath(issue.path), message: issueMessage(issue) }));
}

/** `"steps must be <= 50"`; or the message alone when the problem is the whole body. */
export function describeProblem(p: FieldProblem): string {
  return p.field ? `${p.field} ${p.message}` : `body ${p.message}`;
}

/**
 * How deep a JSON body may nest arrays and objects. No provider documents a limit; every request
 * any of them documents nests under 10 levels, and code that walks a parsed value (protojson
 * printing, redaction) recurses, so a hostile 5,000-level body would overflow the stack [inferred].
 */
export const MAX_JSON_DEPTH = 64;

/**
 * True when a JSON text nests arrays and objects deeper than `max`. A linear scan of the text
 * (brackets outside strings), so it costs nothing like a parse and never recurses.
 */
export function jsonNestsDeeperThan(text: string, max = MAX_JSON_DEPTH): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    if (inString) {
      if (ch === 0x5c)
        i++; // backslash: skip the escaped character
      else if (ch === 0x22) inString = false;
    } else if (ch === 0x22) inString = true;
    else if (ch === 0x5b || ch === 0x7b) {
      if (++depth > max) return true;
    } else if (ch === 0x5d || ch === 0x7d) depth--;
  }
  return false;
}

/** Why a JSON text was not parsed, in words that follow "request body" or a field name. */
export type JsonTextProblem = "is not valid JSON" | `nests deeper than ${number} levels`;

/**
 * Parses a JSON text; on failure, why (not JSON, or nested past {@link MAX_JSON_DEPTH}).
 * @example parseJsonText('{"a":1}') // { ok: true, value: { a: 1 } }
 */
export function parseJsonText(
  text: string,
): { ok: true; value: unknown } | { ok: false; problem: JsonTextProblem; tooDeep: boolean } {
  if (jsonNestsDeeperThan(text))
    return { ok: false, problem: `nests deeper than ${MAX_JSON_DEPTH} levels`, tooDeep: true };
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false, problem: "is not valid JSON", tooDeep: false };
  }
}
