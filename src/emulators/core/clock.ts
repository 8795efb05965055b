/**
 * The emulator's clock: the only place in `src/` that reads wall time or arms timers.
 *
 * Three modes:
 * - `realtime`: emulated time follows the wall clock, scaled by `speed` (2 = twice as fast).
 * - `instant`: emulated time follows the wall clock, but every emulated duration is zero, so a job
 *   is finished the moment it is created and a synchronous call answers at once.
 * - `manual`: time stands still until `advance(ms)` moves it (tests, `POST /__emulator/clock/advance`).
 *
 * Jobs never own timers: they store timestamps and compute their status from `now()` when read.
 * Work that must happen at a time (a webhook delivery, a synchronous answer) goes in one queue,
 * drained as the clock passes.
 */

/** How emulated time moves. */
export type ClockMode = "realtime" | "instant" | "manual";

/** Options for {@link createClock}. */
export interface ClockOptions {
  mode?: ClockMode;
  /** Realtime only: emulated milliseconds per wall millisecond. Default 1. */
  speed?: number;
  /** Emulated epoch at start, in ms. Default: the wall clock at creation. */
  start?: number;
}

/** A snapshot of the clock for the control plane. */
export interface ClockState {
  mode: ClockMode;
  speed: number;
  now: number;
  iso: string;
  pending: number;
}

/** The clock every emulator shares. */
export interface Clock {
  readonly mode: ClockMode;
  readonly speed: number;
  /** Emulated time in ms since the Unix epoch. */
  now(): number;
  /** An emulated duration as this clock runs it: 0 in `instant` mode, `ms` otherwise. */
  duration(ms: number): number;
  /** Moves time forward (any mode; in `realtime` it jumps ahead). Runs the work that came due. */
  advance(ms: number): number;
  /** Runs `work` once emulated time reaches `at`. Returns a function that cancels it. */
  schedule(at: number, work: () => void): () => void;
  /** Resolves when emulated time reaches `now() + duration(ms)`. */
  sleep(ms: number): Promise<void>;
  /** Wall-clock delay, whatever the mode: for faults that model the network, not the job. */
  wallDelay(ms: number): Promise<void>;
  /** Undoes every `advance` and drops scheduled work (used by a full reset, when no state remains). */
  reset(): void;
  state(): ClockState;
  /** Stops the timer so the process can exit. */
  dispose(): void;
  /**
   * Stops wall time from moving emulated time until the returned function is called, so every
   * read in one request sees the same instant (a state directory replays requests at the instant
   * they were recorded). A `sleep` while held lets time flow again and calls `onThaw`, except when
   * replaying: then the sleep moves the clock itself and resolves at once.
   */
  hold(options?: { replay?: boolean; onThaw?: () => void }): () => void;
  /** Sets emulated time to `at` (forward or back) and runs the work that came due. */
  travelTo(at: number): void;
  /** True while a state directory is being replayed: work with outside effects (webhooks) is skipped. */
  isReplaying(): boolean;
}

interface Scheduled {
  at: number;
  seq: number;
  work: () => void;
}

/**
 * Creates a clock.
 * @example
 * const clock = createClock({ mode: "manual" });
 * clock.schedule(clock.now() + 1000, () => console.log("due"));
 * clock.advance(1000); // logs "due"
 */
export function createClock(options: ClockOptions = {}): Clock {
  const mode = options.mode ?? "realtime";
  const speed = options.speed ?? 1;
  if (!(speed > 0) || !Number.isFinite(speed)) throw new RangeError(`speed must be a positive number`);
  // While held, wall time stands still at `frozen.wall` (see hold()).
  let frozen: { wall: number; replay: boolean; onThaw?: () => void } | undefined;
  const wallNow = () => (frozen ? frozen.wall : Date.now());
  const thaw = () => {
    const was = frozen;
    frozen = undefined;
    was?.onThaw?.();
    arm();
  };
  const startAt = options.start ?? wallNow();
  const wallBase = wallNow();
  const emulatedBase = startAt;
  let offset = 0;
  let queue: Scheduled[] = [];
  let seq = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const now = (): number => {
    if (mode === "manual") return emulatedBase + offset;
    const elapsed = wallNow() - wallBase;
    return Math.floor(emulatedBase + elapsed * (mode === "realtime" ? speed : 1) + offset);
  };

  const drain = (): void => {
    const t = now();
    // Work may schedule more work; loop until nothing due remains.
    for (;;) {
      const due = queue.filter((s) => s.at <= t);
      if (due.length === 0) break;
      queue = queue.filter((s) => s.at > t);
      due.sort((a, b) => a.at - b.at || a.seq - b.seq);
      for (const s of due) s.work();
    }
    arm();
  };

  // One timer for the earliest item; manual mode never arms one.
  const arm = (): void => {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (mode === "manual" || queue.length === 0) return;
    const next = Math.min(...queue.map((s) => s.at));
    const wallWait = Math.max(0, (next - now()) / (mode === "realtime" ? speed : 1));
    timer = setTimeout(drain, Math.min(wallWait, 2 ** 31 - 1));
    timer.unref?.();
  };

  const clock: Clock = {
    mode,
    speed,
    now,
    duration: (ms) => (mode === "instant" ? 0 : Math.max(0, ms)),
    advance(ms) {
      if (!(ms >= 0) || !Number.isFinite(ms)) throw new RangeError("ms must be a non-negative number");
      offset += ms;
      drain();
      return now();
    },
    schedule(at, work) {
      const item: Scheduled = { at, seq: seq++, work };
      queue.push(item);
      if (at <= now()) queueMicrotask(drain);
      else arm();
      return () => {
        queue = queue.filter((s) => s !== item);
        arm();
      };
    },
    sleep(ms) {
      const d = clock.duration(ms);
      if (d === 0) return Promise.resolve();
      if (frozen?.replay) {
        clock.advance(d);
        return Promise.resolve();
      }
      if (frozen) thaw();
      return new Promise((resolve) => {
        clock.schedule(now() + d, resolve);
      });
    },
    wallDelay(ms) {
      return new Promise((resolve) => {
        const t = setTimeout(resolve, Math.max(0, ms));
        t.unref?.();
      });
    },
    reset() {
      queue = [];
      offset = 0;
      arm();
    },
    state() {
      const t = now();
      return { mode, speed, now: t, iso: new Date(t).toISOString(), pending: queue.length };
    },
    dispose() {
      if (timer) clearTimeout(timer);
      timer = undefined;
    },
    hold(holdOptions = {}) {
      if (frozen) return () => {};
      const mine = { wall: Date.now(), replay: holdOptions.replay ?? false, onThaw: holdOptions.onThaw };
      frozen = mine;
      return () => {
        if (frozen === mine) thaw();
      };
    },
    travelTo(at) {
      if (!Number.isFinite(at)) throw new RangeError("at must be a finite time");
      offset += at - now();
      drain();
    },
    isReplaying: () => frozen?.replay ?? false,
  };
  return clock;
}
