import { describe, expect, it } from "vitest";
import { CreditsInputError } from "./errors.js";
import { estimateTamsStages, estimateTamsTemplate, estimateTamsWorkflow } from "./tams.js";

const init = (count: number | string) => ({ type: "INPUT_INITIALIZE", inputInitialize: { seed: -1, count } });
const diffusion = (steps: number, width = 512, height = 512, sdModel?: string) => ({
  type: "DIFFUSION",
  diffusion: { width, height, steps, ...(sdModel ? { sdModel } : {}) },
});

function error(fn: () => unknown): CreditsInputError {
  try {
    fn();
  } catch (e) {
    if (e instanceof CreditsInputError) return e;
    throw e;
  }
  throw new Error("expected a CreditsInputError");
}

describe("estimateTamsStages: DIFFUSION", () => {
  it("charges MODEL_FACTOR * COUNT * CEIL(STEPS/5)/5", () => {
    expect(estimateTamsStages([init(1), diffusion(20)]).total).toBe(0.8);
    expect(estimateTamsStages([init(2), diffusion(21)]).total).toBe(2);
    expect(estimateTamsStages([init("3"), diffusion(15)]).total).toBe(1.8);
  });

  it("defaults COUNT to 1 without INPUT_INITIALIZE, and for count 0 (proto3 unset)", () => {
    expect(estimateTamsStages([diffusion(25)]).total).toBe(1);
    expect(estimateTamsStages([init(0), diffusion(25)]).total).toBe(1);
  });

  it("doubles for FLUX, resolved through baseModelOf or named in the id", () => {
    const baseModelOf = (id: string) => (id === "42" ? "FLUX.1" : "SDXL 1.0");
    expect(estimateTamsStages([diffusion(20, 1024, 1024, "42")], { baseModelOf }).total).toBe(1.6);
    expect(estimateTamsStages([diffusion(20, 1024, 1024, "7")], { baseModelOf }).total).toBe(0.8);
    expect(estimateTamsStages([diffusion(20, 1024, 1024, "flux1-dev")]).total).toBe(1.6);
  });
});

describe("estimateTamsStages: spelling variants", () => {
  it("reads snake_case and lowerCamelCase, mixed, with int64 strings", () => {
    const camel = estimateTamsStages([
      { type: "INPUT_INITIALIZE", inputInitialize: { count: "2" } },
      { type: "DIFFUSION", diffusion: { width: "512", height: 512, steps: "15", sdModel: "1" } },
      {
        type: "IMAGE_TO_UPSCALER",
        imageToUpscaler: { hrResizeX: 1024, hrResizeY: 1024, hrSecondPassSteps: "10" },
      },
    ]);
    const snake = estimateTamsStages([
      { type: "INPUT_INITIALIZE", input_initialize: { count: 2 } },
      { type: "DIFFUSION", diffusion: { width: 512, height: "512", steps: 15, sd_model: "1" } },
      {
        type: "IMAGE_TO_UPSCALER",
        image_to_upscaler: { hr_resize_x: "1024", hr_resize_y: 1024, hr_second_pass_steps: 10 },
      },
    ]);
    expect(snake.items.map((l) => [l.credits, l.inputs.steps, l.inputs.width])).toEqual(
      camel.items.map((l) => [l.credits, l.inputs.steps, l.inputs.width]),
    );
    expect(snake.items[2]!.inputs.stepsFrom).toBe("stages[2].image_to_upscaler.hr_second_pass_steps");
    // 2 * 0.6 = 1.2 for DIFFUSION; upscaler 2 * 0.4 * CEIL(2)/2 = 0.8.
    expect(camel.total).toBe(2);
  });

  it("rejects a field given in both spellings", () => {
    const e = error(() =>
      estimateTamsStages([
        { type: "DIFFUSION", diffusion: { steps: 20, width: 1, height: 1, sd_model: "a", sdModel: "b" } },
      ]),
    );
    expect(e.field).toBe("stages[0].diffusion.sdModel");
  });
});

