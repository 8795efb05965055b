/**
 * The scenario context: builds the client for a scenario's key, and turns each check into
 * findings, snapshots and (for polling) a bounded wait.
 */
import type { z } from "zod";
import { checkStatusSequence, checkError as errorFindings, isKnownStatus } from "./checks/behaviour.js";
import { checkCharge } from "./checks/credits.js";
import { checkImage } from "./checks/images.js";
import { checkSchema, isEnumDrift, OUTSIDE_ENUM } from "./checks/schema.js";
import { CLIENT_FACTORIES, type ProviderClients } from "./clients/index.js";
import { describeValue, type Finding } from "./findings.js";
import type { ApiResponse } from "./http.js";
import { labelled, valueAt } from "./json-path.js";
import type { Normalizer } from "./normalizers.js";
import type { ProviderName } from "./providers.js";
import type { Snapshot } from "./recorder.js";
import { ScenarioAbort, type ScenarioContext, ScenarioSkip } from "./scenario.js";
import type { Target } from "./targets.js";

/** Polling limits. */
export interface PollOptions {
  /** Give up (breaking drift: no terminal state) after this many wall-clock ms. */
  timeoutMs: number;
  /** First wait between polls; it doubles up to `maxIntervalMs`. */
  intervalMs: number;
  maxIntervalMs: number;
  /**
   * On a driven emulator (its clock advanced between polls, no wall wait): give up once polls have
   * advanced this much emulated time, so a job that never finishes cannot push the clock hours on.
   */
  maxEmulatedMs?: number;
}

/** What the runner collects from a context after the scenario ends. */
export interface ContextResult<P extends ProviderName> {
  ctx: ScenarioContext<P>;
  findings: Finding[];
  snapshots: Snapshot[];
}

