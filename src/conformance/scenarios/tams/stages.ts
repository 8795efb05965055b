/** Stage jobs: text to image, image to image, ControlNet, upscaler, ADetailer, inpaint, idempotency. */
import { estimateTamsStages } from "../../../credits/tams.js";
import { defineScenario, type Scenario } from "../../scenario.js";
import { tamsJobSchema } from "../../schemas/tams.js";
import {
  checkCreated,
  DOC_CHECKPOINT,
  DOC_CONTROLNET_MODEL,
  expectSucceeded,
  requestId,
  stagesCost,
  type TamsCtx,
  txt2imgStages,
  upload,
  waitForJob,
} from "./helpers.js";

const diffusion = (extra: Record<string, unknown> = {}) => ({
  width: 512,
  height: 512,
  prompts: [{ text: "1girl" }],
  sampler: "DPM++ 2M Karras",
  steps: 10,
  sdModel: DOC_CHECKPOINT,
  cfgScale: 7,
  ...extra,
});

/** Runs stages end to end: create → poll → SUCCESS → download, credits = formula. */
async function runStages(ctx: TamsCtx, stages: unknown[], size: { width: number; height: number }) {
  const id = checkCreated(ctx, await ctx.client.createJob({ requestId: requestId(), stages }));
  await expectSucceeded(ctx, await waitForJob(ctx, id), {
    count: 1,
    ...size,
    estimate: estimateTamsStages(stages),
  });
}

const textToImage = defineScenario({
  name: "text-to-image",
  provider: "tams",
  description:
    "POST /v1/jobs (INPUT_INITIALIZE + DIFFUSION) → CREATED → poll → SUCCESS → download; job.credits = formula",
  live: { status: "unverified" },
  cost: () => stagesCost(txt2imgStages()),
  async run(ctx) {
    await runStages(ctx, txt2imgStages(), { width: 512, height: 512 });
  },
});

const imageToImage = defineScenario({
  name: "image-to-image",
  provider: "tams",
  description: "upload (resource + PUT) → INPUT_INITIALIZE imageResourceId + DIFFUSION → SUCCESS at 512×512",
  live: { status: "unverified" },
  cost: () => stagesCost(txt2imgStages()),
  async run(ctx) {
    const imageResourceId = await upload(ctx);
    const stages = [
      { type: "INPUT_INITIALIZE", inputInitialize: { imageResourceId, count: 1 } },
      { type: "DIFFUSION", diffusion: diffusion({ denoisingStrength: 0.6 }) },
    ];
    await runStages(ctx, stages, { width: 512, height: 512 });
  },
});

const controlnet = defineScenario({
  name: "controlnet",
  provider: "tams",
  description: "DIFFUSION with controlnet.args (uploaded image, canny, the doc's ControlNet model) → SUCCESS",
  live: { status: "unverified" },
  cost: () => stagesCost(txt2imgStages()),
  async run(ctx) {
    const inputImageResourceId = await upload(ctx);
    const stages = [
      { type: "INPUT_INITIALIZE", inputInitialize: { seed: -1, count: 1 } },
      {
        type: "DIFFUSION",
        diffusion: diffusion({
          controlnet: {
            args: [{ inputImageResourceId, preprocessor: "canny", model: DOC_CONTROLNET_MODEL, weight: 1 }],
          },
        }),
      },
    ];
    await runStages(ctx, stages, { width: 512, height: 512 });
  },
});

const upscaleStages = [
  ...txt2imgStages(),
  {
    type: "IMAGE_TO_UPSCALER",
    imageToUpscaler: {
      hrUpscaler: "4x-UltraSharp",
      hrScale: 2,
      hrSecondPassSteps: 10,
      denoisingStrength: 0.3,
    },
  },
];

const upscale = defineScenario({
  name: "upscale",
  provider: "tams",
  description: "DIFFUSION + IMAGE_TO_UPSCALER hrScale 2 → one 1024×1024 image; credits per stage formula",
  live: { status: "unverified" },
  cost: () => stagesCost(upscaleStages),
  async run(ctx) {
    await runStages(ctx, upscaleStages, { width: 1024, height: 1024 });
  },
});

const adetailerStages = [
  ...txt2imgStages(),
  {
    type: "IMAGE_TO_ADETAILER",
    imageToAdetailer: {
      args: [{ adModel: "face_yolov8s.pt", adConfidence: 0.7, adDenoisingStrength: 0.4, adSteps: 10 }],
    },
  },
];

const adetailer = defineScenario({
  name: "adetailer",
  provider: "tams",
  description: "DIFFUSION + IMAGE_TO_ADETAILER (the doc's face model) → SUCCESS at 512×512; credits per arg",
  live: { status: "unverified" },
  cost: () => stagesCost(adetailerStages),
  async run(ctx) {
    await runStages(ctx, adetailerStages, { width: 512, height: 512 });
  },
});

const inpaintStages = (imageResourceId: string, maskImageResourceId: string) => [
  { type: "INPUT_INITIALIZE", inputInitialize: { seed: -1, imageResourceId, count: 1 } },
  {
    type: "IMAGE_TO_INPAINT",
    imageToInpaint: {
      resizeMode: "JUST_RESIZE",
      maskImageResourceId,
      maskBlur: 4,
      inpaintingFill: "ORIGINAL",
      inpaintFullRes: true,
      inpaintFullResPadding: 32,
      diffusion: diffusion({ prompts: [{ text: "crying" }], denoisingStrength: 0.4 }),
    },
  },
];

const inpaint = defineScenario({
  name: "inpaint",
  provider: "tams",
  description:
    "upload image + mask → INPUT_INITIALIZE + IMAGE_TO_INPAINT (no DIFFUSION, the doc's shape) → SUCCESS",
  live: { status: "unverified" },
  cost: () => stagesCost(inpaintStages("a", "b")),
  async run(ctx) {
    const image = await upload(ctx, 512, 512, "upload-image");
    const mask = await upload(ctx, 512, 512, "upload-mask");
    await runStages(ctx, inpaintStages(image, mask), { width: 512, height: 512 });
  },
});

const idempotent = defineScenario({
  name: "idempotent-request-id",
  provider: "tams",
  description: "the same requestId twice returns the same job [doc], charged once",
  live: { status: "unverified" },
  cost: () => stagesCost(txt2imgStages()),
  async run(ctx) {
    const body = { requestId: requestId(), stages: txt2imgStages() };
    const before = ctx.control ? await ctx.control.balance(ctx.key) : undefined;
    const first = checkCreated(ctx, await ctx.client.createJob(body), "create");
    const again = await ctx.client.createJob(body);
    ctx.check("create-again", tamsJobSchema, again);
    const second = (again.body as { job?: { id?: string } }).job?.id;
    ctx.expect(second === first, {
      path: "create-again: job.id",
      expected: `${first} (the first job)`,
      actual: String(second),
      message: "a repeated requestId created another job",
    });
    await waitForJob(ctx, first);
    if (before !== undefined) {
      const after = await ctx.control!.balance(ctx.key);
      ctx.credits(
        "create-again: (balance)",
        after === undefined ? undefined : before - after,
        estimateTamsStages(body.stages),
      );
    }
  },
});

/** The stage-job scenarios. */
export const STAGE_SCENARIOS: Scenario<"tams">[] = [
  textToImage,
  imageToImage,
  controlnet,
  upscale,
  adetailer,
  inpaint,
  idempotent,
];
