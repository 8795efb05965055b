/**
 * TAMS jobs over the core engine: creation (charge, timeline, webhooks), and the job as TAMS
 * shows it. Phases map to TAMS statuses: queued → WAITING (CREATED in the create answer),
 * running → RUNNING, succeeded → SUCCESS, failed → FAILED, canceled → CANCELED.
 *
 * Result files exist from the moment the job shows them: they are registered when a read (or a
 * webhook) first sees them ready, with their expiry counted from when they were made.
 *
 * A key's jobs run one at a time, in the order they were made (the doc states no concurrency; one
 * at a time is inferred): each job's start is fixed when it is made, as the later of "made + the
 * queue delay" and the end of the key's previous job. Its place in the queue is then found by a
 * binary search over the key's start times, never by scanning the key's jobs.
 */

import { compact, int64Out } from "../../credits/protojson.js";
import type { StoredFile } from "../core/file-store.js";
import { CONTENT_TYPES } from "../core/images.js";
import type { JobDirectives, JobTimeline } from "../core/job-engine.js";
import { createTimeline, type JobPhase, jobView, outcomeFrom } from "../core/job-engine.js";
import type { Job } from "../core/job-store.js";
import { keepPromise, promisedSize, type SizeRecord, sizeBound } from "../core/promised-size.js";
import type { Tenant } from "../core/tenants.js";
import { TamsError } from "./errors.js";
import type { TamsState } from "./state.js";

/** TAMS job statuses [doc][client]. */
export const JOB_STATUSES = [
  "DEFAULT",
  "CREATED",
  "PENDING",
  "RUNNING",
  "CANCELED",
  "SUCCESS",
  "FAILED",
  "WAITING",
] as const;

/** A job status. */
export type JobStatus = (typeof JOB_STATUSES)[number];

/** The status TAMS shows for each engine phase. */
export const STATUS_OF: Record<JobPhase, JobStatus> = {
  queued: "WAITING",
  running: "RUNNING",
  succeeded: "SUCCESS",
  failed: "FAILED",
  canceled: "CANCELED",
};

/** How long a job waits in the queue before it runs when the key has nothing running, in emulated ms (inferred). */
export const QUEUE_MS = 1500;

/**
 * Share of a workflow job's running time its nodes take; the rest is the service storing the
 * results. The doc's "Get workflow result" shows a job still RUNNING whose nodes have all
 * finished, SaveImage's `outputUi` included [doc].
 */
export const NODE_SHARE = 0.9;

/**
 * One key's queue: its jobs' start times in creation order, and which of them were canceled before
 * starting. Entries of jobs that have started are dropped from the front as the key's jobs are
 * evicted (see {@link trimQueue}), so the queue is bounded by the jobs the store keeps.
 */
export interface KeyQueue {
  /** Start time of the key's job number `dropped + i` (non-decreasing: the jobs run one after another). */
  starts: number[];
  /** Entries dropped from the front of `starts` (jobs that had started): job numbers count on from it. */
  dropped: number;
  /** End of the key's latest job: the next one starts after it. */
  lastEnd: number;
  /** Sequence numbers of jobs canceled while queued, sorted. */
  canceled: number[];
}

/** A new, empty queue. */
export function createKeyQueue(): KeyQueue {
  return { starts: [], dropped: 0, lastEnd: Number.NEGATIVE_INFINITY, canceled: [] };
}

