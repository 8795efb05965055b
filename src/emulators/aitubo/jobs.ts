/**
 * Aitubo jobs: creation (charge, timeline, result files), and the views `/api/job/get` and
 * `/api/job/list` return.
 */

import { createTimeline, type JobDirectives, type JobPhase, outcomeFrom } from "../core/job-engine.js";
import type { Job } from "../core/job-store.js";
import type { Tenant } from "../core/tenants.js";
import { AITUBO, type AituboContext, tenantState } from "./context.js";
import { AITUBO_MESSAGES, aituboError } from "./errors.js";

/** What kind of work a job is. */
export type JobKind = "create" | "upscale" | "headshot";

/** One output image of a job. */
export interface JobImage {
  path: string;
  artId: string;
}

/** Aitubo's record of a job. */
export interface AituboJob {
  kind: JobKind;
  /** The args echoed by `/api/job/get`. */
  args: Record<string, unknown>;
  images: JobImage[];
  nsfw: boolean;
  consumedCredit: number;
}

/** [doc] status: 0 not ready, 1 processing, 2 success, 3 failure. */
export const STATUS_OF_PHASE: Record<JobPhase, 0 | 1 | 2 | 3> = {
  queued: 0,
  running: 1,
  succeeded: 2,
  failed: 3,
  // Aitubo has no cancel; the engine phase cannot occur here, but the map must be total.
  canceled: 3,
};

/**
 * [doc] "Each photo takes about 2 seconds": 2 s per 512×512 image at 30 steps, scaled by pixels and
 * steps [inferred], after 0.5 s in the queue [inferred].
 */
export function createDurations(count: number, width: number, height: number, steps: number) {
  return {
    queuedMs: 500,
    runningMs: 2000 * count * Math.max(0.25, (width * height) / (512 * 512)) * (steps / 30),
  };
}

/** Options of {@link startJob}. */
export interface StartJob {
  tenant: Tenant;
  kind: JobKind;
  args: Record<string, unknown>;
  credits: number;
  durations: { queuedMs: number; runningMs: number };
  directives: JobDirectives;
  /** Registers the result files once the job id is known; returns the images. */
  makeImages(jobId: string): JobImage[];
}

/**
 * Charges, then creates the job. When the balance is short nothing is created (code 1000).
 * [inferred] A job that fails is refunded when it fails (scheduled on the clock).
 */
export function startJob(ctx: AituboContext, o: StartJob): { job: Job<AituboJob>; balance: number } {
  const { clock } = ctx.core;
  const now = clock.now();
  const id = ctx.ids.objectId(now);
  const charge = o.tenant.ledger.tryCharge(o.credits, `aitubo ${o.kind} ${id}`);
  if (!charge.ok) aituboError("NO_CREDIT", AITUBO_MESSAGES.noCredit);
  const slow = o.directives.slowFactor ?? 1;
  const timeline = createTimeline(
    now,
    {
      queuedMs: clock.duration(o.durations.queuedMs) * slow,
      runningMs: clock.duration(o.durations.runningMs) * slow,
    },
    outcomeFrom(o.directives),
  );
  const images = o.makeImages(id);
  const job = ctx.core.jobs.add<AituboJob>({
    id,
    provider: AITUBO,
    tenantKey: o.tenant.key,
    timeline,
    data: { kind: o.kind, args: o.args, images, nsfw: o.directives.nsfw ?? false, consumedCredit: o.credits },
  });
  if (timeline.outcome.kind === "fail") {
    const failsAt = timeline.createdAt + timeline.queuedMs + timeline.runningMs;
    const tenant = o.tenant;
    clock.schedule(failsAt, () => tenant.ledger.refund(o.credits, `aitubo refund failed job ${id}`));
  }
  return { job, balance: charge.balance };
}

/** `/api/job/get`'s `data`. */
export function jobStatusView(ctx: AituboContext, job: Job<AituboJob>, domain: string) {
  const view = ctx.core.jobs.view(job);
  const status = STATUS_OF_PHASE[view.phase];
  const data: Record<string, unknown> = {
    id: job.id,
    args: job.data.args,
    status,
    createAt: new Date(job.timeline.createdAt).toISOString(),
  };
  if (status === 2) {
    const nsfws = job.data.images.map(() => job.data.nsfw);
    data.result = {
      // [client] real clients read result.code; [doc] info carries the NSFW warning.
      code: 0,
      ...(job.data.nsfw ? { info: "Warning: some images may contain NSFW content" } : {}),
      data: {
        images: job.data.images.map((i) => i.path),
        artIds: job.data.images.map((i) => i.artId),
        nsfws,
        domain,
      },
    };
  } else if (status === 3 && job.timeline.outcome.kind === "fail") {
    // [inferred] the failure shape: a non-zero result.code and the reason in result.info.
    data.result = { code: 1, info: job.timeline.outcome.reason };
  }
  return data;
}

/** A tenant's arts, with the variants whose upscale jobs have finished. */
export function artView(ctx: AituboContext, tenant: Tenant, artId: string) {
  const art = tenantState(tenant).arts.get(artId);
  if (!art) return undefined;
  const done = (art.variants ?? []).filter((v) => {
    const j = ctx.core.jobs.get(AITUBO, v.jobId);
    return j !== undefined && ctx.core.jobs.view(j).phase === "succeeded";
  });
  return { art, variants: done };
}

/**
 * Drops what the tenant keeps about an evicted job: its arts, or (an upscale) its variant of an art.
 */
export function forgetJob(ctx: AituboContext, job: Job<AituboJob>): void {
  const tenant = ctx.core.tenants.peek(job.tenantKey);
  if (!tenant) return;
  const arts = tenantState(tenant).arts;
  for (const img of job.data.images) {
    const art = arts.get(img.artId);
    if (!art) continue;
    if (art.jobId === job.id) arts.delete(img.artId);
    else art.variants = art.variants?.filter((v) => v.jobId !== job.id);
  }
}
