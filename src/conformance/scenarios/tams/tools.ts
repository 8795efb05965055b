/** Models, the credits estimate, ControlNet detection and img2prompt. */
import { estimateTamsStages } from "../../../credits/tams.js";
import { defineScenario, type Scenario } from "../../scenario.js";
import {
  tamsCreditsSchema,
  tamsDetectSchema,
  tamsImg2PromptSchema,
  tamsModelSchema,
} from "../../schemas/tams.js";
import { DOC_CHECKPOINT, txt2imgStages, upload } from "./helpers.js";

const discoverModel = defineScenario({
  name: "discover-model",
  provider: "tams",
  description: "GET /v1/models/{id} for the doc's checkpoint → the documented model shape, same id",
  live: { status: "unverified" },
  cost: () => 0,
  async run(ctx) {
    const res = await ctx.client.getModel(DOC_CHECKPOINT);
    ctx.check("model", tamsModelSchema, res);
    const id = (res.body as { model?: { id?: string } }).model?.id;
    ctx.expect(id === DOC_CHECKPOINT, {
      path: "model: model.id",
      expected: DOC_CHECKPOINT,
      actual: String(id),
      message: "another model came back",
    });
  },
});

/** The doc's own request bodies ("Basic minimum workflow", "Add Adetailer", "Add Upscaler"), as sent. */
const DOC_BODIES: Record<string, unknown[]> = {
  minimum: [
    { type: "INPUT_INITIALIZE", inputInitialize: { seed: -1, count: 2 } },
    {
      type: "DIFFUSION",
      diffusion: {
        width: 512,
        height: 512,
        prompts: [{ text: "1girl" }],
        sampler: "DPM++ 2M Karras",
        sdVae: "Automatic",
        steps: 15,
        sd_model: DOC_CHECKPOINT,
        clip_skip: 2,
        cfg_scale: 7,
      },
    },
  ],
  upscaler: [
    { type: "INPUT_INITIALIZE", inputInitialize: { seed: -1, count: 2 } },
    {
      type: "DIFFUSION",
      diffusion: {
        width: 512,
        height: 512,
        prompts: [{ text: "1girl" }],
        sampler: "DPM++ 2M Karras",
        sdVae: "Automatic",
        steps: 15,
        sd_model: DOC_CHECKPOINT,
        clip_skip: 2,
        cfg_scale: 7,
      },
    },
    {
      type: "IMAGE_TO_UPSCALER",
      image_to_upscaler: {
        hr_upscaler: "Latent",
        hr_scale: 2,
        hr_second_pass_steps: 10,
        denoising_strength: 0.3,
      },
    },
  ],
  adetailer: [
    { type: "INPUT_INITIALIZE", inputInitialize: { seed: -1, count: 2 } },
    {
      type: "DIFFUSION",
      diffusion: {
        width: 512,
        height: 512,
        prompts: [{ text: "1girl" }],
        sampler: "DPM++ 2M Karras",
        sdVae: "Automatic",
        steps: 15,
        sd_model: DOC_CHECKPOINT,
        clip_skip: 2,
        cfg_scale: 7,
      },
    },
    {
      type: "IMAGE_TO_ADETAILER",
      image_to_adetailer: {
        args: [
          {
            ad_model: "face_yolov8s.pt",
            ad_confidence: 0.7,
            ad_dilate_erode: 4,
            ad_denoising_strength: 0.4,
            ad_inpaint_only_masked: true,
            ad_inpaint_only_masked_padding: 32,
          },
        ],
      },
    },
  ],
  smallest: txt2imgStages(),
};

const creditsEstimate = defineScenario({
  name: "credits-estimate",
  provider: "tams",
  description:
    "POST /v1/jobs/credits for the doc's own bodies (snake_case and camelCase) = the published formula",
  live: { status: "unverified" },
  cost: () => 0,
  async run(ctx) {
    for (const [name, stages] of Object.entries(DOC_BODIES)) {
      const label = `credits-${name}`;
      const res = await ctx.client.estimateCredits({ stages });
      if (!ctx.check(label, tamsCreditsSchema, res)) continue;
      ctx.credits(`${label}: credits`, (res.body as { credits: number }).credits, estimateTamsStages(stages));
    }
  },
});

const controlnetDetect = defineScenario({
  name: "controlnet-detect",
  provider: "tams",
  description: "upload → POST /v1/controlnet/detect {controlnetModule: canny, resourceId} → {result}",
  live: { status: "unverified" },
  cost: () => 0,
  async run(ctx) {
    const resourceId = await upload(ctx);
    ctx.check(
      "detect",
      tamsDetectSchema,
      await ctx.client.controlnetDetect({ controlnetModule: "canny", resourceId }),
    );
  },
});

const img2prompt = defineScenario({
  name: "img2prompt",
  provider: "tams",
  description: "upload → POST /v1/img2prompt {resourceId} → at least one prompt",
  live: { status: "unverified" },
  cost: () => 0,
  async run(ctx) {
    const resourceId = await upload(ctx);
    const res = await ctx.client.img2prompt({ resourceId });
    if (!ctx.check("img2prompt", tamsImg2PromptSchema, res)) return;
    const prompts = (res.body as { prompts: string[] }).prompts;
    ctx.expect(prompts.length > 0, {
      path: "img2prompt: prompts",
      expected: "at least one prompt",
      actual: "0",
      message: "no prompt for the image",
    });
  },
});

/** The tool scenarios. */
export const TOOL_SCENARIOS: Scenario<"tams">[] = [
  discoverModel,
  creditsEstimate,
  controlnetDetect,
  img2prompt,
];
