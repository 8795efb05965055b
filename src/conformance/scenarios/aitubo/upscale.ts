/** Upscale: a generated art upscaled ×2 is a new job whose image is twice the size. */
import { estimateAitubo } from "../../../credits/aitubo.js";
import { defineScenario } from "../../scenario.js";
import { checkCreated, expectImages, pickModel, SMALL_CREATE, waitForJob } from "./helpers.js";

const body = { prompt: "a lighthouse at dusk", ...SMALL_CREATE };
const FACTOR = 2;

export default defineScenario({
  name: "upscale",
  provider: "aitubo",
  description:
    "create → success → POST /api/job/upscale ×2 (artId + imagePath) → success → image 2× the size",
  live: { status: "unverified" },
  cost: () =>
    estimateAitubo("create", body).total + estimateAitubo("upscale", { upscaleFactor: FACTOR }).total,
  volatileKeys: { credit: "<balance>" },
  async run(ctx) {
    const modelId = await pickModel(ctx);
    const request = { ...body, modelId };
    const id = checkCreated(
      ctx,
      "create",
      await ctx.client.createJob(request),
      estimateAitubo("create", request),
      undefined,
    );
    const [art] = await expectImages(ctx, await waitForJob(ctx, id), {
      count: 1,
      width: body.width,
      height: body.height,
    });
    if (!art) ctx.abort("no art to upscale");
    const upscale = { imagePath: art.path, artId: art.artId, upscaleFactor: FACTOR };
    const up = await ctx.client.upscale(upscale);
    const upId = checkCreated(ctx, "upscale", up, estimateAitubo("upscale", upscale), undefined);
    const job = await waitForJob(ctx, upId, "poll-upscale");
    await expectImages(
      ctx,
      job,
      { count: 1, width: body.width * FACTOR, height: body.height * FACTOR },
      "poll-upscale",
    );
  },
});
