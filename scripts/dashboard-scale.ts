/**
 * How the dashboard's pages and the control routes they read scale with the number of jobs: makes
 * N jobs (default 100k) over 100 keys through a minimal provider in process, then renders each page
 * RUNS times (default 5) and prints the median. A measurement to read, not a test (no timing is
 * asserted).
 *
 *   npx tsx scripts/dashboard-scale.ts [N] [RUNS]
 */
import { createDashboard } from "../src/dashboard/index.js";
import { createEmulatorServer } from "../src/emulators/core/server.js";
import { testProvider } from "../src/emulators/core/test-provider.js";

const s = createEmulatorServer([testProvider], { clock: { mode: "manual" }, ui: createDashboard });
const N = Number(process.argv[2] ?? 100000);
const RUNS = Math.max(1, Number(process.argv[3] ?? 5));
let t = performance.now();
for (let i = 0; i < N; i++) {
  await s.fetch("/test/jobs", {
    method: "POST",
    headers: { authorization: `Bearer tenant-${i % 100}-xxxxxxxx`, "content-type": "application/json" },
    body: `{"prompt":"p${i}"}`,
  });
}
console.log(`created ${N} jobs in ${(performance.now() - t).toFixed(0)} ms`);
s.clock.advance(1500);
for (const p of [
  "/__emulator/jobs/counts",
  "/__emulator/tenants?limit=10",
  "/__emulator/jobs?limit=8",
  "/__emulator/clock",
  "/__emulator/faults",
  "/__emulator/tenants/tenant-7-xxxxxxxx",
  "/__emulator/jobs?key=tenant-7-xxxxxxxx",
  "/__emulator/jobs/test/job77",
  "/__emulator/ui",
  "/__emulator/ui/jobs",
  `/__emulator/ui/jobs?offset=${N - 50}`,
  "/__emulator/ui/jobs/test/job77",
  "/__emulator/ui/tenants/tenant-7-xxxxxxxx",
  "/__emulator/ui/journal",
  "/__emulator/ui/journal?text=job77",
  "/__emulator/ui/faults",
]) {
  const times: number[] = [];
  let len = 0,
    status = 0;
  for (let k = 0; k < RUNS; k++) {
    t = performance.now();
    const r = await s.fetch(p);
    const text = await r.text();
    len = text.length;
    status = r.status;
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  console.log(
    `${p}  ${status}  ${(len / 1024).toFixed(0)} KiB  median ${times[RUNS >> 1]!.toFixed(1)} ms  (min ${times[0]!.toFixed(1)}, max ${times[RUNS - 1]!.toFixed(1)})`,
  );
}
await s.close();
