/**
 * TAMS jobs over the core engine: creation (charge, timeline, webhooks), and the job as TAMS
 * shows it. Phases map to TAMS statuses: queued → WAITING (CREATED in the create answer),
 * running → RUNNING, succeeded → SUCCESS, failed → FAILED, canceled → CANCELED.
 *
 * Result files exist from the moment the job shows them: they are registered when a read (or a
 * webhook) first sees them ready, with their expiry counted from when they were made.
 */
import { CONTENT_TYPES } from "../core/images.js";
import type { JobDirectives } from "../core/job-engine.js";
import { createTimeline, type JobPhase, jobView, outcomeFrom } from "../core/job-engine.js";
import type { Job } from "../core/job-store.js";
import type { Tenant } from "../core/tenants.js";
import { TamsError } from "./errors.js";
import { compact, int64Out } from "./protojson.js";
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

const STATUS_OF: Record<JobPhase, JobStatus> = {
  queued: "WAITING",
  running: "RUNNING",
  succeeded: "SUCCESS",
  failed: "FAILED",
  canceled: "CANCELED",
};

/** How long a job waits in the queue before it runs, in emulated ms (inferred). */
export const QUEUE_MS = 1500;

/** A file a job makes. */
export interface TamsOutput {
  id: string;
  kind: "image" | "video";
  width: number;
  height: number;
  format: "png" | "webp";
  /** Emulated time at which it exists (the job's end, or its SaveImage node's). */
  readyAt: number;
  render: () => Promise<Buffer>;
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
  const timeline = createTimeline(
    now,
    { queuedMs: ctx.clock.duration(QUEUE_MS * slow), runningMs: ctx.clock.duration(spec.runningMs * slow) },
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
      registered: new Set(),
      refunded: false,
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

/** Gives a job's credits back once. */
export function refund(state: TamsState, job: TamsJob, why: string): void {
  if (job.data.refunded) return;
  job.data.refunded = true;
  state.ctx.tenants.peek(job.tenantKey)?.ledger.refund(job.data.credits, `tams job ${job.id} ${why}`);
}

/** Sends the job to its webhook if its status changed since the last send. */
export function notify(state: TamsState, job: TamsJob, base?: string, at?: number): void {
  const url = job.data.notifyUrl;
  if (!url) return;
  const body = jobResponse(state, job, base ?? baseOf(url, state), at);
  const status = body.job.status as JobStatus;
  if (job.data.notified === status) return;
  job.data.notified = status;
  state.webhooks.send(url, status, body);
}

/** Webhooks have no request to take a base URL from: use the one recorded at creation. */
const bases = new WeakMap<TamsState, string>();

/** Remembers the emulator's base URL (from the latest request) for webhook bodies. */
export function rememberBase(state: TamsState, base: string): void {
  bases.set(state, base);
}

function baseOf(_url: string, state: TamsState): string {
  return bases.get(state) ?? "http://127.0.0.1/tams";
}

/** The file-store path of an output. */
export function outputPath(jobId: string, o: Pick<TamsOutput, "id" | "format">): string {
  return `results/${jobId}/${o.id}.${o.format}`;
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
      render: o.render,
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

/** `{job}` as `GET /v1/jobs/{id}` answers it (at `at`, for a webhook due then; default now). */
export function jobResponse(
  state: TamsState,
  job: TamsJob,
  base: string,
  at?: number,
): { job: Record<string, unknown> } {
  const { ctx } = state;
  const now = at ?? ctx.clock.now();
  register(state, job, now);
  const view = jobView(job.timeline, now);
  const status = STATUS_OF[view.phase];
  const out: Record<string, unknown> = { id: job.id, status, credits: job.data.credits };
  if (view.phase === "queued") {
    const queued = ctx.jobs
      .list<TamsJobData>(ctx.name, job.tenantKey)
      .filter((j) => jobView(j.timeline, now).phase === "queued")
      .sort((a, b) => a.timeline.createdAt - b.timeline.createdAt || (BigInt(a.id) < BigInt(b.id) ? -1 : 1));
    const rank = queued.findIndex((j) => j.id === job.id);
    // [inferred] queueRank counts from 1 (the next job to run).
    out.waitingInfo = { queueRank: int64Out(rank + 1), queueLen: int64Out(queued.length) };
  } else if (view.phase === "running") {
    const progress = Math.round(view.progress * 100) / 100;
    if (job.data.kind === "workflow")
      out.runningInfo = { workflowFinishItem: workflowItem(state, job, base, now, "RUNNING") };
    else out.runningInfo = { processingImages: job.data.outputs.map(() => ({ progress })) };
  } else if (view.phase === "succeeded") {
    const images = job.data.outputs
      .filter((o) => o.kind === "image")
      .map((o) => resourceImage(state, base, job.id, o));
    const videos = job.data.outputs
      .filter((o) => o.kind === "video")
      .map((o) => resourceImage(state, base, job.id, o));
    out.successInfo = {
      images,
      ...(videos.length ? { videos } : {}),
      ...(job.data.kind === "workflow"
        ? { workflowFinishItem: workflowItem(state, job, base, now, "SUCCESS") }
        : {}),
    };
  } else if (view.phase === "failed") {
    const outcome = job.timeline.outcome;
    out.failedInfo = {
      reason: outcome.kind === "fail" ? outcome.reason : "failed",
      code: "FATAL_ERROR",
    };
  }
  return { job: compact(out) };
}

/** `workflowFinishItem`: node statuses, as in the doc's "Get workflow result" example. */
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
    const from = startAt + (timeline.runningMs * k) / n;
    const to = startAt + (timeline.runningMs * (k + 1)) / n;
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
  return { status, nodes: out, finishedNodes: finished };
}
