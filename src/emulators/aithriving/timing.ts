/**
 * How long AIThriving takes to answer, in emulated ms [inferred: the docs give no timings; these
 * are typical for the models behind each endpoint]. The clock decides how long that really is:
 * nothing in instant mode, this long in realtime, until advanced in manual mode.
 */

/** Basic (SD1.6): a fixed overhead plus time per step, scaled by pixels against 512×512. */
export function basicDurationMs(steps: number, width: number, height: number): number {
  return Math.round(1000 + steps * 50 * ((width * height) / (512 * 512)));
}

/** The flat-time endpoints. */
export const FLAT_DURATION_MS = {
  sd3: 6000,
  "sd3-large-turbo": 3000,
  ultra: 10_000,
  core: 4000,
  erase: 3000,
  inpaint: 5000,
} as const;

/**
 * A hung generation on a synchronous API: no answer for this long, then a failure (a gateway
 * timeout) [inferred]. In instant mode that is at once.
 */
export const HANG_MS = 10 * 60 * 1000;
