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

/** What to send, beyond the URL: a JSON body makes it a POST; a count bounds it instead of time. */
export interface LoadRequest {
  url: string;
  body?: string;
  count?: number;
}

/** Runs the load generator once against `req.url` (served by process `serverPid`). */
export async function load(
  req: LoadRequest | string,
  s: LoadSettings,
  serverPid: number,
): Promise<LoadSample> {
  const { url, body, count } = typeof req === "string" ? { url: req } : req;
  const cpuBefore = await cpuMs(serverPid);
  const child = spawnTsx(
    [
      LOAD_GENERATOR,
      url,
      String(s.seconds),
      String(s.warmupSeconds),
      String(s.connections),
      `authorization=Bearer ${BENCH_KEY}`,
    ],
    {
      ...(body !== undefined ? { LOAD_BODY: body } : {}),
      ...(count !== undefined ? { LOAD_COUNT: String(count) } : {}),
    },
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
  const cpuAfter = await cpuMs(serverPid);
  const cpuUsPerRequest =
    cpuBefore === undefined || cpuAfter === undefined
      ? Number.NaN
      : ((cpuAfter - cpuBefore) * 1000) / result.total;
  return { ...result, cpuUsPerRequest };
}

/** The routes under load: the emulator's and the bare server's they are divided by. */
export type RouteName =
  | "aituboGet"
  | "tamsGet"
  | "qolabaGet"
  | "bareJson"
  | "aituboCreate"
  | "tamsCreate"
  | "bareCreate"
  | "bareCreateBusy10"
  | "bareCreateBusy50"
  | "cachedImage"
  | "bareBytes";

const ROUTES: readonly RouteName[] = [
  "aituboGet",
  "tamsGet",
  "qolabaGet",
  "bareJson",
  "aituboCreate",
  "tamsCreate",
  "bareCreate",
  "bareCreateBusy10",
  "bareCreateBusy50",
  "cachedImage",
  "bareBytes",
];

/** Samples of each route, one per round, and figures gathered on the way. */
export interface ThroughputResult {
  rps: Record<RouteName, number[]>;
  cpuUs: Record<RouteName, number[]>;
  imageBytes: number;
  jobGetBytes: number;
  bareJsonBytes: number;
  /** Emulator RSS after every load round (MB). */
  rssAfterLoad: number | undefined;
  /** Jobs the emulator held at the end (every create route made some). */
  jobsAtEnd: number;
}

/** One-image Aitubo text-to-image, the body of every Aitubo create under load. */
export const AITUBO_CREATE_BODY = JSON.stringify({
  prompt: "x",
  modelId: "642b977d2f2842537c09fe41",
  count: 1,
});
/** A one-image TAMS txt2img; `{{n}}` makes each requestId new (the same one would return the same job). */
export const TAMS_CREATE_BODY = JSON.stringify({
  requestId: "bench-{{n}}",
  stages: [
    { type: "INPUT_INITIALIZE", inputInitialize: { seed: 42, count: 1 } },
    {
      type: "DIFFUSION",
      diffusion: {
        width: 512,
        height: 512,
        prompts: [{ text: "x" }],
        steps: 20,
        sdModel: "600423083519508503",
      },
    },
  ],
});
/** A queued Qolaba text-to-image (celery: true makes it a task to poll). */
const QOLABA_CREATE_BODY = JSON.stringify({
  app_id: "ap-oDVXRQ7bCaWW05O52P1mlA",
  prompt: "x",
  height: 512,
  width: 512,
  num_inference_steps: 20,
  guidance_scale: 7.5,
  batch: 1,
  celery: true,
});

/** POSTs JSON with the bench key and returns the parsed answer (throws on a non-200). */
async function postJson(url: string, body: string): Promise<Record<string, unknown>> {
  const r = await send(url, {
    method: "POST",
    headers: { authorization: `Bearer ${BENCH_KEY}`, "content-type": "application/json" },
    body,
  });
  if (r.status !== 200)
    throw new Error(`${url} answered ${r.status}: ${r.body.toString("utf8").slice(0, 300)}`);
  return JSON.parse(r.body.toString("utf8")) as Record<string, unknown>;
}

/** Gives the bench key a balance no load run can spend (every create is charged). */
export async function fundBenchKey(base: string): Promise<void> {
  const r = await send(`${base}/__emulator/tenants/${BENCH_KEY}`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ balance: 1e12 }),
  });
  if (r.status !== 200) throw new Error(`could not fund the bench key: ${r.status}`);
}

