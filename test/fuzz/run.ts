/**
 * `npm run fuzz -- --runs N [--seed S] [--route TEXT]`: the fuzz suite's properties for longer
 * than `npm test` runs them. Each route runs on its own server; a failure prints fast-check's
 * shrunk counterexample and the request as a `curl` line, and the run exits 1.
 *
 * Not part of the build: run with tsx from a checkout.
 */
import { parseArgs } from "node:util";
import { fuzzRoute, listFuzzRoutes } from "./fuzz.js";
import { outcomes } from "./harness.js";

const { values } = parseArgs({
  options: {
    runs: { type: "string", default: "1000" },
    seed: { type: "string" },
    route: { type: "string" },
  },
});
const runs = Number(values.runs);
const seed = values.seed === undefined ? Date.now() % 2 ** 31 : Number(values.seed);
if (!Number.isInteger(runs) || runs < 1 || !Number.isInteger(seed)) {
  console.error("usage: npm run fuzz -- --runs N [--seed S] [--route TEXT]");
  process.exit(2);
}

const { routes, uncovered, stale } = await listFuzzRoutes();
if (uncovered.length || stale.length) {
  console.error(
    `routes without a recipe: ${uncovered.join(", ") || "none"}; recipes without a route: ${stale.join(", ") || "none"}`,
  );
  process.exit(1);
}
const chosen = routes.filter(
  (r) => !values.route || `${r.scope} ${r.method} ${r.pattern}`.includes(values.route),
);
console.log(`fuzz: ${chosen.length} routes × ${runs} runs, seed ${seed}`);
const started = performance.now();
let failed = 0;
for (const route of chosen) {
  const name = `${route.scope} ${route.method} ${route.pattern}`;
  const t0 = performance.now();
  const before = { ...outcomes };
  try {
    await fuzzRoute(route, { runs, seed });
    const accepted = outcomes.accepted - before.accepted;
    const refused = outcomes.refused - before.refused;
    console.log(
      `ok   ${name} (${accepted} accepted, ${refused} refused, ${((performance.now() - t0) / 1000).toFixed(1)} s)`,
    );
  } catch (err) {
    failed++;
    // fast-check keeps the property's own message (the problem and the curl line) as the cause.
    const cause = (err as Error).cause;
    console.log(`FAIL ${name}\n${(err as Error).message}\n${cause instanceof Error ? cause.message : ""}\n`);
  }
}
const total = chosen.length * runs;
console.log(
  `fuzz: ${total} requests over ${chosen.length} routes in ${((performance.now() - started) / 1000).toFixed(0)} s, ` +
    `${failed} route(s) failed (seed ${seed}); ${outcomes.accepted} accepted, ${outcomes.refused} refused ` +
    `(${outcomes.documented5xx} with a documented 5xx)`,
);
process.exit(failed ? 1 : 0);
