/**
 * Every provider's jobs, by provider and id.
 *
 * Jobs are indexed globally (not only per tenant) because some providers let a job be read
 * without a key (Aitubo's `GET /api/job/get`); each job remembers its tenant.
 */
import { type JobTimeline, type JobView, jobView } from "./job-engine.js";

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
  count(provider?: string, tenantKey?: string): number;
  deleteTenant(tenantKey: string): void;
  clear(): void;
}

/** Creates the job store. */
export function createJobStore(now: () => number): JobStore {
  const byProvider = new Map<string, Map<string, Job>>();
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
      return job;
    },
    get: <T>(provider: string, id: string) => byProvider.get(provider)?.get(id) as Job<T> | undefined,
    list: <T>(provider: string, tenantKey: string) =>
      [...bucket(provider).values()].filter((j) => j.tenantKey === tenantKey) as Job<T>[],
    view: (job) => jobView(job.timeline, now()),
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
    clear: () => byProvider.clear(),
  };
}
