/**
 * Property tests over random valid requests (faker, fixed seed, so a failure reproduces):
 * totals are never negative, equal the exact sum of their breakdown, and never decrease when
 * steps, count or pixels grow.
 */
import { en, Faker } from "@faker-js/faker";
import { describe, expect, it } from "vitest";
import { estimateAithriving } from "./aithriving.js";
import { estimateAitubo } from "./aitubo.js";
import { fromDecimal, numberToHundredths, toHundredths } from "./decimal.js";
import { estimateQolaba } from "./qolaba.js";
import { estimateTamsStages, estimateTamsWorkflow } from "./tams.js";
import type { CreditEstimate } from "./types.js";

const RUNS = 300;
const faker = new Faker({ locale: [en] });

function checkEstimate(e: CreditEstimate) {
  expect(e.total).toBeGreaterThanOrEqual(0);
  for (const line of e.items) {
    expect(line.credits).toBeGreaterThanOrEqual(0);
    // Every amount is a whole number of hundredths (no 0.30000000000000004).
    expect(() => numberToHundredths(line.credits)).not.toThrow();
  }
  const sum = e.items.reduce((s, l) => s + numberToHundredths(l.credits), 0n);
  expect(numberToHundredths(e.total)).toBe(sum);
}

/** A TAMS job as parameters we can grow one at a time, rendered to `stages` in either spelling. */
interface Job {
  count: number;
  snake: boolean;
  diffusion?: { steps: number; width: number; height: number; flux: boolean };
  post: {
    type: "IMAGE_TO_UPSCALER" | "IMAGE_TO_ADETAILER" | "IMAGE_TO_INPAINT";
    steps: number;
    scale: number;
  }[];
  base: { width: number; height: number; steps: number };
  video?: { frames: number; model: string; fast: boolean };
}

const VIDEO_MODELS = [
  "HUNYUANVIDEO",
  "WAN_2_1",
  "COGVIDEOX_2B",
  "LTX_VIDEO_2B",
  "PYRAMID_FLOW_MINIFLUX",
  "other-model",
];

function randomJob(): Job {
  const size = () => faker.number.int({ min: 8, max: 192 }) * 8;
  const job: Job = {
    count: faker.number.int({ min: 1, max: 4 }),
    snake: faker.datatype.boolean(),
    post: Array.from({ length: faker.number.int({ min: 0, max: 3 }) }, () => ({
      type: faker.helpers.arrayElement([
        "IMAGE_TO_UPSCALER",
        "IMAGE_TO_ADETAILER",
        "IMAGE_TO_INPAINT",
      ] as const),
      steps: faker.number.int({ min: 1, max: 60 }),
      scale: faker.helpers.arrayElement([1, 1.5, 2, 2.5, 4]),
    })),
    base: { width: size(), height: size(), steps: faker.number.int({ min: 1, max: 60 }) },
  };
  if (job.post.length === 0 || faker.datatype.boolean()) {
    job.diffusion = {
      steps: faker.number.int({ min: 1, max: 60 }),
      width: size(),
      height: size(),
      flux: faker.datatype.boolean({ probability: 0.2 }),
    };
  }
  if (faker.datatype.boolean({ probability: 0.3 })) {
    job.video = {
      frames: faker.number.int({ min: 1, max: 200 }),
      model: faker.helpers.arrayElement(VIDEO_MODELS),
      fast: faker.datatype.boolean(),
    };
  }
  return job;
}

