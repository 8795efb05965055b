import { describe, expect, it } from "vitest";
import { formatMatrix, toJsonReport, toJunitReport } from "./report.js";
import type { RunResult, ScenarioResult } from "./run.js";

const result = (over: Partial<ScenarioResult>): ScenarioResult => ({
  provider: "aitubo",
  scenario: "text-to-image",
  description: "",
  live: { status: "unverified" },
  outcome: "pass",
  findings: [],
  durationMs: 12,
  cost: 10,
  recording: "none",
  ...over,
});

const run: RunResult = {
  target: "emulator",
  counts: { pass: 0, drift: 1, error: 1, skipped: 1 },
  durationMs: 1234,
  breaking: 1,
  exitCode: 1,
  results: [
    result({
      outcome: "drift",
      findings: [
        {
          check: "schema",
          severity: "breaking",
          path: "create: data.consumedCredit",
          expected: "number",
          actual: "(missing)",
          message: "documented field is missing <&>",
        },
      ],
    }),
    result({ scenario: "account", outcome: "skipped", reason: "provider not registered" }),
    result({ provider: "tams", scenario: "text-to-image", outcome: "error", reason: "fetch failed" }),
  ],
};

describe("reports", () => {
  it("JUnit: a suite per provider, a failure per drifted scenario, skipped and error elements, escaped text", () => {
    const xml = toJunitReport(run);
    expect(xml).toMatch(
      /<testsuites name="conformance" tests="3" failures="1" errors="1" skipped="1" time="1.234">/,
    );
    expect(xml).toMatch(/<testsuite name="aitubo" tests="2" failures="1" errors="0" skipped="1"/);
    expect(xml).toMatch(
      /<failure message="1 breaking finding\(s\)">breaking schema create: data.consumedCredit: documented field is missing &lt;&amp;&gt;/,
    );
    expect(xml).toMatch(/<skipped message="provider not registered"\/>/);
    expect(xml).toMatch(/<testsuite name="tams"[^>]*errors="1"[\s\S]*<error message="fetch failed">/);
  });

  it("JSON: the run with its pass/drift/error/skipped counts and duration", () => {
    const json = JSON.parse(toJsonReport(run));
    expect(json.counts).toEqual({ pass: 0, drift: 1, error: 1, skipped: 1 });
    expect(json.durationMs).toBe(1234);
    expect(json.results).toHaveLength(3);
  });

  it("matrix: one row per scenario, one column per provider, then every finding with where, expected and seen", () => {
    const text = formatMatrix(run);
    expect(text).toMatch(/^scenario\s+aitubo\s+tams/m);
    expect(text).toMatch(/^text-to-image\s+✗ drift 1\s+! error/m);
    expect(text).toMatch(/breaking schema\s+create: data.consumedCredit: documented field is missing/);
    expect(text).toMatch(/expected number; saw \(missing\)/);
    expect(text).toMatch(/3 scenarios: 0 passed, 1 drifted, 1 errored, 1 skipped; 1 breaking findings/);
  });
});