/**
 * Starts one emulator and one bare server, prepares a finished job per provider and a rendered
 * image, then runs `rounds` rounds over every route, reversing the order every other round so drift
 * in the machine's load is shared out rather than landing on one route.
 */
export async function measureThroughput(rounds: number, s: LoadSettings): Promise<ThroughputResult> {
  const [emuPort, basePort] = [await freePort(), await freePort()];
  // The create routes make tens of thousands of jobs per round on a quiet machine: past the default
  // job cap the oldest finished jobs (the polled ones made first) would be evicted mid-run and
  // answer 404, so this server keeps every job.
  const emulator = spawnServer("emulator", emuPort, ["--max-jobs", "100000000"]);
  const baseline = spawnServer("baseline", basePort);
  try {
    const emu = `http://127.0.0.1:${emuPort}`;
    const base = `http://127.0.0.1:${basePort}`;
    await Promise.all([waitFor200(`${emu}/__emulator/health`), waitFor200(`${base}/health`)]);
    await fundBenchKey(emu);

    const id = await createAituboJob(emu);
    const imageUrl = await aituboImageUrl(emu, id);
    // The first fetch renders; everything after it is the cached result under test.
    const first = await send(imageUrl);
    if (first.status !== 200 || first.headers["content-type"] !== "image/png")
      throw new Error(`image fetch answered ${first.status} ${first.headers["content-type"]}`);
    const tams = (await postJson(`${emu}/tams/v1/jobs`, TAMS_CREATE_BODY.replace("{{n}}", "setup"))) as {
      job: { id: string };
    };
    const qolaba = (await postJson(`${emu}/qolaba/getTextToImage`, QOLABA_CREATE_BODY)) as {
      output?: { task_id?: string };
      task_id?: string;
    };
    const qolabaTask = qolaba.output?.task_id ?? qolaba.task_id;
    if (!qolabaTask) throw new Error(`Qolaba answered no task id: ${JSON.stringify(qolaba).slice(0, 300)}`);
    const jobGetUrl = `${emu}/aitubo/api/job/get?id=${id}`;
    const bareJsonUrl = `${base}/json?id=${id}`;
    const requests: Record<RouteName, LoadRequest> = {
      aituboGet: { url: jobGetUrl },
      tamsGet: { url: `${emu}/tams/v1/jobs/${tams.job.id}` },
      qolabaGet: { url: `${emu}/qolaba/getImage`, body: JSON.stringify({ id: qolabaTask }) },
      bareJson: { url: bareJsonUrl },
      aituboCreate: { url: `${emu}/aitubo/api/job/create`, body: AITUBO_CREATE_BODY },
      tamsCreate: { url: `${emu}/tams/v1/jobs`, body: TAMS_CREATE_BODY },
      bareCreate: { url: `${base}/create`, body: AITUBO_CREATE_BODY },
      bareCreateBusy10: { url: `${base}/create-busy/10`, body: AITUBO_CREATE_BODY },
      bareCreateBusy50: { url: `${base}/create-busy/50`, body: AITUBO_CREATE_BODY },
      cachedImage: { url: imageUrl },
      bareBytes: { url: `${base}/bytes/${first.body.length}` },
    };
    const auth = { authorization: `Bearer ${BENCH_KEY}` };
    const jobGetBytes = (await send(jobGetUrl, { headers: auth })).body.length;
    const bareJsonBytes = (await send(bareJsonUrl, { headers: auth })).body.length;

    const rps = Object.fromEntries(ROUTES.map((r) => [r, [] as number[]])) as Record<RouteName, number[]>;
    const cpuUs = Object.fromEntries(ROUTES.map((r) => [r, [] as number[]])) as Record<RouteName, number[]>;
    for (let r = 0; r < rounds; r++) {
      for (const route of r % 2 ? [...ROUTES].reverse() : ROUTES) {
        const pid = route.startsWith("bare") ? baseline.pid! : emulator.pid!;
        const sample = await load(requests[route], s, pid);
        rps[route].push(sample.rps);
        cpuUs[route].push(sample.cpuUsPerRequest);
      }
    }
    const state = JSON.parse((await send(`${emu}/__emulator/state`)).body.toString("utf8")) as {
      totals: { jobs: number };
    };
    return {
      rps,
      cpuUs,
      imageBytes: first.body.length,
      jobGetBytes,
      bareJsonBytes,
      rssAfterLoad: await rssMb(emulator.pid!),
      jobsAtEnd: state.totals.jobs,
    };
  } finally {
    await Promise.all([stop(emulator), stop(baseline)]);
  }
}
