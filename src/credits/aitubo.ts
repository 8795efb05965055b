/**
 * Aitubo credits. The doc publishes one figure: a default `POST /api/job/create` (4 images,
 * 512×512, 30 steps) consumed 40 credits. Pricing it per image (10 each, whatever the size and
 * steps) is our inference. Upscale and headshot prices are not published: the defaults below are
 * guesses, marked inferred, and every price can be overridden (a headshot's real price is its
 * transform's `cost` from `GET /api/transform/list`). Aitubo's credits are integers.
 *
 * @see ../shared/providers/docs/aitubo.txt create example (`"consumedCredit": 40`), `/api/job/create`
 *   defaults table, `/api/job/upscale`, `api/transform/list` (`cost`), `api/transform/create-headshot`
 */
import { CreditsInputError } from "./errors.js";
import { mergePrices } from "./prices.js";
import { asObject, describe, type JsonObject } from "./protojson.js";
import type { CreditEstimate, CreditLine } from "./types.js";

/** Aitubo's price table, in whole credits. */
export interface AituboPrices {
  /** Per generated image (create). 40 for the doc's 4 default images, so 10: per-image split inferred. */
  perImage: number;
  /** Per upscale job. Not published: inferred. */
  upscale: number;
  /** Per headshot job, unless the transform's catalog `cost` is passed. Not published: inferred. */
  headshot: number;
}

/** The defaults: `perImage` from the doc's example, the others inferred. */
export const AITUBO_PRICES: Readonly<AituboPrices> = { perImage: 10, upscale: 10, headshot: 10 };

/** Which default prices the doc supports. */
export const AITUBO_PRICE_SOURCES: Readonly<Record<keyof AituboPrices, "documented" | "inferred">> = {
  perImage: "documented",
  upscale: "inferred",
  headshot: "inferred",
};

/** `/api/job/create` defaults from the doc's body table. */
export const AITUBO_CREATE_DEFAULTS = { count: 4, steps: 30, width: 512, height: 512 } as const;

/** The three Aitubo operations that cost credits. */
export type AituboKind = "create" | "upscale" | "headshot";

/**
 * Reads a JSON integer. Aitubo's Go server decodes ints strictly (no strings, no fractions) and
 * knows only the camelCase names, so snake_case spellings are not read here.
 */
function readInt(body: JsonObject, name: string, min: number, max?: number): number | undefined {
  const v = body[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < min || (max !== undefined && v > max)) {
    const range = max !== undefined ? `between ${min} and ${max}` : `≥ ${min}`;
    throw new CreditsInputError(name, `must be an integer ${range}, got ${describe(v)}`);
  }
  return v;
}

/**
 * Estimates an Aitubo request: `create` (`POST /api/job/create`), `upscale` (`POST /api/job/upscale`)
 * or `headshot` (`POST /api/transform/create-headshot`). Throws {@link CreditsInputError} for a
 * priced field out of its documented range (`count` ≥ 1, `steps` 10–50, `upscaleFactor` 2–4).
 *
 * @see ../shared/providers/docs/aitubo.txt create example: 4 default images consumed 40
 * @example estimateAitubo("create", { prompt: "A cat sleeps on the plane", modelId: "642b977d2f2842537c09fe41" }).total // 40
 * @example estimateAitubo("headshot", { imagePath: "p", transformId: "t" }, { headshot: 25 }).total // 25
 */
export function estimateAitubo(
  kind: AituboKind,
  body: unknown,
  prices?: Partial<AituboPrices>,
): CreditEstimate {
  const { prices: p, overridden } = mergePrices(AITUBO_PRICES as AituboPrices, prices, { integer: true });
  const obj = asObject(body, "body");
  const sourceOf = (key: keyof AituboPrices) =>
    overridden.has(key) ? "inferred" : AITUBO_PRICE_SOURCES[key];
  let line: CreditLine;
  switch (kind) {
    case "create": {
      const count = readInt(obj, "count", 1) ?? AITUBO_CREATE_DEFAULTS.count;
      const steps = readInt(obj, "steps", 10, 50) ?? AITUBO_CREATE_DEFAULTS.steps;
      const width = readInt(obj, "width", 1) ?? AITUBO_CREATE_DEFAULTS.width;
      const height = readInt(obj, "height", 1) ?? AITUBO_CREATE_DEFAULTS.height;
      const d = AITUBO_CREATE_DEFAULTS;
      // Only the doc's own case (defaults, default price) is documented; any other request relies
      // on the inference that the price is per image and ignores size and steps.
      const isDocCase = count === d.count && steps === d.steps && width === d.width && height === d.height;
      line = {
        item: `create: ${count} image${count === 1 ? "" : "s"}`,
        credits: count * p.perImage,
        inputs: { count, perImage: p.perImage, steps, width, height },
        formula: `COUNT * PER_IMAGE = ${count} * ${p.perImage} = ${count * p.perImage}`,
        source: isDocCase && sourceOf("perImage") === "documented" ? "documented" : "inferred",
      };
      break;
    }
    case "upscale": {
      const factor = readInt(obj, "upscaleFactor", 2, 4);
      if (factor === undefined)
        throw new CreditsInputError("upscaleFactor", "is required (an integer from 2 to 4)");
      line = {
        item: `upscale ×${factor}`,
        credits: p.upscale,
        inputs: { upscaleFactor: factor, upscale: p.upscale },
        formula: `UPSCALE = ${p.upscale} (per job; not published)`,
        source: "inferred",
      };
      break;
    }
    case "headshot": {
      const transformId = obj.transformId;
      line = {
        item: `headshot${typeof transformId === "string" ? ` (transform ${transformId})` : ""}`,
        credits: p.headshot,
        inputs: { headshot: p.headshot, ...(typeof transformId === "string" ? { transformId } : {}) },
        formula: `HEADSHOT = ${p.headshot} (${overridden.has("headshot") ? "given" : "not published"})`,
        source: "inferred",
      };
      break;
    }
    default:
      throw new CreditsInputError("kind", `must be create, upscale or headshot, got ${describe(kind)}`);
  }
  return { provider: "aitubo", total: line.credits, items: [line] };
}