/** Builds the context of one scenario run. */
export function createScenarioContext<P extends ProviderName>(options: {
  provider: P;
  scenario: string;
  target: Target;
  key: string;
  normalizer: Normalizer;
  poll: PollOptions;
}): ContextResult<P> {
  const { provider, target, key, normalizer } = options;
  const findings: Finding[] = [];
  const snapshots: Snapshot[] = [];
  const labels = new Map<string, number>();
  const baseUrl = target.baseUrl(provider);
  const clientWithKey = (k: string | undefined): ProviderClients[P] =>
    CLIENT_FACTORIES[provider]({ baseUrl, key: k, fetch: target.fetchFor(provider) }) as ProviderClients[P];
  const control = target.control(provider);

  const snapshot = (label: string, value: unknown) => {
    // A repeated label gets `#2`, `#3`: recordings stay keyed by label and stable in order.
    const n = (labels.get(label) ?? 0) + 1;
    labels.set(label, n);
    snapshots.push({ label: n === 1 ? label : `${label}#${n}`, value: normalizer.normalize(value) });
  };
  const httpFinding = (label: string, expected: number, res: ApiResponse): boolean => {
    if (res.status === expected) return true;
    findings.push({
      check: "behaviour",
      severity: "breaking",
      path: labelled(label, "(http status)"),
      expected: String(expected),
      actual: String(res.status),
      message: `HTTP status differs (${res.method} ${res.path})`,
    });
    return false;
  };
  const check = (
    label: string,
    schema: z.ZodType,
    res: ApiResponse,
    opts: { http?: number; snapshot?: boolean } = {},
  ) => {
    const httpOk = httpFinding(label, opts.http ?? 200, res);
    const schemaFindings = checkSchema(schema, res.body, label);
    findings.push(...schemaFindings);
    if (opts.snapshot !== false) snapshot(label, { status: res.status, body: res.body });
    return httpOk && !schemaFindings.some((f) => f.severity === "breaking");
  };

  const ctx: ScenarioContext<P> = {
    provider,
    scenario: options.scenario,
    target: { kind: target.kind, label: target.label },
    key,
    client: clientWithKey(key),
    clientWithKey,
    control,
    requireControl() {
      if (!control)
        throw new ScenarioSkip("needs the emulator's control plane (not available on this target)");
      return control;
    },
    check,
    checkError(label, schema, res, expected) {
      findings.push(...errorFindings(label, res, expected));
      findings.push(...checkSchema(schema, res.body, label));
      snapshot(label, { status: res.status, body: res.body });
    },
    elapse: (ms) => target.elapse(provider, ms),
    async poll(spec) {
      // The budget is wall-clock on purpose: the target is another process (or the live API).
      // Between polls, job time passes by the target's means: an advanced emulator clock, or a wait.
      const started = Date.now();
      const seen: string[] = [];
      let wait = options.poll.intervalMs;
      let emulated = 0;
      const statusLabel = labelled(spec.label, spec.statusPath);
      for (;;) {
        const res = await spec.fetch();
        const before = findings.length;
        check(spec.label, spec.schema, res, { snapshot: false });
        const enumDrift = findings.slice(before).filter(isEnumDrift);
        const status = valueAt(res.body, spec.statusPath);
        if (res.status === 200 && status !== undefined) {
          const s = String(status);
          if (seen.at(-1) !== s) seen.push(s);
          const unknown = !isKnownStatus(spec.machine, s);
          if (unknown || enumDrift.length > 0) {
            // A value outside a documented set is drift the moment it is seen: waiting on would
            // only turn it into a timeout. Report it at its path and stop this scenario here.
            findings.push(
              ...checkStatusSequence(spec.machine, unknown ? seen.slice(0, -1) : seen, statusLabel),
            );
            if (unknown && !enumDrift.some((f) => f.path === statusLabel))
              findings.push({
                check: "schema",
                severity: "breaking",
                path: statusLabel,
                expected: `one of ${Object.keys(spec.machine.next).join(", ")}`,
                actual: describeValue(status),
                message: OUTSIDE_ENUM,
              });
            snapshot(spec.label, { status: res.status, body: res.body });
            const first = enumDrift[0];
            throw new ScenarioAbort(
              first && !unknown
                ? `${first.path} is ${first.actual}, outside the documented set`
                : `${statusLabel} is ${describeValue(status)}, outside the documented set`,
            );
          }
          if (spec.machine.terminal.includes(s)) {
            findings.push(...checkStatusSequence(spec.machine, seen, statusLabel));
            snapshot(spec.label, { status: res.status, body: res.body });
            return res;
          }
        }
        const overEmulated =
          target.drives(provider) && emulated >= (options.poll.maxEmulatedMs ?? Number.POSITIVE_INFINITY);
        if (Date.now() - started > options.poll.timeoutMs || overEmulated) {
          findings.push(...checkStatusSequence(spec.machine, seen, statusLabel));
          findings.push({
            check: "behaviour",
            severity: "breaking",
            path: statusLabel,
            expected: `a terminal status (${spec.machine.terminal.join(", ")}) within ${overEmulated ? `${emulated} ms of emulated time` : `${options.poll.timeoutMs} ms`}`,
            actual: seen.length
              ? `${seen.join(" → ")} after ${Date.now() - started} ms`
              : `no status (HTTP ${res.status})`,
            message: "job did not finish within the time budget",
          });
          throw new ScenarioAbort("polling timed out");
        }
        const step = target.drives(provider)
          ? wait
          : Math.min(wait, Math.max(1, options.poll.timeoutMs - (Date.now() - started)));
        await target.elapse(provider, step);
        emulated += step;
        wait = Math.min(wait * 2, options.poll.maxIntervalMs);
      }
    },
    credits(path, charged, estimate) {
      findings.push(...checkCharge(path, charged, estimate));
    },
    async image(label, file, expected) {
      if (file.status !== 200) {
        findings.push({
          check: "image",
          severity: "breaking",
          path: label,
          expected: "HTTP 200",
          actual: `HTTP ${file.status}`,
          message: "result image could not be downloaded",
        });
        return undefined;
      }
      const { findings: f, properties } = await checkImage(label, file.bytes, expected);
      findings.push(...f);
      if (properties)
        snapshot(label, { width: properties.width, height: properties.height, format: properties.format });
      return properties;
    },
    expect(ok, finding) {
      if (!ok) findings.push({ check: "behaviour", ...finding, severity: "breaking" });
      return ok;
    },
    report: (finding) => findings.push(finding),
    snapshot,
    abort(reason) {
      throw new ScenarioAbort(reason);
    },
    skip(reason) {
      throw new ScenarioSkip(reason);
    },
  };
  return { ctx, findings, snapshots };
}
