/**
 * The whole suite against a realtime-clock `serve` over HTTP finishes in seconds (the conformance
 * run drives the emulator's clock instead of waiting, and runs scenarios concurrently) and finds
 * exactly what the in-process run finds. The time is measured and printed, not asserted.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createEmulatorServer } from "../src/emulators/core/server.js";
import { PROVIDERS } from "../src/emulators/registry.js";
import { type ConformRun, conform } from "./conformance-run-helpers.js";

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/** What a run found, per scenario, without values that differ between runs (ids, durations). */
const findingsOf = (run: ConformRun) =>
  run.report.results.map((r) => ({
    scenario: `${r.provider} ${r.scenario}`,
    outcome: r.outcome,
    findings: r.findings.map((f) => `${f.severity} ${f.check} ${f.path}: ${f.message}`).sort(),
  }));

describe("conform against a realtime serve over HTTP", { timeout: 60_000 }, () => {
  it("runs the whole suite in seconds, with the same findings as the in-process run", async () => {
    const emulator = createEmulatorServer(PROVIDERS, { clock: { mode: "realtime" }, strictKeys: true });
    const listening = await emulator.listen({ port: 0 });
    closers.push(() => emulator.close(), listening.close);

    const started = Date.now();
    const overHttp = await conform(["--target", listening.url]);
    const httpMs = Date.now() - started;
    const inProcess = await conform([]);
    console.log(
      `conform, whole suite: realtime serve over HTTP ${httpMs} ms (${overHttp.report.results.length} scenarios), ` +
        `in process ${inProcess.report.durationMs} ms`,
    );

    expect(overHttp.stderr).toBe("");
    expect(findingsOf(overHttp)).toEqual(findingsOf(inProcess));
    expect(overHttp.code).toBe(0);
  });
});
