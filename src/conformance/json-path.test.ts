import { describe, expect, it } from "vitest";
import { formatPath, pathMatches, valueAt } from "./json-path.js";

describe("json paths", () => {
  it("formats keys, indexes and odd keys", () => {
    expect(formatPath(["data", "images", 0])).toBe("data.images[0]");
    expect(formatPath(["params", "3", "inputs"])).toBe('params["3"].inputs');
    expect(formatPath(["@type"])).toBe('["@type"]');
  });

  it("reads a value at a path", () => {
    expect(valueAt({ a: [{ b: 2 }] }, ["a", 0, "b"])).toBe(2);
    expect(valueAt({ a: null }, ["a", "b"])).toBeUndefined();
  });

  it("matches declared patterns: exact, * for one segment, [*] for any index", () => {
    expect(pathMatches("create: body.info", "create: body.info")).toBe(true);
    expect(pathMatches("create: body.info", "create: body.infos")).toBe(false);
    expect(pathMatches("poll: data.images[*]", "poll: data.images[3]")).toBe(true);
    expect(pathMatches("poll: data.*.id", "poll: data.job.id")).toBe(true);
    expect(pathMatches("poll: data.*.id", "poll: data.job.x.id")).toBe(false);
    expect(pathMatches("poll: data.images[0]", "poll: data.images[1]")).toBe(false);
  });
});
