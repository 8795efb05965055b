/**
 * Memory under many jobs: RSS per finished job after N creates over HTTP, and RSS through a soak of
 * creates and polls on a server whose job cap is reached (eviction keeps it flat).
 */
import { once } from "node:events";
import { LOAD_GENERATOR, spawnServer, spawnTsx, stop } from "./children.js";
import { freePort, rssMb, send, waitFor200 } from "./http-probe.js";
import type { LoadResult } from "./load-generator.js";
import { BENCH_KEY, createAituboJob } from "./measure-startup.js";
import { AITUBO_CREATE_BODY, fundBenchKey } from "./measure-throughput.js";

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs the load generator to its end and returns what it measured. */
async function runLoad(url: string, env: Record<string, string>, seconds: number, connections: number) {
  const child = spawnTsx(
    [LOAD_GENERATOR, url, String(seconds), "0", String(connections), `authorization=Bearer ${BENCH_KEY}`],
    env,
  );
  let out = "";
  child.stdout!.on("data", (d) => {
    out += d;
  });
  const [code] = (await once(child, "exit")) as [number | null];
  if (code !== 0) throw new Error(`load generator exited ${code} for ${url}`);
  const result = JSON.parse(out.trim().split("\n").pop()!) as LoadResult;
  if (result.errors || result.non2xx)
    throw new Error(`${url}: ${result.errors} errors and ${result.non2xx} non-2xx responses under load`);
  return result;
}

/** What the jobs figure measured. */
export interface JobsMemory {
  jobs: number;
  /** RSS (MB) after start-up, one job and a second's idleness. */
  rssBefore: number;
  /** RSS (MB) two seconds after the N creates. */
  rssRightAfter: number;
  /** RSS (MB) once idle: read every second until it moves less than 1% (at most 20 s). */
  rssAfter: number;
  /** (rssAfter − rssBefore) / jobs, in bytes. */
  bytesPerJob: number;
  /** Jobs the server says it holds at the end (all of them: the default cap is not reached). */
  held: number;
  seconds: number;
}

async function jobsHeld(base: string): Promise<number> {
  const state = JSON.parse((await send(`${base}/__emulator/state`)).body.toString("utf8")) as {
    totals: { jobs: number };
  };
  return state.totals.jobs;
}

/** Creates `n` one-image Aitubo jobs over HTTP (instant clock: each is finished at once) and reads RSS. */
export async function measureJobsMemory(n: number): Promise<JobsMemory> {
  const port = await freePort();
  const child = spawnServer("emulator", port);
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitFor200(`${base}/__emulator/health`);
    await fundBenchKey(base);
    await createAituboJob(base);
    await settle(1000);
    const rssBefore = (await rssMb(child.pid!)) ?? Number.NaN;
    const r = await runLoad(
      `${base}/aitubo/api/job/create`,
      { LOAD_BODY: AITUBO_CREATE_BODY, LOAD_COUNT: String(n) },
      0,
      50,
    );
    await settle(2000);
    const rssRightAfter = (await rssMb(child.pid!)) ?? Number.NaN;
    // V8 keeps heap it grew into until its memory reducer runs on an idle process (seconds later):
    // what the jobs hold is the figure once that has happened.
    const rssAfter = await settledRss(child.pid!);
    return {
      jobs: n,
      rssBefore,
      rssRightAfter,
      rssAfter,
      bytesPerJob: ((rssAfter - rssBefore) * 1024 * 1024) / n,
      held: await jobsHeld(base),
      seconds: r.seconds,
    };
  } finally {
    await stop(child);
  }
}

/** One point of the soak's RSS curve. */
export interface SoakPoint {
  second: number;
  rssMb: number;
  jobs: number;
}

/** What the soak measured. */
export interface SoakResult {
  points: SoakPoint[];
  maxJobs: number;
  creates: number;
  polls: number;
  /** Highest and lowest RSS over the second half of the soak (MB). */
  secondHalf: { min: number; max: number };
  /**
   * Growth once the cap has filled: the highest RSS over the later half of the samples taken after
   * it filled, divided by the highest over the earlier half. RSS saws up and down between V8's
   * collections under load, so peaks against peaks say whether it grows; min against max would
   * measure the saw.
   */
  growth: number;
  /** RSS (MB) once idle after the soak (V8's memory reducer has run): what the state itself holds. */
  idleAfter: number;
}

/** Reads RSS every second until it moves less than 1% (at least 5 s, at most 20 s). */
async function settledRss(pid: number): Promise<number> {
  let rss = (await rssMb(pid)) ?? Number.NaN;
  for (let i = 0; i < 20; i++) {
    await settle(1000);
    const now = (await rssMb(pid)) ?? Number.NaN;
    const moved = Math.abs(now - rss) / rss;
    rss = now;
    if (moved < 0.01 && i >= 4) break;
  }
  return rss;
}

/**
 * Creates and polls at once for `seconds` (25 connections each) against a server capped at
 * `maxJobs`, sampling RSS every `seconds / samples`.
 */
export async function measureSoak(seconds: number, maxJobs: number, samples = seconds): Promise<SoakResult> {
  const port = await freePort();
  const child = spawnServer("emulator", port, ["--max-jobs", String(maxJobs)]);
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitFor200(`${base}/__emulator/health`);
    await fundBenchKey(base);
    // The polled job never finishes (magic word), so the cap never evicts it from under the polls.
    const id = await createAituboJob(base, "x emu:hang");
    const points: SoakPoint[] = [{ second: 0, rssMb: (await rssMb(child.pid!)) ?? Number.NaN, jobs: 1 }];
    const creating = runLoad(`${base}/aitubo/api/job/create`, { LOAD_BODY: AITUBO_CREATE_BODY }, seconds, 25);
    const polling = runLoad(`${base}/aitubo/api/job/get?id=${id}`, {}, seconds, 25);
    const t0 = performance.now();
    const step = (seconds * 1000) / samples;
    for (let i = 1; i <= samples; i++) {
      await settle(Math.max(0, t0 + i * step - performance.now()));
      points.push({
        second: Math.round((performance.now() - t0) / 1000),
        rssMb: (await rssMb(child.pid!)) ?? Number.NaN,
        jobs: await jobsHeld(base),
      });
    }
    const [c, p] = await Promise.all([creating, polling]);
    const half = points.filter((pt) => pt.second >= seconds / 2).map((pt) => pt.rssMb);
    const filled = points.slice(points.findIndex((pt) => pt.jobs >= maxJobs)).map((pt) => pt.rssMb);
    const mid = Math.floor(filled.length / 2);
    const growth =
      filled.length >= 4 ? Math.max(...filled.slice(mid)) / Math.max(...filled.slice(0, mid)) : Number.NaN;
    return {
      growth,
      points,
      maxJobs,
      creates: c.total,
      polls: p.total,
      secondHalf: { min: Math.min(...half), max: Math.max(...half) },
      idleAfter: await settledRss(child.pid!),
    };
  } finally {
    await stop(child);
  }
}
