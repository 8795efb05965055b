/** Not enough credit: code 1000 [doc], nothing created, nothing charged. */
import { defineScenario } from "../../scenario.js";
import { aituboErrorSchema } from "../../schemas/aitubo.js";
import { createCost, pickModel, SMALL_CREATE } from "./helpers.js";

export default defineScenario({
  name: "insufficient-credit",
  provider: "aitubo",
  description: "a create costing more than the balance answers code 1000 and charges nothing",
  live: { status: "emulatorOnly", reason: "needs a balance below one job's price" },
  cost: () => 0,
  async run(ctx) {
    const control = ctx.requireControl();
    const modelId = await pickModel(ctx);
    const request = { prompt: "a cat", modelId, ...SMALL_CREATE };
    const balance = createCost(request) - 1;
    await control.setBalance(ctx.key, balance);
    const res = await ctx.client.createJob(request);
    // [doc] "1000 -> no enough credit"; the HTTP status is not published.
    ctx.checkError("create", aituboErrorSchema, res, { codePath: ["code"], code: 1000 });
    const after = await control.balance(ctx.key);
    ctx.expect(after === balance, {
      check: "credits",
      path: "create: (balance)",
      expected: `${balance} (nothing charged)`,
      actual: String(after),
      message: "a refused create changed the balance",
    });
  },
});
