import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createIdFactory, objectIdOf, xidOf } from "./ids.js";

/** The xid of the 96-bit number, by BigInt: the plain statement of what xidOf computes faster. */
function referenceXid(seconds: number, machine: number, seq: number): string {
  const alphabet = "0123456789abcdefghijklmnopqrstuv";
  let n = (BigInt(seconds) << 64n) | (BigInt(machine) << 24n) | BigInt(seq & 0xffffff);
  let out = "";
  for (let i = 0; i < 20; i++) {
    out = alphabet[Number(n % 32n)]! + out;
    n /= 32n;
  }
  return out;
}

describe("Aitubo ids", () => {
  it("an xid is the base32hex of seconds·2⁶⁴ + machine·2²⁴ + counter, for any parts", () => {
    const u32 = fc.integer({ min: 0, max: 2 ** 32 - 1 });
    fc.assert(
      fc.property(u32, u32, fc.integer({ min: 0, max: 2 ** 30 }), (s, m, q) => {
        expect(xidOf(s, m, q)).toBe(referenceXid(s, m, q));
      }),
      { numRuns: 2000, seed: 7 },
    );
    expect(xidOf(0, 0, 0)).toBe("00000000000000000000");
    expect(xidOf(2 ** 32 - 1, 2 ** 32 - 1, 2 ** 24 - 1)).toBe(
      referenceXid(2 ** 32 - 1, 2 ** 32 - 1, 2 ** 24 - 1),
    );
  });

  it("an ObjectId is the three parts as 8 hex digits each (mod 2³²)", () => {
    const hex8 = (n: number) => n.toString(16).padStart(8, "0").slice(-8);
    const u = fc.integer({ min: 0, max: 2 ** 33 });
    fc.assert(
      fc.property(u, u, u, (s, m, q) => {
        expect(objectIdOf(s, m, q)).toBe(hex8(s % 2 ** 32) + hex8(m % 2 ** 32) + hex8(q % 2 ** 32));
      }),
      { numRuns: 2000, seed: 7 },
    );
  });

  it("ids from one factory are distinct, and the same seed gives the same ids", () => {
    const seeded = (x: number) => () => {
      x = (x * 16807) % 2147483647;
      return x / 2147483647;
    };
    const a = createIdFactory(seeded(42));
    const b = createIdFactory(seeded(42));
    const ids = Array.from({ length: 50 }, (_, i) => [a.objectId(i * 1000), a.xid(i * 1000)]).flat();
    expect(new Set(ids).size).toBe(100);
    expect(Array.from({ length: 50 }, (_, i) => [b.objectId(i * 1000), b.xid(i * 1000)]).flat()).toEqual(ids);
    expect(ids[1]).toMatch(/^[0-9a-v]{20}$/);
  });
});
