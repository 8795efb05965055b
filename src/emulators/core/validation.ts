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

/** Parses a JSON text; `undefined` when it is not JSON. */
export function parseJsonText(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}
