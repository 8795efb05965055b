import { afterEach, describe, expect, it } from "vitest";
import { readImageParams } from "./images.js";
import { maskKey } from "./secrets.js";
import { createEmulatorServer, type EmulatorServer } from "./server.js";
import { testProvider } from "./test-provider.js";

const auth = (key: string) => ({ authorization: `Bearer ${key}`, "content-type": "application/json" });
let server: EmulatorServer;
afterEach(() => server?.close());

const make = (opts: Parameters<typeof createEmulatorServer>[1] = {}) => {
  server = createEmulatorServer([testProvider], {
    clock: { mode: "manual", start: 1_700_000_000_000 },
    ...opts,
  });
  return server;
};
const post = (path: string, key: string, body: unknown) =>
  server.fetch(path, { method: "POST", headers: auth(key), body: JSON.stringify(body) });

describe("server", () => {
  it("mounts the provider under its prefix and computes job phases from the clock", async () => {
    make();
    const created = await (await post("/test/jobs", "k1", { prompt: "a cat" })).json();
    expect(created).toMatchObject({ ok: true, id: "job1" });
    const phase = async () => (await (await server.fetch("/test/jobs/job1")).json()).phase;
    expect(await phase()).toBe("queued");
    server.clock.advance(1000);
    expect(await phase()).toBe("running");
    server.clock.advance(2000);
    expect(await phase()).toBe("succeeded");
  });

  it("serves a rendered result whose metadata names the job", async () => {
    make();
    await post("/test/jobs", "k1", { prompt: "a dog" });
    const res = await server.fetch("/test/files/out/job1.png");
    expect(res.headers.get("content-type")).toBe("image/png");
    const params = await readImageParams(Buffer.from(await res.arrayBuffer()));
    expect(params).toMatchObject({ prompt: "a dog", jobId: "job1", width: 64, height: 64 });
  });

  it("answers an unknown route and a thrown bug in the provider's shape, never a stack trace", async () => {
    const lines: string[] = [];
    make({ log: (l) => lines.push(l) });
    const missing = await server.fetch("/test/nope");
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ ok: false, kind: "not-found" });
    const boom = await server.fetch("/test/boom");
    expect(boom.status).toBe(500);
    const text = await boom.text();
    expect(text).not.toContain("a bug");
    expect(JSON.parse(text)).toMatchObject({ ok: false, kind: "internal" });
    expect(lines.join("\n")).toContain("a bug");
  });

  it("answers unknown paths outside the providers with a JSON message that says where things are", async () => {
    make();
    const control = await server.fetch("/__emulator/nope", { method: "POST" });
    expect(control.status).toBe(404);
    expect(await control.json()).toEqual({ error: { message: "no control route POST /__emulator/nope" } });
    const other = await server.fetch("/elsewhere?x=1");
    expect(other.status).toBe(404);
    expect((await other.json()).error.message).toBe("no route /elsewhere; providers are mounted at /test");
    // A prefix that only starts like a provider's is not that provider.
    expect((await server.fetch("/testing/x")).status).toBe(404);
    expect((await (await server.fetch("/testing/x")).json()).error.message).toContain("no route /testing/x");
  });

  it("keeps tenants apart and refuses a charge the balance cannot cover", async () => {
    make({ startCredit: 2 });
    expect((await (await post("/test/jobs", "a", { prompt: "x", credits: 2 })).json()).balance).toBe(0);
    expect((await post("/test/jobs", "a", { prompt: "x", credits: 1 })).status).toBe(402);
    expect((await (await post("/test/jobs", "b", { prompt: "x", credits: 1.5 })).json()).balance).toBe(0.5);
  });

  it("never overdraws under concurrent charges", async () => {
    make({ startCredit: 10 });
    const results = await Promise.all(
      Array.from({ length: 50 }, () => post("/test/jobs", "c", { prompt: "x", credits: 1 })),
    );
    expect(results.filter((r) => r.status === 200)).toHaveLength(10);
    const state = await (await server.fetch("/__emulator/tenants/c")).json();
    expect(state.balance).toBe(0);
  });

  it("refuses an oversized body in the provider's shape before reading it", async () => {
    make({ imageLimits: { maxBytes: 1000 } });
    const big = JSON.stringify({ prompt: "x".repeat(2 * 1024 * 1024) });
    const res = await post("/test/jobs", "k", JSON.parse(big));
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ ok: false, message: expect.stringContaining("too large") });
    expect((await server.fetch("/__emulator/state")).ok).toBe(true);
    expect((await (await server.fetch("/__emulator/state")).json()).tenants).toEqual([]);
  });

  it("rejects unregistered keys in strict mode", async () => {
    make({ strictKeys: true, keys: { good: 5 } });
    expect((await post("/test/jobs", "bad", { prompt: "x" })).status).toBe(401);
    expect((await post("/test/jobs", "good", { prompt: "x" })).status).toBe(200);
  });
});

