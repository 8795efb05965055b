import { describe, expect, it } from "vitest";
import { estimateAithriving } from "./aithriving.js";
import { estimateAitubo } from "./aitubo.js";
import { CreditsInputError } from "./errors.js";
import { detectEndpoint, estimate } from "./estimate.js";
import { estimateQolaba } from "./qolaba.js";

function fieldOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof CreditsInputError) return e.field;
    throw e;
  }
  throw new Error("expected a CreditsInputError");
}

describe("estimateAitubo", () => {
  it("charges 10 per image: the doc's default create is 40, documented", () => {
    const e = estimateAitubo("create", {
      prompt: "A cat sleeps on the plane",
      modelId: "642b977d2f2842537c09fe41",
    });
    expect(e).toMatchObject({ total: 40, items: [{ credits: 40, source: "documented" }] });
    expect(estimateAitubo("create", { prompt: "x", count: 1 }).items[0]).toMatchObject({
      credits: 10,
      source: "inferred",
    });
  });

  it("takes price overrides, integers only", () => {
    expect(estimateAitubo("create", { prompt: "x", count: 3 }, { perImage: 7 }).total).toBe(21);
    expect(
      estimateAitubo("upscale", { upscaleFactor: 2, artId: "a", imagePath: "p" }, { upscale: 4 }).total,
    ).toBe(4);
    expect(estimateAitubo("headshot", { transformId: "t", imagePath: "p" }, { headshot: 30 }).total).toBe(30);
    expect(fieldOf(() => estimateAitubo("create", {}, { perImage: 1.5 }))).toBe("prices.perImage");
  });

  it("validates the priced fields by their documented ranges", () => {
    expect(fieldOf(() => estimateAitubo("create", { prompt: "x", steps: 60 }))).toBe("steps");
    expect(fieldOf(() => estimateAitubo("create", { prompt: "x", count: "4" }))).toBe("count");
    expect(fieldOf(() => estimateAitubo("upscale", { upscaleFactor: 5 }))).toBe("upscaleFactor");
    expect(fieldOf(() => estimateAitubo("upscale", {}))).toBe("upscaleFactor");
  });
});

describe("estimateAithriving", () => {
  it.each([
    [10, 0.4],
    [11, 0.6],
    [30, 1.2],
    [50, 2],
  ])("basic generation at %i steps costs %d", (steps, credits) => {
    expect(estimateAithriving("basic/textToImage", { prompt: "x", steps }).total).toBe(credits);
    expect(estimateAithriving("basic/imageToImage", { prompt: "x", steps: String(steps) }).total).toBe(
      credits,
    );
  });

  it("defaults to 30 steps and rejects steps outside 10–50", () => {
    expect(estimateAithriving("basic/textToImage", { prompt: "x" }).total).toBe(1.2);
    expect(fieldOf(() => estimateAithriving("basic/textToImage", { steps: 9 }))).toBe("steps");
    expect(fieldOf(() => estimateAithriving("basic/textToImage", { steps: 51 }))).toBe("steps");
  });

  it.each([
    ["sd3/textToImage", 8],
    ["ultra", 16],
    ["core", 6],
    ["edit/erase", 6],
    ["edit/inpaint", 6],
  ] as const)("%s costs %i (documented)", (endpoint, credits) => {
    expect(estimateAithriving(endpoint, { prompt: "x" })).toMatchObject({
      total: credits,
      items: [{ credits, source: "documented" }],
    });
  });

  it("an overridden price is no longer the provider's", () => {
    expect(estimateAithriving("ultra", {}, { ultra: 12.5 }).items[0]).toMatchObject({
      credits: 12.5,
      source: "inferred",
    });
  });
});

describe("estimateQolaba", () => {
  it("charges batch * steps * 0.02 (inferred)", () => {
    expect(estimateQolaba("getTextToImage", { batch: 2, num_inference_steps: 25 }).items[0]).toMatchObject({
      credits: 1,
      source: "inferred",
    });
    expect(estimateQolaba("getImagetoImage", {}).total).toBe(0.6);
    expect(
      estimateQolaba("getTextToImage", { batch: 8, num_inference_steps: 50 }, { perImageStep: 0.01 }).total,
    ).toBe(4);
  });

  it("validates documented ranges", () => {
    expect(fieldOf(() => estimateQolaba("getTextToImage", { batch: 9 }))).toBe("batch");
    expect(fieldOf(() => estimateQolaba("getTextToImage", { num_inference_steps: 0 }))).toBe(
      "num_inference_steps",
    );
  });
});

describe("estimate", () => {
  it("recognises endpoints from the body", () => {
    expect(detectEndpoint("tams", [])).toBe("stages");
    expect(detectEndpoint("tams", { params: {} })).toBe("workflow");
    expect(detectEndpoint("tams", { template_id: "1", fields: {} })).toBe("template");
    expect(detectEndpoint("aitubo", { upscaleFactor: 2 })).toBe("upscale");
    expect(detectEndpoint("aitubo", { transformId: "t" })).toBe("headshot");
    expect(detectEndpoint("aitubo", { prompt: "x" })).toBe("create");
    expect(detectEndpoint("aithriving", { init_image: "x", prompt: "p" })).toBe("basic/imageToImage");
    expect(detectEndpoint("aithriving", { mask: "m", prompt: "p" })).toBe("edit/inpaint");
    expect(detectEndpoint("aithriving", { mask: "m" })).toBe("edit/erase");
    expect(detectEndpoint("aithriving", { model: "sd3-large", prompt: "p" })).toBe("sd3/textToImage");
    expect(detectEndpoint("aithriving", { prompt: "p", steps: 20 })).toBe("basic/textToImage");
    expect(detectEndpoint("qolaba", { image: "u" })).toBe("getImagetoImage");
  });

  it("dispatches, and asks for the endpoint when the body cannot tell", () => {
    expect(estimate("aitubo", { prompt: "x" }).total).toBe(40);
    expect(estimate("aithriving", { prompt: "x" }, { endpoint: "ultra" }).total).toBe(16);
    expect(fieldOf(() => estimate("aithriving", { prompt: "x" }))).toBe("endpoint");
    expect(fieldOf(() => estimate("qolaba", {}, { endpoint: "nope" }))).toBe("endpoint");
    expect(
      estimate("tams", { stages: [{ type: "DIFFUSION", diffusion: { width: 512, height: 512, steps: 20 } }] })
        .total,
    ).toBe(0.8);
  });
});
