/**
 * The fuzz run: every route found on a fresh server, a property per route, a fixed seed and a
 * run count. Shared by `npm test` (few runs) and `npm run fuzz` (many).
 */
import fc from "fast-check";
import { createFuzzTarget } from "./fixtures.js";
import { type FuzzRoute, fuzzRoutes, routeProperty } from "./harness.js";

/** Options of {@link fuzzRoute}. */
export interface FuzzOptions {
  runs: number;
  seed: number;
}

/** The routes to fuzz, found on a server built from the registry. */
export async function listFuzzRoutes(): Promise<ReturnType<typeof fuzzRoutes>> {
  const target = await createFuzzTarget();
  try {
    return fuzzRoutes(target);
  } finally {
    await target.server.close();
  }
}

/**
 * Fuzzes one route on its own fresh server (control routes reset and fault the server, so no
 * route shares state with another). Throws fast-check's report, shrunk, with the curl line.
 */
export async function fuzzRoute(route: FuzzRoute, options: FuzzOptions): Promise<void> {
  const target = await createFuzzTarget();
  try {
    await fc.assert(routeProperty(target, route), {
      numRuns: options.runs,
      seed: options.seed,
      // Shrinking replays requests on a server whose state moved on; a bounded budget keeps a
      // failing run from shrinking for minutes.
      maxSkipsPerRun: 100,
      interruptAfterTimeLimit: 10 * 60_000,
    });
  } finally {
    await target.server.close();
  }
}
