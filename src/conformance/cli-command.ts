/**
 * `imagegen-emulators conform`: parses flags, builds the target, checks a live run's budget,
 * runs the scenarios with progress, prints the matrix and writes the CI reports.
 * Exit codes: 0 no breaking drift, 1 drift or a scenario error, 2 a bad command line or a refusal.
 */
import { constants } from "node:fs";
import { access, stat, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { parseArgs } from "node:util";
import { isProviderName, PROVIDER_NAMES, type ProviderName } from "./providers.js";
import { formatMatrix, formatPlan, progressLine, toJsonReport, toJunitReport } from "./report.js";
import { budgetProblem, planCost, planRun, runScenarios } from "./run.js";
import { ALL_SCENARIOS } from "./scenarios/index.js";
import { createTarget, type Target, TargetError } from "./targets.js";

/** Where the command writes. */
export interface CommandIo {
  stdout(s: string): void;
  stderr(s: string): void;
}

/** The usage text. */
export const CONFORM_USAGE = `Usage: imagegen-emulators conform [options]

Runs the conformance scenarios against a target and reports drift.

  --provider p,...         providers to run (${PROVIDER_NAMES.join(", ")}); default: all
  --scenario NAME          only scenarios with this name
  --target T               emulator (default, in process) | http://HOST:PORT (an emulator's root) | live
  --base-url provider=URL  point one provider elsewhere (repeatable): an emulator's root, or the
                           provider's base URL (e.g. a --provider-port); detected from the URL
  --concurrency N          scenarios at a time, each on its own key (default 4 on emulators, 1 live;
                           live requests stay within each provider's rate limit)
  --admin-token T          the emulator's admin token, when its control plane requires one
  --record                 write each scenario's normalized responses to fixtures/<provider>/recorded/
  --budget N               live only, required: the most credits any one provider may spend
  --timeout MS             give up polling a job after MS milliseconds
  --request-timeout MS     give up waiting for any one answer after MS milliseconds (default 60000)
  --fixtures DIR           where recordings are read and written (default: the package's fixtures/)
  --json FILE              write the JSON report
  --junit FILE             write a JUnit XML report
  -h, --help               this text

Live keys come from AITUBO_API_KEY, TAMS_API_KEY, AITHRIVING_API_KEY, QOLABA_API_KEY.
Exit code: 0 without breaking drift, 1 with drift, 2 for a bad command line or a refused run.`;

class UsageError extends Error {}

/** Why a report cannot be written to `file`, checked before any scenario runs; `undefined` if it can. */
async function outputProblem(flag: string, file: string): Promise<string | undefined> {
  const path = resolve(file);
  const dir = dirname(path);
  const existing = await stat(path).catch(() => undefined);
  if (existing?.isDirectory()) return `${flag} ${file} is a directory; give a file name`;
  const parent = await stat(dir).catch(() => undefined);
  if (!parent) return `${flag} ${file}: the directory ${dir} does not exist`;
  if (!parent.isDirectory()) return `${flag} ${file}: ${dir} is not a directory`;
  try {
    await access(existing ? path : dir, constants.W_OK);
  } catch {
    return `${flag} ${file}: ${existing ? "the file" : `the directory ${dir}`} is not writable`;
  }
  return undefined;
}

/** Parses `--base-url tams=http://...` values. */
function parseBaseUrls(values: readonly string[]): Partial<Record<ProviderName, string>> {
  const out: Partial<Record<ProviderName, string>> = {};
  for (const v of values) {
    const eq = v.indexOf("=");
    const name = eq > 0 ? v.slice(0, eq) : "";
    const url = eq > 0 ? v.slice(eq + 1) : "";
    if (!isProviderName(name))
      throw new UsageError(
        `--base-url expects provider=URL with provider one of ${PROVIDER_NAMES.join(", ")}, got ${JSON.stringify(v)}`,
      );
    if (!/^https?:\/\/[^/]/.test(url))
      throw new UsageError(`--base-url ${name}=... needs an http(s) URL, got ${JSON.stringify(url)}`);
    out[name] = url.replace(/\/+$/, "");
  }
  return out;
}

/** Parses a positive number flag. */
function positive(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || value.trim() === "")
    throw new UsageError(`${flag} expects a number ≥ 0, got ${JSON.stringify(value)}`);
  return n;
}

/**
 * Runs `conform` with the given arguments (after the word `conform`). Returns the exit code.
 * @example process.exitCode = await runConformCommand(["--provider", "aitubo"], { stdout: console.log, stderr: console.error });
 */
