/**
 * Exact decimal arithmetic for credit formulas.
 *
 * Credits are decimals (0.8, 17.44) computed from products and quotients (`CEIL(STEPS/5)/5`,
 * `× 1.25`). Binary floating point turns those into 0.30000000000000004, so every formula works on
 * exact fractions of bigints and converts to a JS number once, at the end, from integer hundredths.
 */

/** An exact fraction: `num / den`, `den > 0`, always reduced. */
export interface Ratio {
  readonly num: bigint;
  readonly den: bigint;
}

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y !== 0n) [x, y] = [y, x % y];
  return x === 0n ? 1n : x;
}

/**
 * Builds a reduced fraction.
 * @example ratio(6, 5) // 1.2
 */
export function ratio(num: bigint | number, den: bigint | number = 1n): Ratio {
  let n = BigInt(num);
  let d = BigInt(den);
  if (d === 0n) throw new RangeError("ratio: zero denominator");
  if (d < 0n) [n, d] = [-n, -d];
  const g = gcd(n, d);
  return { num: n / g, den: d / g };
}

/** Zero, the sum of nothing. */
export const ZERO: Ratio = ratio(0);

const DECIMAL = /^(-)?(\d+)(?:\.(\d*))?(?:e([+-]?\d+))?$/i;

/**
 * The exact value of a decimal written in JSON or JS (`1.25`, `"0.45"`, `2e3`): the fraction the
 * digits say, not the binary double nearest to it. Numbers go through their shortest round-trip
 * string, which is the decimal the user typed.
 * @example fromDecimal(0.1) // { num: 1n, den: 10n }
 */
export function fromDecimal(value: number | string): Ratio {
  // Ratios are immutable and prices come from a few tables: every create converts the same ones.
  const known = decimals.get(value);
  if (known) return known;
  const r = parseDecimal(value);
  if (decimals.size >= MAX_REMEMBERED) decimals.clear();
  decimals.set(value, r);
  return r;
}

/** Conversions remembered by {@link fromDecimal} (cleared when full: it only saves work). */
const decimals = new Map<number | string, Ratio>();
const MAX_REMEMBERED = 4096;

function parseDecimal(value: number | string): Ratio {
  const text = typeof value === "number" ? String(value) : value.trim();
  const m = DECIMAL.exec(text);
  if (!m) throw new RangeError(`fromDecimal: not a finite decimal: ${text}`);
  const [, sign, whole, frac = "", exp = "0"] = m;
  let num = BigInt(whole + frac);
  let den = 10n ** BigInt(frac.length);
  const e = Number(exp);
  if (e > 0) num *= 10n ** BigInt(e);
  else if (e < 0) den *= 10n ** BigInt(-e);
  return ratio(sign ? -num : num, den);
}

/** a + b */
export function add(a: Ratio, b: Ratio): Ratio {
  return ratio(a.num * b.den + b.num * a.den, a.den * b.den);
}

/** The product of all factors (1 for none). */
export function mul(...factors: Ratio[]): Ratio {
  let num = 1n;
  let den = 1n;
  for (const f of factors) {
    num *= f.num;
    den *= f.den;
  }
  return ratio(num, den);
}

/** a / b */
export function div(a: Ratio, b: Ratio): Ratio {
  if (b.num === 0n) throw new RangeError("div: division by zero");
  return ratio(a.num * b.den, a.den * b.num);
}

/** The smallest integer ≥ r (the docs' `CEIL`). */
export function ceil(r: Ratio): bigint {
  const q = r.num / r.den;
  return r.num > 0n && r.num % r.den !== 0n ? q + 1n : q;
}

/** The largest integer ≤ r. */
export function floor(r: Ratio): bigint {
  const q = r.num / r.den;
  return r.num < 0n && r.num % r.den !== 0n ? q - 1n : q;
}

/**
 * r in integer hundredths, rounded half away from zero ("rounded to 2 decimal places").
 * @example toHundredths(fromDecimal("17.4375")) // 1744n
 */
export function toHundredths(r: Ratio): bigint {
  // trunc(2v) is odd exactly when |v| has a fractional part ≥ .5; adding ±1 then halving (bigint
  // division truncates toward zero) carries those away from zero and drops the rest.
  const twice = (r.num * 200n) / r.den;
  return (twice + (twice < 0n ? -1n : 1n)) / 2n;
}

/** Whether r has at most two decimal places. */
export function isWholeHundredths(r: Ratio): boolean {
  return (r.num * 100n) % r.den === 0n;
}

/**
 * Integer hundredths as a JS number. `Number(1744n) / 100` is the double nearest 17.44, the same
 * double the literal `17.44` gives, so results print and compare as the decimals they are.
 */
export function fromHundredths(hundredths: bigint): number {
  return Number(hundredths) / 100;
}

/** A JS number (credits, as returned to users) in integer hundredths; throws if it has more decimals. */
export function numberToHundredths(value: number): bigint {
  const r = fromDecimal(value);
  if (!isWholeHundredths(r)) throw new RangeError(`not a whole number of hundredths: ${value}`);
  return (r.num * 100n) / r.den;
}

/** Sums credit amounts given as JS numbers exactly, through integer hundredths. */
export function sumCredits(values: readonly number[]): number {
  let total = 0n;
  for (const v of values) total += numberToHundredths(v);
  return fromHundredths(total);
}

/** Formats a ratio as a short decimal for formula strings (`1.2`, `0.45`, `17.4375`). */
export function formatRatio(r: Ratio): string {
  // Terminating decimals print exactly; others (never produced by the formulas) fall back to 6 places.
  let den = r.den;
  for (const p of [2n, 5n]) while (den % p === 0n) den /= p;
  if (den !== 1n) return (Number(r.num) / Number(r.den)).toFixed(6);
  const neg = r.num < 0n;
  const abs = neg ? -r.num : r.num;
  let places = 0;
  let scale = 1n;
  while ((abs * scale) % r.den !== 0n) {
    scale *= 10n;
    places++;
  }
  const digits = ((abs * scale) / r.den).toString().padStart(places + 1, "0");
  const text = places === 0 ? digits : `${digits.slice(0, -places)}.${digits.slice(-places)}`;
  return neg ? `-${text}` : text;
}
