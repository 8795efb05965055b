/**
 * The shapes every credit function returns. Other modules (emulators, conformance, CLI) code
 * against these names.
 */

/** The providers this library prices. */
export type CreditProvider = "aitubo" | "tams" | "aithriving" | "qolaba";

/** Whether a price or rule is published by the provider or is our inference. */
export type CreditSource = "documented" | "inferred";

/** One item of a breakdown: a stage, an ADetailer pass, a sampler node, a batch of images. */
export interface CreditLine {
  /** What is charged, e.g. `stages[1] DIFFUSION` or `params.3 KSampler`. */
  item: string;
  /** Credits for this item (exact to the hundredth). */
  credits: number;
  /** Every value the formula used, including inherited and defaulted ones. */
  inputs: Record<string, string | number | boolean>;
  /** The formula with the values substituted, e.g. `1 * 1 * CEIL(20/5)/5 = 0.8`. */
  formula: string;
  /** `documented` when the provider publishes this rule and price; `inferred` otherwise. */
  source: CreditSource;
}

/** What a request costs: the total and why. `total` equals the exact sum of `items[].credits`. */
export interface CreditEstimate {
  provider: CreditProvider;
  total: number;
  items: CreditLine[];
}
