/**
 * Shared handling of user-overridable price tables.
 */
import { fromDecimal, isWholeHundredths, type Ratio } from "./decimal.js";
import { CreditsInputError } from "./errors.js";

/**
 * Merges price overrides over defaults, checking each override is a non-negative number (and an
 * integer where the provider only deals in whole credits). Returns the prices and which keys were
 * overridden (an overridden price is the caller's, not the provider's: lines using it say so).
 */
export function mergePrices<T extends { [K in keyof T]: number }>(
  defaults: T,
  overrides: Partial<T> | undefined,
  opts: { integer?: boolean } = {},
): { prices: T; overridden: Set<keyof T> } {
  const prices = { ...defaults };
  const overridden = new Set<keyof T>();
  for (const [key, value] of Object.entries(overrides ?? {})) {
    if (value === undefined) continue;
    if (!(key in defaults)) {
      throw new CreditsInputError(
        `prices.${key}`,
        `is not a price of this provider (${Object.keys(defaults).join(", ")})`,
      );
    }
    const ok =
      typeof value === "number" &&
      Number.isFinite(value) &&
      value >= 0 &&
      (opts.integer ? Number.isInteger(value) : isWholeHundredths(fromDecimal(value)));
    if (!ok) {
      throw new CreditsInputError(
        `prices.${key}`,
        `must be a non-negative ${opts.integer ? "integer" : "number with at most 2 decimals"}, got ${String(value)}`,
      );
    }
    (prices as Record<string, number>)[key] = value;
    overridden.add(key as keyof T);
  }
  return { prices, overridden };
}

/** A price as an exact fraction. */
export function price(value: number): Ratio {
  return fromDecimal(value);
}
