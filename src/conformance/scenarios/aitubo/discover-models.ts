/** Discover: the model list and the ControlNet categories answer the documented shapes. */
import { defineScenario } from "../../scenario.js";
import { aituboControlModelsSchema, aituboModelListSchema } from "../../schemas/aitubo.js";

export default defineScenario({
  name: "discover-models",
  provider: "aitubo",
  description:
    "GET /api/model/list?type=platform and GET /api/job/models: documented shapes, a ControlNet model, canny",
  live: { status: "unverified" },
  cost: () => 0,
  async run(ctx) {
    const list = await ctx.client.listModels({ type: "platform", pageIndex: 1, pageSize: 20 });
    ctx.check("models", aituboModelListSchema, list, { snapshot: false });
    const data = (list.body as { data?: { total?: number; models?: { controlNet?: boolean }[] } }).data;
    const models = data?.models ?? [];
    ctx.expect(models.length > 0, {
      path: "models: data.models",
      expected: "at least one platform model",
      actual: "0",
      message: "no models to create jobs with",
    });
    ctx.expect(typeof data?.total !== "number" || data.total >= models.length, {
      path: "models: data.total",
      expected: `≥ ${models.length} (the page's models)`,
      actual: String(data?.total),
      message: "total is smaller than the page",
    });
    ctx.expect(
      models.some((m) => m.controlNet === true),
      {
        path: "models: data.models[*].controlNet",
        expected: "a model with controlNet: true (the doc's DreamShaper)",
        actual: "none",
        message: "no ControlNet-capable model",
      },
    );
    // The snapshot keeps the first model only: the live catalog grows, its shape is what matters.
    ctx.snapshot("models", {
      status: list.status,
      body: { ...(list.body as object), data: { ...data, total: "<total>", models: models.slice(0, 1) } },
    });

    const controls = await ctx.client.controlModels();
    ctx.check("control-models", aituboControlModelsSchema, controls);
    const ids = ((controls.body as { data?: { models?: { id: string }[] } }).data?.models ?? []).map(
      (m) => m.id,
    );
    ctx.expect(ids.includes("canny"), {
      path: "control-models: data.models[*].id",
      expected: 'includes "canny" (the doc\'s example)',
      actual: ids.join(", ") || "(none)",
      message: "canny ControlNet category missing",
    });
  },
});
