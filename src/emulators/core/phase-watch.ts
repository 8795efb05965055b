/**
 * Publishes `job.phase` events as the clock passes each job's phase changes.
 *
 * Jobs stay lazy timelines; this only needs to know *when* a phase may change, which a timeline
 * tells in advance (start of running, end). Those times wait in a heap here, and exactly one
 * item sits in the clock's queue: the earliest. So the clock's own timer (realtime) or `advance`
 * (manual) delivers each change at its emulated time, in order, and the clock's queue does not
 * grow with the number of jobs (it holds webhooks and sleeps too, and a job count of 100k must not
 * make every `schedule` there slower). Computing on every read or tick instead would miss changes
 * nobody reads, and has no tick in realtime mode.
 */
import type { Clock } from "./clock.js";
import type { EventBus } from "./events.js";
import { createHeap } from "./heap.js";
import { type JobPhase, jobView, upcomingTransitions } from "./job-engine.js";
import type { Job } from "./job-store.js";
import { createPhaseCounts, type PhaseCount } from "./phase-counts.js";

interface Due {
  at: number;
  job: Job;
}

/** The watch over one store's jobs. */
export interface PhaseWatch {
  /** Starts watching a new job (publishes `job.created`). */
  add(job: Job): void;
  /** Publishes a change that did not come from the clock (a cancel), if the phase moved. */
  touch(job: Job): void;
  /** Stops counting a job the store dropped (evicted, or deleted with its tenant). */
  remove(job: Job): void;
  /** One provider's jobs per phase, as published, in O(1). */
  counts(provider: string): PhaseCount;
  /** Forgets everything (a full reset). */
  clear(): void;
}

/**
 * Creates the watch. `isLive(job)` says whether the store still holds a job (one deleted with its
 * tenant publishes nothing more).
 */
export function createPhaseWatch(clock: Clock, events: EventBus, isLive: (job: Job) => boolean): PhaseWatch {
  const heap = createHeap<Due>((a, b) => a.at < b.at);
  const last = new WeakMap<Job, JobPhase>();
  let armedAt: number | undefined;
  let disarm: (() => void) | undefined;
  const counts = createPhaseCounts();

  const publishChange = (job: Job, at: number) => {
    const previous = last.get(job);
    const phase = jobView(job.timeline, at).phase;
    if (previous === undefined || previous === phase) return;
    last.set(job, phase);
    counts.move(job.provider, previous, phase);
    events.publish({
      type: "job.phase",
      at,
      provider: job.provider,
      jobId: job.id,
      tenantKey: job.tenantKey,
      phase,
      previous,
    });
  };

  const fire = () => {
    armedAt = undefined;
    disarm = undefined;
    const now = clock.now();
    for (let top = heap.peek(); top && top.at <= now; top = heap.peek()) {
      heap.pop();
      const { at, job } = top;
      if (isLive(job)) publishChange(job, at);
    }
    arm();
  };

  // Keep the clock holding one item: the earliest change.
  const arm = () => {
    const next = heap.peek()?.at;
    if (next === undefined || next === armedAt) return;
    if (armedAt !== undefined && armedAt <= next) return;
    disarm?.();
    armedAt = next;
    disarm = clock.schedule(next, fire);
  };

  return {
    add(job) {
      const now = clock.now();
      const phase = jobView(job.timeline, now).phase;
      last.set(job, phase);
      counts.add(job.provider, phase);
      events.publish({
        type: "job.created",
        at: job.timeline.createdAt,
        provider: job.provider,
        jobId: job.id,
        tenantKey: job.tenantKey,
        phase,
      });
      for (const at of upcomingTransitions(job.timeline, now)) heap.push({ at, job });
      arm();
    },
    touch(job) {
      publishChange(job, clock.now());
    },
    remove(job) {
      const phase = last.get(job);
      if (phase === undefined) return;
      last.delete(job);
      counts.remove(job.provider, phase);
    },
    counts: (provider) => counts.of(provider),
    clear() {
      counts.clear();
      heap.clear();
      disarm?.();
      disarm = undefined;
      armedAt = undefined;
    },
  };
}
