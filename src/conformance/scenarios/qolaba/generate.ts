/** Generation: text to image (synchronous and queued), image to image, and the three ControlNets. */
import { estimateQolaba } from "../../../credits/qolaba.js";
import { defineScenario, type Scenario } from "../../scenario.js";
import {
  CONTROLNET_APPS,
  expectGenerated,
  IMAGE_TO_IMAGE_APP,
  referenceImage,
  SMALL,
  TEXT_TO_IMAGE_APP,
} from "./helpers.js";

const t2i = { app_id: TEXT_TO_IMAGE_APP, prompt: "a lighthouse at dusk", ...SMALL };
const reference = estimateQolaba("getTextToImage", t2i).total;

const textToImage = (celery: boolean) =>
  defineScenario({
    name: celery ? "text-to-image-queued" : "text-to-image",
    provider: "qolaba",
    description: celery
      ? "POST /getTextToImage celery: true → PENDING + task_id → POST /getImage until SUCCESS → download"
      : "POST /getTextToImage celery: false → SUCCESS with result URLs → download at 512×512",
    live: { status: "unverified" },
    cost: () => reference,
    volatileKeys: { startup_time: "<duration>", runtime: "<duration>" },
    async run(ctx) {
      await expectGenerated(ctx, {
        endpoint: "getTextToImage",
        body: { ...t2i, celery },
        expected: { count: 1, width: 512, height: 512 },
      });
    },
  });

const i2i = {
  app_id: IMAGE_TO_IMAGE_APP,
  prompt: "a cat on a lawn",
  strength: 0.6,
  batch: 1,
  num_inference_steps: 4,
  guidance_scale: 7,
};

const imageToImage = defineScenario({
  name: "image-to-image",
  provider: "qolaba",
  description: "a generated image as reference → POST /getImagetoImage → SUCCESS at the reference's size",
  live: { status: "unverified" },
  cost: () => reference + estimateQolaba("getImagetoImage", i2i).total,
  volatileKeys: { startup_time: "<duration>", runtime: "<duration>" },
  async run(ctx) {
    const image = await referenceImage(ctx);
    await expectGenerated(ctx, {
      endpoint: "getImagetoImage",
      body: { ...i2i, image, celery: false },
      expected: { count: 1, width: 512, height: 512 },
    });
  },
});

const controlnet = (model: keyof typeof CONTROLNET_APPS) => {
  const body = {
    app_id: CONTROLNET_APPS[model],
    prompt: "a little dog",
    strength: 0.8,
    batch: 1,
    num_inference_steps: 4,
    guidance_scale: 7,
  };
  return defineScenario({
    name: `controlnet-${model}`,
    provider: "qolaba",
    description: `${model} ControlNet (app ${CONTROLNET_APPS[model]}) from a generated reference, queued and polled → SUCCESS`,
    live: { status: "unverified" },
    cost: () => reference + estimateQolaba("getImagetoImage", body).total,
    volatileKeys: { startup_time: "<duration>", runtime: "<duration>" },
    async run(ctx) {
      const image = await referenceImage(ctx);
      // [doc] "adjusted to fit within 1536x1536 while preserving the aspect ratio": a 512×512 reference stays 512×512.
      await expectGenerated(ctx, {
        endpoint: "getImagetoImage",
        body: { ...body, image, celery: true },
        expected: { count: 1, width: 512, height: 512 },
      });
    },
  });
};

/** The generation scenarios. */
export const GENERATE_SCENARIOS: Scenario<"qolaba">[] = [
  textToImage(false),
  textToImage(true),
  imageToImage,
  controlnet("canny"),
  controlnet("depth"),
  controlnet("openpose"),
];
