/**
 * Workflows: graph validation (links, required inputs, output nodes), the credits check, and
 * what SaveImage produces. Templates beyond the doc's examples.
 */
import { afterAll, describe, expect, it } from "vitest";
import { imageInfo } from "../core/images.js";
import { balanceOf, call, finishAll, tamsServer } from "./test-kit.js";

const server = tamsServer();
afterAll(() => server.close());

/** A minimal txt2img graph; `patch` replaces nodes. */
function graph(patch: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    "4": { classType: "CheckpointLoaderSimple", inputs: { ckpt_name: "600423083519508503" } },
    "5": { classType: "EmptyLatentImage", inputs: { width: 640, height: 384, batch_size: 2 } },
    "6": { classType: "CLIPTextEncode", inputs: { clip: ["4", 1], text: "a harbour at dawn" } },
    "7": { classType: "CLIPTextEncode", inputs: { clip: ["4", 1], text: "blurry" } },
    "3": {
      classType: "KSampler",
      inputs: {
        model: ["4", 0],
        positive: ["6", 0],
        negative: ["7", 0],
        latent_image: ["5", 0],
        seed: 7,
        steps: 20,
        cfg: 7,
        sampler_name: "euler",
        scheduler: "normal",
        denoise: 1,
      },
    },
    "8": { classType: "VAEDecode", inputs: { samples: ["3", 0], vae: ["4", 2] } },
    "9": { classType: "SaveImage", inputs: { images: ["8", 0], filename_prefix: "x" } },
    ...patch,
  };
}

const check = (params: unknown) => call(server, "POST", "/v1/jobs/workflow/params/check", "wf", { params });

describe("workflow validation", () => {
  it("accepts a valid graph and prices it with src/credits (batch 2 × 20 steps = 1.6)", async () => {
    const res = await check(graph());
    expect(res.body).toEqual({ valid: true, credits: 1.6 });
  });

  it("accepts class_type and snake_case keys as ComfyUI writes them", async () => {
    const g = graph();
    const node9 = g["9"] as { classType: string; inputs: unknown };
    g["9"] = { class_type: node9.classType, inputs: node9.inputs };
    expect((await check(g)).status).toBe(200);
  });

  const problems: [string, Record<string, unknown>, string][] = [
    [
      "a link to a node that is not there",
      { "8": { classType: "VAEDecode", inputs: { samples: ["99", 0], vae: ["4", 2] } } },
      "node id: 8\nclass type: VAEDecode\nsamples: links to node 99, which is not in the workflow\n",
    ],
    [
      "a link to an output the class does not have",
      { "8": { classType: "VAEDecode", inputs: { samples: ["3", 1], vae: ["4", 2] } } },
      "node id: 8\nclass type: VAEDecode\nsamples: links to output 1 of node 3 (KSampler), which has 1 output(s)\n",
    ],
    [
      "a link of the wrong type",
      { "8": { classType: "VAEDecode", inputs: { samples: ["3", 0], vae: ["4", 1] } } },
      "node id: 8\nclass type: VAEDecode\nvae: takes VAE, but output 1 of node 4 (CheckpointLoaderSimple) is CLIP\n",
    ],
    [
      "a missing required input",
      { "4": { classType: "CheckpointLoaderSimple", inputs: {} } },
      "node id: 4\nclass type: CheckpointLoaderSimple\nckpt_name: 字段必填\n",
    ],
    [
      "a literal where a link is needed",
      { "8": { classType: "VAEDecode", inputs: { samples: "latent", vae: ["4", 2] } } },
      "node id: 8\nclass type: VAEDecode\nsamples: must be a link [nodeId, outputIndex] to a LATENT output\n",
    ],
    [
      "a LoadImage of an unknown resource",
      { "20": { classType: "LoadImage", inputs: { image: "no-such-id" } } },
      "node id: 20\nclass type: LoadImage\nimage: resource no-such-id not found",
    ],
  ];

  it.each(problems)("answers code 3 'Params Valid' naming the node for %s", async (_, patch, message) => {
    const res = await check(graph(patch));
    expect(res.status).toBe(400);
    expect(res.body.code).toBe(3);
    expect(res.body.message).toBe("Params Valid");
    expect(res.body.details[0].field).toBe("workflow");
    expect(res.body.details[0].message).toContain(message);
  });

  it("refuses a graph with no output node", async () => {
    const g = graph();
    delete g["9"];
    const res = await check(g);
    expect(res.status).toBe(400);
    expect(res.body.details[0].message).toContain("Prompt has no outputs");
  });

  it("refuses a cycle", async () => {
    const res = await check(
      graph({
        "3": {
          classType: "KSampler",
          inputs: { ...(graph()["3"] as { inputs: object }).inputs, latent_image: ["10", 0] },
        },
        "10": {
          classType: "LatentUpscaleBy",
          inputs: { samples: ["3", 0], upscale_method: "nearest-exact", scale_by: 1.5 },
        },
      }),
    );
    expect(res.status).toBe(400);
    expect(res.body.details[0].message).toContain("cycle");
  });

  it("names the field for a node without classType", async () => {
    const res = await check(graph({ "9": { inputs: { images: ["8", 0] } } }));
    expect(res.body.details[0].field).toBe("params.9.classType");
  });

  it("takes unknown classes on trust (TAMS runs custom nodes)", async () => {
    const res = await check(
      graph({
        "11": { classType: "SomeCustomNode", inputs: { image: ["8", 0] } },
        "9": { classType: "SaveImage", inputs: { images: ["11", 0] } },
      }),
    );
    expect(res.status).toBe(200);
  });
});

