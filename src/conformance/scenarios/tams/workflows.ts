/** Workflows and templates: check, create, poll; the template's two documented error answers. */
import { estimateTamsTemplate, estimateTamsWorkflow } from "../../../credits/tams.js";
import { defineScenario, type Scenario } from "../../scenario.js";
import { tamsCheckSchema, tamsTemplateSchema } from "../../schemas/tams.js";
import { checkCreated, expectRefused, expectSucceeded, requestId, upload, waitForJob } from "./helpers.js";

/** The doc's workflow ("Using workflows to generate") at the smallest spend: 512×512, 10 steps per sampler. */
export const WORKFLOW = {
  "3": {
    classType: "KSampler",
    inputs: {
      cfg: 7,
      denoise: 1,
      latent_image: ["5", 0],
      model: ["4", 0],
      negative: ["7", 0],
      positive: ["6", 0],
      sampler_name: "dpmpp_2m_sde",
      scheduler: "karras",
      seed: 12345,
      steps: 10,
    },
  },
  "4": { classType: "CheckpointLoaderSimple", inputs: { ckpt_name: "664602165660323756" } },
  "5": { classType: "EmptyLatentImage", inputs: { batch_size: 1, height: 512, width: 512 } },
  "6": {
    classType: "CLIPTextEncode",
    inputs: { clip: ["4", 1], text: "masterpiece, best quality, a lighthouse" },
  },
  "7": { classType: "CLIPTextEncode", inputs: { clip: ["4", 1], text: "worst quality, low quality" } },
  "8": { classType: "VAEDecode", inputs: { samples: ["3", 0], vae: ["4", 2] } },
  "9": { classType: "SaveImage", inputs: { filename_prefix: "TensorArt", images: ["8", 0] } },
};

const workflow = defineScenario({
  name: "workflow",
  provider: "tams",
  description:
    "POST /v1/jobs/workflow/params/check (valid, credits = formula) → POST /v1/jobs/workflow → SUCCESS → download",
  live: { status: "unverified" },
  cost: () => estimateTamsWorkflow(WORKFLOW).total,
  async run(ctx) {
    const check = await ctx.client.checkWorkflow({ params: WORKFLOW });
    if (ctx.check("check", tamsCheckSchema, check)) {
      const body = check.body as { valid: boolean; credits?: number };
      ctx.expect(body.valid, {
        path: "check: valid",
        expected: "true",
        actual: String(body.valid),
        message: "the doc's workflow is not valid",
      });
      ctx.credits("check: credits", body.credits, estimateTamsWorkflow(WORKFLOW));
    }
    const id = checkCreated(
      ctx,
      await ctx.client.createWorkflowJob({ requestId: requestId(), params: WORKFLOW }),
    );
    await expectSucceeded(ctx, await waitForJob(ctx, id), {
      count: 1,
      width: 512,
      height: 512,
      estimate: estimateTamsWorkflow(WORKFLOW),
    });
  },
});

/** The doc's template. */
const TEMPLATE_ID = "676018193025756628";
const fieldsWith = (image: unknown) => ({
  fieldAttrs: [
    { nodeId: "25", fieldName: "image", fieldValue: image },
    { nodeId: "27", fieldName: "text", fieldValue: "1 girl" },
  ],
});

const templateGet = defineScenario({
  name: "template-get",
  provider: "tams",
  description: "GET /v1/workflows/676018193025756628 → its editable fields 25:image and 27:text [doc]",
  live: { status: "unverified" },
  cost: () => 0,
  async run(ctx) {
    const res = await ctx.client.getTemplate(TEMPLATE_ID);
    if (!ctx.check("template", tamsTemplateSchema, res)) return;
    const attrs = (res.body as { fields: { fieldAttrs: { nodeId: string; fieldName: string }[] } }).fields
      .fieldAttrs;
    const keys = attrs.map((a) => `${a.nodeId}:${a.fieldName}`).sort();
    ctx.expect(keys.join(",") === "25:image,27:text", {
      path: "template: fields.fieldAttrs",
      expected: "25:image, 27:text",
      actual: keys.join(", "),
      message: "the template's editable fields differ from the doc",
    });
  },
});

