/**
 * The few statistics the benchmark needs. Medians, not means: on a shared 2-core machine one
 * descheduled run would drag a mean far more than the median.
 */

/** The median of a non-empty list. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** The p-th percentile (0..100), nearest rank. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

/**
 * The median of the ratios of samples taken side by side (a[i] / b[i]). Each pair ran back to back,
 * so a slow patch of the machine hits both halves of a pair; this is steadier than the ratio of
 * the two medians when the machine's load drifts during the run.
 */
export function pairedRatio(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length);
  return median(Array.from({ length: n }, (_, i) => a[i]! / b[i]!));
}
