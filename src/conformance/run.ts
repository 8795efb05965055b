/**
 * The runner: picks the scenarios, checks a live run's budget before anything is spent, runs each
 * scenario in isolation (one failing scenario never stops the others), applies known differences,
 * records or compares snapshots, and decides the exit code (0 only without breaking drift).
 */
import { fileURLToPath } from "node:url";
import { createScenarioContext, type PollOptions } from "./context.js";
import { type Finding, isBreaking } from "./findings.js";
import { describeError } from "./http.js";
import { pathMatches } from "./json-path.js";
import { createNormalizer } from "./normalizers.js";
import type { ProviderName } from "./providers.js";
import {
  compareWithRecording,
  readRecording,
  recordingPath,
  toRecording,
  writeRecording,
} from "./recorder.js";
import {
  type KnownDifference,
  type LiveStatus,
  type Scenario,
  ScenarioAbort,
  ScenarioSkip,
} from "./scenario.js";
import type { Target } from "./targets.js";

/** Where recordings live by default: the package's `fixtures/` (same relative place from src/ and dist/). */
export const DEFAULT_FIXTURES_DIR = fileURLToPath(new URL("../../fixtures/", import.meta.url));

/**
 * Default polling: patient live (2 s per image is the docs' own figure), quick on emulators. On a
 * driven emulator the intervals are emulated time the clock is advanced by, not waited for.
 */
export const DEFAULT_POLL: Readonly<Record<"live" | "emulator" | "driven", PollOptions>> = {
  live: { timeoutMs: 180_000, intervalMs: 2_000, maxIntervalMs: 5_000 },
  emulator: { timeoutMs: 30_000, intervalMs: 50, maxIntervalMs: 1_000 },
  driven: { timeoutMs: 30_000, intervalMs: 500, maxIntervalMs: 4_000, maxEmulatedMs: 600_000 },
};

/** How a scenario ended. */
export type Outcome = "pass" | "drift" | "error" | "skipped";

/** One scenario's result. */
export interface ScenarioResult {
  provider: ProviderName;
  scenario: string;
  description: string;
  live: LiveStatus;
  outcome: Outcome;
  /** Why it was skipped, or the error that ended it. */
  reason?: string;
  findings: Finding[];
  durationMs: number;
  /** Estimated live cost (credits). */
  cost: number;
  /** What happened with the recording: written (`--record`), compared, or none on disk. */
  recording: "written" | "compared" | "none";
}

/** How many scenarios ended each way. */
export interface OutcomeCounts {
  pass: number;
  drift: number;
  error: number;
  skipped: number;
}

/** A whole run. */
export interface RunResult {
  target: string;
  results: ScenarioResult[];
  /** Scenarios per outcome. */
  counts: OutcomeCounts;
  /** Wall-clock time of the whole run. */
  durationMs: number;
  /** Count of breaking findings across all scenarios. */
  breaking: number;
  /** 0 only when no scenario drifted or errored. */
  exitCode: 0 | 1;
}

/** One planned scenario: what it costs and whether it will run on this target. */
export interface PlanItem {
  scenario: Scenario;
  cost: number;
  /** Set when the scenario will be skipped, with why. */
  skip?: string;
}

/** What to run. */
export interface RunOptions {
  scenarios: readonly Scenario[];
  target: Target;
  providers?: readonly ProviderName[];
  /** Only scenarios with this name. */
  scenario?: string;
  record?: boolean;
  fixturesDir?: string;
  poll?: Partial<PollOptions>;
  /**
   * Scenarios run at the same time (each on its own key). Default 1. Live, each provider's requests
   * are spaced by its rate limit whatever this is.
   */
  concurrency?: number;
  /** Called before and after each scenario (the terminal report shows progress). */
  onProgress?: (event: { phase: "start"; item: PlanItem } | { phase: "end"; result: ScenarioResult }) => void;
}

/** Selects and plans the scenarios (no request is sent). */
export function planRun(
  options: Pick<RunOptions, "scenarios" | "target" | "providers" | "scenario">,
): PlanItem[] {
  const { target } = options;
  return options.scenarios
    .filter((s) => !options.providers || options.providers.includes(s.provider))
    .filter((s) => !options.scenario || s.name === options.scenario)
    .map((scenario) => {
      const unavailable = target.unavailable(scenario.provider);
      const skip =
        unavailable ??
        (scenario.live.status === "emulatorOnly" && target.kind === "live"
          ? `emulator only: ${scenario.live.reason}`
          : undefined);
      return { scenario, cost: skip ? 0 : scenario.cost(), skip };
    });
}

/** Credits a plan spends per provider (skipped scenarios spend nothing). */
export function planCost(plan: readonly PlanItem[]): Partial<Record<ProviderName, number>> {
  const out: Partial<Record<ProviderName, number>> = {};
  for (const item of plan) {
    if (item.skip) continue;
    const p = item.scenario.provider;
    out[p] = Math.round(((out[p] ?? 0) + item.cost) * 100) / 100;
  }
  return out;
}

/**
 * Checks a live plan against `--budget` (per provider: each provider has its own credit unit).
 * Returns the reason to refuse, or `undefined` when the plan fits.
 */
export function budgetProblem(plan: readonly PlanItem[], budget: number | undefined): string | undefined {
  const costs = planCost(plan);
  if (budget === undefined) {
    return "a live run spends real credits: pass --budget N (the most credits any one provider may spend)";
  }
  const over = Object.entries(costs).filter(([, c]) => c! > budget);
  if (over.length === 0) return undefined;
  return `the estimated cost exceeds --budget ${budget}: ${over.map(([p, c]) => `${p} ${c}`).join(", ")}`;
}