function render(job: Job): unknown[] {
  const k = (camel: string) => (job.snake ? camel.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`) : camel);
  const nested = {
    [k("diffusion")]: { width: job.base.width, height: job.base.height, steps: job.base.steps },
  };
  const stages: unknown[] = [
    { type: "INPUT_INITIALIZE", [k("inputInitialize")]: { count: String(job.count) } },
  ];
  if (job.diffusion) {
    const d = job.diffusion;
    stages.push({
      type: "DIFFUSION",
      diffusion: {
        width: d.width,
        height: d.height,
        steps: d.steps,
        [k("sdModel")]: d.flux ? "flux.1-dev" : "1",
      },
    });
  }
  for (const p of job.post) {
    if (p.type === "IMAGE_TO_UPSCALER") {
      stages.push({
        type: p.type,
        [k("imageToUpscaler")]: { [k("hrScale")]: p.scale, [k("hrSecondPassSteps")]: p.steps, ...nested },
      });
    } else if (p.type === "IMAGE_TO_ADETAILER") {
      stages.push({
        type: p.type,
        [k("imageToAdetailer")]: { args: [{ [k("adSteps")]: p.steps }], ...nested },
      });
    } else {
      stages.push({ type: p.type, [k("imageToInpaint")]: { ...nested } });
    }
  }
  if (job.video) {
    const v = job.video;
    stages.push({
      type: "VIDEO_DIFFUSION",
      [k("videoDiffusion")]: {
        [k("sdModel")]: v.model,
        [k("totalFrames")]: v.frames,
        [k("generationMode")]: v.fast ? "FAST" : "DEFAULT",
        width: job.base.width,
        height: job.base.height,
      },
    });
  }
  return stages;
}

const total = (job: Job) => estimateTamsStages(render(job)).total;
const lte = (a: number, b: number) => numberToHundredths(a) <= numberToHundredths(b);

describe("properties: TAMS stages", () => {
  faker.seed(20240517);
  const jobs = Array.from({ length: RUNS }, randomJob);

  it("totals are non-negative and equal the sum of their breakdown", () => {
    for (const job of jobs) checkEstimate(estimateTamsStages(render(job)));
  });

  it("either spelling gives the same total", () => {
    for (const job of jobs) expect(total({ ...job, snake: !job.snake })).toBe(total(job));
  });

  it("never decreases when COUNT grows", () => {
    for (const job of jobs) expect(lte(total(job), total({ ...job, count: job.count + 1 }))).toBe(true);
  });

  it("never decreases when any stage's steps grow", () => {
    for (const job of jobs) {
      const more: Job = {
        ...job,
        ...(job.diffusion ? { diffusion: { ...job.diffusion, steps: job.diffusion.steps + 5 } } : {}),
        base: { ...job.base, steps: job.base.steps + 5 },
        post: job.post.map((p) => ({ ...p, steps: p.steps + faker.number.int({ min: 0, max: 7 }) })),
      };
      expect(lte(total(job), total(more))).toBe(true);
    }
  });

  it("never decreases when pixels grow", () => {
    for (const job of jobs) {
      const grow = faker.number.int({ min: 1, max: 64 }) * 8;
      const more: Job = {
        ...job,
        ...(job.diffusion
          ? {
              diffusion: {
                ...job.diffusion,
                width: job.diffusion.width + grow,
                height: job.diffusion.height + grow,
              },
            }
          : {}),
        base: { ...job.base, width: job.base.width + grow, height: job.base.height },
      };
      expect(lte(total(job), total(more))).toBe(true);
    }
  });

  it("never decreases when video frames grow", () => {
    for (const job of jobs.filter((j) => j.video)) {
      const more = { ...job, video: { ...job.video!, frames: job.video!.frames + 1 } };
      expect(lte(total(job), total(more))).toBe(true);
    }
  });
});

describe("properties: TAMS workflows", () => {
  faker.seed(7);
  const graph = (steps: number[], batch: number) =>
    Object.fromEntries([
      ["1", { classType: "EmptyLatentImage", inputs: { batch_size: batch, width: 512, height: 512 } }],
      ...steps.map((s, i) => [
        String(i + 2),
        { class_type: "KSampler", inputs: { steps: s, latent_image: [String(i + 1), 0] } },
      ]),
    ]);

  it("non-negative, sum of breakdown, monotone in steps and batch", () => {
    for (let i = 0; i < RUNS; i++) {
      const steps = Array.from({ length: faker.number.int({ min: 1, max: 4 }) }, () =>
        faker.number.int({ min: 1, max: 80 }),
      );
      const batch = faker.number.int({ min: 1, max: 8 });
      const e = estimateTamsWorkflow(graph(steps, batch));
      checkEstimate(e);
      expect(lte(e.total, estimateTamsWorkflow(graph(steps, batch + 1)).total)).toBe(true);
      expect(lte(e.total, estimateTamsWorkflow(graph([...steps.slice(1), steps[0]! + 3], batch)).total)).toBe(
        true,
      );
    }
  });
});

describe("properties: Aitubo, AIThriving, Qolaba", () => {
  faker.seed(99);

  it("Aitubo create: non-negative integers, monotone in count, steps and pixels", () => {
    for (let i = 0; i < RUNS; i++) {
      const body = {
        prompt: faker.lorem.words(3),
        count: faker.number.int({ min: 1, max: 8 }),
        steps: faker.number.int({ min: 10, max: 49 }),
        width: faker.number.int({ min: 4, max: 16 }) * 64,
        height: faker.number.int({ min: 4, max: 16 }) * 64,
      };
      const e = estimateAitubo("create", body);
      checkEstimate(e);
      expect(Number.isInteger(e.total)).toBe(true);
      expect(e.total).toBeLessThanOrEqual(estimateAitubo("create", { ...body, count: body.count + 1 }).total);
      expect(e.total).toBeLessThanOrEqual(estimateAitubo("create", { ...body, steps: body.steps + 1 }).total);
      expect(e.total).toBeLessThanOrEqual(
        estimateAitubo("create", { ...body, width: body.width + 64 }).total,
      );
    }
  });

  it("AIThriving basic: within 0.4–2, monotone in steps", () => {
    for (let i = 0; i < RUNS; i++) {
      const steps = faker.number.int({ min: 10, max: 49 });
      const e = estimateAithriving("basic/textToImage", { prompt: "x", steps });
      checkEstimate(e);
      expect(e.total).toBeGreaterThanOrEqual(0.4);
      expect(e.total).toBeLessThanOrEqual(2);
      expect(lte(e.total, estimateAithriving("basic/textToImage", { steps: steps + 1 }).total)).toBe(true);
    }
  });

  it("Qolaba: non-negative, monotone in batch and steps", () => {
    for (let i = 0; i < RUNS; i++) {
      const body = {
        batch: faker.number.int({ min: 1, max: 7 }),
        num_inference_steps: faker.number.int({ min: 1, max: 49 }),
      };
      const e = estimateQolaba("getTextToImage", body);
      checkEstimate(e);
      expect(lte(e.total, estimateQolaba("getTextToImage", { ...body, batch: body.batch + 1 }).total)).toBe(
        true,
      );
      const more = { ...body, num_inference_steps: body.num_inference_steps + 1 };
      expect(lte(e.total, estimateQolaba("getTextToImage", more).total)).toBe(true);
    }
  });
});

describe("properties: exact decimals", () => {
  faker.seed(3);

  it("toHundredths rounds half away from zero, like rounding the exact decimal by hand", () => {
    for (let i = 0; i < RUNS; i++) {
      const thousandths = faker.number.int({ min: -1_000_000, max: 1_000_000 });
      const r = fromDecimal(`${thousandths / 1000}`);
      const abs = Math.abs(thousandths);
      const expected =
        BigInt(Math.sign(thousandths)) * BigInt(Math.floor(abs / 10) + (abs % 10 >= 5 ? 1 : 0));
      expect(toHundredths(r)).toBe(expected);
    }
  });

  it("sums of credit amounts have no binary residue", () => {
    const e = estimateTamsStages([
      { type: "DIFFUSION", diffusion: { width: 512, height: 512, steps: 5 } },
      { type: "IMAGE_TO_INPAINT", imageToInpaint: {} },
    ]);
    // 0.2 + 0.1 would be 0.30000000000000004 in floating point.
    expect(e.items.map((l) => l.credits)).toEqual([0.2, 0.1]);
    expect(e.total).toBe(0.3);
  });
});
