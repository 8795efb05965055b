/**
 * Regression: every job started 1.5 s after it was made whatever its queueRank. A key's jobs now
 * run one at a time in order (the doc states no concurrency; inferred), so the job at queueRank 2
 * starts when the one before it ends.
 */
import { afterAll, describe, expect, it } from "vitest";
import { createKeyQueue, queuePlace } from "../../src/emulators/tams/jobs.js";
import { call, finishAll, tamsServer } from "../../src/emulators/tams/test-kit.js";

const server = tamsServer();
afterAll(() => server.close());

let n = 0;
const fresh = () => `queue-${++n}`;
const stages = [
  {
    type: "DIFFUSION",
    diffusion: {
      width: 512,
      height: 512,
      prompts: [{ text: "a queue" }],
      steps: 20,
      sdModel: "600423083519508503",
    },
  },
];

async function statusOf(key: string, id: string) {
  return (await call(server, "GET", `/v1/jobs/${id}`, key)).body.job;
}

describe("regression: the queue means something", () => {
  it("starts the job at queueRank 2 when the one before it ends, not 1.5 s after it was made", async () => {
    const key = fresh();
    const a = (await call(server, "POST", "/v1/jobs", key, { requestId: "a", stages })).body.job.id;
    const b = (await call(server, "POST", "/v1/jobs", key, { requestId: "b", stages })).body.job.id;
    expect((await statusOf(key, b)).waitingInfo).toEqual({ queueRank: "2", queueLen: "2" });
    server.clock.advance(1600);
    expect((await statusOf(key, a)).status).toBe("RUNNING");
    // The first is running: the second is next in line, and still waiting.
    expect(await statusOf(key, b)).toMatchObject({
      status: "WAITING",
      waitingInfo: { queueRank: "1", queueLen: "1" },
    });
    let aDone = false;
    for (let i = 0; i < 1000; i++) {
      server.clock.advance(50);
      const [ja, jb] = [await statusOf(key, a), await statusOf(key, b)];
      if (jb.status !== "WAITING") {
        expect(jb.status).toBe("RUNNING");
        // b starts in the same 50 ms step that a finishes in.
        expect(ja.status).toBe("SUCCESS");
        expect(aDone).toBe(false);
        aDone = true;
        break;
      }
      expect(ja.status).toBe("RUNNING");
    }
    expect(aDone).toBe(true);
    finishAll(server);
    expect((await statusOf(key, b)).status).toBe("SUCCESS");
  });

  it("keeps keys apart: another key's job does not wait for this key's queue", async () => {
    const [k1, k2] = [fresh(), fresh()];
    for (const r of ["1", "2", "3"]) await call(server, "POST", "/v1/jobs", k1, { requestId: r, stages });
    const other = (await call(server, "POST", "/v1/jobs", k2, { requestId: "x", stages })).body.job.id;
    expect((await statusOf(k2, other)).waitingInfo).toEqual({ queueRank: "1", queueLen: "1" });
    server.clock.advance(1600);
    expect((await statusOf(k2, other)).status).toBe("RUNNING");
    finishAll(server);
  });

  it("moves the jobs behind a canceled waiting job up in the queue", async () => {
    const key = fresh();
    const ids: string[] = [];
    for (const r of ["1", "2", "3", "4"])
      ids.push((await call(server, "POST", "/v1/jobs", key, { requestId: r, stages })).body.job.id);
    expect((await statusOf(key, ids[3]!)).waitingInfo).toEqual({ queueRank: "4", queueLen: "4" });
    expect((await call(server, "DELETE", `/v1/jobs/${ids[1]}`, key)).status).toBe(200);
    expect((await statusOf(key, ids[3]!)).waitingInfo).toEqual({ queueRank: "3", queueLen: "3" });
    server.clock.advance(1600);
    expect((await statusOf(key, ids[3]!)).waitingInfo).toEqual({ queueRank: "2", queueLen: "2" });
    finishAll(server);
  });

  it("finds a place in a long queue by binary search over start times", () => {
    const q = createKeyQueue();
    for (let i = 0; i < 10_000; i++) q.starts.push(i * 10);
    q.canceled.push(5000, 7000);
    // At 49 995 jobs 0..4999 have started; 5000 and 7000 were canceled while waiting.
    expect(queuePlace(q, 9999, 49_995)).toEqual({ rank: 9999 - 5000 + 1 - 2, len: 10_000 - 5000 - 2 });
    // At 50 005 job 5000 has started too: 5001 is next; 7000 is still canceled.
    expect(queuePlace(q, 5001, 50_005)).toEqual({ rank: 1, len: 10_000 - 5001 - 1 });
  });
});