/** The first index in the sorted `xs` whose value is greater than `x` (or ≥ when `orEqual`). */
function bisect(xs: readonly number[], x: number, orEqual = false): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (orEqual ? xs[mid]! < x : xs[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * `queueRank` (from 1: the next job to run) and `queueLen` of the key's job number `seq` at `now`,
 * in O(log n): the jobs not yet started are a suffix of the key's queue.
 */
export function queuePlace(queue: KeyQueue, seq: number, now: number): { rank: number; len: number } {
  const first = queue.dropped + bisect(queue.starts, now);
  const end = queue.dropped + queue.starts.length;
  const canceledIn = (from: number, to: number) =>
    bisect(queue.canceled, to, true) - bisect(queue.canceled, from, true);
  return {
    rank: seq - first + 1 - canceledIn(first, seq),
    len: end - first - canceledIn(first, end),
  };
}

/**
 * Drops the entries of jobs that started by `now` from the front of the queue, once they are at
 * least half of it (so the copy is paid for by the entries it drops): a job that has started
 * never counts in a rank or length again (the clock does not run backwards while jobs are kept). Called as the key's
 * jobs are evicted, it keeps a queue within twice the key's waiting jobs.
 */
export function trimQueue(queue: KeyQueue, now: number): void {
  const started = bisect(queue.starts, now);
  if (started === 0 || started * 2 < queue.starts.length) return;
  queue.starts = queue.starts.slice(started);
  queue.dropped += started;
  // Canceled numbers below the new front can no longer fall inside a rank's range.
  const below = bisect(queue.canceled, queue.dropped, true);
  if (below > 0) queue.canceled = queue.canceled.slice(below);
}

/** A file a job makes. */
export interface TamsOutput {
  id: string;
  kind: "image" | "video";
  width: number;
  height: number;
  format: "png" | "webp";
  /** Emulated time at which it exists (the job's end, or its SaveImage node's). */
  readyAt: number;
  /** The seed it was rendered with (shown in `imageExifMetaMap`). */
  seed?: number;
  render: () => Promise<Buffer>;
  /**
   * Images: the byte size promised if a read names its `FileSize` before it is rendered (see
   * `core/promised-size.ts`); default a bound for an image derived from an input with 4 KiB of text.
   */
  sizeBound?: number;
}

/** A workflow node as the job reports it. */
export interface TamsJobNode {
  id: string;
  classType: string;
  sampler: boolean;
  /** Ids of the outputs a SaveImage node writes. */
  outputIds: string[];
}

/** What the core keeps for a TAMS job. */
export interface TamsJobData {
  kind: "stages" | "workflow";
  requestId: string;
  credits: number;
  outputs: TamsOutput[];
  nodes?: TamsJobNode[];
  notifyUrl?: string;
  /** Outputs already in the file store. */
  registered: Set<string>;
  refunded: boolean;
  /** The last status a webhook was sent for. */
  notified?: JobStatus;
  /** Stage jobs: the stage types, in request order (for `stages[].stageIndex`). */
  stageTypes?: string[];
  /** The job's number in its key's queue. */
  queueSeq: number;
  /** The provider base URL of the creating request: webhook bodies name files under it. */
  base?: string;
}

/** A TAMS job. */
export type TamsJob = Job<TamsJobData>;

/** What a new job is made from. */
export interface NewJob {
  tenant: Tenant;
  kind: TamsJobData["kind"];
  requestId: string;
  credits: number;
  runningMs: number;
  directives: JobDirectives;
  notifyUrl?: string;
  /** Stage jobs: the stage types, in request order. */
  stageTypes?: string[];
  /** The creating request's provider base URL (`c.get("providerBase")`), for webhook bodies. */
  base?: string;
  /** Builds the outputs once the id and timing are known. */
  outputs(jobId: string, times: { startAt: number; endAt: number }): TamsOutput[];
  nodes?: (outputs: TamsOutput[]) => TamsJobNode[];
}

/**
 * Charges and creates a job. Throws (leaving nothing behind) when the balance is short.
 */
export function createJob(state: TamsState, spec: NewJob): TamsJob {
  const { ctx } = state;
  const now = ctx.clock.now();
  const slow = spec.directives.slowFactor ?? 1;
  const queue = state.tenantState(spec.tenant).queue;
  // [inferred] one job at a time per key: this one starts when the key's previous job ends.
  const queuedMs = Math.max(ctx.clock.duration(QUEUE_MS * slow), queue.lastEnd - now);
  const timeline = createTimeline(
    now,
    { queuedMs, runningMs: ctx.clock.duration(spec.runningMs * slow) },
    outcomeFrom(spec.directives),
  );
  const id = state.nextJobId();
  const charge = spec.tenant.ledger.tryCharge(spec.credits, `tams job ${id}`);
  if (!charge.ok)
    // [inferred] TAMS does not publish its insufficient-credit answer.
    throw new TamsError(
      "FAILED_PRECONDITION",
      `insufficient credits: the job costs ${spec.credits}, the balance is ${charge.balance}`,
    );
  const startAt = timeline.createdAt + timeline.queuedMs;
  const endAt = startAt + timeline.runningMs;
  const outputs = spec.outputs(id, { startAt, endAt });
  // The slot is taken only once the charge went through: a refused job leaves no trace. A job
  // that hangs (a fault) frees its slot at its nominal end, so one stuck job does not stall the key.
  const queueSeq = queue.dropped + queue.starts.push(startAt) - 1;
  queue.lastEnd = endAt;
  const job = ctx.jobs.add<TamsJobData>({
    id,
    provider: ctx.name,
    tenantKey: spec.tenant.key,
    timeline,
    data: {
      kind: spec.kind,
      requestId: spec.requestId,
      credits: spec.credits,
      outputs,
      ...(spec.nodes ? { nodes: spec.nodes(outputs) } : {}),
      ...(spec.notifyUrl ? { notifyUrl: spec.notifyUrl } : {}),
      ...(spec.stageTypes ? { stageTypes: spec.stageTypes } : {}),
      ...(spec.base ? { base: spec.base } : {}),
      registered: new Set(),
      refunded: false,
      queueSeq,
    },
  });
  // [inferred] a failed job is not billed: the charge comes back when it fails.
  if (timeline.outcome.kind === "fail") ctx.clock.schedule(endAt, () => refund(state, job, "failed"));
  if (spec.notifyUrl) {
    notify(state, job);
    // Each delivery shows the job as it was when due, even if the clock jumped past several changes.
    if (timeline.outcome.kind !== "hang") {
      ctx.clock.schedule(startAt, () => notify(state, job, undefined, startAt));
      ctx.clock.schedule(endAt, () => notify(state, job, undefined, endAt));
    }
  }
  return job;
}

/**
 * Drops what TAMS keeps about a job the core's cap evicted: its requestId (a create with the same
 * requestId then makes a new job [inferred]: the doc names no window for idempotence, and an
 * evicted job is as unknown as one never made), its outputs' resource ids, and the started front
 * of its key's queue. Its files go in the core.
 */
export function forgetJob(state: TamsState, job: TamsJob): void {
  const { ctx } = state;
  for (const id of job.data.registered) state.resources.delete(id);
  const tenant = ctx.tenants.peek(job.tenantKey);
  if (!tenant) return;
  const { requests, queue } = state.tenantState(tenant);
  if (requests.get(job.data.requestId) === job.id) requests.delete(job.data.requestId);
  trimQueue(queue, ctx.clock.now());
}

/** Gives a job's credits back once. */
export function refund(state: TamsState, job: TamsJob, why: string): void {
  if (job.data.refunded) return;
  job.data.refunded = true;
  state.ctx.tenants.peek(job.tenantKey)?.ledger.refund(job.data.credits, `tams job ${job.id} ${why}`);
}

/**
 * Cancels a job that has not finished: a job canceled while queued leaves its key's queue.
 * Returns false (changing nothing) for a finished job.
 */
export function cancel(state: TamsState, job: TamsJob): boolean {
  const now = state.ctx.clock.now();
  const wasQueued = jobView(job.timeline, now).phase === "queued";
  // Through the store, so the change is published on the event stream.
  if (!state.ctx.jobs.cancel(job).ok) return false;
  const tenant = state.ctx.tenants.peek(job.tenantKey);
  if (wasQueued && tenant) {
    const { canceled } = state.tenantState(tenant).queue;
    canceled.splice(bisect(canceled, job.data.queueSeq), 0, job.data.queueSeq);
  }
  return true;
}

/** A job's status at `now`, without building the answer. */
export function statusAt(job: TamsJob, now: number): JobStatus {
  return STATUS_OF[jobView(job.timeline, now).phase];
}

/** Sends the job to its webhook if its status changed since the last send. */
export function notify(state: TamsState, job: TamsJob, base?: string, at?: number): void {
  const url = job.data.notifyUrl;
  if (!url) return;
  const status = statusAt(job, at ?? state.ctx.clock.now());
  if (job.data.notified === status) return;
  job.data.notified = status;
  // A state directory's replay rebuilds the job; its webhooks were delivered the first time (and
  // the body is made asynchronously, after the replay has moved on: decide now).
  if (state.ctx.clock.isReplaying()) return;
  void jobResponse(state, job, base ?? job.data.base ?? DEFAULT_BASE, at).then(
    (body) => state.webhooks.send(url, status, body),
    (err) =>
      state.ctx.log(
        `webhook body for job ${job.id} failed: ${err instanceof Error ? err.message : String(err)}`,
      ),
  );
}

/** Webhooks have no request of their own: a job made without one (in process) names this base. */
const DEFAULT_BASE = "http://127.0.0.1/tams";

/** The file-store path of an output. */
export function outputPath(jobId: string, o: Pick<TamsOutput, "id" | "format">): string {
  return `results/${jobId}/${o.id}.${o.format}`;
}

const renderers = new WeakMap<TamsState, (file: StoredFile) => Promise<Buffer>>();

/**
 * Renders a registered output, found through its file's job and path, at the size a read may have
 * promised (its meta keeps it, see fileSize): one function per server, not a closure per file.
 */
function outputRenderer(state: TamsState): (file: StoredFile) => Promise<Buffer> {
  let render = renderers.get(state);
  if (!render) {
    render = async (file) => {
      const job = state.ctx.jobs.get<TamsJobData>(state.ctx.name, file.jobId ?? "");
      const id = file.path.slice(file.path.lastIndexOf("/") + 1, file.path.lastIndexOf("."));
      const o = job?.data.outputs.find((out) => out.id === id);
      // A job's files are deleted with it, before anything can read them.
      if (!o) throw new Error(`tams: no output for ${file.path}`);
      return keepPromise(file.meta as SizeRecord, await o.render(), o.format, (problem) =>
        state.ctx.log(`job ${file.jobId} output ${id}: ${problem}`),
      );
    };
    renderers.set(state, render);
  }
  return render;
}

/** Puts ready outputs into the file store and the resource index (once each). */
function register(state: TamsState, job: TamsJob, now: number): void {
  const { ctx } = state;
  if (job.timeline.outcome.kind !== "succeed") return;
  const canceledAt = job.timeline.canceledAt;
  for (const o of job.data.outputs) {
    if (job.data.registered.has(o.id) || o.readyAt > now) continue;
    if (canceledAt !== undefined && canceledAt < o.readyAt) continue;
    const path = outputPath(job.id, o);
    ctx.files.putResult({
      provider: ctx.name,
      path,
      tenantKey: job.tenantKey,
      jobId: job.id,
      contentType: CONTENT_TYPES[o.format],
      createdAt: o.readyAt,
      expiresAt: o.readyAt + state.options.resultTtlSec * 1000,
      render: outputRenderer(state),
      meta: { jobId: job.id, width: o.width, height: o.height },
    });
    state.resources.add({
      id: o.id,
      tenantKey: job.tenantKey,
      state: "ready",
      origin: "result",
      path,
      width: o.width,
      height: o.height,
      format: o.format,
    });
    job.data.registered.add(o.id);
  }
}

/** A resource image as TAMS shows it: `{id, url, expiredIn, meta:{image:{format,width,height}}}`. */
export function resourceImage(state: TamsState, base: string, jobId: string, o: TamsOutput) {
  const expiresAt = o.readyAt + state.options.resultTtlSec * 1000;
  // [inferred] expiredIn: unix seconds when the URL stops working (the doc's URLs carry `Expires=<unix s>`).
  const expires = Math.floor(expiresAt / 1000);
  return {
    id: o.id,
    url: `${base}/files/${outputPath(jobId, o)}?Expires=${expires}`,
    expiredIn: int64Out(expires),
    meta: { image: { format: o.format, width: o.width, height: o.height } },
  };
}

/**
 * exiftool's FileSize text (its tag names are what `imageExifMetaMap` carries): bytes below 2 kB,
 * then kB with one decimal below 10 kB and none above, then MB (inferred from the tag names and
 * the "N kB" public clients read).
 */
export function exifFileSize(bytes: number): string {
  if (bytes < 2048) return `${bytes} bytes`;
  if (bytes < 10_240) return `${(bytes / 1024).toFixed(1)} kB`;
  if (bytes < 2_097_152) return `${Math.round(bytes / 1024)} kB`;
  if (bytes < 10_485_760) return `${(bytes / 1_048_576).toFixed(1)} MB`;
  return `${Math.round(bytes / 1_048_576)} MB`;
}

/**
 * The byte size of a registered output without rendering it: its size once rendered, else a size
 * promised now that its render will keep [inferred] (see core/promised-size.ts).
 */
function fileSize(state: TamsState, job: TamsJob, o: TamsOutput): number | undefined {
  const meta = state.ctx.files.stat(state.ctx.name, outputPath(job.id, o))?.meta as SizeRecord | undefined;
  if (!meta) return undefined;
  return promisedSize(meta, () => o.sizeBound ?? sizeBound(o.width, o.height, o.format, 4096, true));
}

/**
 * `successInfo.imageExifMetaMap`: per image id, `meta.{FileSize, ImageSize, MIMEType, Seed}`, all
 * strings [public client]; public clients index it on SUCCESS.
 */
function exifMetaMap(state: TamsState, job: TamsJob, images: readonly TamsOutput[]) {
  const map: Record<string, { meta: Record<string, string | undefined> }> = {};
  for (const o of images) {
    const size = fileSize(state, job, o);
    map[o.id] = {
      meta: {
        FileSize: size === undefined ? undefined : exifFileSize(size),
        ImageSize: `${o.width}x${o.height}`,
        MIMEType: CONTENT_TYPES[o.format],
        Seed: o.seed === undefined ? undefined : String(o.seed),
      },
    };
  }
  return map;
}

/** When each stage of a stage job runs: INPUT_INITIALIZE takes no time, the others share the running time. */
function stageWindows(types: readonly string[], timeline: JobTimeline): { from: number; to: number }[] {
  const startAt = timeline.createdAt + timeline.queuedMs;
  const working = types.filter((t) => t !== "INPUT_INITIALIZE").length || 1;
  let at = startAt;
  return types.map((t) => {
    const from = at;
    if (t !== "INPUT_INITIALIZE") at += timeline.runningMs / working;
    return { from, to: at };
  });
}

/**
 * `stages[]` as the official types declare them: `{stageIndex (int64 as a string),
 * processingImages[{resourceImage, progress (int32, percent)}]}` for the stages started by `now`
 * [official types]. Only the last stage's images exist (the emulator renders final images only),
 * so only it carries `resourceImage`, once the job has succeeded.
 */
function stageInfos(
  state: TamsState,
  job: TamsJob,
  base: string,
  now: number,
  finalImages: boolean,
): Record<string, unknown>[] {
  const types = job.data.stageTypes ?? [];
  const windows = stageWindows(types, job.timeline);
  const last = types.length - 1;
  const out: Record<string, unknown>[] = [];
  types.forEach((_, k) => {
    const { from, to } = windows[k]!;
    if (now < from) return;
    // [inferred] progress is a percentage: an int32 cannot hold the workflow nodes' 0-1 `process`.
    const progress = now >= to ? 100 : Math.floor(((now - from) / Math.max(1, to - from)) * 100);
    out.push({
      stageIndex: int64Out(k),
      processingImages: job.data.outputs.map((o) => ({
        resourceImage: finalImages && k === last ? resourceImage(state, base, job.id, o) : undefined,
        progress,
      })),
    });
  });
  return out;
}

/** `{job}` as `GET /v1/jobs/{id}` answers it (at `at`, for a webhook due then; default now). */
export async function jobResponse(
  state: TamsState,
  job: TamsJob,
  base: string,
  at?: number,
): Promise<{ job: Record<string, unknown> }> {
  const { ctx } = state;
  const now = at ?? ctx.clock.now();
  register(state, job, now);
  const view = jobView(job.timeline, now);
  const status = STATUS_OF[view.phase];
  const out: Record<string, unknown> = { id: job.id, status, credits: job.data.credits };
  const stages = job.data.kind === "stages";
  if (view.phase === "queued") {
    const tenant = ctx.tenants.peek(job.tenantKey);
    const place = tenant && queuePlace(state.tenantState(tenant).queue, job.data.queueSeq, now);
    // [inferred] queueRank counts from 1 (the next job to run); queueLen is the key's waiting jobs.
    if (place) out.waitingInfo = { queueRank: int64Out(place.rank), queueLen: int64Out(place.len) };
  } else if (view.phase === "running") {
    // Stages advance with the job's progress, which a stuck job (a fault) never completes.
    const { createdAt, queuedMs, runningMs } = job.timeline;
    const reached = createdAt + queuedMs + view.progress * runningMs;
    if (stages) out.runningInfo = { stages: stageInfos(state, job, base, reached, false) };
    else out.runningInfo = { workflowFinishItem: workflowItem(state, job, base, now, "RUNNING") };
  } else if (view.phase === "succeeded") {
    const imageOutputs = job.data.outputs.filter((o) => o.kind === "image");
    const images = imageOutputs.map((o) => resourceImage(state, base, job.id, o));
    const videos = job.data.outputs
      .filter((o) => o.kind === "video")
      .map((o) => resourceImage(state, base, job.id, o));
    out.successInfo = {
      images,
      ...(videos.length ? { videos } : {}),
      ...(stages ? { stages: stageInfos(state, job, base, now, true) } : {}),
      imageExifMetaMap: exifMetaMap(state, job, imageOutputs),
      ...(!stages ? { workflowFinishItem: workflowItem(state, job, base, now, "SUCCESS") } : {}),
    };
  } else if (view.phase === "failed") {
    const outcome = job.timeline.outcome;
    const endAt = job.timeline.createdAt + job.timeline.queuedMs + job.timeline.runningMs;
    out.failedInfo = {
      reason: outcome.kind === "fail" ? outcome.reason : "failed",
      code: "FATAL_ERROR",
      // [official types] "already finished stages info": those that ended before the failing one.
      ...(stages
        ? {
            stages: stageInfos(state, job, base, endAt - 1, false).filter((s) =>
              (s.processingImages as { progress: number }[]).every((p) => p.progress === 100),
            ),
          }
        : {}),
    };
  }
  return { job: compact(out) };
}

/** When workflow node `k` of `n` runs: the nodes share the first {@link NODE_SHARE} of the running time. */
export function nodeWindow(timeline: Pick<JobTimeline, "runningMs">, startAt: number, k: number, n: number) {
  const span = timeline.runningMs * NODE_SHARE;
  return { from: startAt + (span * k) / n, to: startAt + (span * (k + 1)) / n };
}

/**
 * `workflowFinishItem`: node statuses, as in the doc's "Get workflow result" example; once every
 * node has finished it reads SUCCESS, with each SaveImage's `outputUi`, while the job is still
 * RUNNING (storing the results) [doc].
 */
function workflowItem(
  state: TamsState,
  job: TamsJob,
  base: string,
  now: number,
  status: "RUNNING" | "SUCCESS",
) {
  const nodes = job.data.nodes ?? [];
  const { timeline } = job;
  const startAt = timeline.createdAt + timeline.queuedMs;
  const n = Math.max(1, nodes.length);
  const out: Record<string, unknown> = {};
  const finished: Record<string, boolean> = {};
  nodes.forEach((node, k) => {
    const { from, to } = nodeWindow(timeline, startAt, k, n);
    const done = status === "SUCCESS" || now >= to;
    if (!done && now < from) return;
    const entry: Record<string, unknown> = { id: node.id, status: done ? "SUCCESS" : "RUNNING" };
    if (node.sampler)
      entry.process = done ? 1 : Math.round(((now - from) / Math.max(1, to - from)) * 100) / 100;
    if (done && node.outputIds.length > 0) {
      const images = node.outputIds
        .map((id) => job.data.outputs.find((o) => o.id === id))
        .filter((o): o is TamsOutput => o !== undefined)
        .map((o) => {
          const r = resourceImage(state, base, job.id, o);
          return {
            filename: r.url,
            type: "output",
            height: o.height,
            width: o.width,
            format: o.format,
            imageResourceId: o.id,
          };
        });
      entry.outputUi = { images };
    }
    out[node.id] = entry;
    if (done) finished[node.id] = true;
  });
  const allDone = nodes.length > 0 && nodes.every((node) => finished[node.id]);
  return { status: allDone ? "SUCCESS" : status, nodes: out, finishedNodes: finished };
}
