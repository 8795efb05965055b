/**
 * Every provider's jobs, by provider and id.
 *
 * Jobs are indexed globally (not only per tenant) because some providers let a job be read
 * without a key (Aitubo's `GET /api/job/get`); each job remembers its tenant.
 */
import type { Clock } from "./clock.js";
import type { EventBus } from "./events.js";
import { type CancelResult, cancelJob, type JobTimeline, type JobView, jobView } from "./job-engine.js";
import { createPhaseWatch } from "./phase-watch.js";

/** A job as the core keeps it; `data` is the provider's own record. */
export interface Job<T = unknown> {
  readonly id: string;
  readonly provider: string;
  readonly tenantKey: string;
  readonly timeline: JobTimeline;
  data: T;
}

/** The store of jobs. */
export interface JobStore {
  add<T>(job: Job<T>): Job<T>;
  get<T>(provider: string, id: string): Job<T> | undefined;
  /** A tenant's jobs for one provider, oldest first. */
  list<T>(provider: string, tenantKey: string): Job<T>[];
  /** The phase of a job at the clock's now. */
  view(job: Job): JobView;
  /** Cancels a job that has not finished (publishing the change); see {@link cancelJob}. */
  cancel(job: Job): CancelResult;
  /**
   * Jobs newest first, optionally of one provider and/or tenant, skipping `offset` and returning
   * at most `limit`, with the total that matched (for paged lists).
   */
  page(filter: { provider?: string; tenantKey?: string; offset?: number; limit?: number }): {
    total: number;
    jobs: Job[];
  };
  count(provider?: string, tenantKey?: string): number;
  deleteTenant(tenantKey: string): void;
  clear(): void;
}

/**
 * Creates the job store. With `watch`, it publishes `job.created` and, as the clock passes them,
 * `job.phase` changes on the event bus.
 */
export function createJobStore(now: () => number, watch?: { clock: Clock; events: EventBus }): JobStore {
  const byProvider = new Map<string, Map<string, Job>>();
  const phases = watch
    ? createPhaseWatch(watch.clock, watch.events, (job) => byProvider.get(job.provider)?.get(job.id) === job)
    : undefined;
  const bucket = (provider: string) => {
    let m = byProvider.get(provider);
    if (!m) {
      m = new Map();
      byProvider.set(provider, m);
    }
    return m;
  };
  return {
    add(job) {
      bucket(job.provider).set(job.id, job as Job);
      phases?.add(job as Job);
      return job;
    },
    get: <T>(provider: string, id: string) => byProvider.get(provider)?.get(id) as Job<T> | undefined,
    list: <T>(provider: string, tenantKey: string) =>
      [...bucket(provider).values()].filter((j) => j.tenantKey === tenantKey) as Job<T>[],
    view: (job) => jobView(job.timeline, now()),
    cancel(job) {
      const result = cancelJob(job.timeline, now());
      if (result.ok) phases?.touch(job);
      return result;
    },
    page({ provider, tenantKey, offset = 0, limit = 50 }) {
      // Newest first: each provider's map is in insertion (= creation) order, so walk them backwards
      // and merge by creation time. Only the page is materialised.
      const lists = [...byProvider]
        .filter(([p]) => !provider || p === provider)
        .map(([, jobs]) => [...jobs.values()]);
      const cursors = lists.map((l) => l.length - 1);
      const jobs: Job[] = [];
      let total = 0;
      for (;;) {
        let pick = -1;
        for (let i = 0; i < lists.length; i++) {
          while (cursors[i]! >= 0 && tenantKey && lists[i]![cursors[i]!]!.tenantKey !== tenantKey)
            cursors[i]!--;
          if (cursors[i]! < 0) continue;
          if (
            pick < 0 ||
            lists[i]![cursors[i]!]!.timeline.createdAt > lists[pick]![cursors[pick]!]!.timeline.createdAt
          )
            pick = i;
        }
        if (pick < 0) break;
        const job = lists[pick]![cursors[pick]!--]!;
        if (total >= offset && jobs.length < limit) jobs.push(job);
        total++;
      }
      return { total, jobs };
    },
    count(provider, tenantKey) {
      let n = 0;
      for (const [p, jobs] of byProvider) {
        if (provider && p !== provider) continue;
        for (const j of jobs.values()) if (!tenantKey || j.tenantKey === tenantKey) n++;
      }
      return n;
    },
    deleteTenant(tenantKey) {
      for (const jobs of byProvider.values())
        for (const [id, j] of jobs) if (j.tenantKey === tenantKey) jobs.delete(id);
    },
    clear() {
      byProvider.clear();
      phases?.clear();
    },
  };
}
