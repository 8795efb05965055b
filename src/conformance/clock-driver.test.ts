import { describe, expect, it } from "vitest";
import { createClockDriver } from "./clock-driver.js";
import type { ControlPlane } from "./control.js";

/** A control plane that only counts advances. */
function counting() {
  const advances: number[] = [];
  const control = { advanceClock: async (ms: number) => void advances.push(ms) } as unknown as ControlPlane;
  return { control, advances };
}

const answerAfter = (ms: number) => () =>
  new Promise<Response>((r) => setTimeout(() => r(new Response("{}")), ms));

describe("clock driver", () => {
  it("advances the clock while a request is in flight, and stops when it answers", async () => {
    const { control, advances } = counting();
    const driven = createClockDriver(control, { tickMs: 10, stepMs: 1000 }).wrap(answerAfter(120));
    await driven("http://emulator/qolaba/getTextToImage");
    expect(advances.length).toBeGreaterThan(2);
    expect(advances.every((ms) => ms === 1000)).toBe(true);
    const after = advances.length;
    await new Promise((r) => setTimeout(r, 60));
    expect(advances.length).toBe(after);
  });

  it("does not advance for a request that answers at once", async () => {
    const { control, advances } = counting();
    const driven = createClockDriver(control, { tickMs: 50 }).wrap(async () => new Response("{}"));
    for (let i = 0; i < 5; i++) await driven("http://emulator/tams/v1/jobs/1");
    expect(advances).toEqual([]);
  });

  it("shares one ticker between concurrent requests (advancing is per emulator, not per request)", async () => {
    const { control, advances } = counting();
    const driver = createClockDriver(control, { tickMs: 10, stepMs: 1000 });
    const one = driver.wrap(answerAfter(100));
    await Promise.all([one("a"), one("b"), one("c"), one("d")]);
    // Four requests over ~100 ms: about 10 ticks, not 40.
    expect(advances.length).toBeLessThan(20);
  });

  it("elapse is one advance of the asked time", async () => {
    const { control, advances } = counting();
    await createClockDriver(control).elapse(4000);
    expect(advances).toEqual([4000]);
  });
});
