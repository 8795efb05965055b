import { describe, expect, it } from "vitest";
import { rateLimited } from "./rate-limit.js";

describe("rateLimited", () => {
  it("spaces request starts by 1000 / qps ms, even when they are sent at once", async () => {
    const starts: number[] = [];
    const limited = rateLimited(async () => {
      starts.push(Date.now());
      return new Response("{}");
    }, 25);
    await Promise.all(Array.from({ length: 5 }, () => limited("https://api.example/x")));
    const gaps = starts.slice(1).map((t, i) => t - starts[i]!);
    expect(gaps.every((g) => g >= 40)).toBe(true);
  });
});