export async function runConformCommand(argv: string[], io: CommandIo): Promise<number> {
  let flags: ReturnType<typeof parse>;
  try {
    flags = parse(argv);
  } catch (err) {
    io.stderr(`conform: ${(err as Error).message}\n\n${CONFORM_USAGE}`);
    return 2;
  }
  if (flags.help) {
    io.stdout(CONFORM_USAGE);
    return 0;
  }
  const { providers, baseUrls, budget, timeoutMs, targetName } = flags;
  if (
    flags.scenario &&
    !ALL_SCENARIOS.some((s) => s.name === flags.scenario && (!providers || providers.includes(s.provider)))
  ) {
    io.stderr(
      `conform: no scenario named ${JSON.stringify(flags.scenario)}${providers ? ` for ${providers.join(", ")}` : ""}`,
    );
    return 2;
  }
  if (flags.record && targetName === "emulator") {
    io.stderr(
      "conform: --record records a live or http target; recording the in-process emulator against itself proves nothing",
    );
    return 2;
  }

  for (const [flag, file] of [
    ["--json", flags.json],
    ["--junit", flags.junit],
  ] as const) {
    const problem = file === undefined ? undefined : await outputProblem(flag, file);
    if (problem) {
      io.stderr(`conform: ${problem}`);
      return 2;
    }
  }

  let target: Target;
  try {
    target = await createTarget({
      target: targetName,
      baseUrls,
      providers: providers ?? PROVIDER_NAMES,
      ...(flags.requestTimeoutMs !== undefined ? { requestTimeoutMs: flags.requestTimeoutMs } : {}),
      ...(flags.adminToken !== undefined ? { adminToken: flags.adminToken } : {}),
    });
  } catch (err) {
    if (err instanceof TargetError) {
      io.stderr(`conform: ${err.message}`);
      return 2;
    }
    throw err;
  }
  try {
    const selection = { scenarios: ALL_SCENARIOS, target, providers, scenario: flags.scenario };
    const plan = planRun(selection);
    if (target.kind === "live") {
      io.stdout(formatPlan(plan, planCost(plan)));
      const problem = budgetProblem(plan, budget);
      if (problem) {
        io.stderr(`conform: refusing the live run: ${problem}`);
        return 2;
      }
    }
    const total = plan.length;
    let done = 0;
    const run = await runScenarios({
      ...selection,
      record: flags.record,
      fixturesDir: flags.fixtures,
      poll: timeoutMs !== undefined ? { timeoutMs } : undefined,
      concurrency: flags.concurrency ?? (target.kind === "live" ? 1 : 4),
      onProgress: (e) => {
        if (e.phase === "end") io.stdout(progressLine(e.result, ++done, total));
      },
    });
    io.stdout(`\n${formatMatrix(run)}`);
    if (flags.json) await writeFile(flags.json, toJsonReport(run), "utf8");
    if (flags.junit) await writeFile(flags.junit, toJunitReport(run), "utf8");
    return run.exitCode;
  } finally {
    await target.close();
  }
}

/** Reads and validates the flags. */
function parse(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      provider: { type: "string" },
      scenario: { type: "string" },
      target: { type: "string" },
      "base-url": { type: "string", multiple: true },
      "admin-token": { type: "string" },
      record: { type: "boolean" },
      budget: { type: "string" },
      timeout: { type: "string" },
      "request-timeout": { type: "string" },
      fixtures: { type: "string" },
      concurrency: { type: "string" },
      json: { type: "string" },
      junit: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
  let providers: ProviderName[] | undefined;
  if (values.provider !== undefined) {
    const names = values.provider
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean);
    const bad = names.filter((n) => !isProviderName(n));
    if (bad.length > 0 || names.length === 0)
      throw new UsageError(
        `--provider expects a comma list of ${PROVIDER_NAMES.join(", ")}, got ${JSON.stringify(values.provider)}`,
      );
    providers = names as ProviderName[];
  }
  const targetName = values.target ?? "emulator";
  const timeoutMs = positive("--timeout", values.timeout);
  if (timeoutMs === 0) throw new UsageError("--timeout must be more than 0");
  const requestTimeoutMs = positive("--request-timeout", values["request-timeout"]);
  if (requestTimeoutMs === 0) throw new UsageError("--request-timeout must be more than 0");
  const concurrency = positive("--concurrency", values.concurrency);
  if (concurrency !== undefined && (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64))
    throw new UsageError(`--concurrency expects a whole number from 1 to 64, got ${values.concurrency}`);
  return {
    help: values.help ?? false,
    providers,
    scenario: values.scenario,
    targetName,
    baseUrls: parseBaseUrls(values["base-url"] ?? []),
    record: values.record ?? false,
    budget: positive("--budget", values.budget),
    timeoutMs,
    requestTimeoutMs,
    concurrency,
    adminToken: values["admin-token"],
    fixtures: values.fixtures,
    json: values.json,
    junit: values.junit,
  };
}
