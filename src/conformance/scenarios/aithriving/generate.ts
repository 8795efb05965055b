/** Generation and editing: every documented endpoint, at the smallest spend, end to end. */
import { estimateAithriving } from "../../../credits/aithriving.js";
import { defineScenario, type Scenario } from "../../scenario.js";
import { expectGenerated, file, sampleImage, sampleMask } from "./helpers.js";

const t2i = { prompt: "a lighthouse at dusk", width: 512, height: 512, steps: 10 };
const i2i = { prompt: "black hair", image_strength: 0.35, cfg_scale: 7, steps: 10, width: 512, height: 512 };
// The doc's own example omits width and height although its table marks them required.
const i2iDocExample = { prompt: "black hair", image_strength: 0.35, cfg_scale: 7, steps: 10 };
const sd3 = { prompt: "a red fox", model: "sd3-medium", aspect_ratio: "1:1" };
const ultra = { prompt: "a red fox", aspect_ratio: "1:1" };
const core = { prompt: "a red fox", aspect_ratio: "1:1" };

const textToImage = defineScenario({
  name: "text-to-image",
  provider: "aithriving",
  description: "POST /api/generate/basic/textToImage → code 0, base64 image at 512×512, charge = formula",
  live: { status: "unverified" },
  cost: () => estimateAithriving("basic/textToImage", t2i).total,
  async run(ctx) {
    await expectGenerated(ctx, {
      label: "generate",
      endpoint: "basic/textToImage",
      priced: t2i,
      send: () => ctx.client.textToImage(t2i),
      image: { width: t2i.width, height: t2i.height },
    });
  },
});

const imageToImage = defineScenario({
  name: "image-to-image",
  provider: "aithriving",
  description: "POST /api/generate/basic/imageToImage (multipart init_image) → image at the asked size",
  live: { status: "unverified" },
  cost: () => estimateAithriving("basic/imageToImage", i2i).total,
  async run(ctx) {
    const init = await sampleImage(512, 512);
    await expectGenerated(ctx, {
      label: "generate",
      endpoint: "basic/imageToImage",
      priced: i2i,
      send: () => ctx.client.imageToImage({ ...i2i, init_image: file(init, "init_image.png") }),
      image: { width: i2i.width, height: i2i.height },
    });
  },
});

const imageToImageDocExample = defineScenario({
  name: "image-to-image-doc-example",
  provider: "aithriving",
  description:
    "the doc's own imageToImage example (no width/height) is accepted; the image keeps the init size [inferred]",
  live: { status: "unverified" },
  cost: () => estimateAithriving("basic/imageToImage", i2iDocExample).total,
  async run(ctx) {
    const init = await sampleImage(576, 384);
    await expectGenerated(ctx, {
      label: "generate",
      endpoint: "basic/imageToImage",
      priced: i2iDocExample,
      send: () => ctx.client.imageToImage({ ...i2iDocExample, init_image: file(init, "init_image.png") }),
      image: { width: 576, height: 384 },
    });
  },
});

/** sd3, ultra and core: flat prices; sizes come from the aspect ratio (not published), so only decoding is checked. */
const flat = (
  name: string,
  endpoint: "sd3/textToImage" | "ultra" | "core",
  body: Record<string, unknown>,
  call: "sd3" | "ultra" | "core",
) =>
  defineScenario({
    name,
    provider: "aithriving",
    description: `POST /api/generate/${endpoint === "sd3/textToImage" ? "sd3/textToImage" : endpoint} → code 0, an image that decodes, flat price`,
    live: { status: "unverified" },
    cost: () => estimateAithriving(endpoint, body).total,
    async run(ctx) {
      await expectGenerated(ctx, {
        label: "generate",
        endpoint,
        priced: body,
        send: () => ctx.client[call](body),
        image: {},
      });
    },
  });

/** erase and inpaint: the post-processing endpoints; `output_format` is documented, so it is checked. */
const edit = (name: "erase" | "inpaint", extra: Record<string, string>) =>
  defineScenario({
    name,
    provider: "aithriving",
    description: `POST /api/edit/${name} (multipart image + mask, output_format webp) → webp at the image's size`,
    live: { status: "unverified" },
    cost: () => estimateAithriving(`edit/${name}`, {}).total,
    async run(ctx) {
      const [image, mask] = [await sampleImage(512, 384), await sampleMask(512, 384)];
      await expectGenerated(ctx, {
        label: "edit",
        endpoint: `edit/${name}`,
        priced: {},
        send: () =>
          ctx.client[name]({
            ...extra,
            output_format: "webp",
            image: file(image, "image.png"),
            mask: file(mask, "mask.png"),
          }),
        image: { width: 512, height: 384, format: "webp" },
      });
    },
  });

/** The generation scenarios. */
export const GENERATE_SCENARIOS: Scenario<"aithriving">[] = [
  textToImage,
  imageToImage,
  imageToImageDocExample,
  flat("sd3", "sd3/textToImage", sd3, "sd3"),
  flat("ultra", "ultra", ultra, "ultra"),
  flat("core", "core", core, "core"),
  edit("erase", {}),
  edit("inpaint", { prompt: "a window" }),
];
