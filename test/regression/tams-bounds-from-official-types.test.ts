/**
 * Regression: bounds stricter than the official types (`cfgScale` refused above 30 while
 * `tams-sdk`'s declarations say `@max 35`), and bounds the declarations state that were not applied.
 */
import { afterAll, describe, expect, it } from "vitest";
import { call, tamsServer } from "../../src/emulators/tams/test-kit.js";

const server = tamsServer();
afterAll(() => server.close());

const diffusion = (extra: Record<string, unknown> = {}) => ({
  type: "DIFFUSION",
  diffusion: {
    width: 512,
    height: 512,
    prompts: [{ text: "a fox" }],
    steps: 20,
    sdModel: "600423083519508503",
    ...extra,
  },
});

async function price(stages: unknown[]) {
  return call(server, "POST", "/v1/jobs/credits", "bounds", { stages });
}

describe("regression: cfgScale 35", () => {
  it("accepts cfgScale and adCfgScale up to 35, and refuses above, naming the field", async () => {
    expect((await price([diffusion({ cfgScale: 35 })])).status).toBe(200);
    const over = await price([diffusion({ cfgScale: "35.5" })]);
    expect(over.status).toBe(400);
    expect(over.body.message).toBe(
      'stages[0].diffusion.cfgScale: must be a number between 0 and 35, got "35.5"',
    );
    const ad = (adCfgScale: number) => [
      diffusion(),
      {
        type: "IMAGE_TO_ADETAILER",
        imageToAdetailer: { args: [{ adModel: "face_yolov8n.pt", adCfgScale }] },
      },
    ];
    expect((await price(ad(35))).status).toBe(200);
    expect((await price(ad(36))).body.message).toMatch(
      /^stages\[1\]\.imageToAdetailer\.args\[0\]\.adCfgScale: must be a number between 0 and 35/,
    );
  });
});

describe("regression: bounds the official types declare", () => {
  it("hrScale: @format int32, a whole factor", async () => {
    const up = (hrScale: unknown) => [
      diffusion(),
      { type: "IMAGE_TO_UPSCALER", imageToUpscaler: { hrUpscaler: "Lanczos", hrScale } },
    ];
    expect((await price(up("2"))).status).toBe(200);
    expect((await price(up(1.5))).body.message).toBe(
      "stages[1].imageToUpscaler.hrScale: must be an integer between 0 and 4, got 1.5",
    );
  });

  it("steps: @min 10 @max 50", async () => {
    expect((await price([diffusion({ steps: 10 })])).status).toBe(200);
    expect((await price([diffusion({ steps: 50 })])).status).toBe(200);
    for (const steps of [9, 51])
      expect((await price([diffusion({ steps })])).body.message).toBe(
        `stages[0].diffusion.steps: must be an integer between 10 and 50, got ${steps}`,
      );
  });

  it("seed: @max 4294967295, and -1 (random) still accepted", async () => {
    const init = (seed: unknown) => [{ type: "INPUT_INITIALIZE", inputInitialize: { seed } }, diffusion()];
    expect((await price(init("-1"))).status).toBe(200);
    expect((await price(init("4294967295"))).status).toBe(200);
    expect((await price(init("4294967296"))).body.message).toMatch(
      /^stages\[0\]\.inputInitialize\.seed: must be an integer ≤ 4294967295/,
    );
  });

  it("hrResizeX/Y: @min 128, or 0 for unset", async () => {
    const up = (hrResizeX: number) => [
      diffusion(),
      { type: "IMAGE_TO_UPSCALER", imageToUpscaler: { hrUpscaler: "Lanczos", hrResizeX, hrScale: 2 } },
    ];
    expect((await price(up(0))).status).toBe(200);
    expect((await price(up(128))).status).toBe(200);
    expect((await price(up(100))).body.message).toBe(
      "stages[1].imageToUpscaler.hrResizeX: must be 0 (unset) or between 128 and 4096",
    );
  });
});
