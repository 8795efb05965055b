/**
 * Reports: progress lines while a run goes, a provider × scenario matrix with every finding
 * (known differences included) at the end, and JSON and JUnit XML for CI.
 */
import { type Finding, isBreaking } from "./findings.js";
import { PROVIDER_NAMES } from "./providers.js";
import type { Outcome, PlanItem, RunResult, ScenarioResult } from "./run.js";

const MARK: Record<Outcome, string> = { pass: "✓", drift: "✗", error: "!", skipped: "–" };

const liveTag = (r: Pick<ScenarioResult, "live">) =>
  r.live.status === "validated" ? `validated ${r.live.date}` : r.live.status;

/** One progress line for a finished scenario. */
export function progressLine(r: ScenarioResult, index: number, total: number): string {
  const counts = countBySeverity(r.findings);
  const extra =
    r.outcome === "skipped"
      ? `skipped: ${r.reason}`
      : [
          counts.breaking ? `${counts.breaking} breaking` : "",
          counts.known ? `${counts.known} known` : "",
          counts.info ? `${counts.info} info` : "",
          r.outcome === "error" ? `error: ${r.reason}` : "",
        ]
          .filter(Boolean)
          .join(", ");
  return `[${index}/${total}] ${MARK[r.outcome]} ${r.provider} ${r.scenario} (${r.durationMs} ms)${extra ? ` ${extra}` : ""}`;
}

/** The plan printed before a live run: scenarios and their estimated cost. */
export function formatPlan(plan: readonly PlanItem[], costs: Partial<Record<string, number>>): string {
  const lines = ["Scenarios and estimated credits (src/credits):"];
  for (const item of plan) {
    const s = item.scenario;
    lines.push(
      `  ${s.provider.padEnd(10)} ${s.name.padEnd(34)} ${item.skip ? `skipped (${item.skip})` : String(item.cost)}`,
    );
  }
  for (const [p, c] of Object.entries(costs)) lines.push(`  total ${p}: ${c}`);
  return lines.join("\n");
}

function countBySeverity(findings: readonly Finding[]) {
  return {
    breaking: findings.filter(isBreaking).length,
    known: findings.filter((f) => f.severity === "known").length,
    info: findings.filter((f) => f.severity === "info").length,
  };
}

/** The matrix (scenario rows × provider columns), then each finding, then a summary line. */
export function formatMatrix(run: RunResult): string {
  const providers = PROVIDER_NAMES.filter((p) => run.results.some((r) => r.provider === p));
  const names = [...new Set(run.results.map((r) => r.scenario))];
  const width = Math.max(8, ...names.map((n) => n.length));
  const col = 12;
  const lines: string[] = [];
  lines.push(`Conformance against ${run.target}`);
  lines.push(`${"scenario".padEnd(width)}  ${providers.map((p) => p.padEnd(col)).join("")}`);
  for (const name of names) {
    const cells = providers.map((p) => {
      const r = run.results.find((x) => x.provider === p && x.scenario === name);
      if (!r) return "".padEnd(col);
      const c = countBySeverity(r.findings);
      const note = r.outcome === "drift" ? ` ${c.breaking}` : c.known ? " k" : c.info ? " i" : "";
      return `${MARK[r.outcome]} ${r.outcome}${note}`.padEnd(col);
    });
    lines.push(`${name.padEnd(width)}  ${cells.join("")}`);
  }
  lines.push("✓ pass  ✗ drift (breaking count)  ! error  – skipped   k: known differences  i: info");
  const detailed = run.results.filter(
    (r) => r.findings.length > 0 || r.outcome === "error" || r.outcome === "skipped",
  );
  if (detailed.length > 0) lines.push("");
  for (const r of detailed) {
    const head = `${r.provider} ${r.scenario} [${liveTag(r)}] ${r.outcome}${r.reason ? `: ${r.reason}` : ""}`;
    lines.push(head);
    for (const f of r.findings) {
      lines.push(`  ${f.severity.padEnd(8)} ${f.check.padEnd(9)} ${f.path}: ${f.message}`);
      lines.push(
        `           expected ${f.expected}; saw ${f.actual}${f.reason ? ` (known: ${f.reason})` : ""}`,
      );
    }
  }
  const { counts } = run;
  lines.push("");
  lines.push(
    `${run.results.length} scenarios: ${counts.pass} passed, ${counts.drift} drifted, ` +
      `${counts.error} errored, ${counts.skipped} skipped; ${run.breaking} breaking findings ` +
      `(${(run.durationMs / 1000).toFixed(1)} s)`,
  );
  return lines.join("\n");
}

/** The JSON report (`--json F`): the run, its outcome counts (`counts.pass`...) and when it was made. */
export function toJsonReport(run: RunResult): string {
  return `${JSON.stringify({ ...run, generatedAt: new Date().toISOString() }, null, 2)}\n`;
}

const xml = (s: string) =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** The JUnit XML report (`--junit F`): a suite per provider, a case per scenario. */
export function toJunitReport(run: RunResult): string {
  const out = ['<?xml version="1.0" encoding="UTF-8"?>'];
  const { drift, error, skipped } = run.counts;
  out.push(
    `<testsuites name="conformance" tests="${run.results.length}" failures="${drift}" errors="${error}" ` +
      `skipped="${skipped}" time="${run.durationMs / 1000}">`,
  );
  for (const p of PROVIDER_NAMES) {
    const rs = run.results.filter((r) => r.provider === p);
    if (rs.length === 0) continue;
    const time = rs.reduce((t, r) => t + r.durationMs, 0) / 1000;
    out.push(
      `  <testsuite name="${p}" tests="${rs.length}" failures="${rs.filter((r) => r.outcome === "drift").length}" ` +
        `errors="${rs.filter((r) => r.outcome === "error").length}" skipped="${rs.filter((r) => r.outcome === "skipped").length}" time="${time}">`,
    );
    for (const r of rs) {
      out.push(`    <testcase classname="${p}" name="${xml(r.scenario)}" time="${r.durationMs / 1000}">`);
      const breaking = r.findings.filter(isBreaking);
      const text = r.findings
        .map(
          (f) => `${f.severity} ${f.check} ${f.path}: ${f.message}; expected ${f.expected}; saw ${f.actual}`,
        )
        .join("\n");
      if (r.outcome === "skipped") out.push(`      <skipped message="${xml(r.reason ?? "")}"/>`);
      else if (r.outcome === "error")
        out.push(`      <error message="${xml(r.reason ?? "error")}">${xml(text)}</error>`);
      else if (r.outcome === "drift")
        out.push(`      <failure message="${breaking.length} breaking finding(s)">${xml(text)}</failure>`);
      else if (text) out.push(`      <system-out>${xml(text)}</system-out>`);
      out.push("    </testcase>");
    }
    out.push("  </testsuite>");
  }
  out.push("</testsuites>");
  return `${out.join("\n")}\n`;
}
