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

describe("the memo's bound", () => {
  it("keeps the answers of the most recent owners only, and builds a pushed-out one again", async () => {
    const { MEMO_OWNERS, memoJsonAsync } = await import("./json-memo.js");
    const first = {};
    let builds = 0;
    const build = () => {
      builds++;
      return { n: builds };
    };
    expect(memoJson(first, "k", build)).toBe('{"n":1}');
    for (let i = 0; i < MEMO_OWNERS; i++) memoJson({}, "k", () => i);
    // Pushed out by MEMO_OWNERS newer owners: built again.
    expect(memoJson(first, "k", build)).toBe('{"n":2}');
    expect(await memoJsonAsync(first, "k", async () => "never")).toBe('{"n":2}');
    expect(await memoJsonAsync(first, "k2", async () => "async")).toBe('"async"');
    expect(builds).toBe(2);
  });
});

describe("clearJsonMemo", () => {
  it("forgets every answer: the next call builds again", async () => {
    const { clearJsonMemo } = await import("./json-memo.js");
    const job = {};
    expect(memoJson(job, "k", () => 1)).toBe("1");
    clearJsonMemo();
    expect(memoJson(job, "k", () => 2)).toBe("2");
  });
});
