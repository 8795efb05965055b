import { describe, expect, it } from "vitest";
import { memoJson } from "./json-memo.js";

describe("memoJson", () => {
  it("builds once per key and owner, and again when the key changes", () => {
    const job = {};
    let builds = 0;
    const build = (status: number) => () => {
      builds++;
      return { status };
    };
    expect(memoJson(job, "1|a", build(1))).toBe('{"status":1}');
    expect(memoJson(job, "1|a", build(99))).toBe('{"status":1}');
    expect(builds).toBe(1);
    expect(memoJson(job, "2|a", build(2))).toBe('{"status":2}');
    expect(memoJson(job, "2|b", build(3))).toBe('{"status":3}');
    expect(builds).toBe(3);
  });

  it("keeps owners apart", () => {
    const [a, b] = [{}, {}];
    expect(memoJson(a, "k", () => "a")).toBe('"a"');
    expect(memoJson(b, "k", () => "b")).toBe('"b"');
  });
});