describe("faults and magic words", () => {
  it("answers an injected error in the provider's body, on the n-th call only", async () => {
    make({
      faults: [{ provider: "test", route: "GET /jobs/*", nth: 2, action: { type: "error", status: 503 } }],
    });
    await post("/test/jobs", "k", { prompt: "x" });
    expect((await server.fetch("/test/jobs/job1")).status).toBe(200);
    const second = await server.fetch("/test/jobs/job1");
    expect(second.status).toBe(503);
    expect(await second.json()).toMatchObject({ ok: false, kind: "fault" });
    expect((await server.fetch("/test/jobs/job1")).status).toBe(200);
  });

  it("answers 429 with Retry-After", async () => {
    make({ faults: [{ route: "POST /jobs", action: { type: "rate-limit", retryAfter: 7 } }] });
    const res = await post("/test/jobs", "k", { prompt: "x" });
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("7");
  });

  it("drops the connection: the in-process fetch rejects like a network error", async () => {
    make();
    await expect(post("/test/jobs", "k", { prompt: "emu:drop please" })).rejects.toThrow(/fetch failed/);
  });

  it("makes a job fail or hang from a magic word, and only that job", async () => {
    make();
    await post("/test/jobs", "k", { prompt: "emu:fail" });
    await post("/test/jobs", "k", { prompt: "emu:hang" });
    await post("/test/jobs", "k", { prompt: "fine" });
    server.clock.advance(60_000);
    const phase = async (id: string) => (await (await server.fetch(`/test/jobs/${id}`)).json()).phase;
    expect(await phase("job1")).toBe("failed");
    expect(await phase("job2")).toBe("running");
    expect(await phase("job3")).toBe("succeeded");
  });

  it("control plane: PUT /faults validates and names the bad field", async () => {
    make();
    const res = await server.fetch("/__emulator/faults", {
      method: "PUT",
      body: JSON.stringify({ rules: [{ action: { type: "error", status: 200 } }] }),
    });
    expect(res.status).toBe(400);
    // The same path and words as `serve --faults` gives for the same rule.
    expect((await res.json()).error).toEqual({
      field: "rules[0].action.status",
      message: "rules[0].action.status must be >= 400",
    });
  });
});

describe("control plane", () => {
  it("advances the clock, sets balances, lists requests with secrets redacted, and resets one key", async () => {
    make();
    await server.fetch("/__emulator/tenants/key-12345678", {
      method: "PUT",
      body: JSON.stringify({ balance: 3 }),
    });
    await post("/test/jobs", "key-12345678", { prompt: "x" });
    const adv = await (
      await server.fetch("/__emulator/clock/advance", { method: "POST", body: JSON.stringify({ ms: 5000 }) })
    ).json();
    expect(adv.now).toBe(1_700_000_005_000);
    const { requests } = await (await server.fetch("/__emulator/requests?key=key-12345678")).json();
    expect(requests).toHaveLength(1);
    expect(requests[0].request.headers.authorization).toBe(`Bearer ${maskKey("key-12345678")}`);
    expect(JSON.stringify(requests)).not.toContain("key-12345678");
    expect(requests[0].response.body).toMatchObject({ ok: true, balance: 2 });
    await server.fetch("/__emulator/reset", {
      method: "POST",
      body: JSON.stringify({ key: "key-12345678" }),
    });
    expect((await server.fetch("/__emulator/tenants/key-12345678")).status).toBe(404);
    expect((await server.fetch("/test/jobs/job1")).status).toBe(404);
  });

  it("rejects bad bodies with a clear message", async () => {
    make();
    const res = await server.fetch("/__emulator/clock/advance", { method: "POST", body: "{nope" });
    expect(res.status).toBe(400);
    expect((await res.json()).error.message).toMatch(/not valid JSON/);
    const neg = await server.fetch("/__emulator/clock/advance", { method: "POST", body: '{"ms":-1}' });
    expect((await neg.json()).error.field).toBe("ms");
  });
});
