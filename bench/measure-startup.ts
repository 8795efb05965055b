/**
 * Start-up and idle memory: spawn → first 200 from the health route, and VmRSS once idle.
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { type ServerKind, spawnServer, stop, track } from "./children.js";
import { cpuMs, freePort, rssMb, send, waitFor200 } from "./http-probe.js";

/** The health route of each kind of server. */
export const HEALTH_PATH: Record<ServerKind, string> = {
  emulator: "/__emulator/health",
  baseline: "/health",
};

/** One start-up: wall time from spawn() to the first 200, and the CPU the server had used by then. */
export interface StartupSample {
  wallMs: number;
  cpuMs: number;
}

/** Spawns a server, waits for the first 200 from its health route, then stops it. */
export async function timeToFirst200(kind: ServerKind): Promise<StartupSample> {
  const port = await freePort();
  const t0 = performance.now();
  const child = spawnServer(kind, port);
  try {
    const t1 = await waitFor200(`http://127.0.0.1:${port}${HEALTH_PATH[kind]}`);
    return { wallMs: t1 - t0, cpuMs: (await cpuMs(child.pid!)) ?? Number.NaN };
  } finally {
    await stop(child);
  }
}

/** Milliseconds from spawn() to exit of `node -e ""`: the part of every start-up that is Node itself. */
export async function nodeFloor(): Promise<number> {
  const t0 = performance.now();
  const child = track(spawn(process.execPath, ["-e", ""], { stdio: "ignore" }));
  await once(child, "exit");
  return performance.now() - t0;
}

/**
 * Spawn time of both kinds, interleaved and alternating which goes first, so a slow patch of the
 * shared machine lands on both. One discarded pair first: it warms the OS file cache for both.
 */
export async function measureStartup(
  runs: number,
): Promise<{ emulator: StartupSample[]; baseline: StartupSample[]; node: number[] }> {
  const out = { emulator: [] as StartupSample[], baseline: [] as StartupSample[], node: [] as number[] };
  await timeToFirst200("emulator");
  await timeToFirst200("baseline");
  for (let i = 0; i < runs; i++) {
    const order: ServerKind[] = i % 2 ? ["baseline", "emulator"] : ["emulator", "baseline"];
    for (const kind of order) out[kind].push(await timeToFirst200(kind));
    out.node.push(await nodeFloor());
  }
  return out;
}

const settle = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** RSS figures of one fresh server. */
export interface RssSample {
  /** After start-up and one ordinary request, then a second of idleness. */
  idle: number;
  /** Emulator only: after one image was also rendered and served (sharp is loaded by then). */
  afterImage?: number;
}

/**
 * Starts one server, sends it one ordinary request (the emulator: an Aitubo job creation, which
 * loads the provider's code paths; the baseline: its JSON route), lets it idle for a second and
 * reads VmRSS. For the emulator it then fetches the job's image and reads VmRSS again.
 */
export async function measureRss(kind: ServerKind): Promise<RssSample> {
  const port = await freePort();
  const child = spawnServer(kind, port);
  const base = `http://127.0.0.1:${port}`;
  try {
    await waitFor200(`${base}${HEALTH_PATH[kind]}`);
    if (kind === "baseline") {
      await send(`${base}/json?id=1`);
      await settle(1000);
      return { idle: (await rssMb(child.pid!)) ?? Number.NaN };
    }
    const job = await createAituboJob(base);
    await settle(1000);
    const idle = (await rssMb(child.pid!)) ?? Number.NaN;
    const image = await send(await aituboImageUrl(base, job));
    if (image.status !== 200) throw new Error(`image fetch answered ${image.status}`);
    await settle(1000);
    return { idle, afterImage: (await rssMb(child.pid!)) ?? Number.NaN };
  } finally {
    await stop(child);
  }
}

/** The key every benchmark request uses (a fresh key gets the default starting balance). */
export const BENCH_KEY = "bench-key";

/** Creates a one-image Aitubo text-to-image job and returns its id (`prompt` "x" by default). */
export async function createAituboJob(base: string, prompt = "x"): Promise<string> {
  const r = await send(`${base}/aitubo/api/job/create`, {
    method: "POST",
    headers: { authorization: `Bearer ${BENCH_KEY}`, "content-type": "application/json" },
    body: JSON.stringify({ prompt, modelId: "642b977d2f2842537c09fe41", count: 1 }),
  });
  const json = JSON.parse(r.body.toString("utf8")) as { code: number; data?: { id?: string } };
  if (r.status !== 200 || json.code !== 0 || !json.data?.id)
    throw new Error(`job/create answered ${r.status} ${r.body.toString("utf8").slice(0, 200)}`);
  return json.data.id;
}

/** The absolute URL of a finished job's first image (`domain + images[0]`, as clients build it). */
export async function aituboImageUrl(base: string, id: string): Promise<string> {
  const r = await send(`${base}/aitubo/api/job/get?id=${id}`, {
    headers: { authorization: `Bearer ${BENCH_KEY}` },
  });
  const json = JSON.parse(r.body.toString("utf8")) as {
    data?: { status?: number; result?: { data?: { domain?: string; images?: string[] } } };
  };
  const d = json.data?.result?.data;
  if (r.status !== 200 || json.data?.status !== 2 || !d?.domain || !d.images?.[0])
    throw new Error(`job/get did not show a finished job: ${r.body.toString("utf8").slice(0, 300)}`);
  return d.domain + d.images[0];
}
