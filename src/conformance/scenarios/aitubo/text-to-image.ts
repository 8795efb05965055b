/** Text to image: create → poll → success → download; the charge and balance match the formula. */
import { estimateAitubo } from "../../../credits/aitubo.js";
import { defineScenario } from "../../scenario.js";
import { aituboJobListSchema } from "../../schemas/aitubo.js";
import { balanceOf, checkCreated, expectImages, pickModel, SMALL_CREATE, waitForJob } from "./helpers.js";

const body = { prompt: "A cat sleeps on the plane", ...SMALL_CREATE };

export default defineScenario({
  name: "text-to-image",
  provider: "aitubo",
  description:
    "POST /api/job/create → GET /api/job/get until 2 → download; consumedCredit = formula; job listed",
  live: { status: "unverified" },
  cost: () => estimateAitubo("create", body).total,
  volatileKeys: { credit: "<balance>" },
  async run(ctx) {
    const modelId = await pickModel(ctx);
    const request = { ...body, modelId };
    const before = await balanceOf(ctx);
    const created = await ctx.client.createJob(request);
    const id = checkCreated(ctx, "create", created, estimateAitubo("create", request), before);
    const job = await waitForJob(ctx, id);
    ctx.expect(job.id === id, {
      path: "poll: data.id",
      expected: id,
      actual: String(job.id),
      message: "polled job is another job",
    });
    await expectImages(ctx, job, { count: body.count, width: body.width, height: body.height });

    const list = await ctx.client.listJobs(1, 10);
    ctx.check("list", aituboJobListSchema, list, { snapshot: false });
    const jobs = (list.body as { data?: { jobs?: { id: string }[] } }).data?.jobs ?? [];
    ctx.expect(
      jobs.some((j) => j.id === id),
      {
        path: "list: data.jobs[*].id",
        expected: `includes ${id}`,
        actual: jobs.map((j) => j.id).join(", ") || "(none)",
        message: "the new job is not in /api/job/list",
      },
    );
  },
});
