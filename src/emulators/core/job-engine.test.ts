import { describe, expect, it } from "vitest";
import { cancelJob, createTimeline, isTerminal, jobView, outcomeFrom } from "./job-engine.js";

const durations = { queuedMs: 100, runningMs: 1000 };

describe("job engine", () => {
  it("moves queued → running → succeeded as time passes, with progress", () => {
    const t = createTimeline(0, durations, { kind: "succeed" });
    expect(jobView(t, 50)).toMatchObject({ phase: "queued", progress: 0 });
    expect(jobView(t, 600)).toMatchObject({ phase: "running", progress: 0.5, startedAt: 100 });
    expect(jobView(t, 1100)).toMatchObject({ phase: "succeeded", progress: 1, finishedAt: 1100 });
  });

  it("fails after running when the outcome says so", () => {
    const t = createTimeline(0, durations, outcomeFrom({ fail: { reason: "boom" } }));
    expect(jobView(t, 1099).phase).toBe("running");
    expect(jobView(t, 1100).phase).toBe("failed");
  });

  it("hangs: runs forever, progress capped", () => {
    const t = createTimeline(0, durations, outcomeFrom({ hang: true }));
    const later = jobView(t, 10_000_000);
    expect(later.phase).toBe("running");
    expect(later.progress).toBeLessThanOrEqual(0.5);
  });

  it("zero durations (instant clock) finish at creation", () => {
    const t = createTimeline(5, { queuedMs: 0, runningMs: 0 }, { kind: "succeed" });
    expect(jobView(t, 5).phase).toBe("succeeded");
  });

  it("cancels a queued or running job, and freezes it there", () => {
    const queued = createTimeline(0, durations, { kind: "succeed" });
    expect(cancelJob(queued, 50)).toMatchObject({ ok: true, view: { phase: "canceled" } });
    expect(jobView(queued, 5000).phase).toBe("canceled");
    const running = createTimeline(0, durations, { kind: "succeed" });
    const r = cancelJob(running, 600);
    expect(r).toMatchObject({ ok: true, view: { phase: "canceled", progress: 0.5 } });
  });

  it("refuses to cancel a finished job: no illegal transition", () => {
    const t = createTimeline(0, durations, { kind: "succeed" });
    expect(cancelJob(t, 2000)).toMatchObject({ ok: false, view: { phase: "succeeded" } });
    expect(jobView(t, 3000).phase).toBe("succeeded");
    const f = createTimeline(0, durations, outcomeFrom({ fail: { reason: "x" } }));
    expect(cancelJob(f, 2000).ok).toBe(false);
    expect(jobView(f, 3000).phase).toBe("failed");
  });

  it("once terminal, a job never changes phase however far time moves", () => {
    for (const outcome of [{ kind: "succeed" as const }, { kind: "fail" as const, reason: "r" }]) {
      const t = createTimeline(0, durations, outcome);
      const seen = new Set<string>();
      for (let now = 1100; now < 1_000_000; now += 99_991) seen.add(jobView(t, now).phase);
      expect(seen.size).toBe(1);
      expect(isTerminal([...seen][0] as never)).toBe(true);
    }
  });
});
