/**
 * The README's conformance examples run as written: the lines of its first `sh` block are parsed
 * and run, with only the ports (4000, 4100) and the JUnit file moved to free ones. The live line
 * runs with the network stubbed out: it must pass its budget check and reach only Aitubo's host.
 *
 * The third line is the whole suite against a realtime-clock `serve` over HTTP: it finishes in
 * seconds (the run drives the emulator's clock instead of waiting, and runs scenarios concurrently)
 * and finds exactly what the in-process run finds. Its time is measured and printed, not asserted.
 */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ALL_SCENARIOS } from "../src/conformance/scenarios/index.js";
import { createEmulatorServer } from "../src/emulators/core/server.js";
import { PROVIDERS } from "../src/emulators/registry.js";
import { type ConformRun, conform } from "./conformance-run-helpers.js";

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

/** The README's conformance example lines: `{ env, args }` after the word `conform`. */
async function readmeExamples(): Promise<{ line: string; env: Record<string, string>; args: string[] }[]> {
  const readme = await readFile(new URL("../README.md", import.meta.url), "utf8");
  const section = readme.slice(readme.indexOf("## Conformance"));
  const block = /```sh\n([\s\S]*?)```/.exec(section)![1]!;
  return block
    .split("\n")
    .map((l) => l.replace(/\s+#.*$/, "").trim())
    .filter(Boolean)
    .map((line) => {
      const words = line.split(/\s+/);
      const env: Record<string, string> = {};
      while (/^[A-Z_]+=/.test(words[0]!)) {
        const [k, v] = words.shift()!.split("=") as [string, string];
        env[k] = v;
      }
      expect(words.slice(0, 2)).toEqual(["imagegen-emulators", "conform"]);
      return { line, env, args: words.slice(2) };
    });
}

/** What a run found, per scenario, without values that differ between runs (ids, durations). */
const findingsOf = (run: ConformRun) =>
  run.report.results.map((r) => ({
    scenario: `${r.provider} ${r.scenario}`,
    outcome: r.outcome,
    findings: r.findings.map((f) => `${f.severity} ${f.check} ${f.path}: ${f.message}`).sort(),
  }));

/** A default `serve` (realtime clock, any key accepted) on a free port. */
async function serve() {
  const emulator = createEmulatorServer(PROVIDERS, { clock: { mode: "realtime" } });
  const listening = await emulator.listen({ port: 0 });
  closers.push(() => emulator.close(), listening.close);
  return listening.url;
}

describe("the README's conformance examples", { timeout: 90_000 }, () => {
  it("each line runs as written (ports aside) and finds no drift; the live one passes its budget check", async () => {
    const examples = await readmeExamples();
    expect(examples).toHaveLength(5);
    const [all, one, http, moved, live] = examples as [
      (typeof examples)[0],
      (typeof examples)[0],
      (typeof examples)[0],
      (typeof examples)[0],
      (typeof examples)[0],
    ];
    expect(all.args).toEqual([]);

    const single = await conform(one.args);
    expect(single.code).toBe(0);
    expect(single.report.results.map((r) => `${r.provider} ${r.scenario} ${r.outcome}`)).toEqual([
      "tams workflow pass",
    ]);

    const port4000 = await serve();
    const port4100 = await serve();
    const ports = (args: string[]) =>
      args.map((a) =>
        a.replace("http://127.0.0.1:4000", port4000).replace("http://127.0.0.1:4100", port4100),
      );
    const started = Date.now();
    const overHttp = await conform(ports(http.args));
    const httpMs = Date.now() - started;
    const inProcess = await conform(all.args);
    console.log(
      `conform, whole suite: realtime serve over HTTP ${httpMs} ms (${overHttp.report.results.length} scenarios), ` +
        `in process ${inProcess.report.durationMs} ms`,
    );
    expect(overHttp.stderr).toBe("");
    expect(overHttp.code, http.line).toBe(0);
    // A default serve accepts any key, so auth-wrong is skipped there and runs in process (strict keys).
    const sameAsServe = (run: ConformRun) =>
      findingsOf(run).map((r) =>
        r.scenario.endsWith(" auth-wrong") ? { ...r, outcome: "skipped-or-pass" } : r,
      );
    expect(sameAsServe(overHttp)).toEqual(sameAsServe(inProcess));
    expect(inProcess.code).toBe(0);

    const run = await conform(ports(moved.args));
    expect(run.breaking, moved.line).toEqual([]);
    expect(run.code, moved.line).toBe(0);
    expect(run.report.counts.error).toBe(0);

    for (const [k, v] of Object.entries(live.env)) vi.stubEnv(k, v);
    const dir = await mkdtemp(join(tmpdir(), "conform-readme-"));
    closers.push(() => rm(dir, { recursive: true, force: true }));
    const junit = join(dir, "conformance.xml");
    const cause = Object.assign(new Error("getaddrinfo ENOTFOUND api.aitubo.ai"), { code: "ENOTFOUND" });
    const fetchSpy = vi
      .spyOn(globalThis, "fetch")
      .mockRejectedValue(new TypeError("fetch failed", { cause }));
    const liveRun = await conform(live.args.map((a) => (a === "conformance.xml" ? junit : a)));
    expect(liveRun.stderr).not.toMatch(/refusing the live run/);
    expect(liveRun.stdout).toMatch(/total aitubo: \d+/);
    expect(liveRun.code).toBe(1);
    const hosts = new Set(fetchSpy.mock.calls.map(([input]) => new URL(String(input)).host));
    expect([...hosts]).toEqual(["api.aitubo.ai"]);
    expect(await readFile(junit, "utf8")).toMatch(/<testsuites name="conformance"/);
  });

  it("lists every scenario in its provider's table, with its live status and the provider's count", async () => {
    const readme = await readFile(new URL("../README.md", import.meta.url), "utf8");
    for (const provider of ["aitubo", "tams", "aithriving", "qolaba"]) {
      const scenarios = ALL_SCENARIOS.filter((s) => s.provider === provider);
      const start = readme.indexOf(`#### ${provider} (${scenarios.length})`);
      expect(start, `#### ${provider} (${scenarios.length})`).toBeGreaterThan(0);
      const table = readme.slice(start, readme.indexOf("\n\n#", start + 1));
      const rows = table.split("\n").filter((l) => l.startsWith("| `"));
      expect(rows.map((r) => /^\| `([^`]+)`/.exec(r)![1])).toEqual(scenarios.map((s) => s.name));
      for (const [i, s] of scenarios.entries())
        expect(rows[i]).toContain(s.live.status === "emulatorOnly" ? "emulator only" : s.live.status);
    }
  });
});
