/** Failures: a failed generation, not enough credit, auth, and each documented range or enum. */
import { estimateAithriving } from "../../../credits/aithriving.js";
import type { AithrivingClient } from "../../clients/aithriving.js";
import type { ApiResponse } from "../../http.js";
import { defineScenario, type Scenario } from "../../scenario.js";
import { requireStrictKeys } from "../strict-keys.js";
import { type AithrivingCtx, expectRefused, file, sampleImage, sampleMask } from "./helpers.js";

const t2i = { prompt: "a lighthouse at dusk", width: 512, height: 512, steps: 10 };

const jobFails = defineScenario({
  name: "job-fails",
  provider: "aithriving",
  description: "a generation made to fail (emu:fail) answers code -1 and is not charged [doc]",
  live: { status: "emulatorOnly", reason: "a live generation cannot be made to fail on purpose" },
  cost: () => 0,
  async run(ctx) {
    ctx.requireControl();
    await expectRefused(ctx, "generate", () => ctx.client.textToImage({ ...t2i, prompt: "a vase emu:fail" }));
  },
});

const insufficientCredit = defineScenario({
  name: "insufficient-credit",
  provider: "aithriving",
  description: "a generation costing more than the balance answers code -1 and charges nothing",
  live: { status: "emulatorOnly", reason: "needs a balance below one generation's price" },
  cost: () => 0,
  async run(ctx) {
    await ctx.requireControl().setBalance(ctx.key, estimateAithriving("basic/textToImage", t2i).total / 2);
    await expectRefused(ctx, "generate", () => ctx.client.textToImage(t2i));
  },
});

const authMissing = defineScenario({
  name: "auth-missing",
  provider: "aithriving",
  description: "a generation without Authorization answers code -1",
  live: { status: "unverified" },
  cost: () => 0,
  async run(ctx) {
    await expectRefused(ctx, "generate", () => ctx.clientWithKey(undefined).textToImage(t2i));
  },
});

const authWrong = defineScenario({
  name: "auth-wrong",
  provider: "aithriving",
  description: "a generation with an unknown key answers code -1",
  live: { status: "unverified" },
  cost: () => 0,
  async run(ctx) {
    await requireStrictKeys(ctx);
    await expectRefused(ctx, "generate", () => ctx.clientWithKey(`wrong-${ctx.key}`).textToImage(t2i));
  },
});

interface Case {
  name: string;
  rule: string;
  send(client: AithrivingClient): Promise<ApiResponse>;
}

const withFile = async (c: AithrivingClient, fields: Record<string, string | number>) =>
  c.imageToImage({ ...fields, init_image: file(await sampleImage(512, 512), "init_image.png") });

const CASES: Case[] = [
  {
    name: "prompt-missing",
    rule: "prompt: required",
    send: (c) => c.textToImage({ width: 512, height: 512 }),
  },
  {
    name: "width-multiple-of-64",
    rule: "width: an increment divisible by 64",
    send: (c) => c.textToImage({ ...t2i, width: 500 }),
  },
  {
    name: "height-range",
    rule: "height: between 320 and 1536",
    send: (c) => c.textToImage({ ...t2i, height: 256 }),
  },
  { name: "steps-range", rule: "steps: [10, 50]", send: (c) => c.textToImage({ ...t2i, steps: 60 }) },
  {
    name: "cfg-scale-range",
    rule: "cfg_scale: [0, 35]",
    send: (c) => c.textToImage({ ...t2i, cfg_scale: 40 }),
  },
  {
    name: "sampler-enum",
    rule: "sampler: one of DDIM … K_LMS",
    send: (c) => c.textToImage({ ...t2i, sampler: "EULER_MAGIC" }),
  },
  {
    name: "style-preset-enum",
    rule: "style_preset: one of 3d-model … tile-texture",
    send: (c) => c.textToImage({ ...t2i, style_preset: "oil-paint" }),
  },
  {
    name: "clip-guidance-enum",
    rule: "clip_guidance_preset: one of FAST_BLUE … SLOWEST",
    send: (c) => c.textToImage({ ...t2i, clip_guidance_preset: "FASTEST" }),
  },
  {
    name: "init-image-missing",
    rule: "init_image: required",
    send: (c) => c.imageToImage({ prompt: "black hair", steps: 10 }),
  },
  {
    name: "image-strength-range",
    rule: "image_strength: [0, 1]",
    send: (c) => withFile(c, { prompt: "black hair", steps: 10, image_strength: 1.5 }),
  },
  {
    name: "sd3-model-enum",
    rule: "model: sd3-large / sd3-large-turbo / sd3-medium",
    send: (c) => c.sd3({ prompt: "a fox", model: "sd4" }),
  },
  {
    name: "aspect-ratio-enum",
    rule: "aspect_ratio: 16:9 1:1 21:9 2:3 3:2 4:5 5:4 9:16 9:21",
    send: (c) => c.ultra({ prompt: "a fox", aspect_ratio: "7:3" }),
  },
  {
    name: "output-format-enum",
    rule: "output_format: jpeg / png / webp",
    send: async (c) =>
      c.erase({
        output_format: "gif",
        image: file(await sampleImage(512, 384), "i.png"),
        mask: file(await sampleMask(512, 384), "m.png"),
      }),
  },
  {
    name: "mask-missing",
    rule: "mask: required",
    send: async (c) => c.inpaint({ prompt: "a window", image: file(await sampleImage(512, 384), "i.png") }),
  },
];

/** What a live run spends if the API wrongly accepts the request (that is the drift): budgeted up front. */
const IF_ACCEPTED: Record<string, number> = {
  "steps-range": estimateAithriving("basic/textToImage", { steps: 50 }).total,
  "sd3-model-enum": estimateAithriving("sd3/textToImage", {}).total,
  "aspect-ratio-enum": estimateAithriving("ultra", {}).total,
  "output-format-enum": estimateAithriving("edit/erase", {}).total,
  "mask-missing": estimateAithriving("edit/inpaint", {}).total,
};
const BASIC = estimateAithriving("basic/textToImage", t2i).total;

const validation = CASES.map((c) =>
  defineScenario({
    name: `validation-${c.name}`,
    provider: "aithriving",
    description: `code -1, nothing charged: ${c.rule}`,
    live: { status: "unverified" },
    cost: () => IF_ACCEPTED[c.name] ?? BASIC,
    async run(ctx: AithrivingCtx) {
      await expectRefused(ctx, "request", () => c.send(ctx.client));
    },
  }),
);

/** The failure scenarios. */
export const FAILURE_SCENARIOS: Scenario<"aithriving">[] = [
  jobFails,
  insufficientCredit,
  authMissing,
  authWrong,
  ...validation,
];