describe("estimateTamsStages: inheritance", () => {
  it("ADETAILER and INPAINT take WIDTH/HEIGHT from the previous image stage", () => {
    const e = estimateTamsStages([
      init(1),
      diffusion(20, 512, 512),
      { type: "IMAGE_TO_UPSCALER", imageToUpscaler: { hrScale: 2, hrSecondPassSteps: 10 } },
      { type: "IMAGE_TO_INPAINT", imageToInpaint: {} },
    ]);
    // upscaler output 1024×1024: pixel factor CEIL(2)/2 = 1; inpaint inherits it, and DIFFUSION's 20 steps.
    expect(e.items.map((l) => l.credits)).toEqual([0, 0.8, 0.4, 0.8]);
    expect(e.items[3]!.inputs).toMatchObject({ width: 1024, height: 1024, steps: 20 });
  });

  it("the first image stage uses its own nested diffusion parameters", () => {
    const e = estimateTamsStages([
      { type: "INPUT_INITIALIZE", inputInitialize: { imageResourceId: "r", count: 1 } },
      { type: "IMAGE_TO_INPAINT", imageToInpaint: { diffusion: { width: 1536, height: 1024, steps: 25 } } },
    ]);
    // 1 * 1 * 1 * CEIL(1536*1024/1048576*2)/2 = CEIL(3)/2 = 1.5
    expect(e.total).toBe(1.5);
  });

  it("names the missing nested diffusion when no image exists yet", () => {
    const e = error(() =>
      estimateTamsStages([init(1), { type: "IMAGE_TO_UPSCALER", image_to_upscaler: { hr_scale: 2 } }]),
    );
    expect(e.field).toBe("stages[1].image_to_upscaler.diffusion");
  });

  it("ADETAILER: adSteps per arg; adUseSteps inherits DIFFUSION's steps; default adSteps 20", () => {
    const e = estimateTamsStages([
      init(1),
      diffusion(40, 1024, 1024),
      {
        type: "IMAGE_TO_ADETAILER",
        image_to_adetailer: { args: [{ ad_steps: 10 }, { adUseSteps: "true", adSteps: 10 }, {}] },
      },
    ]);
    expect(e.items.slice(2).map((l) => [l.credits, l.source])).toEqual([
      [0.4, "documented"],
      [1.6, "documented"],
      [0.8, "inferred"],
    ]);
  });

  it("UPSCALER with FLUX uses the *3 pixel factor and MODEL_FACTOR 2", () => {
    const e = estimateTamsStages([
      init(1),
      diffusion(20, 1024, 1024, "flux.1-dev"),
      {
        type: "IMAGE_TO_UPSCALER",
        imageToUpscaler: { hrResizeX: 1280, hrResizeY: 768, hrSecondPassSteps: 30 },
      },
    ]);
    // 2 * 1 * 1.2 * CEIL(0.9375 * 3)/2 = 2.4 * 1.5 = 3.6
    expect(e.items[2]!.credits).toBe(3.6);
  });

  it("UPSCALER computes one missing resize side from the aspect ratio", () => {
    const e = estimateTamsStages([
      diffusion(20, 512, 768),
      { type: "IMAGE_TO_UPSCALER", imageToUpscaler: { hrResizeX: 1024, hrSecondPassSteps: 10 } },
    ]);
    expect(e.items[1]!.inputs).toMatchObject({ width: 1024, height: 1536 });
    expect(e.items[1]!.source).toBe("inferred");
  });
});

