import { afterEach, describe, expect, it } from "vitest";
import { createClock } from "./clock.js";
import { createEventBus, type EmulatorEvent } from "./events.js";
import { createTimeline } from "./job-engine.js";
import { createJobStore } from "./job-store.js";
import { maskKey } from "./secrets.js";
import { createEmulatorServer, type EmulatorServer } from "./server.js";
import { testProvider } from "./test-provider.js";

let server: EmulatorServer | undefined;
afterEach(() => server?.close());

const post = (s: EmulatorServer, path: string, key: string, body: unknown) =>
  s.fetch(path, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });

/** A server on a manual clock, recording every event. */
function recorded() {
  server = createEmulatorServer([testProvider], { clock: { mode: "manual", start: 1_000_000 } });
  const seen: EmulatorEvent[] = [];
  server.events.subscribe((e) => seen.push(e));
  return { server, seen, types: () => seen.map((e) => e.type) };
}

describe("event bus", () => {
  it("delivers to every listener until it unsubscribes, and survives a listener that throws", () => {
    const bus = createEventBus();
    const got: string[] = [];
    expect(bus.listening).toBe(false);
    bus.subscribe(() => {
      throw new Error("broken listener");
    });
    const stop = bus.subscribe((e) => got.push(e.type));
    expect(bus.listening).toBe(true);
    bus.publish({ type: "state.reset", at: 1 });
    stop();
    bus.publish({ type: "state.reset", at: 2 });
    expect(got).toEqual(["state.reset"]);
  });
});

describe("the server's event stream", () => {
  it("publishes a job's creation, its charge, its request, and each phase change at its emulated time", async () => {
    const { server, seen, types } = recorded();
    await post(server, "/test/jobs", "k1", { prompt: "a cat", credits: 3 });
    expect(types()).toEqual(["credits.charged", "job.created", "request.journaled"]);
    expect(seen[0]).toMatchObject({ tenantKey: "k1", amount: 3, balance: 99_997, memo: "job" });
    expect(seen[1]).toMatchObject({ provider: "test", jobId: "job1", phase: "queued", at: 1_000_000 });
    expect(seen[2]).toMatchObject({ method: "POST", path: "/jobs", status: 200, tenant: maskKey("k1") });

    server.clock.advance(999);
    expect(types()).toHaveLength(3);
    // One advance past both changes delivers both, in order, each at the time it happened.
    server.clock.advance(5000);
    const phases = seen.filter((e) => e.type === "job.phase");
    expect(phases).toEqual([
      expect.objectContaining({ jobId: "job1", previous: "queued", phase: "running", at: 1_001_000 }),
      expect.objectContaining({ jobId: "job1", previous: "running", phase: "succeeded", at: 1_003_000 }),
    ]);
  });

  it("publishes a fault that fired and a full reset", async () => {
    const { server, seen } = recorded();
    await server.fetch("/__emulator/faults", {
      method: "PUT",
      body: JSON.stringify([
        { provider: "test", route: "POST /jobs", action: { type: "error", status: 503 } },
      ]),
    });
    await post(server, "/test/jobs", "k1", { prompt: "x" });
    expect(seen.find((e) => e.type === "fault.fired")).toMatchObject({
      provider: "test",
      method: "POST",
      path: "/jobs",
      faults: ["error 503"],
    });
    server.reset();
    expect(seen.at(-1)).toMatchObject({ type: "state.reset" });
  });

  it("publishes nothing more for a job whose tenant was reset away", async () => {
    const { server, seen } = recorded();
    await post(server, "/test/jobs", "k1", { prompt: "x" });
    server.reset("k1");
    server.clock.advance(10_000);
    expect(seen.filter((e) => e.type === "job.phase")).toEqual([]);
  });
});

describe("phase watch", () => {
  it("publishes a cancel at once and nothing later for the canceled job", () => {
    const clock = createClock({ mode: "manual", start: 0 });
    const events = createEventBus();
    const seen: EmulatorEvent[] = [];
    events.subscribe((e) => seen.push(e));
    const jobs = createJobStore(clock.now, { clock, events });
    const job = jobs.add({
      id: "a",
      provider: "p",
      tenantKey: "k",
      timeline: createTimeline(0, { queuedMs: 100, runningMs: 100 }, { kind: "succeed" }),
      data: {},
    });
    clock.advance(150);
    expect(jobs.cancel(job).ok).toBe(true);
    clock.advance(1000);
    expect(seen.filter((e) => e.type === "job.phase").map((e) => "phase" in e && e.phase)).toEqual([
      "running",
      "canceled",
    ]);
  });

  it("keeps one item in the clock's queue however many jobs wait", () => {
    const clock = createClock({ mode: "manual", start: 0 });
    const events = createEventBus();
    const jobs = createJobStore(clock.now, { clock, events });
    let changes = 0;
    events.subscribe((e) => {
      if (e.type === "job.phase") changes++;
    });
    for (let i = 0; i < 2000; i++) {
      jobs.add({
        id: String(i),
        provider: "p",
        tenantKey: "k",
        // Durations out of creation order, so the heap has to sort them.
        timeline: createTimeline(0, { queuedMs: (i * 7919) % 1000, runningMs: 10 }, { kind: "succeed" }),
        data: {},
      });
    }
    expect(clock.state().pending).toBe(1);
    let last = -1;
    events.subscribe((e) => {
      if (e.type === "job.phase") {
        expect(e.at).toBeGreaterThanOrEqual(last);
        last = e.at;
      }
    });
    clock.advance(2000);
    // queued → running, running → succeeded (a zero-queue job starts at creation: one change).
    expect(changes).toBe(2000 * 2 - 2);
    expect(clock.state().pending).toBe(0);
  });
});

describe("clock pause and resume", () => {
  it("holds realtime still while paused, lets advance move it, and runs on from there", async () => {
    const clock = createClock({ mode: "realtime", start: 0, speed: 1000 });
    expect(clock.pause()).toBe(true);
    const held = clock.now();
    await new Promise((r) => setTimeout(r, 20));
    expect(clock.now()).toBe(held);
    expect(clock.state().paused).toBe(true);
    clock.advance(500);
    expect(clock.now()).toBe(held + 500);
    clock.resume();
    expect(clock.now()).toBeGreaterThanOrEqual(held + 500);
    expect(clock.now()).toBeLessThan(held + 500 + 5000);
    await new Promise((r) => setTimeout(r, 20));
    expect(clock.now()).toBeGreaterThan(held + 500);
    clock.dispose();
  });

  it("refuses in the modes where pausing means nothing", () => {
    expect(createClock({ mode: "manual" }).pause()).toBe(false);
    expect(createClock({ mode: "instant" }).resume()).toBe(false);
  });
});
