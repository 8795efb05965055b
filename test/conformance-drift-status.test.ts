/**
 * A status value outside the documented set is breaking schema drift at the first poll that shows
 * it, and the poll stops there. Over real ports: a realtime-clock emulator behind a proxy that
 * renames TAMS's SUCCESS to FINISHED and Aitubo's status 2 to 5. Before, every poll waited out its
 * 30 s budget and the report spoke of timeouts.
 */
import { afterEach, describe, expect, it } from "vitest";
import { createEmulatorServer } from "../src/emulators/core/server.js";
import { PROVIDERS } from "../src/emulators/registry.js";
import { type MutatingProxy, startProxy } from "./conformance-proxy.js";
import { conform } from "./conformance-run-helpers.js";

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

/** A realtime `serve` on a free port behind the proxy; counts the renamed answers per job. */
async function driftedServe(): Promise<{ proxy: MutatingProxy; renamed: Map<string, number> }> {
  const emulator = createEmulatorServer(PROVIDERS, { clock: { mode: "realtime" }, strictKeys: true });
  const listening = await emulator.listen({ port: 0 });
  closers.push(() => emulator.close(), listening.close);
  const renamed = new Map<string, number>();
  const count = (id: string) => renamed.set(id, (renamed.get(id) ?? 0) + 1);
  const proxy = await startProxy(listening.url, (body, req) => {
    const b = body as { job?: { id: string; status?: string }; data?: { id?: string; status?: number } };
    if (req.method === "GET" && /^\/tams\/v1\/jobs\/\d+/.test(req.path) && b.job?.status === "SUCCESS") {
      b.job.status = "FINISHED";
      count(`tams ${b.job.id}`);
    }
    if (req.path.startsWith("/aitubo/api/job/get") && b.data?.status === 2) {
      b.data.status = 5;
      count(`aitubo ${b.data.id}`);
    }
  });
  closers.push(proxy.close);
  return { proxy, renamed };
}

describe("a status outside the documented set, behind a mutating proxy", { timeout: 60_000 }, () => {
  it("is breaking schema drift at the status path, seen once per job; the run ends in seconds", async () => {
    const { proxy, renamed } = await driftedServe();
    const started = Date.now();
    const run = await conform(["--target", proxy.url, "--provider", "tams,aitubo"]);
    console.log(`conform against a realtime serve behind a renaming proxy: ${Date.now() - started} ms`);

    expect(run.code).toBe(1);
    const statusDrift = run.breaking.filter((f) => f.message === "value outside the documented set");
    expect(statusDrift.length).toBeGreaterThan(0);
    for (const f of statusDrift) {
      expect(f.check).toBe("schema");
      expect(f.path).toMatch(/: (job|data)\.status$/);
      expect(f.actual).toMatch(/^("FINISHED"|5)$/);
    }
    expect(statusDrift.some((f) => f.actual === '"FINISHED"')).toBe(true);
    expect(statusDrift.some((f) => f.actual === "5")).toBe(true);
    // No timeout anywhere: each scenario stopped at the first answer that showed the new value.
    expect(run.breaking.filter((f) => /time budget/.test(f.message))).toEqual([]);
    expect([...renamed.values()].every((n) => n === 1)).toBe(true);
    // Every scenario that drifted drifted on the status, and only there.
    for (const f of run.breaking)
      expect(f.path, `${f.scenario}: ${f.message}`).toMatch(/: (job|data)\.status$/);
  });
});