describe("estimateTamsStages: VIDEO_DIFFUSION", () => {
  const video = (videoDiffusion: Record<string, unknown>) => [{ type: "VIDEO_DIFFUSION", videoDiffusion }];

  it("image-to-video uses the image-to-video coefficient", () => {
    const i2v = estimateTamsStages(
      video({ sdModel: "HUNYUANVIDEO", totalFrames: 30, inp: { args: [{ startImageResourceId: "r" }] } }),
    );
    // 31 * 0.42 * 1.25 = 16.275 → 16.28 (half up)
    expect(i2v.total).toBe(16.28);
  });

  it("FAST discounts only the listed models", () => {
    expect(
      estimateTamsStages(video({ sdModel: "WAN_2_1", totalFrames: 80, generationMode: "FAST" })).total,
    ).toBe(
      // 81 * 0.72 * 0.67 * 1.25 = 48.843 → 48.84
      48.84,
    );
    expect(
      estimateTamsStages(video({ sdModel: "MOCHI_1_10B", totalFrames: 30, generationMode: "FAST" })).total,
    ).toBe(17.44);
  });

  it("unknown models cost coefficient 1.0, resolvable through videoModelOf", () => {
    expect(estimateTamsStages(video({ sdModel: "123", totalFrames: 15 })).total).toBe(20);
    expect(
      estimateTamsStages(video({ sdModel: "123", totalFrames: 15 }), { videoModelOf: () => "LTX_VIDEO_2B" })
        .total,
    ).toBe(1);
  });

  it("requires totalFrames", () => {
    expect(error(() => estimateTamsStages(video({ sdModel: "WAN_2_1" }))).field).toBe(
      "stages[0].videoDiffusion.totalFrames",
    );
  });
});

describe("estimateTamsStages: invalid input", () => {
  it.each([
    [null, "stages"],
    [[], "stages"],
    [[{}], "stages[0].type"],
    [[{ type: "DEFAULT" }], "stages[0].type"],
    [[{ type: "DIFFUSION" }], "stages[0].diffusion"],
    [[{ type: "DIFFUSION", diffusion: { width: 512, height: 512 } }], "stages[0].diffusion.steps"],
    [
      [{ type: "DIFFUSION", diffusion: { width: 512, height: 512, steps: "abc" } }],
      "stages[0].diffusion.steps",
    ],
    [
      [{ type: "DIFFUSION", diffusion: { width: 512, height: 512, steps: 2.5 } }],
      "stages[0].diffusion.steps",
    ],
    [[{ type: "INPUT_INITIALIZE", input_initialize: { count: -1 } }], "stages[0].input_initialize.count"],
    [
      [diffusion(20), { type: "IMAGE_TO_ADETAILER", imageToAdetailer: { args: [5] } }],
      "stages[1].imageToAdetailer.args[0]",
    ],
  ])("%j → %s", (stages, field) => {
    expect(error(() => estimateTamsStages(stages)).field).toBe(field);
  });
});

describe("estimateTamsWorkflow", () => {
  const graph = (steps: unknown, batch = 1) => ({
    "3": { classType: "KSampler", inputs: { steps, latent_image: ["5", 0], model: ["4", 0] } },
    "4": { class_type: "CheckpointLoaderSimple", inputs: { ckpt_name: "664602165660323756" } },
    "5": { classType: "EmptyLatentImage", inputs: { batch_size: batch, width: 512, height: 512 } },
  });

  it("prices each sampler like DIFFUSION, times the latent's batch size", () => {
    expect(estimateTamsWorkflow(graph(20)).total).toBe(0.8);
    expect(estimateTamsWorkflow(graph(20, 4)).total).toBe(3.2);
  });

  it("follows RepeatLatentBatch and the checkpoint's base model", () => {
    const g = {
      ...graph(20, 2),
      "6": { classType: "RepeatLatentBatch", inputs: { samples: ["5", 0], amount: 3 } },
      "3": { classType: "KSampler", inputs: { steps: 20, latent_image: ["6", 0], model: ["4", 0] } },
    };
    expect(estimateTamsWorkflow(g, { baseModelOf: () => "FLUX.1" }).total).toBe(9.6);
  });

  it("a graph without samplers costs nothing", () => {
    expect(estimateTamsWorkflow({ "1": { classType: "LoadImage", inputs: { image: "x" } } })).toEqual({
      provider: "tams",
      total: 0,
      items: [],
    });
  });

  it("names bad fields", () => {
    expect(error(() => estimateTamsWorkflow(graph("x"))).field).toBe("params.3.inputs.steps");
    expect(error(() => estimateTamsWorkflow({ "1": { inputs: {} } })).field).toBe("params.1.classType");
    expect(
      error(() =>
        estimateTamsWorkflow({
          "3": { classType: "KSampler", inputs: { steps: 20, latent_image: ["9", 0] } },
        }),
      ).field,
    ).toBe("params.3.inputs.latent_image");
  });
});

