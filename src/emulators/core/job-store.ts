/**
 * Every provider's jobs, by provider and id, with a cap.
 *
 * Jobs are indexed globally (not only per tenant) because some providers let a job be read
 * without a key (Aitubo's `GET /api/job/get`); each job remembers its tenant, and a per-tenant
 * index keeps a tenant's listing and count independent of how many jobs other tenants have.
 *
 * Bounded: past `maxJobs`, the oldest *finished* job is evicted (with whatever its listeners drop:
 * its files, the provider's own records of it). An evicted job is simply unknown, so every provider
 * answers for it exactly as for an id it never issued. Jobs still queued or running are never
 * evicted: a cap that dropped live work would change what a client sees mid-job.
 */
import type { Clock } from "./clock.js";
import type { EventBus } from "./events.js";
import {
  type CancelResult,
  cancelJob,
  isTerminal,
  type JobTimeline,
  type JobView,
  jobView,
} from "./job-engine.js";
import type { PhaseCount } from "./phase-counts.js";
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
   * at most `limit`, with the total that matched (for paged lists). With a tenant, it walks only
   * that tenant's jobs (its index); a tenant with one provider's jobs costs O(offset + limit).
   */
  page(filter: { provider?: string; tenantKey?: string; offset?: number; limit?: number }): {
    total: number;
    jobs: Job[];
  };
  /** O(1) for all jobs, one provider's or one tenant's; O(providers) for both. */
  count(provider?: string, tenantKey?: string): number;
  /**
   * One provider's jobs per phase in O(1), as the event stream last told them (a store made
   * without `watch` has no counts: `undefined`).
   */
  phaseCounts(provider: string): PhaseCount | undefined;
  /** Called with every job evicted by the cap (not with jobs dropped by a reset). */
  onEvict(listener: (job: Job) => void): void;
  /** Jobs evicted by the cap since start (or the last full reset). */
  readonly evicted: number;
  /** The cap (Infinity when unbounded). */
  readonly maxJobs: number;
  deleteTenant(tenantKey: string): void;
  clear(): void;
}

/** Options of {@link createJobStore}. */
export interface JobStoreOptions {
  /** Most jobs kept; past it the oldest finished ones are evicted. Default: unbounded. */
  maxJobs?: number;
}

/** Jobs looked at per eviction before giving up (all of them running: the cap waits for them). */
const EVICTION_SCAN = 64;

/**
 * Creates the job store. With `watch`, it publishes `job.created` and, as the clock passes them,
 * `job.phase` changes on the event bus.
 * @example
 * const jobs = createJobStore(clock.now, { clock, events }, { maxJobs: 100_000 });
 * jobs.onEvict((job) => files.deleteJob(job.provider, job.id));
 */
