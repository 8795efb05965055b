/** Image to image: upload → create with imagePath → success → download at the asked size. */
import { estimateAitubo } from "../../../credits/aitubo.js";
import { defineScenario } from "../../scenario.js";
import { aituboUploadSchema } from "../../schemas/aitubo.js";
import { sampleImage } from "../sample-image.js";
import {
  type AituboCtx,
  checkCreated,
  expectImages,
  pickModel,
  SMALL_CREATE,
  waitForJob,
} from "./helpers.js";

const body = { prompt: "scene", strength: 0.5, ...SMALL_CREATE };

/** Uploads a generated PNG and returns the path the API gave it. */
export async function uploadSample(ctx: AituboCtx, width = 512, height = 512): Promise<string> {
  const upload = await ctx.client.uploadImage(await sampleImage(width, height), "input.png", "image/png");
  ctx.check("upload", aituboUploadSchema, upload);
  const path = (upload.body as { data?: { path?: string } }).data?.path;
  if (!path) ctx.abort("upload returned no data.path");
  return path;
}

export default defineScenario({
  name: "image-to-image",
  provider: "aitubo",
  description: "POST /api/job/upload-image → create with imagePath and strength → success → download",
  live: { status: "unverified" },
  cost: () => estimateAitubo("create", body).total,
  volatileKeys: { credit: "<balance>" },
  async run(ctx) {
    const modelId = await pickModel(ctx);
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
