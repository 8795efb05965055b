import { afterEach, describe, expect, it } from "vitest";
import { createEmulatorServer, type EmulatorServer } from "./server.js";
import { testProvider } from "./test-provider.js";

let server: EmulatorServer;
afterEach(() => server?.close());

const make = () => {
  server = createEmulatorServer([testProvider], { clock: { mode: "manual", start: 1_700_000_000_000 } });
  return server;
};
const post = (path: string, key: string, body: unknown) =>
  server.fetch(path, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
const json = async (path: string, init?: RequestInit) => (await server.fetch(path, init)).json();

describe("control routes for looking inside", () => {
  it("pages jobs newest first, by tenant, with counts by phase", async () => {
    make();
    for (const key of ["a", "b", "a"]) await post("/test/jobs", key, { prompt: key });
    const all = await json("/__emulator/jobs?limit=2");
    expect(all).toMatchObject({ total: 3, offset: 0, limit: 2 });
    expect(all.jobs.map((j: { id: string }) => j.id)).toEqual(["job3", "job2"]);
    const mine = await json("/__emulator/jobs?key=a&offset=1");
    expect(mine.total).toBe(2);
    expect(mine.jobs.map((j: { id: string }) => j.id)).toEqual(["job1"]);
    server.clock.advance(5000);
    expect((await json("/__emulator/jobs/counts")).counts.test).toMatchObject({ succeeded: 3, queued: 0 });
    expect((await server.fetch("/__emulator/jobs?limit=0")).status).toBe(400);
  });

  it("counts by phase without walking the jobs agree with a walk over each key's jobs", async () => {
    make();
    for (const key of ["a", "b", "a", "c"]) await post("/test/jobs", key, { prompt: key });
    server.clock.advance(1500);
    await post("/test/jobs", "b", { prompt: "late" });
    await post("/test/jobs", "c", { prompt: "x emu:fail" });
    server.clock.advance(2000);
    const all = (await json("/__emulator/jobs/counts")).counts.test;
    const perKey = await Promise.all(
      ["a", "b", "c"].map(async (k) => (await json(`/__emulator/jobs/counts?key=${k}`)).counts.test),
    );
    const summed = Object.fromEntries(
      Object.keys(all).map((phase) => [phase, perKey.reduce((n, row) => n + row[phase], 0)]),
    );
    expect(all).toEqual(summed);
    expect(all).toEqual({ queued: 0, running: 2, succeeded: 4, failed: 0, canceled: 0 });
    server.clock.advance(1000);
    expect((await json("/__emulator/jobs/counts")).counts.test).toMatchObject({ succeeded: 5, failed: 1 });
    const tenants = (await json("/__emulator/tenants")).tenants as { key: string; jobs: number }[];
    expect(tenants.map((t) => t.jobs).sort()).toEqual([2, 2, 2]);
  });

  it("shows one job's phases over time, its results with size, and the requests that touched it", async () => {
    make();
    await post("/test/jobs", "k", { prompt: "a fox" });
    let job = await json("/__emulator/jobs/test/job1");
    expect(job).toMatchObject({ phase: "queued", status: "queued", results: [] });
    server.clock.advance(3000);
    await server.fetch("/test/jobs/job1");
    job = await json("/__emulator/jobs/test/job1");
    expect(job.history.map((h: { phase: string }) => h.phase)).toEqual(["queued", "running", "succeeded"]);
    expect(job.history[1].at).toBe(new Date(1_700_000_001_000).toISOString());
    expect(job.results).toEqual([
      expect.objectContaining({ path: "out/job1.png", contentType: "image/png", bytes: expect.any(Number) }),
    ]);
    // The create request names the job in its answer, the read in its path.
    expect(job.requests.entries.map((r: { method: string }) => r.method)).toEqual(["GET", "POST"]);
    const file = await server.fetch(job.results[0].url);
    expect(file.headers.get("content-type")).toBe("image/png");
    expect((await file.arrayBuffer()).byteLength).toBe(job.results[0].bytes);
    expect((await server.fetch("/__emulator/jobs/test/nope")).status).toBe(404);
    // regression: a broken %-escape in a file path was a 500.
    const broken = await server.fetch("/__emulator/files/test/out/%E0%A4%A.png");
    expect(broken.status).toBe(404);
    expect((await broken.json()).error.message).toMatch(/no test file/);
  });

  it("lists the requests naming a job by its whole id (job1's page does not show job10's)", async () => {
    make();
    for (let i = 0; i < 10; i++) await post("/test/jobs", "k", { prompt: "x" });
    await server.fetch("/test/jobs/job10");
    const job = await json("/__emulator/jobs/test/job1");
    expect(job.requests.total).toBe(1);
    expect(job.requests.entries[0].response.body).toMatchObject({ id: "job1" });
    // The journal's own text filter stays a substring search.
    expect((await json("/__emulator/journal?text=job1")).total).toBe(3);
  });

  it("filters the journal by method, path, status class and text, newest first", async () => {
    make();
    await post("/test/jobs", "k", { prompt: "one" });
    await server.fetch("/test/jobs/missing");
    await server.fetch("/test/jobs/job1");
    const notFound = await json("/__emulator/journal?status=4xx");
    expect(notFound.requests.map((r: { path: string }) => r.path)).toEqual(["/jobs/missing"]);
    const gets = await json("/__emulator/journal?method=get");
    expect(gets.requests.map((r: { path: string }) => r.path)).toEqual(["/jobs/job1", "/jobs/missing"]);
    expect((await json("/__emulator/journal?text=one")).total).toBe(1);
    expect((await server.fetch("/__emulator/journal?status=teapot")).status).toBe(400);
  });

  it("adds and removes one fault rule with the PUT schema, keeping the others' counters", async () => {
    make();
    const bad = await server.fetch("/__emulator/faults", {
      method: "POST",
      body: JSON.stringify({ action: { type: "error", status: 200 } }),
    });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.field).toBe("action.status");
    const add = (rule: unknown) =>
      server.fetch("/__emulator/faults", { method: "POST", body: JSON.stringify(rule) });
    expect((await add({ route: "GET /nothing", action: { type: "error", status: 418 } })).status).toBe(201);
    await server.fetch("/test/nothing");
    await add({ route: "POST /jobs", action: { type: "error", status: 503 } });
    const { rules } = await json("/__emulator/faults");
    expect(rules.map((r: { seen: number }) => r.seen)).toEqual([1, 0]);
    const left = await json("/__emulator/faults/0", { method: "DELETE" });
    expect(left.rules).toHaveLength(1);
    expect(left.rules[0].rule.action.status).toBe(503);
    expect((await server.fetch("/__emulator/faults/7", { method: "DELETE" })).status).toBe(404);
  });

  it("pauses and resumes a realtime clock", async () => {
    server = createEmulatorServer([testProvider], { clock: { mode: "realtime", speed: 1000 } });
    const paused = await json("/__emulator/clock/pause", { method: "POST" });
    expect(paused.paused).toBe(true);
    await new Promise((r) => setTimeout(r, 30));
    expect((await json("/__emulator/clock")).now).toBe(paused.now);
    const resumed = await json("/__emulator/clock/resume", { method: "POST" });
    expect(resumed.paused).toBe(false);
    await new Promise((r) => setTimeout(r, 30));
    expect((await json("/__emulator/clock")).now).toBeGreaterThan(paused.now);
  });

  it("pauses only a realtime clock", async () => {
    make();
    const res = await server.fetch("/__emulator/clock/pause", { method: "POST" });
    expect(res.status).toBe(409);
    expect((await res.json()).error.message).toMatch(/manual clock cannot pause/);
  });

  it("streams events as server-sent events", async () => {
    make();
    const res = await server.fetch("/__emulator/events?types=job.created");
    expect(res.headers.get("content-type")).toMatch(/text\/event-stream/);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = "";
    const readUntil = async (needle: string) => {
      while (!text.includes(needle)) text += decoder.decode((await reader.read()).value);
    };
    await readUntil("event: hello");
    await post("/test/jobs", "k", { prompt: "x" });
    await readUntil('"jobId":"job1"');
    expect(text).toMatch(/event: job\.created\ndata: \{"type":"job\.created"/);
    expect(text).not.toMatch(/credits\.charged/);
    await reader.cancel();
    expect((await server.fetch("/__emulator/events?types=nope")).status).toBe(400);
  });
});