describe("estimateTamsTemplate", () => {
  const good = {
    fieldAttrs: [
      { nodeId: "25", fieldName: "image", fieldValue: "f29036b4-ff7b-4394-8c26-aabc1bdae008" },
      { nodeId: "27", fieldName: "text", fieldValue: "1 girl" },
    ],
  };

  it("rejects a missing field with the doc's message", () => {
    const e = error(() =>
      estimateTamsTemplate("676018193025756628", {
        field_attrs: [{ node_id: "27", field_name: "text", field_value: "1 girl, amber_eyes" }],
      }),
    );
    expect(e.detail).toBe("can't find [nodeId:fieldName] 25:image in fields parameter");
  });

  it("rejects a null field value", () => {
    const e = error(() =>
      estimateTamsTemplate("676018193025756628", {
        fieldAttrs: [{ nodeId: "25", fieldName: "image", fieldValue: null }, good.fieldAttrs[1]],
      }),
    );
    expect(e.field).toBe("fields.fieldAttrs[0].fieldValue");
  });

  it("rejects an unknown template, and prices a caller's own catalog", () => {
    expect(error(() => estimateTamsTemplate("1", good)).field).toBe("templateId");
    const templates = {
      "1": {
        templateId: "1",
        name: "t",
        fields: [{ nodeId: "3", fieldName: "steps", fieldValue: "20" }],
        params: {
          "3": { classType: "KSampler", inputs: { steps: 20, latent_image: ["5", 0] } },
          "5": { classType: "EmptyLatentImage", inputs: { batch_size: 1 } },
        },
        source: "test",
      },
    };
    const e = estimateTamsTemplate(
      "1",
      { fieldAttrs: [{ nodeId: "3", fieldName: "steps", fieldValue: 50 }] },
      { templates },
    );
    expect(e.total).toBe(2);
  });
});

