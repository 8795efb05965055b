import { describe, expect, it } from "vitest";
import { createClock } from "./clock.js";

describe("clock", () => {
  it("manual: stands still until advanced, and runs scheduled work in time order", () => {
    const clock = createClock({ mode: "manual", start: 1000 });
    const ran: string[] = [];
    clock.schedule(1500, () => ran.push("b"));
    clock.schedule(1200, () => ran.push("a"));
    clock.schedule(5000, () => ran.push("c"));
    expect(clock.now()).toBe(1000);
    clock.advance(600);
    expect(ran).toEqual(["a", "b"]);
    expect(clock.now()).toBe(1600);
    expect(clock.state().pending).toBe(1);
  });

  it("manual: work scheduled by work that comes due in the same advance runs too", () => {
    const clock = createClock({ mode: "manual", start: 0 });
    const ran: number[] = [];
    clock.schedule(10, () => {
      ran.push(clock.now());
      clock.schedule(20, () => ran.push(-1));
    });
    clock.advance(100);
    expect(ran).toEqual([100, -1]);
  });

  it("manual: a cancelled item never runs; sleep resolves when the clock passes it", async () => {
    const clock = createClock({ mode: "manual", start: 0 });
    let ran = false;
    const cancel = clock.schedule(10, () => {
      ran = true;
    });
    cancel();
    let woke = false;
    const sleeping = clock.sleep(50).then(() => {
      woke = true;
    });
    clock.advance(20);
    await Promise.resolve();
    expect(woke).toBe(false);
    clock.advance(40);
    await sleeping;
    expect(ran).toBe(false);
    expect(woke).toBe(true);
  });

  it("instant: durations are zero, so sleep resolves at once", async () => {
    const clock = createClock({ mode: "instant" });
    expect(clock.duration(5000)).toBe(0);
    await clock.sleep(60_000);
  });

  it("realtime: time follows the wall clock scaled by speed", async () => {
    const clock = createClock({ mode: "realtime", speed: 50 });
    const t0 = clock.now();
    await clock.wallDelay(20);
    const elapsed = clock.now() - t0;
    expect(elapsed).toBeGreaterThanOrEqual(50 * 15);
    expect(clock.duration(1000)).toBe(1000);
    clock.dispose();
  });

  it("realtime: scheduled work runs on the wall clock", async () => {
    const clock = createClock({ mode: "realtime", speed: 100 });
    const done = new Promise<number>((resolve) =>
      clock.schedule(clock.now() + 1000, () => resolve(clock.now())),
    );
    const at = await done; // 1000 emulated ms = ~10 wall ms at ×100
    expect(at).toBeGreaterThan(0);
    clock.dispose();
  });

  it("rejects a negative advance and a bad speed", () => {
    expect(() => createClock({ mode: "manual" }).advance(-1)).toThrow(RangeError);
    expect(() => createClock({ speed: 0 })).toThrow(RangeError);
  });

  it("reset undoes advances and drops scheduled work", () => {
    const clock = createClock({ mode: "manual", start: 0 });
    let ran = false;
    clock.schedule(10_000, () => {
      ran = true;
    });
    clock.advance(500);
    clock.reset();
    expect(clock.now()).toBe(0);
    clock.advance(20_000);
    expect(ran).toBe(false);
  });
});

// A million items take seconds, more on a loaded 2-core machine: a generous budget, not a timing assertion.
describe("clock queue at scale (a heap, not a list)", { timeout: 120_000 }, () => {
  const MILLION = 1_000_000;

  it("manual: a million scheduled items are pending, then run in time order", () => {
    const clock = createClock({ mode: "manual", start: 0 });
    let ran = 0;
    let last = -1;
    let inOrder = true;
    // Times out of order (a stride through 0..MILLION-1), so the queue really has to sort them.
    for (let i = 0; i < MILLION; i++) {
      const at = 1 + ((i * 7919) % MILLION);
      clock.schedule(at, () => {
        if (at < last) inOrder = false;
        last = at;
        ran++;
      });
    }
    expect(clock.state().pending).toBe(MILLION);
    clock.advance(MILLION / 2);
    expect(ran).toBe(MILLION / 2);
    expect(clock.state().pending).toBe(MILLION / 2);
    clock.advance(MILLION);
    expect(ran).toBe(MILLION);
    expect(inOrder).toBe(true);
    expect(clock.state().pending).toBe(0);
  });

  it("realtime: a million pending items (the regression was a RangeError near 124k); cancels count", () => {
    const clock = createClock({ mode: "realtime", start: 0 });
    const cancels: (() => void)[] = [];
    let ran = 0;
    const t0 = clock.now();
    for (let i = 0; i < MILLION; i++) {
      // An hour ahead and later: nothing comes due while the test runs.
      const cancel = clock.schedule(t0 + 3_600_000 + ((i * 104_729) % MILLION), () => ran++);
      if (i % 2 === 0) cancels.push(cancel);
    }
    expect(clock.state().pending).toBe(MILLION);
    for (const cancel of cancels) cancel();
    expect(clock.state().pending).toBe(MILLION / 2);
    // Jumping the clock past every item runs exactly the ones not canceled.
    clock.advance(3_600_000 + MILLION);
    expect(ran).toBe(MILLION / 2);
    expect(clock.state().pending).toBe(0);
    clock.dispose();
  });

  it("instant: a million items due now all run, in the order they were scheduled", async () => {
    const clock = createClock({ mode: "instant" });
    const seen: number[] = [];
    for (let i = 0; i < MILLION; i++) clock.schedule(clock.now(), () => seen.push(i));
    expect(clock.state().pending).toBe(MILLION);
    await new Promise((r) => setTimeout(r, 0));
    expect(seen.length).toBe(MILLION);
    expect(seen.every((v, i) => v === i)).toBe(true);
    expect(clock.state().pending).toBe(0);
    clock.dispose();
  });
});
