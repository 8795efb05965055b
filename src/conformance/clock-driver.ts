/**
 * Drives a running emulator's clock so a conformance run never waits out emulated time: a poll
 * lets time pass by advancing the clock instead of sleeping, and while a request is in flight
 * (a synchronous call that answers when its emulated duration has passed) the clock is advanced
 * in small steps. Advancing only ever moves time forward and every scenario polls until its job is
 * terminal, so scenarios running at the same time cannot be hurt by each other's advances: a job
 * only finishes sooner. One driver per emulator, so concurrent requests share one ticker.
 */
import type { ControlPlane } from "./control.js";
import type { FetchLike } from "./http.js";

/** How a driver advances. */
export interface ClockDriverOptions {
  /** Wall ms a request may be in flight before the clock is advanced for it. Default 20. */
  tickMs?: number;
  /** Emulated ms per tick. Default 2000 (so a 10 s synchronous call answers in about 0.1 s). */
  stepMs?: number;
}

/** Lets emulated time pass on one emulator. */
export interface ClockDriver {
  /** The same fetch, advancing the clock while any request through it is in flight. */
  wrap(doFetch: FetchLike): FetchLike;
  /** Lets `ms` of emulated time pass (one advance). */
  elapse(ms: number): Promise<void>;
}

/**
 * Builds a driver over an emulator's control plane.
 * @example
 * const driver = createClockDriver(control);
 * const fetchDriven = driver.wrap(fetch); // a synchronous Qolaba call answers at once
 * await driver.elapse(1000); // instead of sleeping a second between polls
 */
export function createClockDriver(control: ControlPlane, options: ClockDriverOptions = {}): ClockDriver {
  const tickMs = options.tickMs ?? 20;
  const stepMs = options.stepMs ?? 2000;
  let inFlight = 0;
  let ticker: ReturnType<typeof setInterval> | undefined;
  let advancing = false;
  const tick = () => {
    // One advance at a time: a slow control plane must not pile requests up.
    if (advancing) return;
    advancing = true;
    control
      .advanceClock(stepMs)
      .catch(() => {
        // The request in flight reports its own failure; a missed tick only costs time.
      })
      .finally(() => {
        advancing = false;
      });
  };
  return {
    wrap(doFetch) {
      return async function drivenFetch(input, init) {
        if (inFlight++ === 0) {
          ticker = setInterval(tick, tickMs);
          ticker.unref?.();
        }
        try {
          return await doFetch(input, init);
        } finally {
          if (--inFlight === 0) clearInterval(ticker);
        }
      };
    },
    elapse: (ms) => control.advanceClock(ms),
  };
}
