/**
 * The `conform` command line, one case each: what a URL given to `--target` or `--base-url` is
 * (detected, or refused with the right spelling), report paths checked before anything runs, the
 * cause of a network failure, the JSON and JUnit totals, and `auth-wrong` alike on all four
 * providers against a server that accepts any key.
 */

import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createEmulatorServer } from "../src/emulators/core/server.js";
import { PROVIDERS } from "../src/emulators/registry.js";
import { command, conform } from "./conformance-run-helpers.js";

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

/** A `serve` on free ports (instant clock), optionally with per-provider ports. */
async function serve(
  options: { strictKeys?: boolean; providerPorts?: Record<string, number>; adminToken?: string } = {},
) {
  const emulator = createEmulatorServer(PROVIDERS, {
    clock: { mode: "instant" },
    strictKeys: options.strictKeys ?? true,
    ...(options.adminToken ? { adminToken: options.adminToken } : {}),
  });
  const listening = await emulator.listen({ port: 0, providerPorts: options.providerPorts });
  closers.push(() => emulator.close(), listening.close);
  return listening;
}

/** A raw node:http server (for answers no emulator gives). */
async function rawServer(handler: Parameters<typeof createServer>[1]): Promise<string> {
  const server: Server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  closers.push(
    () =>
      new Promise((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  );
  return `127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "conform-cli-"));
  closers.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

describe("--target and --base-url: what the URL is", { timeout: 30_000 }, () => {
  it("--target given a provider's base URL is refused with the right spelling", async () => {
    const server = await serve();
    const r = await command(["--target", `${server.url}/qolaba`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `--target takes an emulator's root, not a provider's base URL: use --target ${server.url} --provider qolaba`,
    );
  });

  it("--target given a server that is not an emulator's root says so and names --base-url", async () => {
    const server = await serve({ providerPorts: { qolaba: 0 } });
    const r = await command(["--target", server.urls.qolaba!]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is not an emulator's root .*--base-url provider=URL/);
  });

  it("--base-url given another emulator's root is detected: the provider runs there, with its control plane", async () => {
    const main = await serve();
    const other = await serve();
    const run = await conform([
      "--target",
      main.url,
      "--base-url",
      `qolaba=${other.url}`,
      "--provider",
      "qolaba",
      "--scenario",
      "insufficient-credit",
    ]);
    expect(run.code).toBe(0);
    // Emulator-only: it ran (not skipped), so the other emulator's control plane was found.
    expect(run.report.results.map((r) => r.outcome)).toEqual(["pass"]);
  });

  it("--base-url given an emulator's provider mount is used with that emulator's control plane", async () => {
    const server = await serve();
    const run = await conform([
      "--base-url",
      `aitubo=${server.url}/aitubo/`,
      "--provider",
      "aitubo",
      "--scenario",
      "insufficient-credit",
    ]);
    expect(run.report.results.map((r) => r.outcome)).toEqual(["pass"]);
  });

  it("--base-url given a per-provider port is used as is; emulator-only scenarios are skipped (no control plane)", async () => {
    // Not strict: with no control plane the run cannot register its keys.
    const server = await serve({ strictKeys: false, providerPorts: { aitubo: 0 } });
    const base = ["--base-url", `aitubo=${server.urls.aitubo}`, "--provider", "aitubo"];
    const run = await conform([...base, "--scenario", "text-to-image"]);
    expect(run.breaking).toEqual([]);
    expect(run.code).toBe(0);
    expect(run.report.results[0]!.outcome).toBe("pass");
    const onlyEmu = await conform([...base, "--scenario", "insufficient-credit"]);
    expect(onlyEmu.report.results[0]).toMatchObject({
      outcome: "skipped",
      reason: expect.stringMatching(/control plane/),
    });
  });

  it("--base-url naming another provider's mount is refused", async () => {
    const server = await serve();
    const r = await command(["--base-url", `qolaba=${server.url}/aitubo`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `names the aitubo emulator's base URL; use qolaba's own (${server.url}/qolaba)`,
    );
  });
});

describe("an emulator whose control plane requires its admin token", { timeout: 30_000 }, () => {
  it("without --admin-token: exit 2 naming the flag; with it: the run works", async () => {
    const server = await serve({ adminToken: "conformance-admin-token" });
    const without = await command(["--target", server.url]);
    expect(without.code).toBe(2);
    expect(without.stderr).toMatch(/refused us \(HTTP 401\): pass its admin token with --admin-token/);
    const run = await conform([
      "--target",
      server.url,
      "--admin-token",
      "conformance-admin-token",
      "--provider",
      "aitubo",
      "--scenario",
      "insufficient-credit",
    ]);
    expect(run.report.results.map((r) => r.outcome)).toEqual(["pass"]);
  });
});

describe("report paths are checked before any scenario runs", () => {
  it("a --json file in a directory that does not exist: exit 2, nothing run", async () => {
    const dir = await tempDir();
    const r = await command(["--json", join(dir, "missing", "report.json")]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--json .*report\.json: the directory .*missing does not exist/);
    expect(r.stdout).toBe("");
  });

  it("a --junit path that is a directory: exit 2, nothing run", async () => {
    const dir = await tempDir();
    const r = await command(["--junit", dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--junit .* is a directory; give a file name/);
    expect(r.stdout).toBe("");
  });
});

describe("a network failure prints its cause", { timeout: 30_000 }, () => {
  it("connection refused: ECONNREFUSED", async () => {
    const host = await rawServer(() => {});
    closers
      .splice(0)
      .reverse()
      .forEach((c) => void c()); // close it: the port now refuses
    await new Promise((r) => setTimeout(r, 50));
    const r = await command(["--target", `http://${host}`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot reach it: fetch failed: connect ECONNREFUSED 127\.0\.0\.1:\d+/);
  });

  it("TLS spoken to a plain HTTP port: the TLS error's code", async () => {
    const host = await rawServer((_req, res) => res.end("plain http"));
    const r = await command(["--target", `https://${host}`]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot reach it: fetch failed: (ERR_SSL_\w+|EPROTO)/);
  });

  it("a server that never answers: a timeout after --request-timeout ms", async () => {
    const host = await rawServer(() => {
      // Never answers.
    });
    const r = await command(["--target", `http://${host}`, "--request-timeout", "300"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot reach it: timeout: no answer within 300 ms/);
  });

  it("live, a host that does not resolve: ENOTFOUND in the scenario's error", async () => {
    vi.stubEnv("AITUBO_API_KEY", "not-a-real-key");
    const cause = Object.assign(new Error("getaddrinfo ENOTFOUND api.aitubo.ai"), { code: "ENOTFOUND" });
    // No request may leave the machine: fetch fails the way undici does for an unknown host.
    vi.spyOn(globalThis, "fetch").mockRejectedValue(new TypeError("fetch failed", { cause }));
    const run = await conform([
      "--target",
      "live",
      "--provider",
      "aitubo",
      "--scenario",
      "account",
      "--budget",
      "1",
    ]);
    expect(run.code).toBe(1);
    expect(run.report.results[0]).toMatchObject({
      outcome: "error",
      reason: "fetch failed: getaddrinfo ENOTFOUND api.aitubo.ai",
    });
    expect(run.stdout).toContain("error: fetch failed: getaddrinfo ENOTFOUND api.aitubo.ai");
  });
});

