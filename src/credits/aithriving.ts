/**
 * AIThriving credits. Published: "0.4-2 credits per successful result" for basic generation, and
 * flat prices for the other endpoints (sd3 8, ultra 16, core 6, erase 6, inpaint 6). How basic
 * generation lands in 0.4–2 is not published; we use TAMS's DIFFUSION formula `CEIL(STEPS/5)/5`,
 * which maps the allowed steps 10–50 exactly onto 0.4–2 (inferred). Failed results are not charged:
 * that is for the caller (the emulator) to apply.
 *
 * @see ../shared/providers/docs/aithriving.txt "Credits"; ../shared/providers/NOTES.md "AIThriving" endpoint table
 */
import { formatRatio, fromHundredths, mul, ratio, toHundredths } from "./decimal.js";
import { CreditsInputError } from "./errors.js";
import { mergePrices, price } from "./prices.js";
import { asObject, describe, readInt } from "./protojson.js";
import { stepBlocks } from "./tams-formulas.js";
import type { CreditEstimate } from "./types.js";

/** AIThriving's endpoints, as paths after `/api/generate/` or `/api/`. */
export type AithrivingEndpoint =
  | "basic/textToImage"
  | "basic/imageToImage"
  | "sd3/textToImage"
  | "ultra"
  | "core"
  | "edit/erase"
  | "edit/inpaint";

/** AIThriving's price table. */
export interface AithrivingPrices {
  /** Basic generation, per started block of 5 steps: 0.2, so 10 steps = 0.4 and 50 = 2 (inferred). */
  basicPerFiveSteps: number;
  "sd3/textToImage": number;
  ultra: number;
  core: number;
  "edit/erase": number;
  "edit/inpaint": number;
}

/** The defaults: flat prices from the provider's doc pages; the basic per-block price inferred. */
export const AITHRIVING_PRICES: Readonly<AithrivingPrices> = {
  basicPerFiveSteps: 0.2,
  "sd3/textToImage": 8,
  ultra: 16,
  core: 6,
  "edit/erase": 6,
  "edit/inpaint": 6,
};

/** Basic generation's steps: range and default from the doc's parameter table. */
export const AITHRIVING_STEPS = { min: 10, max: 50, default: 30 } as const;

const FLAT = ["sd3/textToImage", "ultra", "core", "edit/erase", "edit/inpaint"] as const;

/**
 * Estimates one AIThriving call (one image per successful call). Form fields (imageToImage, edit)
 * may arrive as strings; `steps` is read either way and must be 10–50.
 *
 * @see ../shared/providers/docs/aithriving.txt "Credits": 0.4–2 per successful result
 * @example estimateAithriving("basic/textToImage", { prompt: "a cat", width: 512, height: 512 }).total // 1.2
 * @example estimateAithriving("ultra", { prompt: "a cat" }).total // 16
 */
export function estimateAithriving(
  endpoint: AithrivingEndpoint,
  body: unknown,
  prices?: Partial<AithrivingPrices>,
): CreditEstimate {
  const { prices: p, overridden } = mergePrices(AITHRIVING_PRICES as AithrivingPrices, prices);
  const obj = asObject(body, "body");
  if (endpoint === "basic/textToImage" || endpoint === "basic/imageToImage") {
    const read = readInt(obj, "steps", "", { min: AITHRIVING_STEPS.min, max: AITHRIVING_STEPS.max });
    const steps = read?.value ?? AITHRIVING_STEPS.default;
    const blocks = stepBlocks(steps);
    const exact = mul(ratio(blocks), price(p.basicPerFiveSteps));
    const hundredths = toHundredths(exact);
    return {
      provider: "aithriving",
      total: fromHundredths(hundredths),
      items: [
        {
          item: `${endpoint}: 1 image`,
          credits: fromHundredths(hundredths),
          inputs: { steps, stepsFrom: read ? "steps" : "default", basicPerFiveSteps: p.basicPerFiveSteps },
          formula: `CEIL(STEPS / 5) * ${p.basicPerFiveSteps} = CEIL(${steps} / 5) * ${p.basicPerFiveSteps} = ${formatRatio(exact)}`,
          source: "inferred",
        },
      ],
    };
  }
  if (!(FLAT as readonly string[]).includes(endpoint)) {
    throw new CreditsInputError(
      "endpoint",
      `must be one of basic/textToImage, basic/imageToImage, ${FLAT.join(", ")}, got ${describe(endpoint)}`,
    );
  }
  const key = endpoint as (typeof FLAT)[number];
  const credits = p[key];
  return {
    provider: "aithriving",
    total: credits,
    items: [
      {
        item: `${endpoint}: 1 image`,
        credits,
        inputs: { price: credits },
        formula: `${endpoint} = ${credits} per successful result`,
        source: overridden.has(key) ? "inferred" : "documented",
      },
    ],
  };
}
