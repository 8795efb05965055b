import { describe, expect, it } from "vitest";
import { createNormalizer } from "./normalizers.js";

describe("createNormalizer", () => {
  it("keeps identity: the same id is the same placeholder across responses", () => {
    const n = createNormalizer();
    expect(n.normalize({ data: { id: "64351e4d567bcd86773dc841" } })).toEqual({ data: { id: "<id:1>" } });
    expect(n.normalize({ data: { id: "64351e4d567bcd86773dc841", artIds: ["a1", "a2"] } })).toEqual({
      data: { id: "<id:1>", artIds: ["<art-id:1>", "<art-id:2>"] },
    });
  });

  it("replaces timestamps, seeds, signed URLs (same file, other signature = same placeholder) and file paths", () => {
    const n = createNormalizer();
    const out = n.normalize({
      createAt: "2023-04-11T08:46:05.55Z",
      seed: 1050625087,
      a: "https://oss.example.com/x.png?Expires=1&Signature=abc",
      b: "https://oss.example.com/x.png?Expires=2&Signature=def",
      images: ["images/art/640076a4661aa1c0f81ba2d7/cgqhsljj5mf00080001g.png"],
    });
    expect(out).toEqual({
      a: "<url:1>",
      b: "<url:1>",
      createAt: "<timestamp>",
      images: ["<file:1>"],
      seed: "<seed>",
    });
  });

  it("scrubs secrets wherever they appear and applies volatile keys", () => {
    const n = createNormalizer({ secrets: ["sk-123"], volatileKeys: { credit: "<balance>" } });
    expect(n.normalize({ info: "bad key sk-123", credit: 99990 })).toEqual({
      credit: "<balance>",
      info: "bad key <api-key>",
    });
  });

  it("numbers placeholders by sorted key order, not by the order a server writes fields", () => {
    const a = createNormalizer().normalize({ jobId: "x", artId: "y" });
    const b = createNormalizer().normalize({ artId: "y", jobId: "x" });
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });
});
