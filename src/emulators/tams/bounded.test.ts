/**
 * What TAMS keeps per job is bounded by the job cap (issue 14): an evicted job takes its requestId,
 * its result resources and its key's queue entries along; uploads are kept up to a count and
 * their bytes within the upload budget. Nothing here is timed.
 */
import { afterEach, describe, expect, it } from "vitest";
import { renderPlaceholder } from "../core/images.js";
import type { EmulatorServer, EmulatorServerOptions } from "../core/server.js";
import { createKeyQueue, queuePlace, trimQueue } from "./jobs.js";
import { balanceOf, call, finishAll, tamsServer, upload } from "./test-kit.js";

let server: EmulatorServer;
afterEach(() => server?.close());
const make = (options: EmulatorServerOptions) => {
  server = tamsServer(options);
  return server;
};

const stages = [
  { type: "INPUT_INITIALIZE", inputInitialize: { seed: 7, count: 1 } },
  {
    type: "DIFFUSION",
    diffusion: {
      width: 512,
      height: 512,
      prompts: [{ text: "a kite" }],
      steps: 20,
      sdModel: "600423083519508503",
    },
  },
];

const create = async (key: string, requestId: string, extra: unknown[] = []) => {
  const r = await call(server, "POST", "/v1/jobs", key, { requestId, stages: [...stages, ...extra] });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.job.id as string;
};
const tamsState = async () =>
  (await (await server.fetch("/__emulator/state")).json()).providers.tams as {
    jobs: number;
    resources: number;
    requestIds: number;
    queueEntries: number;
  };

describe("the job cap bounds what TAMS keeps per job", () => {
  it("requestIds, result resources and queue entries stay within --max-jobs after many jobs", async () => {
    make({ limits: { maxJobs: 4 } });
    for (let i = 0; i < 40; i++) {
      const id = await create(`key-${i % 3}`, `req-${i}`);
      finishAll(server);
      // Reading a finished job registers its result as a resource (one per image).
      expect((await call(server, "GET", `/v1/jobs/${id}`, `key-${i % 3}`)).body.job.status).toBe("SUCCESS");
    }
    const s = await tamsState();
    expect(s.jobs).toBe(4);
    expect(s.requestIds).toBeLessThanOrEqual(4);
    expect(s.resources).toBeLessThanOrEqual(4);
    // A key's queue keeps at most twice its jobs (the started front is dropped in halves).
    expect(s.queueEntries).toBeLessThanOrEqual(8);
  });

  it("an evicted job's requestId makes a new job, charged again; a kept one still returns its job", async () => {
    make({ limits: { maxJobs: 2 } });
    const key = "idem";
    const first = await create(key, "same");
    finishAll(server);
    expect(await create(key, "same")).toBe(first);
    const before = await balanceOf(server, key);
    await create(key, "other-1");
    finishAll(server);
    await create(key, "other-2"); // the cap evicts `first`
    const evicted = await call(server, "GET", `/v1/jobs/${first}`, key);
    expect(evicted.status).toBe(404);
    const again = await create(key, "same");
    expect(again).not.toBe(first);
    const kept = await create(key, "other-2");
    expect((await call(server, "GET", `/v1/jobs/${kept}`, key)).status).toBe(200);
    // other-1, other-2 and the new "same" were charged; the repeat of other-2 was not.
    const unit = (await call(server, "POST", "/v1/jobs/credits", key, { stages })).body.credits as number;
    expect(unit).toBeGreaterThan(0);
    expect(before - (await balanceOf(server, key))).toBeCloseTo(3 * unit, 9);
  });

  it("a queued job's place stays right while its key's started jobs are evicted", async () => {
    make({ limits: { maxJobs: 5 } });
    const key = "queue";
    for (let i = 0; i < 8; i++) {
      await create(key, `done-${i}`);
      finishAll(server);
    }
    // Five waiting jobs (one canceled) in a key whose earlier jobs were evicted.
    const waiting = [];
    for (let i = 0; i < 5; i++) waiting.push(await create(key, `wait-${i}`));
    expect((await call(server, "DELETE", `/v1/jobs/${waiting[1]}`, key)).status).toBe(200);
    const place = async (id: string) => (await call(server, "GET", `/v1/jobs/${id}`, key)).body.job;
    expect((await place(waiting[0]!)).waitingInfo).toEqual({ queueRank: "1", queueLen: "4" });
    expect((await place(waiting[2]!)).waitingInfo).toEqual({ queueRank: "2", queueLen: "4" });
    expect((await place(waiting[4]!)).waitingInfo).toEqual({ queueRank: "4", queueLen: "4" });
    server.clock.advance(1600); // the first starts
    expect((await place(waiting[0]!)).status).toBe("RUNNING");
    expect((await place(waiting[3]!)).waitingInfo).toEqual({ queueRank: "2", queueLen: "3" });
  });
});

