/** Failures: a failed task, not enough credit, auth, an unknown app, and each documented range. */
import { estimateQolaba } from "../../../credits/qolaba.js";
import { defineScenario, type Scenario } from "../../scenario.js";
import { qolabaEnvelopeSchema } from "../../schemas/qolaba.js";
import { requireStrictKeys } from "../strict-keys.js";
import { CONTROLNET_APPS, expectRefused, QOLABA_MACHINE, SMALL, TEXT_TO_IMAGE_APP } from "./helpers.js";

const t2i = { app_id: TEXT_TO_IMAGE_APP, prompt: "a lighthouse at dusk", celery: false, ...SMALL };
const failed = { statusPath: ["status"] };

const jobFails = defineScenario({
  name: "job-fails",
  provider: "qolaba",
  description: "a queued task made to fail (emu:fail) ends FAILED through legal statuses, with an error",
  live: { status: "emulatorOnly", reason: "a live task cannot be made to fail on purpose" },
  cost: () => 0,
  async run(ctx) {
    ctx.requireControl();
    const res = await ctx.client.textToImage({ ...t2i, prompt: "a vase emu:fail", celery: true });
    ctx.check("generate", qolabaEnvelopeSchema, res);
    const id = (res.body as { task_id?: string }).task_id;
    if (!id) return ctx.abort("no task_id");
    const final = await ctx.poll({
      label: "poll",
      fetch: () => ctx.client.getImage(id),
      schema: qolabaEnvelopeSchema,
      statusPath: failed.statusPath,
      machine: QOLABA_MACHINE,
    });
    const env = final.body as { status?: string; error?: unknown };
    ctx.expect(env.status === "FAILED" && typeof env.error === "string", {
      path: "poll: status",
      expected: "FAILED with an error",
      actual: `${String(env.status)} error=${JSON.stringify(env.error)}`,
      message: "a failing task did not end FAILED",
    });
  },
});

const insufficientCredit = defineScenario({
  name: "insufficient-credit",
  provider: "qolaba",
  description: "a generation costing more than the balance is refused (FAILED) and charges nothing",
  live: { status: "emulatorOnly", reason: "needs a balance below one generation's price" },
  cost: () => 0,
  async run(ctx) {
    await ctx.requireControl().setBalance(ctx.key, estimateQolaba("getTextToImage", t2i).total / 2);
    // Qolaba publishes no credit error: only FAILED and nothing charged are asserted.
    await expectRefused(ctx, "generate", () => ctx.client.textToImage(t2i), {});
  },
});

const authMissing = defineScenario({
  name: "auth-missing",
  provider: "qolaba",
  description: 'no Authorization → HTTP 403 "Not authenticated" [backend]',
  live: { status: "unverified" },
  cost: () => 0,
  async run(ctx) {
    await expectRefused(ctx, "generate", () => ctx.clientWithKey(undefined).textToImage(t2i), { http: 403 });
  },
});

const authWrong = defineScenario({
  name: "auth-wrong",
  provider: "qolaba",
  description:
    'an invalid key → HTTP 500, error "Internal Error", error_data "(\'Invalid API Key\',)" [backend]',
  live: { status: "unverified" },
  cost: () => 0,
  async run(ctx) {
    await requireStrictKeys(ctx);
    await expectRefused(ctx, "generate", () => ctx.clientWithKey(`wrong-${ctx.key}`).textToImage(t2i), {
      http: 500,
      error: "Internal Error",
    });
  },
});

const unknownApp = defineScenario({
  name: "unknown-app",
  provider: "qolaba",
  description: "an app_id that does not exist → HTTP 500, FAILED, nothing charged [backend]",
  live: { status: "unverified" },
  cost: () => 0,
  async run(ctx) {
    await expectRefused(
      ctx,
      "generate",
      () => ctx.client.textToImage({ ...t2i, app_id: "ap-doesNotExist000000000" }),
      { http: 500 },
    );
  },
});

/** Each documented range: HTTP 422, `error: "Validation error"`, the field named [doc ranges, backend shape]. */
const CASES: { name: string; field: string; rule: string; body: Record<string, unknown>; i2i?: boolean }[] = [
  { name: "prompt-missing", field: "prompt", rule: "prompt: required", body: { ...t2i, prompt: undefined } },
  { name: "width-range", field: "width", rule: "width: 256–1536", body: { ...t2i, width: 2048 } },
  {
    name: "steps-range",
    field: "num_inference_steps",
    rule: "num_inference_steps: 1–50",
    body: { ...t2i, num_inference_steps: 60 },
  },
  {
    name: "guidance-scale-range",
    field: "guidance_scale",
    rule: "guidance_scale: 1–30",
    body: { ...t2i, guidance_scale: 31 },
  },
  { name: "batch-range", field: "batch", rule: "batch: 1–8", body: { ...t2i, batch: 9 } },
  {
    name: "inference-type-enum",
    field: "inference_type",
    rule: "inference_type: a10g / a100 / h100",
    body: { ...t2i, inference_type: "t4" },
  },
  {
    name: "strength-range",
    field: "strength",
    rule: "strength: up to 1",
    i2i: true,
    body: {
      app_id: CONTROLNET_APPS.canny,
      image: "https://example.com/dog.png",
      prompt: "a dog",
      strength: 1.5,
      num_inference_steps: 4,
      celery: false,
    },
  },
  {
    name: "image-missing",
    field: "image",
    rule: "image: required for /getImagetoImage",
    i2i: true,
    body: { app_id: CONTROLNET_APPS.canny, prompt: "a dog", num_inference_steps: 4, celery: false },
  },
];

const validation = CASES.map((c) =>
  defineScenario({
    name: `validation-${c.name}`,
    provider: "qolaba",
    description: `HTTP 422 "Validation error" naming ${c.field}: ${c.rule}`,
    live: { status: "unverified" },
    cost: () => 0,
    async run(ctx) {
      const send = c.i2i ? ctx.client.imageToImage : ctx.client.textToImage;
      await expectRefused(ctx, "request", () => send(c.body), {
        http: 422,
        error: "Validation error",
        field: c.field,
      });
    },
  }),
);

/** The failure scenarios. */
export const FAILURE_SCENARIOS: Scenario<"qolaba">[] = [
  jobFails,
  insufficientCredit,
  authMissing,
  authWrong,
  unknownApp,
  ...validation,
];
