/**
 * One scenario per documented constraint of Aitubo's request tables: each bad value is refused
 * (not `code: 0`, a 4xx: the docs publish no error code) and charges nothing.
 */
import { estimateAitubo } from "../../../credits/aitubo.js";
import type { AituboClient } from "../../clients/aitubo.js";
import type { ApiResponse } from "../../http.js";
import { defineScenario, type Scenario } from "../../scenario.js";
import { type AituboCtx, expectRejected, pickModel } from "./helpers.js";

interface Case {
  name: string;
  /** The doc's words. */
  rule: string;
  /** What a live run spends if the API wrongly accepts the request (a one-image job or an upscale). */
  ifAccepted: number;
  send(client: AituboClient, ctx: AituboCtx): Promise<ApiResponse>;
}

const base = { prompt: "a cat", count: 1, steps: 10 };
const ONE_IMAGE = estimateAitubo("create", base).total;
const UPSCALE = estimateAitubo("upscale", { upscaleFactor: 2 }).total;
const create = (extra: Record<string, unknown>) => async (client: AituboClient, ctx: AituboCtx) =>
  client.createJob({ ...base, modelId: await pickModel(ctx), ...extra });

const CASES: Case[] = [
  {
    name: "prompt-missing",
    ifAccepted: ONE_IMAGE,
    rule: "prompt: required",
    send: async (c, ctx) => c.createJob({ modelId: await pickModel(ctx), count: 1 }),
  },
  {
    name: "steps-range",
    ifAccepted: ONE_IMAGE,
    rule: "steps: 10 <= value <= 50",
    send: create({ steps: 5 }),
  },
  {
    name: "guidance-scale-range",
    ifAccepted: ONE_IMAGE,
    rule: "guidanceScale: 0 < value <= 20",
    send: create({ guidanceScale: 25 }),
  },
  {
    name: "strength-range",
    ifAccepted: ONE_IMAGE,
    rule: "strength: [0.1, 1]",
    send: create({ strength: 1.5 }),
  },
  {
    name: "control-strength-range",
    ifAccepted: ONE_IMAGE,
    rule: "controlStrength: [0, 2]",
    send: create({
      controlModel: "canny",
      controlStrength: 3,
      imagePath: "https://file.aitubo.ai/assets/template/control_canny.jpg",
    }),
  },
  {
    name: "upscale-factor-range",
    ifAccepted: UPSCALE,
    rule: "upscaleFactor: 2 <= factor <= 4",
    send: (c) =>
      c.upscale({ imagePath: "images/art/x/y.png", artId: "64351e56567bcd86773dc842", upscaleFactor: 5 }),
  },
  {
    name: "upscale-art-id-missing",
    ifAccepted: UPSCALE,
    rule: "artId: required",
    send: (c) => c.upscale({ imagePath: "images/art/x/y.png", upscaleFactor: 2 } as never),
  },
  {
    name: "segment-image-missing",
    ifAccepted: 0,
    rule: "image: required",
    send: (c) => c.segment(undefined as never),
  },
];

/** The validation scenarios, one per case. */
export const validationScenarios: Scenario<"aitubo">[] = CASES.map((c) =>
  defineScenario({
    name: `validation-${c.name}`,
    provider: "aitubo",
    description: `refused, nothing charged: ${c.rule}`,
    live: { status: "unverified" },
    // Budgeted at what it would spend if the live API accepted the bad input (that is the drift).
    cost: () => c.ifAccepted,
    volatileKeys: { credit: "<balance>" },
    async run(ctx) {
      await expectRejected(ctx, "request", () => c.send(ctx.client, ctx));
    },
  }),
);