const templateCheck = defineScenario({
  name: "template-check",
  provider: "tams",
  description: "POST /v1/workflows/template/check with an uploaded image → {valid: true, credits: 1} [doc]",
  live: { status: "unverified" },
  cost: () => 0,
  async run(ctx) {
    const image = await upload(ctx);
    const res = await ctx.client.checkTemplate({ templateId: TEMPLATE_ID, fields: fieldsWith(image) });
    if (!ctx.check("check", tamsCheckSchema, res)) return;
    const body = res.body as { valid: boolean; credits?: number };
    ctx.expect(body.valid, {
      path: "check: valid",
      expected: "true",
      actual: String(body.valid),
      message: "a complete template is not valid",
    });
    ctx.credits("check: credits", body.credits, estimateTamsTemplate(TEMPLATE_ID, fieldsWith(image)));
  },
});

const templateMissingField = defineScenario({
  name: "template-missing-field",
  provider: "tams",
  description:
    'template check without field 25:image → code 2, "can\'t find [nodeId:fieldName] 25:image in fields parameter" [doc]',
  live: { status: "unverified" },
  cost: () => 0,
  async run(ctx) {
    // The doc's own request, in snake_case as printed.
    const body = {
      template_id: TEMPLATE_ID,
      fields: { field_attrs: [{ node_id: "27", field_name: "text", field_value: "1 girl, amber_eyes" }] },
    };
    await expectRefused(ctx, "check", () => ctx.client.checkTemplate(body as never), {
      http: "4xx",
      code: 2,
      message: "can't find [nodeId:fieldName] 25:image in fields parameter",
    });
  },
});

const templateNullField = defineScenario({
  name: "template-null-field",
  provider: "tams",
  description:
    'template check with image null → code 3, "Params Valid", a tams_api.ArgumentError on field workflow [doc]',
  live: { status: "unverified" },
  cost: () => 0,
  async run(ctx) {
    const res = await expectRefused(
      ctx,
      "check",
      () => ctx.client.checkTemplate({ templateId: TEMPLATE_ID, fields: fieldsWith(null) }),
      {
        http: 400,
        code: 3,
        message: "Params Valid",
      },
    );
    const detail = (res.body as { details?: { "@type"?: string; field?: string; message?: string }[] })
      .details?.[0];
    ctx.expect(
      detail?.["@type"] === "type.googleapis.com/tams_api.ArgumentError" && detail.field === "workflow",
      {
        path: "check: details[0]",
        expected: '{"@type": "type.googleapis.com/tams_api.ArgumentError", field: "workflow"}',
        actual: JSON.stringify(detail),
        message: "the argument error detail differs from the doc's",
      },
    );
    ctx.expect(
      typeof detail?.message === "string" &&
        detail.message.includes("node id: 25") &&
        detail.message.includes("LoadImage"),
      {
        path: "check: details[0].message",
        expected: "names node id: 25 and class type: LoadImage",
        actual: JSON.stringify(detail?.message),
        message: "the argument error does not name the node",
      },
    );
  },
});

const templateJob = defineScenario({
  name: "template-job",
  provider: "tams",
  description: "POST /v1/jobs/workflow/template with an uploaded image → CREATED → SUCCESS → download",
  live: { status: "unverified" },
  cost: () => estimateTamsTemplate(TEMPLATE_ID, fieldsWith("x")).total,
  async run(ctx) {
    const image = await upload(ctx);
    const fields = fieldsWith(image);
    const id = checkCreated(
      ctx,
      await ctx.client.createTemplateJob({ requestId: requestId(), templateId: TEMPLATE_ID, fields }),
    );
    const job = await waitForJob(ctx, id);
    // The template's output size is not published: count and credits are checked, size is the image's own.
    const images = job.successInfo?.images ?? [];
    const meta = images[0]?.meta?.image;
    await expectSucceeded(ctx, job, {
      count: 1,
      width: meta?.width ?? 0,
      height: meta?.height ?? 0,
      estimate: estimateTamsTemplate(TEMPLATE_ID, fields),
    });
  },
});

/** The workflow and template scenarios. */
export const WORKFLOW_SCENARIOS: Scenario<"tams">[] = [
  workflow,
  templateGet,
  templateCheck,
  templateMissingField,
  templateNullField,
  templateJob,
];