describe("report totals", { timeout: 30_000 }, () => {
  it("the JSON report counts pass/drift/error/skipped; JUnit's <testsuites> has skipped and time", async () => {
    const dir = await tempDir();
    const junit = join(dir, "junit.xml");
    const run = await conform(["--provider", "aitubo", "--junit", junit]);
    const { counts } = run.report;
    expect(counts.pass + counts.drift + counts.error + counts.skipped).toBe(run.report.results.length);
    expect(counts.pass).toBe(run.report.results.filter((r) => r.outcome === "pass").length);
    expect(counts.pass).toBeGreaterThan(0);
    const xml = await readFile(junit, "utf8");
    const suites = /<testsuites [^>]*>/.exec(xml)![0];
    expect(suites).toContain(`tests="${run.report.results.length}"`);
    expect(suites).toContain(`skipped="${counts.skipped}"`);
    expect(suites).toMatch(/ time="\d+(\.\d+)?"/);
  });

  it("--concurrency must be a whole number from 1", async () => {
    const r = await command(["--concurrency", "0"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--concurrency expects a whole number from 1 to 64/);
  });
});

describe(
  "auth-wrong: all four providers alike against a server that accepts any key",
  { timeout: 30_000 },
  () => {
    it("skipped on every provider with the same reason, on a non-strict emulator and without a control plane", async () => {
      const server = await serve({ strictKeys: false, providerPorts: { qolaba: 0 } });
      const run = await conform(["--target", server.url, "--scenario", "auth-wrong"]);
      expect(run.report.results.map((r) => [r.provider, r.outcome, r.reason])).toEqual(
        ["aitubo", "tams", "aithriving", "qolaba"].map((p) => [
          p,
          "skipped",
          "this emulator accepts any key (strictKeys is off), so a wrong key cannot be refused",
        ]),
      );
      // The README's own shape: one provider on another port (no control plane): skipped, not drift.
      const moved = await conform([
        "--target",
        server.url,
        "--base-url",
        `qolaba=${server.urls.qolaba}`,
        "--scenario",
        "auth-wrong",
        "--provider",
        "qolaba",
      ]);
      expect(moved.code).toBe(0);
      expect(moved.report.results[0]).toMatchObject({
        outcome: "skipped",
        reason: expect.stringMatching(/control plane/),
      });
    });

    it("runs (and passes) on all four against a strict emulator", async () => {
      const server = await serve({ strictKeys: true });
      const run = await conform(["--target", server.url, "--scenario", "auth-wrong"]);
      expect(run.report.results.map((r) => r.outcome)).toEqual(["pass", "pass", "pass", "pass"]);
    });
  },
);
