/**
 * Credit checks: what the provider charged (the job's own figure, or the balance before minus
 * after) must equal the published formula in `src/credits`.
 */
import type { CreditEstimate } from "../../credits/types.js";
import { describeValue, type Finding } from "../findings.js";

/** Credits are exact to the hundredth; anything closer than this is float noise. */
const EPSILON = 1e-6;

/**
 * Compares a charge with the estimate. A charge that could not be read gives no finding: the
 * schema check already reported the missing field.
 * @example checkCharge("create: data.consumedCredit", 40, estimateAitubo("create", {})) // []
 */
export function checkCharge(path: string, charged: unknown, estimate: CreditEstimate): Finding[] {
  if (typeof charged !== "number" || !Number.isFinite(charged)) return [];
  if (Math.abs(charged - estimate.total) < EPSILON) return [];
  const formula = estimate.items.map((i) => `${i.item}: ${i.formula}`).join("; ");
  return [
    {
      check: "credits",
      severity: "breaking",
      path,
      expected: `${estimate.total} (${formula})`,
      actual: describeValue(charged),
      message: "charge differs from the published credit formula",
    },
  ];
}