describe("trimQueue", () => {
  it("leaves every job's rank and the queue's length as they were", () => {
    const q = createKeyQueue();
    // Ten jobs starting 100 ms apart; jobs 6 and 8 canceled while queued; now = 550.
    for (let i = 0; i < 10; i++) q.starts.push(i * 100);
    q.canceled.push(2, 6, 8);
    const now = 550;
    const before = [6, 7, 8, 9].map((seq) => queuePlace(q, seq, now));
    trimQueue(q, now);
    expect(q.dropped).toBe(6);
    expect(q.starts).toHaveLength(4);
    // Canceled job 2 had started long before: nothing can count it any more.
    expect(q.canceled).toEqual([6, 8]);
    expect([6, 7, 8, 9].map((seq) => queuePlace(q, seq, now))).toEqual(before);
    expect(queuePlace(q, 7, now)).toEqual({ rank: 1, len: 2 });
  });

  it("waits until the started front is half the queue", () => {
    const q = createKeyQueue();
    for (let i = 0; i < 10; i++) q.starts.push(i * 100);
    trimQueue(q, 350); // 4 started of 10
    expect(q.dropped).toBe(0);
    trimQueue(q, 450); // 5 of 10
    expect(q.dropped).toBe(5);
  });
});

describe("uploads are bounded", () => {
  it("announced uploads are kept up to --max-jobs: the oldest putUrl then answers NoSuchUpload", async () => {
    make({ limits: { maxJobs: 3 } });
    const announced = [];
    for (let i = 0; i < 6; i++)
      announced.push((await call(server, "POST", "/v1/resource/image", "up", {})).body.putUrl as string);
    expect((await tamsState()).resources).toBe(3);
    const png = await renderPlaceholder({
      width: 64,
      height: 64,
      format: "png",
      seed: 1,
      prompt: "u",
      jobId: "u",
    });
    const put = async (putUrl: string) => {
      const u = new URL(putUrl);
      return server.fetch(u.pathname + u.search, { method: "PUT", body: new Uint8Array(png) });
    };
    const oldest = await put(announced[0]!);
    expect(oldest.status).toBe(404);
    expect(await oldest.text()).toContain("<Code>NoSuchUpload</Code>");
    expect((await put(announced[5]!)).status).toBe(200);
  });

  it("a resource whose bytes the upload budget dropped is refused with why, not a 500", async () => {
    const png = await renderPlaceholder({
      width: 96,
      height: 96,
      format: "png",
      seed: 2,
      prompt: "u",
      jobId: "u",
    });
    make({ limits: { maxUploadBytes: png.length + 10 } });
    const first = await upload(server, "budget", png);
    await upload(server, "budget", png); // the budget drops the first one's bytes
    const r = await call(server, "POST", "/v1/jobs", "budget", {
      requestId: "uses-dropped",
      stages: [
        { type: "INPUT_INITIALIZE", inputInitialize: { imageResourceId: first, count: 1 } },
        stages[1],
      ],
    });
    expect(r.status).toBe(400);
    expect(r.body.message).toContain(`resource ${first} is no longer stored`);
    expect(r.body.message).toContain("--max-upload-mb");
  });
});
