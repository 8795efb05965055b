/**
 * The job engine: a job is a timeline, and its phase is computed from the clock when read.
 *
 * Phases: `queued → running → succeeded | failed | canceled`. Nothing stores "the current phase",
 * so nothing can set an illegal one: the only mutation is {@link cancelJob}, and it refuses a job
 * that has already finished. Providers map phases to their own words (Aitubo 0/1/2/3, TAMS
 * CREATED/WAITING/RUNNING/..., Qolaba PENDING/SUCCESS/FAILED).
 */

/** The engine's phases, the only ones a job can be in. */
export type JobPhase = "queued" | "running" | "succeeded" | "failed" | "canceled";

/** Terminal phases: once here, a job never moves again. */
export const TERMINAL_PHASES: readonly JobPhase[] = ["succeeded", "failed", "canceled"];

/** How long each phase lasts, in emulated ms, before the clock mode is applied. */
export interface PhaseDurations {
  queuedMs: number;
  runningMs: number;
}

/** What a job ends with once it has run. */
export type JobOutcome =
  | { kind: "succeed" }
  | { kind: "fail"; reason: string; code?: string }
  /** Runs forever (until canceled): a stuck job, for client timeout tests. */
  | { kind: "hang" };

/** Everything needed to compute a job's phase at any time. */
export interface JobTimeline {
  readonly createdAt: number;
  readonly queuedMs: number;
  readonly runningMs: number;
  readonly outcome: JobOutcome;
  /** Set once, by {@link cancelJob}. */
  canceledAt?: number;
}

/** A job's phase at one instant. */
export interface JobView {
  phase: JobPhase;
  /** 0..1; 1 only when succeeded. */
  progress: number;
  /** When it started running (if it has). */
  startedAt?: number;
  /** When it reached a terminal phase (if it has). */
  finishedAt?: number;
  /** Ms spent running so far (or in all, once finished). */
  runningElapsedMs: number;
}

/** True for succeeded, failed and canceled. */
export function isTerminal(phase: JobPhase): boolean {
  return TERMINAL_PHASES.includes(phase);
}

/**
 * Builds a timeline. `scale` multiplies the durations (a slow-job directive); the clock's
 * `duration()` has already been applied by the caller so `instant` mode gives zeros.
 */
export function createTimeline(
  createdAt: number,
  durations: PhaseDurations,
  outcome: JobOutcome,
): JobTimeline {
  return {
    createdAt,
    queuedMs: Math.max(0, Math.round(durations.queuedMs)),
    runningMs: Math.max(0, Math.round(durations.runningMs)),
    outcome,
  };
}

/** A hanging job's progress creeps towards this and stays there. */
const HANG_PROGRESS = 0.5;

/**
 * The phase of a job at `now`.
 * @example
 * const t = createTimeline(0, { queuedMs: 100, runningMs: 1000 }, { kind: "succeed" });
 * jobView(t, 50).phase;   // "queued"
 * jobView(t, 600).progress; // 0.5
 * jobView(t, 1100).phase; // "succeeded"
 */
export function jobView(t: JobTimeline, now: number): JobView {
  const startAt = t.createdAt + t.queuedMs;
  const endAt = startAt + t.runningMs;
  const cut = t.canceledAt;
  // A cancel freezes the timeline where it was.
  const at = cut !== undefined ? Math.min(now, cut) : now;

  if (at < startAt) {
    if (cut !== undefined && now >= cut)
      return { phase: "canceled", progress: 0, finishedAt: cut, runningElapsedMs: 0 };
    return { phase: "queued", progress: 0, runningElapsedMs: 0 };
  }
  const finished = t.outcome.kind !== "hang" && at >= endAt;
  if (!finished) {
    const elapsed = at - startAt;
    const ratio = t.runningMs === 0 ? 0 : elapsed / t.runningMs;
    const progress = t.outcome.kind === "hang" ? Math.min(HANG_PROGRESS, ratio) : Math.min(0.99, ratio);
    if (cut !== undefined && now >= cut) {
      return { phase: "canceled", progress, startedAt: startAt, finishedAt: cut, runningElapsedMs: elapsed };
    }
    return { phase: "running", progress, startedAt: startAt, runningElapsedMs: elapsed };
  }
  const phase: JobPhase = t.outcome.kind === "fail" ? "failed" : "succeeded";
  return {
    phase,
    // A failed job stops short of done.
    progress: phase === "succeeded" ? 1 : 0.99,
    startedAt: startAt,
    finishedAt: endAt,
    runningElapsedMs: t.runningMs,
  };
}

/** The result of a cancel request. */
export type CancelResult = { ok: true; view: JobView } | { ok: false; view: JobView };

/**
 * Cancels a job that has not finished. A finished job is left as it is (`ok: false`).
 */
export function cancelJob(t: JobTimeline, now: number): CancelResult {
  const before = jobView(t, now);
  if (isTerminal(before.phase)) return { ok: false, view: before };
  t.canceledAt = now;
  return { ok: true, view: jobView(t, now) };
}

/** Per-request directives from faults and magic prompts that shape a new job. */
export interface JobDirectives {
  fail?: { reason: string };
  hang?: boolean;
  /** Multiplies both phase durations (magic `emu:slow`). */
  slowFactor?: number;
  /** Marks results as NSFW where the provider reports it. */
  nsfw?: boolean;
}

/** Outcomes without a reason are shared by every job (one object, not one per job). */
const SUCCEED: JobOutcome = Object.freeze({ kind: "succeed" });
const HANG: JobOutcome = Object.freeze({ kind: "hang" });

/**
 * The outcome a new job gets from directives, or success.
 */
export function outcomeFrom(directives: JobDirectives | undefined): JobOutcome {
  if (directives?.hang) return HANG;
  if (directives?.fail) return { kind: "fail", reason: directives.fail.reason };
  return SUCCEED;
}

/** One step of a job's history: the phase it entered and when. */
export interface PhaseStep {
  phase: JobPhase;
  at: number;
}

/**
 * The phases a job has been through up to `now`, oldest first, each with when it began.
 * @example
 * const t = createTimeline(0, { queuedMs: 100, runningMs: 1000 }, { kind: "succeed" });
 * phaseHistory(t, 600); // [{ phase: "queued", at: 0 }, { phase: "running", at: 100 }]
 */
export function phaseHistory(t: JobTimeline, now: number): PhaseStep[] {
  const view = jobView(t, now);
  const steps: PhaseStep[] = [{ phase: "queued", at: t.createdAt }];
  if (view.startedAt !== undefined) steps.push({ phase: "running", at: view.startedAt });
  if (view.finishedAt !== undefined) steps.push({ phase: view.phase, at: view.finishedAt });
  return steps;
}

/**
 * The emulated times at which a job's phase may next change after `now`: when it starts running
 * and when it finishes (a hanging job never finishes). Empty once it is terminal.
 */
export function upcomingTransitions(t: JobTimeline, now: number): number[] {
  if (isTerminal(jobView(t, now).phase)) return [];
  const startAt = t.createdAt + t.queuedMs;
  const endAt = startAt + t.runningMs;
  const out: number[] = [];
  if (startAt > now) out.push(startAt);
  // A job that runs for no time finishes at its start: one change, not two.
  if (t.outcome.kind !== "hang" && endAt > now && endAt !== startAt) out.push(endAt);
  return out;
}
