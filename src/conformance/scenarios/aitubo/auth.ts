/** Auth: a create without a key, or with a wrong one, is refused; the key-less GETs still answer. */
import { defineScenario } from "../../scenario.js";
import { aituboControlModelsSchema, aituboErrorSchema } from "../../schemas/aitubo.js";
import { requireStrictKeys } from "../strict-keys.js";
import { expectRejected, REJECTED } from "./helpers.js";

const request = { prompt: "a cat", count: 1, steps: 10 };

/** Missing key. */
export const authMissing = defineScenario({
  name: "auth-missing",
  provider: "aitubo",
  description:
    "POST /api/job/create without Authorization is refused; GET /api/job/models needs no key [doc]",
  live: { status: "unverified" },
  cost: () => 0,
  async run(ctx) {
    const anonymous = ctx.clientWithKey(undefined);
    await expectRejected(ctx, "create", () => anonymous.createJob(request));
    // [doc] /api/job/models lists no Authorization header; the Go SDK sends none [client].
    ctx.check("control-models", aituboControlModelsSchema, await anonymous.controlModels());
  },
});

/** Wrong key. */
export const authWrong = defineScenario({
  name: "auth-wrong",
  provider: "aitubo",
  description: "POST /api/job/create with an unknown key is refused",
  live: { status: "unverified" },
  cost: () => 0,
  async run(ctx) {
    await requireStrictKeys(ctx);
    const res = await ctx.clientWithKey(`wrong-${ctx.key}`).createJob(request);
    ctx.checkError("create", aituboErrorSchema, res, REJECTED);
  },
});