/** Marks findings covered by a known difference (they stay in the report, as `known`). */
function applyKnown(findings: Finding[], known: readonly KnownDifference[] = []): Finding[] {
  return findings.map((f) => {
    const k = known.find((d) => pathMatches(d.path, f.path));
    return k && f.severity !== "info" ? { ...f, severity: "known", reason: k.reason } : f;
  });
}

/** Drops repeats (a drifted field seen on every poll is one finding). */
function dedupe(findings: readonly Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = JSON.stringify([f.check, f.severity, f.path, f.message, f.expected, f.actual]);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Runs one planned scenario; never throws. */
async function runOne(item: PlanItem, options: RunOptions): Promise<ScenarioResult> {
  const { scenario } = item;
  const started = Date.now();
  const base = {
    provider: scenario.provider,
    scenario: scenario.name,
    description: scenario.description,
    live: scenario.live,
    cost: item.cost,
  };
  if (item.skip)
    return { ...base, outcome: "skipped", reason: item.skip, findings: [], durationMs: 0, recording: "none" };
  const { target } = options;
  let key: string;
  try {
    key = await target.keyFor(scenario.provider, scenario.name);
  } catch (err) {
    return {
      ...base,
      outcome: "error",
      reason: `could not get a key: ${describeError(err)}`,
      findings: [],
      durationMs: Date.now() - started,
      recording: "none",
    };
  }
  const pace = target.kind === "live" ? "live" : target.drives(scenario.provider) ? "driven" : "emulator";
  const poll = { ...DEFAULT_POLL[pace], ...options.poll };
  const normalizer = createNormalizer({ secrets: [key], volatileKeys: scenario.volatileKeys });
  const { ctx, findings, snapshots } = createScenarioContext({
    provider: scenario.provider,
    scenario: scenario.name,
    target,
    key,
    normalizer,
    poll,
  });
  let outcome: Outcome | undefined;
  let reason: string | undefined;
  let aborted: string | undefined;
  try {
    await (scenario as Scenario<typeof scenario.provider>).run(ctx as never);
  } catch (err) {
    if (err instanceof ScenarioSkip) {
      outcome = "skipped";
      reason = err.message;
    } else if (err instanceof ScenarioAbort) {
      reason = err.message;
      aborted = err.message;
    } else {
      outcome = "error";
      reason = describeError(err);
    }
  }
  const durationMs = Date.now() - started;
  if (outcome === "skipped") return { ...base, outcome, reason, findings: [], durationMs, recording: "none" };

  let recording: ScenarioResult["recording"] = "none";
  const file = recordingPath(options.fixturesDir ?? DEFAULT_FIXTURES_DIR, scenario.provider, scenario.name);
  const all = [...findings];
  if (outcome !== "error") {
    try {
      if (options.record) {
        await writeRecording(file, toRecording(scenario.provider, scenario.name, target.kind, snapshots), [
          key,
        ]);
        recording = "written";
      } else {
        const recorded = await readRecording(file);
        if (recorded) {
          all.push(...compareWithRecording(recorded, snapshots));
          recording = "compared";
        }
      }
    } catch (err) {
      outcome = "error";
      reason = `recording ${file}: ${(err as Error).message}`;
    }
  }
  if (aborted !== undefined && !all.some(isBreaking)) {
    // A scenario that stopped early without saying why in a finding must not pass.
    all.push({
      check: "scenario",
      severity: "breaking",
      path: "(scenario)",
      expected: "the scenario runs to its end",
      actual: `stopped: ${aborted}`,
      message: "scenario stopped early",
    });
  }
  const final = applyKnown(dedupe(all), scenario.knownDifferences);
  outcome ??= final.some(isBreaking) ? "drift" : "pass";
  return { ...base, outcome, ...(reason ? { reason } : {}), findings: final, durationMs, recording };
}

/**
 * Runs a plan: `concurrency` scenarios at a time (default one after another), results in plan order.
 * @example
 * const target = await createTarget({ target: "emulator" });
 * const run = await runScenarios({ scenarios: ALL_SCENARIOS, target, concurrency: 4 });
 * await target.close();
 * process.exitCode = run.exitCode;
 */
export async function runScenarios(options: RunOptions): Promise<RunResult> {
  const started = Date.now();
  const plan = planRun(options);
  const results: ScenarioResult[] = new Array(plan.length);
  let next = 0;
  const worker = async () => {
    while (next < plan.length) {
      const i = next++;
      const item = plan[i]!;
      options.onProgress?.({ phase: "start", item });
      const result = await runOne(item, options);
      results[i] = result;
      options.onProgress?.({ phase: "end", result });
    }
  };
  const workers = Math.max(1, Math.min(options.concurrency ?? 1, plan.length));
  await Promise.all(Array.from({ length: workers }, worker));
  const counts: OutcomeCounts = { pass: 0, drift: 0, error: 0, skipped: 0 };
  for (const r of results) counts[r.outcome]++;
  const breaking = results.reduce((n, r) => n + r.findings.filter(isBreaking).length, 0);
  return {
    target: options.target.label,
    results,
    counts,
    durationMs: Date.now() - started,
    breaking,
    exitCode: counts.drift + counts.error > 0 ? 1 : 0,
  };
}
