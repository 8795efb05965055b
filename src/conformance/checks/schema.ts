/**
 * Schema conformance: a response is parsed with the documented zod schema (strict objects). A
 * missing field, a changed type or a value outside a documented enum is breaking drift; a field
 * the schema does not know is info, because new fields are how providers evolve.
 */
import type { z } from "zod";
import { describeValue, type Finding, jsonType } from "../findings.js";
import { labelled, type PathSegment, valueAt } from "../json-path.js";

type Issue = z.core.$ZodIssue;

/** The message of every "value outside a documented enum" finding (polls stop at the first). */
export const OUTSIDE_ENUM = "value outside the documented set";

/** True for a finding that reports a value outside a documented enum. */
export const isEnumDrift = (f: Finding): boolean =>
  f.check === "schema" && f.severity === "breaking" && f.message === OUTSIDE_ENUM;

/** Turns zod issues into findings; unions are resolved to their closest branch. */
function findingsOf(issues: readonly Issue[], root: unknown, label: string, base: PathSegment[]): Finding[] {
  const out: Finding[] = [];
  for (const issue of issues) {
    const segs = [...base, ...(issue.path as PathSegment[])];
    const at = labelled(label, segs);
    const seen = valueAt(root, segs);
    if (issue.code === "unrecognized_keys") {
      for (const key of issue.keys) {
        const keyPath = labelled(label, [...segs, key]);
        out.push({
          check: "schema",
          severity: "info",
          path: keyPath,
          expected: "(not in the documented schema)",
          actual: describeValue((seen as Record<string, unknown> | undefined)?.[key]),
          message: `new field ${key}`,
        });
      }
    } else if (issue.code === "invalid_union") {
      // The branch with the fewest breaking findings is the one the value was meant to be.
      const branches = issue.errors.map((errs) => findingsOf(errs, root, label, segs));
      const best = branches.sort(
        (a, b) =>
          a.filter((f) => f.severity === "breaking").length -
          b.filter((f) => f.severity === "breaking").length,
      )[0];
      const allScalar = issue.errors.every((errs) =>
        errs.every((e) => e.path.length === 0 && e.code === "invalid_value"),
      );
      if (allScalar) {
        const values = issue.errors.flatMap((errs) =>
          errs.flatMap((e) => (e.code === "invalid_value" ? e.values : [])),
        );
        out.push({
          check: "schema",
          severity: "breaking",
          path: at,
          expected: `one of ${values.map((v) => JSON.stringify(v)).join(" | ")}`,
          actual: describeValue(seen),
          message: OUTSIDE_ENUM,
        });
      } else out.push(...(best ?? []));
    } else if (issue.code === "invalid_type") {
      const missing = seen === undefined;
      out.push({
        check: "schema",
        severity: "breaking",
        path: at,
        expected: issue.expected,
        actual: missing ? "(missing)" : `${jsonType(seen)} ${describeValue(seen)}`,
        message: missing ? "documented field is missing" : "field changed type",
      });
    } else if (issue.code === "invalid_value") {
      out.push({
        check: "schema",
        severity: "breaking",
        path: at,
        expected: `one of ${issue.values.map((v) => JSON.stringify(v)).join(" | ")}`,
        actual: describeValue(seen),
        message: OUTSIDE_ENUM,
      });
    } else {
      out.push({
        check: "schema",
        severity: "breaking",
        path: at,
        expected: issue.message,
        actual: describeValue(seen),
        message: `documented constraint violated (${issue.code})`,
      });
    }
  }
  return out;
}

/**
 * Checks a JSON value against a documented schema.
 * @param label names the response in paths (`create`, `poll`), so findings read `create: data.id`.
 * @example checkSchema(createResponseSchema, body, "create") // [] when the body is as documented
 */
export function checkSchema(schema: z.ZodType, value: unknown, label: string): Finding[] {
  const result = schema.safeParse(value);
  if (result.success) return [];
  return findingsOf(result.error.issues, value, label, []);
}
