import { describe, expect, it } from "vitest";
import * as z from "zod";
import { bool, compact, enumName, float, int64, message, readEnum, readInt, str } from "./protojson.js";

const sample = message({
  sdModel: str().optional(),
  hrResizeX: int64().optional(),
  cfgScale: float().optional(),
  pixelPerfect: bool().optional(),
  type: enumName(["DEFAULT", "DIFFUSION"]).optional(),
});

describe("protojson reading", () => {
  it("accepts lowerCamelCase and snake_case, mixed in one body", () => {
    expect(sample.parse({ sd_model: "1", hrResizeX: 2, cfg_scale: 7 })).toEqual({
      sdModel: "1",
      hrResizeX: 2,
      cfgScale: 7,
    });
  });

  it("refuses a field given under both spellings, naming it", () => {
    const r = sample.safeParse({ sd_model: "1", sdModel: "2" });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.path).toEqual(["sdModel"]);
    expect(r.error!.issues[0]!.message).toContain("given twice");
  });

  it("reads 64-bit integers from strings or numbers, and refuses fractions and words", () => {
    expect(int64().parse("-1")).toBe(-1);
    expect(int64().parse(933011881)).toBe(933011881);
    expect(int64().safeParse(1.5).success).toBe(false);
    expect(int64().safeParse("ten").success).toBe(false);
    expect(int64({ min: 1 }).safeParse("0").success).toBe(false);
  });

  it("treats null as unset and drops unknown fields", () => {
    expect(sample.parse({ sdModel: null, futureField: 1 })).toEqual({});
  });

  it("reads booleans as true/false or their strings, enums by name or number", () => {
    expect(bool().parse("true")).toBe(true);
    expect(bool().safeParse("yes").success).toBe(false);
    expect(enumName(["DEFAULT", "DIFFUSION"]).parse(1)).toBe("DIFFUSION");
    expect(enumName(["DEFAULT", "DIFFUSION"]).safeParse("DIFUSION").success).toBe(false);
  });

  it("keeps a string field strict: a number is refused", () => {
    expect(str().safeParse(600423083519).success).toBe(false);
  });

  it("writes objects without unset fields", () => {
    expect(compact({ a: 1, b: undefined, c: [{ d: undefined, e: "x" }] })).toEqual({ a: 1, c: [{ e: "x" }] });
  });

  it("does not rename the keys of a map (ComfyUI input names stay snake_case)", () => {
    const node = message({ inputs: z.record(z.string(), z.unknown()) });
    expect(node.parse({ inputs: { lora_name: "1" } })).toEqual({ inputs: { lora_name: "1" } });
  });
});

describe("one set of rules for the credits readers and the emulator's schemas", () => {
  it("reads an enum by name or number, and refuses an unknown one with the same words", () => {
    const names = ["DEFAULT", "DIFFUSION"] as const;
    expect(readEnum({ type: 1 }, "type", "stages[0]", names)).toEqual({
      value: "DIFFUSION",
      path: "stages[0].type",
    });
    expect(() => readEnum({ type: 2 }, "type", "stages[0]", names)).toThrow(
      "stages[0].type: must be one of DEFAULT, DIFFUSION (by name, or by number 0-1), got 2",
    );
    const r = enumName(names).safeParse(2);
    expect(r.error!.issues[0]!.message).toBe(
      "must be one of DEFAULT, DIFFUSION (by name, or by number 0-1), got 2",
    );
  });

  it("words integer bounds the same way in both", () => {
    expect(() => readInt({ steps: "x" }, "steps", "d", { min: 1 })).toThrow(
      'd.steps: must be an integer ≥ 1, got "x"',
    );
    expect(int64({ min: 1 }).safeParse("x").error!.issues[0]!.message).toBe(
      'must be an integer ≥ 1, got "x"',
    );
  });
});
