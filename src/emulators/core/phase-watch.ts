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
import { type JobPhase, type JobTimeline, jobView, upcomingTransitions } from "./job-engine.js";
import type { Job } from "./job-store.js";
import { createPhaseCounts, type PhaseCount } from "./phase-counts.js";

interface Due {
  at: number;
  job: Job;
  /** A change before the job was added, already in its `job.created`: counted, not published. */
  silent?: true;
}

/** The watch over one store's jobs. */
export interface PhaseWatch {
  /** Starts watching a new job (publishes `job.created`). */
  add(job: Job): void;
  /** Publishes a change that did not come from the clock (a cancel): the job was `previous`. */
  changed(job: Job, previous: JobPhase): void;
  /** Stops counting a job the store dropped (evicted, or deleted with its tenant). */
  remove(job: Job): void;
  /** One provider's jobs per phase in O(1), as the watch has delivered their changes. */
  counts(provider: string): PhaseCount;
  /** Forgets everything (a full reset). */
  clear(): void;
}

/**
 * Creates the watch. `isLive(job)` says whether the store still holds a job (one deleted with its
 * tenant publishes nothing more).
 *
 * Nothing is kept per job beyond its pending changes: the phase a job leaves at a change is known
 * from which change it is (queued at its start, running at its end), and events are built only
 * while someone listens.
 *
 * It also counts each provider's jobs per phase, listened to or not, moving a job's count as its
 * change is delivered. Which phase a job is counted in needs nothing per job either: changes are
 * delivered in time order, every change due by the last delivery's time has been delivered, and
 * none after it (a change is queued only if it is still to come), so a job is counted in its
 * phase at that time, or at its creation if later (a job added after its creation gets the changes
 * in between queued silently); a cancel is counted when it happens, and nothing moves a canceled
 * job after it.
 */
export function createPhaseWatch(clock: Clock, events: EventBus, isLive: (job: Job) => boolean): PhaseWatch {
  const heap = createHeap<Due>((a, b) => a.at < b.at);
  let armedAt: number | undefined;
  let disarm: (() => void) | undefined;
  const counts = createPhaseCounts();
  // The clock's time at the last delivery: every change due by then has been counted.
  let delivered = Number.NEGATIVE_INFINITY;
  /** The phase a job is counted in, ignoring any cancel (see the factory's comment). */
  const countedBeforeCancel = (t: JobTimeline): JobPhase =>
    jobView(
      t.canceledAt === undefined ? t : { ...t, canceledAt: undefined },
      Math.max(delivered, t.createdAt),
    ).phase;
  const countedPhase = (job: Job): JobPhase =>
    job.timeline.canceledAt !== undefined ? "canceled" : countedBeforeCancel(job.timeline);

  const publish = (job: Job, at: number, phase: JobPhase, previous: JobPhase) => {
    if (phase === previous || !events.listening) return;
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
    delivered = now;
    for (let top = heap.peek(); top && top.at <= now; top = heap.peek()) {
      heap.pop();
      const { at, job, silent } = top;
      const t = job.timeline;
      // A canceled job's change was published by the cancel; nothing moves after it.
      if (!isLive(job) || (t.canceledAt !== undefined && t.canceledAt <= at)) continue;
      const previous: JobPhase = at === t.createdAt + t.queuedMs ? "queued" : "running";
      const phase = jobView(t, at).phase;
      if (t.canceledAt === undefined && phase !== previous) counts.move(job.provider, previous, phase);
      if (!silent) publish(job, at, phase, previous);
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
      counts.add(job.provider, countedPhase(job));
      if (events.listening) {
        events.publish({
          type: "job.created",
          at: job.timeline.createdAt,
          provider: job.provider,
          jobId: job.id,
          tenantKey: job.tenantKey,
          phase: jobView(job.timeline, now).phase,
        });
      }
      const upcoming = upcomingTransitions(job.timeline, now);
      // Made over a moment a fast realtime clock moved through: changes between its creation and now
      // are counted as they would have been delivered (the count has it at its creation's phase).
      const counted = Math.max(delivered, job.timeline.createdAt);
      if (counted < now)
        for (const at of upcomingTransitions(job.timeline, counted))
          if (at <= now) heap.push({ at, job, silent: true });
      if (upcoming.length === 0 && counted >= now) return;
      for (const at of upcoming) heap.push({ at, job });
      arm();
    },
    changed(job, previous) {
      const now = clock.now();
      const phase = jobView(job.timeline, now).phase;
      // Counted from where the count had it: a change due but not yet delivered never will be.
      if (phase !== previous) counts.move(job.provider, countedBeforeCancel(job.timeline), phase);
      publish(job, now, phase, previous);
    },
    remove(job) {
      counts.remove(job.provider, countedPhase(job));
    },
    counts: (provider) => counts.of(provider),
    clear() {
      counts.clear();
      delivered = Number.NEGATIVE_INFINITY;
      heap.clear();
      disarm?.();
      disarm = undefined;
      armedAt = undefined;
    },
  };
}
