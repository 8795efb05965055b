/** `POST /getImage` with the optional `refID` [doc]. */
import { estimateQolaba } from "../../../credits/qolaba.js";
import { defineScenario } from "../../scenario.js";
import { type QolabaEnvelope, qolabaEnvelopeSchema } from "../../schemas/qolaba.js";
import { expectSuccess, QOLABA_MACHINE, SMALL, TEXT_TO_IMAGE_APP } from "./helpers.js";

const t2i = { app_id: TEXT_TO_IMAGE_APP, prompt: "a lighthouse at dusk", celery: true, ...SMALL };

export default defineScenario({
  name: "get-image-ref-id",
  provider: "qolaba",
  description:
    "a queued task polled with POST /getImage {id, refID} [doc] → SUCCESS for that task with its result",
  live: { status: "unverified" },
  cost: () => estimateQolaba("getTextToImage", t2i).total,
  volatileKeys: { startup_time: "<duration>", runtime: "<duration>" },
  async run(ctx) {
    const res = await ctx.client.textToImage(t2i);
    ctx.check("generate", qolabaEnvelopeSchema, res);
    const id = (res.body as Partial<QolabaEnvelope>).task_id;
    if (typeof id !== "string") return ctx.abort("no task_id to poll");
    const refID = `conformance-${ctx.scenario}`;
    const final = await ctx.poll({
      label: "poll",
      fetch: () => ctx.client.getImage(id, refID),
      schema: qolabaEnvelopeSchema,
      statusPath: ["status"],
      machine: QOLABA_MACHINE,
    });
    const env = final.body as QolabaEnvelope;
    ctx.expect(env.task_id === id, {
      path: "poll: task_id",
      expected: id,
      actual: String(env.task_id),
      message: "polling with refID answered another task",
    });
    await expectSuccess(ctx, "poll", env, { count: 1, width: 512, height: 512 });
  },
});
