/**
 * The fuzz suite in `npm test`: every route of every provider and of the control plane, found on
 * the server (a route without a recipe fails the first test), with a fixed seed and a few runs
 * each. `npm run fuzz -- --runs N [--seed S]` runs the same properties for longer.
 */
import { describe, expect, it } from "vitest";
import { fuzzRoute, listFuzzRoutes } from "./fuzz.js";

/** Fixed, so `npm test` is the same run every time; change it to explore. */
const SEED = 20261202;
/** Runs per route in `npm test` (about 60 routes). */
const RUNS = Number(process.env.FUZZ_RUNS ?? 12);

const { routes, uncovered, stale } = await listFuzzRoutes();

describe("fuzz: every route", () => {
  it("has a recipe for every registered route, and no recipe for a route that is gone", () => {
    expect(uncovered).toEqual([]);
    expect(stale).toEqual([]);
    // Every provider and the control plane are in.
    expect(new Set(routes.map((r) => r.scope))).toEqual(
      new Set(["aitubo", "tams", "aithriving", "qolaba", "control", "server"]),
    );
  });

  for (const route of routes) {
    it(`${route.scope} ${route.method} ${route.pattern}`, async () => {
      await fuzzRoute(route, { runs: RUNS, seed: SEED });
    }, 120_000);
  }
});
