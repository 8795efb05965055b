/** ControlNet: a canny job from an uploaded image, with a ControlNet-capable model. */
import { estimateAitubo } from "../../../credits/aitubo.js";
import { defineScenario } from "../../scenario.js";
import { checkCreated, expectImages, pickModel, SMALL_CREATE, waitForJob } from "./helpers.js";
import { uploadSample } from "./image-to-image.js";

const body = { prompt: "a little dog", controlModel: "canny", controlStrength: 1, ...SMALL_CREATE };

export default defineScenario({
  name: "controlnet",
  provider: "aitubo",
  description: "create with controlModel canny + imagePath + a controlNet model → success → download",
  live: { status: "unverified" },
  cost: () => estimateAitubo("create", body).total,
  volatileKeys: { credit: "<balance>" },
  async run(ctx) {
    const modelId = await pickModel(ctx, true);
    const imagePath = await uploadSample(ctx);
    const request = { ...body, modelId, imagePath };
    const id = checkCreated(
      ctx,
      "create",
      await ctx.client.createJob(request),
      estimateAitubo("create", request),
      undefined,
    );
    await expectImages(ctx, await waitForJob(ctx, id), { count: 1, width: body.width, height: body.height });
  },
});
