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
 * drained as the clock passes. The queue is a binary heap (O(log n) to schedule, cancel is O(1)
 * and lazy), with one timer armed for its earliest item, so a server with a million pending
 * refunds schedules the next one as fast as the first.
 */
import { createHeap } from "./heap.js";

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
  /** Realtime only: time is held still by {@link Clock.pause}. */
  paused: boolean;
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
  /**
   * Realtime only: holds emulated time still (until {@link Clock.resume}); `advance` still moves it.
   * Returns false in the other modes, where it means nothing (manual is always still; instant jobs
   * take no time).
   */
  pause(): boolean;
  /** Lets a paused realtime clock run again from where it stood. */
  resume(): boolean;
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
  /** Set by the cancel function; the heap drops it when it reaches the top (or on compaction). */
  canceled: boolean;
}

/** Earlier first; equal times in the order they were scheduled. */
const before = (a: Scheduled, b: Scheduled) => a.at < b.at || (a.at === b.at && a.seq < b.seq);

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
  const queue = createHeap<Scheduled>(before);
  /** Scheduled and not canceled (what `state().pending` reports). */
  let live = 0;
  let seq = 0;
  let timer: ReturnType<typeof setTimeout> | undefined;
  /** The `at` the timer is armed for, so scheduling later work leaves it alone. */
  let armedAt: number | undefined;
  let drainQueued = false;
  // While paused, the emulated time the clock stood at when paused (advances still add `offset`).
  let pausedAt: number | undefined;
  let offsetAtPause = 0;

  const running = (): number => {
    const elapsed = wallNow() - wallBase;
    return Math.floor(emulatedBase + elapsed * (mode === "realtime" ? speed : 1) + offset);
  };
  const now = (): number => {
    if (mode === "manual") return emulatedBase + offset;
    if (pausedAt !== undefined) return pausedAt + (offset - offsetAtPause);
    return running();
  };

  /** The earliest item still wanted, dropping canceled ones off the top. */
  const head = (): Scheduled | undefined => {
    let top = queue.peek();
    while (top?.canceled) {
      queue.pop();
      top = queue.peek();
    }
    return top;
  };

  const drain = (): void => {
    drainQueued = false;
    const t = now();
    // Work may schedule more work; anything that comes due by `t` runs in this same pass, in time order.
    for (let top = head(); top && top.at <= t; top = head()) {
      queue.pop();
      live--;
      top.canceled = true;
      top.work();
    }
    arm();
  };

  // One timer for the earliest item; manual mode never arms one.
  const arm = (): void => {
    if (mode === "manual") return;
    const next = head()?.at;
    if (next === armedAt && (timer !== undefined || next === undefined)) return;
    if (timer) clearTimeout(timer);
    timer = undefined;
    // A paused clock arms nothing: time stands still until resume (or advance) drains.
    armedAt = pausedAt === undefined ? next : undefined;
    if (next === undefined || pausedAt !== undefined) return;
    const wallWait = Math.max(0, (next - now()) / (mode === "realtime" ? speed : 1));
    timer = setTimeout(
      () => {
        timer = undefined;
        armedAt = undefined;
        drain();
      },
      Math.min(wallWait, 2 ** 31 - 1),
    );
    timer.unref?.();
  };

  const drainSoon = (): void => {
    if (drainQueued) return;
    drainQueued = true;
    queueMicrotask(drain);
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
      const item: Scheduled = { at, seq: seq++, work, canceled: false };
      queue.push(item);
      live++;
      if (at <= now()) drainSoon();
      else if (armedAt === undefined || at < armedAt) arm();
      return () => {
        if (item.canceled) return;
        item.canceled = true;
        live--;
        // Canceled items wait in the heap until they surface; past half the heap, rebuild it.
        if (queue.size > 64 && live < queue.size / 2) queue.retain((s) => !s.canceled);
        if (mode !== "manual" && queue.peek() === item) arm();
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
    pause() {
      if (mode !== "realtime") return false;
      if (pausedAt === undefined) {
        pausedAt = now();
        offsetAtPause = offset;
        if (timer) clearTimeout(timer);
        timer = undefined;
        armedAt = undefined;
      }
      return true;
    },
    resume() {
      if (mode !== "realtime") return false;
      if (pausedAt !== undefined) {
        const held = now();
        pausedAt = undefined;
        // Shift the offset so running time continues from where it was held.
        offset += held - running();
        drain();
      }
      return true;
    },
    reset() {
      queue.clear();
      live = 0;
      offset = 0;
      pausedAt = undefined;
      arm();
    },
    state() {
      const t = now();
      return {
        mode,
        speed,
        now: t,
        iso: new Date(t).toISOString(),
        pending: live,
        paused: pausedAt !== undefined,
      };
    },
    dispose() {
      if (timer) clearTimeout(timer);
      timer = undefined;
      armedAt = undefined;
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
