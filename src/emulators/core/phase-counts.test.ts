/**
 * The job store's per-phase counts (what the dashboard's overview reads in O(providers)) always
 * equal a walk over the jobs, through creation, the clock, cancels, failures, hangs, eviction by
 * the cap, a tenant's deletion and a full reset; and, between a change falling due and its
 * delivery (a realtime timer firing late), they stay consistent and are exact once delivered.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type Clock, createClock } from "./clock.js";
import { createEventBus } from "./events.js";
import { createTimeline, outcomeFrom } from "./job-engine.js";
import { createJobStore, type JobStore } from "./job-store.js";
import { zeroCount } from "./phase-counts.js";

const PROVIDERS = ["p1", "p2"];

/** Each provider's counts by walking every job and reading its phase now. */
function walked(jobs: JobStore) {
  const out = Object.fromEntries(PROVIDERS.map((p) => [p, zeroCount()]));
  for (const job of jobs.page({ limit: Number.MAX_SAFE_INTEGER }).jobs)
    out[job.provider]![jobs.view(job).phase]++;
  return out;
}
const kept = (jobs: JobStore) => Object.fromEntries(PROVIDERS.map((p) => [p, jobs.phaseCounts(p)]));

/**
 * A clock whose scheduled work runs only when `deliver()` is called, as a realtime timer that
 * fires late: the time moves on, the phase watch hears of it later.
 */
function lateClock(start: number) {
  let t = start;
  let queue: { at: number; work: () => void }[] = [];
  const clock = {
    now: () => t,
    schedule(at: number, work: () => void) {
      const item = { at, work };
      queue.push(item);
      return () => {
        queue = queue.filter((q) => q !== item);
      };
    },
  } as unknown as Clock;
  return {
    clock,
    move: (ms: number) => {
      t += ms;
    },
    deliver() {
      for (;;) {
        const due = queue.filter((q) => q.at <= t).sort((a, b) => a.at - b.at)[0];
        if (!due) return;
        queue = queue.filter((q) => q !== due);
        due.work();
      }
    },
  };
}

type Op =
  | {
      op: "add";
      provider: number;
      tenant: number;
      queuedMs: number;
      runningMs: number;
      outcome: number;
      /** Made this long before it is added (a fast realtime clock moving on while a create runs). */
      back: number;
    }
  | { op: "advance"; ms: number }
  | { op: "deliver" }
  | { op: "cancel"; pick: number }
  | { op: "deleteTenant"; tenant: number }
  | { op: "clear" };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    arbitrary: fc.record({
      op: fc.constant("add" as const),
      provider: fc.nat(1),
      tenant: fc.nat(2),
      queuedMs: fc.nat(3000),
      runningMs: fc.nat(3000),
      outcome: fc.nat(5),
      back: fc.oneof(fc.constant(0), fc.nat(3000)),
    }),
    weight: 6,
  },
  { arbitrary: fc.record({ op: fc.constant("advance" as const), ms: fc.nat(4000) }), weight: 3 },
  { arbitrary: fc.record({ op: fc.constant("deliver" as const) }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant("cancel" as const), pick: fc.nat(50) }), weight: 2 },
  { arbitrary: fc.record({ op: fc.constant("deleteTenant" as const), tenant: fc.nat(2) }), weight: 1 },
  { arbitrary: fc.record({ op: fc.constant("clear" as const) }), weight: 1 },
);

describe("phase counts", () => {
  /** Runs `ops` on a store whose clock is `clock`, checking after each step with `check`. */
  const run = (
    ops: Op[],
    clock: Clock,
    time: { move(ms: number): void; deliver(): void },
    check: (jobs: JobStore) => void,
    madeLate = false,
  ) => {
    const jobs = createJobStore(clock.now, { clock, events: createEventBus() }, { maxJobs: 8 });
    let n = 0;
    for (const o of ops) {
      if (o.op === "add") {
        const outcome = outcomeFrom(
          o.outcome === 0 ? { fail: { reason: "x" } } : o.outcome === 1 ? { hang: true } : {},
        );
        jobs.add({
          id: `j${++n}`,
          provider: PROVIDERS[o.provider]!,
          tenantKey: `t${o.tenant}`,
          timeline: createTimeline(
            clock.now() - (madeLate ? o.back : 0),
            { queuedMs: o.queuedMs, runningMs: o.runningMs },
            outcome,
          ),
          data: {},
        });
      } else if (o.op === "advance") time.move(o.ms);
      else if (o.op === "deliver") time.deliver();
      else if (o.op === "cancel") {
        const all = jobs.page({ limit: Number.MAX_SAFE_INTEGER }).jobs;
        if (all.length) jobs.cancel(all[o.pick % all.length]!);
      } else if (o.op === "deleteTenant") jobs.deleteTenant(`t${o.tenant}`);
      else jobs.clear();
      check(jobs);
    }
    return jobs;
  };

  it("equal a walk over the jobs after any sequence of changes (a cap of 8 evicting)", () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 60 }), (ops) => {
        const clock = createClock({ mode: "manual", start: 1_000_000 });
        run(ops, clock, { move: (ms) => clock.advance(ms), deliver: () => {} }, (jobs) =>
          expect(kept(jobs)).toEqual(walked(jobs)),
        );
      }),
      { numRuns: 200, seed: 14 },
    );
  });

  it("with changes delivered late, and jobs made before they are added: never negative, summing to the jobs kept, exact once delivered", () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 60 }), (ops) => {
        const late = lateClock(1_000_000);
        const jobs = run(
          ops,
          late.clock,
          late,
          (js) => {
            for (const p of PROVIDERS) {
              const counts = Object.values(js.phaseCounts(p)!);
              expect(counts.every((c) => c >= 0)).toBe(true);
              expect(counts.reduce((a, b) => a + b, 0)).toBe(js.count(p));
            }
          },
          true,
        );
        late.deliver();
        expect(kept(jobs)).toEqual(walked(jobs));
      }),
      { numRuns: 300, seed: 15 },
    );
  });

  it("a store without an event stream has none (the control route then walks)", () => {
    const jobs = createJobStore(() => 0);
    expect(jobs.phaseCounts("p1")).toBeUndefined();
  });
});
