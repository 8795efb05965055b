/**
 * Qolaba credits. Qolaba publishes no prices. The default table is our inference, to be replaced
 * by a user who knows their contract: a price per image per inference step (0.02, so a 30-step
 * image costs 0.6), times `batch` and `num_inference_steps`. Every line is marked inferred.
 *
 * @see ../shared/providers/docs/qolaba-controlnet.txt "ControlNet API" (batch 1–8, num_inference_steps 1–50);
 *   ../shared/providers/NOTES.md "Qolaba"
 */
import { formatRatio, fromHundredths, mul, ratio, toHundredths } from "./decimal.js";
import { CreditsInputError } from "./errors.js";
import { mergePrices, price } from "./prices.js";
import { asObject, describe, readInt } from "./protojson.js";
import type { CreditEstimate } from "./types.js";

/** Qolaba's (inferred) price table. */
export interface QolabaPrices {
  /** Credits per image per inference step. */
  perImageStep: number;
}

/** The default, inferred price table. */
export const QOLABA_PRICES: Readonly<QolabaPrices> = { perImageStep: 0.02 };

/** Documented ranges; the defaults for missing fields are inferred (the doc gives none). */
export const QOLABA_LIMITS = {
  batch: { min: 1, max: 8, default: 1 },
  steps: { min: 1, max: 50, default: 30 },
} as const;

/** Qolaba's generation endpoints. */
export type QolabaEndpoint = "getTextToImage" | "getImagetoImage";

/**
 * Estimates a Qolaba generation call: `batch * num_inference_steps * perImageStep`, rounded half
 * up to the hundredth if an override has more decimals. Throws {@link CreditsInputError} for
 * `batch` outside 1–8 or `num_inference_steps` outside 1–50.
 *
 * @see ../shared/providers/docs/qolaba-controlnet.txt (no prices published)
 * @example estimateQolaba("getTextToImage", { batch: 2, num_inference_steps: 25 }).total // 1
 */
export function estimateQolaba(
  endpoint: QolabaEndpoint,
  body: unknown,
  prices?: Partial<QolabaPrices>,
): CreditEstimate {
  if (endpoint !== "getTextToImage" && endpoint !== "getImagetoImage") {
    throw new CreditsInputError(
      "endpoint",
      `must be getTextToImage or getImagetoImage, got ${describe(endpoint)}`,
    );
  }
  const { prices: p } = mergePrices(QOLABA_PRICES as QolabaPrices, prices);
  const obj = asObject(body, "body");
  const { batch: b, steps: s } = QOLABA_LIMITS;
  const batchRead = readInt(obj, "batch", "", { min: b.min, max: b.max });
  const stepsRead = readInt(obj, "num_inference_steps", "", { min: s.min, max: s.max });
  const batch = batchRead?.value ?? b.default;
  const steps = stepsRead?.value ?? s.default;
  const exact = mul(ratio(batch), ratio(steps), price(p.perImageStep));
  const credits = fromHundredths(toHundredths(exact));
  return {
    provider: "qolaba",
    total: credits,
    items: [
      {
        item: `${endpoint}: ${batch} image${batch === 1 ? "" : "s"}`,
        credits,
        inputs: {
          batch,
          batchFrom: batchRead ? "batch" : "default",
          steps,
          stepsFrom: stepsRead ? "num_inference_steps" : "default",
          perImageStep: p.perImageStep,
        },
        formula: `BATCH * STEPS * PER_IMAGE_STEP = ${batch} * ${steps} * ${p.perImageStep} = ${formatRatio(exact)}`,
        source: "inferred",
      },
    ],
  };
}
