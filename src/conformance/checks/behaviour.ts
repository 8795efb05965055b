/**
 * Behaviour checks: only legal status sequences, a terminal state within a time budget, and the
 * documented error code and HTTP status for each bad input.
 */
import { describeValue, type Finding } from "../findings.js";
import { labelled, type PathSegment, valueAt } from "../json-path.js";

/** A provider's job state machine, over status values as strings (`"0"`, `"SUCCESS"`). */
export interface StatusMachine {
  /** Status → the statuses that may follow it (a status may always repeat). */
  next: Readonly<Record<string, readonly string[]>>;
  /** States a job never leaves. */
  terminal: readonly string[];
}

/** True when the machine knows this value. */
export const isKnownStatus = (m: StatusMachine, s: string): boolean => s in m.next;

/**
 * Checks a sequence of observed statuses: every value known, every step legal, nothing after a
 * terminal state but itself.
 * @example checkStatusSequence(AITUBO_MACHINE, ["0", "1", "2"], "poll: data.status") // []
 */
export function checkStatusSequence(
  machine: StatusMachine,
  seen: readonly string[],
  path: string,
): Finding[] {
  const out: Finding[] = [];
  const trail = seen.join(" → ");
  for (let i = 0; i < seen.length; i++) {
    const s = seen[i]!;
    if (!isKnownStatus(machine, s)) {
      out.push({
        check: "behaviour",
        severity: "breaking",
        path,
        expected: `one of ${Object.keys(machine.next).join(", ")}`,
        actual: `${s} (sequence ${trail})`,
        message: "status value outside the documented state machine",
      });
      continue;
    }
    const prev = seen[i - 1];
    if (prev === undefined || prev === s || !isKnownStatus(machine, prev)) continue;
    if (!machine.next[prev]!.includes(s)) {
      out.push({
        check: "behaviour",
        severity: "breaking",
        path,
        expected: `after ${prev}: ${machine.next[prev]!.join(", ") || "nothing (terminal)"}`,
        actual: `${s} (sequence ${trail})`,
        message: "illegal status transition",
      });
    }
  }
  return out;
}

/** What a bad request must answer. Unset parts are not checked (where the docs are silent). */
export interface ExpectedError {
  /** HTTP status: exact, one of several, or any 4xx (a client error, documented only as such). */
  http?: number | readonly number[] | "4xx";
  /** Where the provider's error code is in the body. */
  codePath?: PathSegment[];
  /** The documented code at `codePath`. */
  code?: number | string;
  /** A code the answer must not carry (the success code, when the error code is undocumented). */
  notCode?: number | string;
}

const httpMatches = (want: NonNullable<ExpectedError["http"]>, got: number) =>
  want === "4xx" ? got >= 400 && got < 500 : typeof want === "number" ? got === want : want.includes(got);

/**
 * Checks an error answer's HTTP status and code.
 * @example checkError("create", { status: 200, body: { code: 1000 } }, { code: 1000, codePath: ["code"] }) // []
 */
export function checkError(
  label: string,
  res: { status: number; body: unknown },
  expected: ExpectedError,
): Finding[] {
  const out: Finding[] = [];
  if (expected.http !== undefined && !httpMatches(expected.http, res.status)) {
    out.push({
      check: "behaviour",
      severity: "breaking",
      path: labelled(label, "(http status)"),
      expected: typeof expected.http === "object" ? expected.http.join(" or ") : String(expected.http),
      actual: String(res.status),
      message: "HTTP status differs from the documented one",
    });
  }
  if (expected.codePath) {
    const code = valueAt(res.body, expected.codePath);
    if (expected.code !== undefined && code !== expected.code) {
      out.push({
        check: "behaviour",
        severity: "breaking",
        path: labelled(label, expected.codePath),
        expected: describeValue(expected.code),
        actual: describeValue(code),
        message: "error code differs from the documented one",
      });
    }
    if (expected.notCode !== undefined && code === expected.notCode) {
      out.push({
        check: "behaviour",
        severity: "breaking",
        path: labelled(label, expected.codePath),
        expected: `an error code (not ${describeValue(expected.notCode)})`,
        actual: describeValue(code),
        message: "bad input was accepted",
      });
    }
  }
  return out;
}
