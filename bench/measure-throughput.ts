/**
 * Requests per second through real servers, with the load in a separate process (load-generator.ts).
 */
import { once } from "node:events";
import { LOAD_GENERATOR, spawnServer, spawnTsx, stop } from "./children.js";
import { cpuMs, freePort, rssMb, send, waitFor200 } from "./http-probe.js";
import type { LoadResult } from "./load-generator.js";
import { aituboImageUrl, BENCH_KEY, createAituboJob } from "./measure-startup.js";

/** Load settings shared by every route. */
export interface LoadSettings {
  seconds: number;
  warmupSeconds: number;
  connections: number;
}

/** One load run: what the generator measured, and the server's CPU time per response. */
export interface LoadSample extends LoadResult {
  /** Server CPU µs (user + system, all threads) per response, warm-up included. */
  cpuUsPerRequest: number;
}

/** Runs the load generator once against `url` (served by process `serverPid`). */
export async function load(url: string, s: LoadSettings, serverPid: number): Promise<LoadSample> {
  const cpuBefore = await cpuMs(serverPid);
  const child = spawnTsx([
    LOAD_GENERATOR,
    url,
    String(s.seconds),
    String(s.warmupSeconds),
    String(s.connections),
    `authorization=Bearer ${BENCH_KEY}`,
  ]);
  let out = "";
  child.stdout!.on("data", (d) => {
    out += d;
  });
  const [code] = (await once(child, "exit")) as [number | null];
  if (code !== 0) throw new Error(`load generator exited ${code} for ${url}`);
  const result = JSON.parse(out.trim().split("\n").pop()!) as LoadResult;
  if (result.errors || result.non2xx)
    throw new Error(`${url}: ${result.errors} errors and ${result.non2xx} non-2xx responses under load`);
  const cpuAfter = await cpuMs(serverPid);
  const cpuUsPerRequest =
    cpuBefore === undefined || cpuAfter === undefined
      ? Number.NaN
      : ((cpuAfter - cpuBefore) * 1000) / result.total;
  return { ...result, cpuUsPerRequest };
}

/** The routes under load. */
export type RouteName = "jobGet" | "bareJson" | "cachedImage" | "bareBytes";

/** Samples of each route, one per round, and figures gathered on the way. */
export interface ThroughputResult {
  rps: Record<RouteName, number[]>;
  cpuUs: Record<RouteName, number[]>;
  imageBytes: number;
  jobGetBytes: number;
  bareJsonBytes: number;
  /** Emulator RSS after every load round (MB). */
  rssAfterLoad: number | undefined;
}

/**
 * Starts one emulator and one bare server, prepares a finished job and its rendered image, then runs
 * `rounds` rounds over the four routes, reversing the order every other round so drift in the
 * machine's load is shared out rather than landing on one route.
 */
export async function measureThroughput(rounds: number, s: LoadSettings): Promise<ThroughputResult> {
  const [emuPort, basePort] = [await freePort(), await freePort()];
  const emulator = spawnServer("emulator", emuPort);
  const baseline = spawnServer("baseline", basePort);
  try {
    const emu = `http://127.0.0.1:${emuPort}`;
    const base = `http://127.0.0.1:${basePort}`;
    await Promise.all([waitFor200(`${emu}/__emulator/health`), waitFor200(`${base}/health`)]);

    const id = await createAituboJob(emu);
    const imageUrl = await aituboImageUrl(emu, id);
    // The first fetch renders; everything after it is the cached result under test.
    const first = await send(imageUrl);
    if (first.status !== 200 || first.headers["content-type"] !== "image/png")
      throw new Error(`image fetch answered ${first.status} ${first.headers["content-type"]}`);
    const jobGetUrl = `${emu}/aitubo/api/job/get?id=${id}`;
    const bareJsonUrl = `${base}/json?id=${id}`;
    const urls: Record<RouteName, string> = {
      jobGet: jobGetUrl,
      bareJson: bareJsonUrl,
      cachedImage: imageUrl,
      bareBytes: `${base}/bytes/${first.body.length}`,
    };
    const auth = { authorization: `Bearer ${BENCH_KEY}` };
    const jobGetBytes = (await send(jobGetUrl, { headers: auth })).body.length;
    const bareJsonBytes = (await send(bareJsonUrl, { headers: auth })).body.length;

    const pids: Record<RouteName, number> = {
      jobGet: emulator.pid!,
      bareJson: baseline.pid!,
      cachedImage: emulator.pid!,
      bareBytes: baseline.pid!,
    };
    const rps: Record<RouteName, number[]> = { jobGet: [], bareJson: [], cachedImage: [], bareBytes: [] };
    const cpuUs: Record<RouteName, number[]> = { jobGet: [], bareJson: [], cachedImage: [], bareBytes: [] };
    const order: RouteName[] = ["jobGet", "bareJson", "cachedImage", "bareBytes"];
    for (let r = 0; r < rounds; r++) {
      for (const route of r % 2 ? [...order].reverse() : order) {
        const sample = await load(urls[route], s, pids[route]);
        rps[route].push(sample.rps);
        cpuUs[route].push(sample.cpuUsPerRequest);
      }
    }
    return {
      rps,
      cpuUs,
      imageBytes: first.body.length,
      jobGetBytes,
      bareJsonBytes,
      rssAfterLoad: await rssMb(emulator.pid!),
    };
  } finally {
    await Promise.all([stop(emulator), stop(baseline)]);
  }
}