describe("workflow jobs", () => {
  it("SaveImage writes batch_size images at the size the graph implies (LatentUpscaleBy 1.5)", async () => {
    const g = graph({
      "10": {
        classType: "LatentUpscaleBy",
        inputs: { samples: ["3", 0], upscale_method: "nearest-exact", scale_by: 1.5 },
      },
      "8": { classType: "VAEDecode", inputs: { samples: ["10", 0], vae: ["4", 2] } },
    });
    const created = await call(server, "POST", "/v1/jobs/workflow", "wf-job", { requestId: "g1", params: g });
    expect(created.body.job.status).toBe("CREATED");
    finishAll(server);
    const job = (await call(server, "GET", `/v1/jobs/${created.body.job.id}`, "wf-job")).body.job;
    expect(job.successInfo.images).toHaveLength(2);
    expect(job.successInfo.images[0].meta.image).toEqual({ format: "png", width: 960, height: 576 });
    expect(job.successInfo.workflowFinishItem.finishedNodes).toMatchObject({ "3": true, "9": true });
    const u = new URL(job.successInfo.images[1].url);
    const file = await server.fetch(u.pathname);
    expect(await imageInfo(Buffer.from(await file.arrayBuffer()))).toMatchObject({ width: 960, height: 576 });
  });

  it("refuses a remote runningNotifyUrl and a missing requestId, charging nothing", async () => {
    const a = await call(server, "POST", "/v1/jobs/workflow", "wf-bad", {
      requestId: "x",
      params: graph(),
      runningNotifyUrl: "http://10.0.0.1/hook",
    });
    expect(a.body.details[0].field).toBe("runningNotifyUrl");
    const b = await call(server, "POST", "/v1/jobs/workflow", "wf-bad", { params: graph() });
    expect(b.body.details[0].field).toBe("requestId");
    expect(await balanceOf(server, "wf-bad")).toBe(server.settings.startCredit);
  });
});

describe("templates", () => {
  it("answers 404 in TAMS's shape for an unknown template (GET, check and create)", async () => {
    expect((await call(server, "GET", "/v1/workflows/1", "t")).body.code).toBe(5);
    const fields = { fieldAttrs: [] };
    expect(
      (await call(server, "POST", "/v1/workflows/template/check", "t", { templateId: "1", fields })).status,
    ).toBe(404);
    expect(
      (
        await call(server, "POST", "/v1/jobs/workflow/template", "t", {
          requestId: "r",
          templateId: "1",
          fields,
        })
      ).status,
    ).toBe(404);
  });

  it("refuses a field the template does not have, naming it", async () => {
    const res = await call(server, "POST", "/v1/workflows/template/check", "t", {
      templateId: "676018193025756628",
      fields: {
        fieldAttrs: [
          { nodeId: "25", fieldName: "image", fieldValue: "f29036b4-ff7b-4394-8c26-aabc1bdae008" },
          { nodeId: "27", fieldName: "text", fieldValue: "x" },
          { nodeId: "3", fieldName: "steps", fieldValue: 50 },
        ],
      },
    });
    expect(res.status).toBe(400);
    expect(res.body.details[0].field).toBe("fields.fieldAttrs[2]");
  });

  it("refuses an image field naming an upload that does not exist", async () => {
    const res = await call(server, "POST", "/v1/jobs/workflow/template", "t", {
      requestId: "r",
      templateId: "676018193025756628",
      fields: {
        fieldAttrs: [
          { nodeId: "25", fieldName: "image", fieldValue: "missing" },
          { nodeId: "27", fieldName: "text", fieldValue: "x" },
        ],
      },
    });
    expect(res.status).toBe(400);
    expect(res.body.details[0].message).toContain(
      "node id: 25\nclass type: LoadImage\nimage: resource missing not found",
    );
  });
});