describe("estimateTamsStages: the doc's own request bodies", () => {
  // Bodies copied from tensorart-tams.txt (prompts trimmed); no credits are published for them,
  // so the figures below are the formula worked by hand.
  it("img2img inpaint without DIFFUSION ('Complete request example')", () => {
    const e = estimateTamsStages([
      {
        type: "INPUT_INITIALIZE",
        inputInitialize: { seed: "-1", imageResourceId: "67f8de0b-4949-4f88-abb4-cf57b16459da", count: 1 },
      },
      {
        type: "IMAGE_TO_INPAINT",
        imageToInpaint: {
          resizeMode: "JUST_RESIZE",
          maskImageResourceId: "48203af7-6b07-4f1c-8506-f3f545613653",
          maskBlur: 4,
          inpaintingFill: "ORIGINAL",
          inpaintFullRes: true,
          inpaintFullResPadding: 32,
          diffusion: {
            width: 512,
            height: 768,
            prompts: [{ text: "crying" }],
            negativePrompts: [{ text: " (worst quality" }, {}],
            sdModel: "681693017352010007",
            sdVae: "None",
            sampler: "DPM++ 3M SDE Karras",
            steps: 25,
            cfgScale: 5,
            clipSkip: 2,
            denoisingStrength: 0.4,
            lora: {},
          },
        },
      },
    ]);
    // 1 * 1 * CEIL(25/5)/5 * CEIL(512*768/1048576*2 = 0.75)/2 = 1 * 0.5
    expect(e.total).toBe(0.5);
  });

  it("txt2img + upscaler to 1536×2304 ('Inpaint' first request)", () => {
    const e = estimateTamsStages([
      { type: "INPUT_INITIALIZE", inputInitialize: { seed: "933011881", count: 1 } },
      {
        type: "DIFFUSION",
        diffusion: {
          width: 512,
          height: 768,
          sdModel: "681693017352010007",
          steps: 25,
          cfgScale: 5,
          lora: {},
        },
      },
      {
        type: "IMAGE_TO_UPSCALER",
        imageToUpscaler: {
          hrUpscaler: "4x-AnimeSharp",
          hrResizeX: 1536,
          hrResizeY: 2304,
          hrSecondPassSteps: 10,
          denoisingStrength: 0.4,
        },
      },
    ]);
    // DIFFUSION 1.0; UPSCALER 0.4 * CEIL(1536*2304/1048576*2 = 6.75)/2 = 0.4 * 3.5 = 1.4
    expect(e.items.map((l) => l.credits)).toEqual([0, 1, 1.4]);
    expect(e.total).toBe(2.4);
  });

  it("ADETAILER and UPSCALER without DIFFUSION take size and steps from their nested diffusion", () => {
    const nested = {
      width: 512,
      height: 512,
      prompts: [{ text: "1girl" }],
      steps: 15,
      sd_model: "600423083519508503",
    };
    const init = { type: "INPUT_INITIALIZE", inputInitialize: { image_resource_id: "f204c24a", count: 1 } };
    const ad = estimateTamsStages([
      init,
      {
        type: "IMAGE_TO_ADETAILER",
        image_to_adetailer: {
          args: [{ ad_model: "face_yolov8s.pt", ad_confidence: 0.7 }],
          diffusion: nested,
        },
      },
    ]);
    // no ad_steps: the schema's example 20 (inferred) → 0.8 * CEIL(0.5)/2 = 0.4
    expect(ad.items[1]).toMatchObject({ credits: 0.4, source: "inferred" });
    const up = estimateTamsStages([
      init,
      {
        type: "IMAGE_TO_UPSCALER",
        image_to_upscaler: {
          hr_upscaler: "Latent",
          hr_scale: 2,
          hr_second_pass_steps: 10,
          diffusion: nested,
        },
      },
    ]);
    // 1024×1024 at 10 steps: 0.4 * CEIL(2)/2 = 0.4
    expect(up.items[1]).toMatchObject({
      credits: 0.4,
      source: "documented",
      inputs: { width: 1024, height: 1024 },
    });
  });

  it("shows the video formula's exact value before rounding", () => {
    const e = estimateTamsStages([
      { type: "VIDEO_DIFFUSION", videoDiffusion: { sdModel: "HUNYUANVIDEO", totalFrames: 30 } },
    ]);
    expect(e.items[0]!.formula).toBe(
      "ROUND((TOTAL_FRAMES + 1) * COEFFICIENT * DISCOUNT * 1.25, 2) = ROUND((30 + 1) * 0.45 * 1.0 * 1.25, 2) = ROUND(17.4375, 2) = 17.44",
    );
  });
});

describe('regression: {"type": 1} stages', () => {
  it("prices stage types given by number (proto order) as by name, and refuses an unknown number", () => {
    const stages = (a: unknown, b: unknown) => [
      { type: a, inputInitialize: { count: 2 } },
      { type: b, diffusion: { width: 512, height: 512, steps: 20, sdModel: "600423083519508503" } },
    ];
    expect(estimateTamsStages(stages(1, 2)).total).toBe(
      estimateTamsStages(stages("INPUT_INITIALIZE", "DIFFUSION")).total,
    );
    expect(() => estimateTamsStages(stages(1, 8))).toThrow(
      /^stages\[1\]\.type: must be one of DEFAULT, INPUT_INITIALIZE/,
    );
    expect(() => estimateTamsStages(stages(0, 2))).toThrow(/^stages\[0\]\.type: must name a stage type/);
  });
});
