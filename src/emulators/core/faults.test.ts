import { describe, expect, it } from "vitest";
import { createByteCache } from "./byte-cache.js";
import { createFaultSet, faultRuleSchema, magicActions, routeMatches } from "./faults.js";

describe("fault rules", () => {
  it("matches routes by method and glob", () => {
    expect(routeMatches("POST /api/job/create", "POST", "/api/job/create")).toBe(true);
    expect(routeMatches("POST /api/job/create", "GET", "/api/job/create")).toBe(false);
    expect(routeMatches("/v1/jobs/*", "DELETE", "/v1/jobs/123")).toBe(true);
    expect(routeMatches("GET *", "GET", "/anything")).toBe(true);
    expect(routeMatches(undefined, "GET", "/x")).toBe(true);
  });

  it("fires on the n-th call, at most `times` times, and by provider and key", () => {
    const set = createFaultSet();
    set.set([
      faultRuleSchema.parse({ nth: 2, action: { type: "drop" } }),
      faultRuleSchema.parse({ provider: "tams", key: "k", times: 1, action: { type: "hang-job" } }),
    ]);
    const req = { provider: "aitubo", method: "GET", path: "/x" };
    expect(set.match(req)).toEqual([]);
    expect(set.match(req)).toEqual([{ type: "drop" }]);
    expect(set.match(req)).toEqual([]);
    const tams = { provider: "tams", method: "GET", path: "/x", key: "k" };
    expect(set.match({ ...tams, key: "other" })).toEqual([]);
    expect(set.match(tams)).toEqual([{ type: "hang-job" }]);
    expect(set.match(tams)).toEqual([]);
  });

  it("probability is seeded, so a run can be replayed", () => {
    const run = () => {
      const set = createFaultSet();
      set.set([faultRuleSchema.parse({ probability: 0.5, action: { type: "drop" } })], "seed-1");
      return Array.from({ length: 40 }, () => set.match({ provider: "p", method: "GET", path: "/" }).length);
    };
    const a = run();
    expect(a).toEqual(run());
    expect(a.filter(Boolean).length).toBeGreaterThan(5);
    expect(a.filter(Boolean).length).toBeLessThan(35);
  });

  it("reads magic words", () => {
    expect(magicActions('{"prompt":"a cat emu:fail"}')).toEqual([
      { type: "fail-job", reason: expect.any(String) },
    ]);
    expect(magicActions("emu:error-503 and emu:latency-250")).toEqual([
      { type: "error", status: 503, message: expect.any(String) },
      { type: "latency", ms: 250 },
    ]);
    expect(magicActions("emu:ratelimit emu:slow emu:nsfw emu:hang emu:drop").map((a) => a.type)).toEqual([
      "rate-limit",
      "slow-job",
      "nsfw",
      "hang-job",
      "drop",
    ]);
    expect(magicActions("emulator fail, emu:nothing")).toEqual([]);
  });
});

describe("byte cache", () => {
  it("evicts the least recently used entries beyond its budget", () => {
    const cache = createByteCache(10);
    cache.set("a", Buffer.alloc(4));
    cache.set("b", Buffer.alloc(4));
    cache.get("a");
    cache.set("c", Buffer.alloc(4));
    expect(cache.get("b")).toBeUndefined();
    expect(cache.get("a")).toBeDefined();
    expect(cache.bytes).toBe(8);
    cache.set("huge", Buffer.alloc(11));
    expect(cache.get("huge")).toBeUndefined();
  });
});
