/**
 * The default `conform` (every provider, in-process emulator) passes: what CI runs with `npm test`.
 * Also the command line's refusals: bad flags, a live run without keys or without a budget.
 */
import { describe, expect, it, vi } from "vitest";
import { runScenarios } from "../src/conformance/run.js";
import { ALL_SCENARIOS } from "../src/conformance/scenarios/index.js";
import { createTarget } from "../src/conformance/targets.js";
import { aituboProvider } from "../src/emulators/aitubo/index.js";
import { command, conform } from "./conformance-run-helpers.js";

describe("conform (default: every provider, emulator target)", () => {
  it("exits 0 with no breaking drift, and prints the matrix", async () => {
    const run = await conform([]);
    expect(run.breaking).toEqual([]);
    expect(run.code).toBe(0);
    expect(run.report.results.some((r) => r.outcome === "error")).toBe(false);
    expect(run.stdout).toMatch(/Conformance against emulator/);
    expect(run.stdout).toMatch(/scenarios: \d+ passed, 0 drifted, 0 errored/);
    // The schemas know every field the emulators answer: no "new field" anywhere.
    const unknown = run.report.results.flatMap((r) =>
      r.findings.filter((f) => f.severity === "info").map((f) => `${r.provider} ${r.scenario} ${f.path}`),
    );
    expect(unknown).toEqual([]);
  }, 60_000);
});

describe("targets", () => {
  it("reports a provider the emulator does not serve as skipped, without failing the run", async () => {
    const target = await createTarget({ target: "emulator", emulatorProviders: [aituboProvider] });
    try {
      const run = await runScenarios({
        scenarios: ALL_SCENARIOS,
        target,
        providers: ["tams"],
        scenario: "text-to-image",
      });
      expect(run.results.map((r) => [r.provider, r.outcome, r.reason])).toEqual([
        ["tams", "skipped", "provider not registered"],
      ]);
      expect(run.exitCode).toBe(0);
    } finally {
      await target.close();
    }
  });
});

describe("conform command line", () => {
  it("rejects an unknown flag with the usage", async () => {
    const r = await command(["--frobnicate"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/frobnicate/);
    expect(r.stderr).toMatch(/Usage: imagegen-emulators conform/);
  });

  it("rejects an unknown provider, a bad --base-url and a bad target", async () => {
    expect((await command(["--provider", "aitubo,midjourney"])).stderr).toMatch(
      /--provider expects .*midjourney/,
    );
    expect((await command(["--base-url", "aitubo"])).stderr).toMatch(/--base-url expects provider=URL/);
    expect((await command(["--base-url", "aitubo=ftp://x"])).stderr).toMatch(/needs an http\(s\) URL/);
    const bad = await command(["--target", "staging"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--target must be emulator, live or http:\/\/HOST:PORT/);
  });

  it("rejects an unknown scenario name", async () => {
    const r = await command(["--scenario", "no-such-scenario"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/no scenario named "no-such-scenario"/);
  });

  it("refuses --record against the in-process emulator", async () => {
    const r = await command(["--record"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--record records a live or http target/);
  });

  it("refuses a live run without the provider's key", async () => {
    vi.stubEnv("AITUBO_API_KEY", "");
    try {
      const r = await command(["--target", "live", "--provider", "aitubo", "--budget", "100"]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/AITUBO_API_KEY/);
    } finally {
      vi.unstubAllEnvs();
    }
  });

  it("refuses a live run without --budget, and one over budget, before sending anything", async () => {
    vi.stubEnv("AITUBO_API_KEY", "not-a-real-key");
    // Any request would have to go through fetch: fail the test if one is attempted.
    const spy = vi.spyOn(globalThis, "fetch").mockRejectedValue(new Error("no network in tests"));
    try {
      const none = await command(["--target", "live", "--provider", "aitubo"]);
      expect(none.code).toBe(2);
      expect(none.stderr).toMatch(/pass --budget N/);
      expect(none.stdout).toMatch(/text-to-image\s+10/);
      expect(none.stdout).toMatch(/insufficient-credit\s+skipped \(emulator only/);

      const over = await command(["--target", "live", "--provider", "aitubo", "--budget", "5"]);
      expect(over.code).toBe(2);
      expect(over.stderr).toMatch(/estimated cost exceeds --budget 5: aitubo \d+/);
      expect(spy).not.toHaveBeenCalled();
    } finally {
      spy.mockRestore();
      vi.unstubAllEnvs();
    }
  });
});