export function createJobStore(
  now: () => number,
  watch?: { clock: Clock; events: EventBus },
  options: JobStoreOptions = {},
): JobStore {
  const maxJobs = options.maxJobs ?? Number.POSITIVE_INFINITY;
  const byProvider = new Map<string, Map<string, Job>>();
  const phases = watch
    ? createPhaseWatch(watch.clock, watch.events, (job) => byProvider.get(job.provider)?.get(job.id) === job)
    : undefined;
  // Per tenant, per provider, in insertion order (a Set deletes in O(1) and iterates oldest first).
  const byTenant = new Map<string, Map<string, Set<Job>>>();
  // Every job in creation order, for eviction; a job dropped by a reset stays until it is reached.
  let order: Job[] = [];
  let head = 0;
  let size = 0;
  let evicted = 0;
  const listeners: ((job: Job) => void)[] = [];
  const bucket = (provider: string) => {
    let m = byProvider.get(provider);
    if (!m) {
      m = new Map();
      byProvider.set(provider, m);
    }
    return m;
  };
  const tenantSet = (tenantKey: string, provider: string) => {
    let t = byTenant.get(tenantKey);
    if (!t) {
      t = new Map();
      byTenant.set(tenantKey, t);
    }
    let s = t.get(provider);
    if (!s) {
      s = new Set();
      t.set(provider, s);
    }
    return s;
  };
  const isStored = (job: Job) => byProvider.get(job.provider)?.get(job.id) === job;
  const remove = (job: Job) => {
    byProvider.get(job.provider)?.delete(job.id);
    const t = byTenant.get(job.tenantKey);
    const s = t?.get(job.provider);
    s?.delete(job);
    if (s?.size === 0) t!.delete(job.provider);
    if (t?.size === 0) byTenant.delete(job.tenantKey);
    size--;
    phases?.remove(job);
  };

  /** Evicts the oldest finished job, looking at no more than EVICTION_SCAN live ones; false if none. */
  const evictOne = (): boolean => {
    let done = false;
    const t = now();
    for (let looked = 0; head < order.length && looked < EVICTION_SCAN; ) {
      const job = order[head]!;
      order[head++] = undefined as unknown as Job;
      if (!isStored(job)) continue;
      looked++;
      if (!isTerminal(jobView(job.timeline, t).phase)) {
        // Still running: it goes to the back and is looked at again once the others have been.
        order.push(job);
        continue;
      }
      remove(job);
      evicted++;
      for (const l of listeners) l(job);
      done = true;
      break;
    }
    // Drop the consumed front of the queue once it is most of the array.
    if (head > 1024 && head * 2 > order.length) {
      order = order.slice(head);
      head = 0;
    }
    return done;
  };

  return {
    add(job) {
      bucket(job.provider).set(job.id, job as Job);
      tenantSet(job.tenantKey, job.provider).add(job as Job);
      size++;
      phases?.add(job as Job);
      if (maxJobs !== Number.POSITIVE_INFINITY) {
        order.push(job as Job);
        while (size > maxJobs && evictOne()) {}
      }
      return job;
    },
    get: <T>(provider: string, id: string) => byProvider.get(provider)?.get(id) as Job<T> | undefined,
    list: <T>(provider: string, tenantKey: string) =>
      [...(byTenant.get(tenantKey)?.get(provider) ?? [])] as Job<T>[],
    view: (job) => jobView(job.timeline, now()),
    cancel(job) {
      const previous = phases ? jobView(job.timeline, now()).phase : undefined;
      const result = cancelJob(job.timeline, now());
      if (result.ok && previous) phases!.changed(job, previous);
      return result;
    },
    page({ provider, tenantKey, offset = 0, limit = 50 }) {
      if (tenantKey !== undefined) {
        const sets = [...(byTenant.get(tenantKey) ?? [])]
          .filter(([p]) => !provider || p === provider)
          .map(([, set]) => set);
        const total = sets.reduce((n, set) => n + set.size, 0);
        const jobs: Job[] = [];
        if (sets.length === 1) {
          // Newest first, and a Set only iterates forwards: skip to the page's oldest job, then
          // collect (no copy of the whole set).
          const from = Math.max(0, total - offset - limit);
          const to = total - offset;
          let i = 0;
          for (const job of sets[0]!) {
            if (i >= to) break;
            if (i++ >= from) jobs.push(job);
          }
          jobs.reverse();
        } else if (sets.length > 1) {
          const all = sets
            .flatMap((set) => [...set])
            .sort((a, b) => b.timeline.createdAt - a.timeline.createdAt);
          jobs.push(...all.slice(offset, offset + limit));
        }
        return { total, jobs };
      }
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
      if (tenantKey !== undefined) {
        const t = byTenant.get(tenantKey);
        if (!t) return 0;
        if (provider) return t.get(provider)?.size ?? 0;
        let n = 0;
        for (const s of t.values()) n += s.size;
        return n;
      }
      return provider ? (byProvider.get(provider)?.size ?? 0) : size;
    },
    phaseCounts: (provider) => phases?.counts(provider),
    onEvict(listener) {
      listeners.push(listener);
    },
    get evicted() {
      return evicted;
    },
    maxJobs,
    deleteTenant(tenantKey) {
      const t = byTenant.get(tenantKey);
      if (!t) return;
      for (const s of t.values()) for (const job of [...s]) remove(job);
      // Let go of the dropped jobs now, so a tenant's reset gives their memory back.
      order = order.slice(head).filter(isStored);
      head = 0;
    },
    clear() {
      byProvider.clear();
      byTenant.clear();
      phases?.clear();
      order = [];
      head = 0;
      size = 0;
      evicted = 0;
    },
  };
}
