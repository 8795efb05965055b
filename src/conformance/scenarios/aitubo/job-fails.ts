/** A failing job: status ends at 3 through legal steps, with no images. */
import { defineScenario } from "../../scenario.js";
import { balanceOf, checkCreated, pickModel, SMALL_CREATE, waitForJob } from "./helpers.js";

export default defineScenario({
  name: "job-fails",
  provider: "aitubo",
  description: "a job made to fail (magic prompt emu:fail) ends at status 3 with no images",
  live: { status: "emulatorOnly", reason: "a live job cannot be made to fail on purpose" },
  cost: () => 0,
  volatileKeys: { credit: "<balance>" },
  async run(ctx) {
    ctx.requireControl();
    const modelId = await pickModel(ctx);
    const before = await balanceOf(ctx);
    const id = checkCreated(
      ctx,
      "create",
      await ctx.client.createJob({ prompt: "a vase emu:fail", modelId, ...SMALL_CREATE }),
      undefined,
      before,
    );
    const job = await waitForJob(ctx, id);
    ctx.expect(job.status === 3, {
      path: "poll: data.status",
      expected: "3 (failure)",
      actual: String(job.status),
      message: "a failing job did not end in failure",
    });
    const images = job.result?.data?.images ?? [];
    ctx.expect(images.length === 0, {
      path: "poll: data.result.data.images",
      expected: "no images",
      actual: `${images.length}`,
      message: "a failed job returned images",
    });
  },
});
