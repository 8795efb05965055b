/**
 * What TAMS scenarios share: the state machine, the doc's stage bodies at the smallest spend,
 * unique request ids, uploads, create → poll → download, and google.rpc.Status refusals.
 */
import { randomUUID } from "node:crypto";
import { estimateTamsStages } from "../../../credits/tams.js";
import type { CreditEstimate } from "../../../credits/types.js";
import type { ExpectedError, StatusMachine } from "../../checks/behaviour.js";
import type { ApiResponse } from "../../http.js";
import type { ScenarioContext } from "../../scenario.js";
import { type TamsJob, tamsErrorSchema, tamsJobSchema, tamsResourceSchema } from "../../schemas/tams.js";
import { sampleImage } from "../sample-image.js";

/** A TAMS scenario's context. */
export type TamsCtx = ScenarioContext<"tams">;

/** The checkpoint of the doc's txt2img and img2img examples. */
export const DOC_CHECKPOINT = "600423083519508503";
/** The model id of the doc's ControlNet section. */
export const DOC_CONTROLNET_MODEL = "619225630271212879";

/**
 * CREATED → (PENDING | WAITING)* → RUNNING → SUCCESS | FAILED | CANCELED [doc statuses; order
 * inferred]. A quick job may skip states; DEFAULT (protobuf's unset value) is never legal.
 */
export const TAMS_MACHINE: StatusMachine = {
  next: {
    CREATED: ["PENDING", "WAITING", "RUNNING", "SUCCESS", "FAILED", "CANCELED"],
    PENDING: ["WAITING", "RUNNING", "SUCCESS", "FAILED", "CANCELED"],
    WAITING: ["PENDING", "RUNNING", "SUCCESS", "FAILED", "CANCELED"],
    RUNNING: ["SUCCESS", "FAILED", "CANCELED"],
    SUCCESS: [],
    FAILED: [],
    CANCELED: [],
  },
  terminal: ["SUCCESS", "FAILED", "CANCELED"],
};

/** A request id unique to this run (the doc: "should be unique"). */
export const requestId = (): string => randomUUID().replace(/-/g, "");

/** The doc's "basic minimum workflow" at the smallest spend: one 512×512 image, 10 steps. */
export function txt2imgStages(prompt = "1girl", extra: Record<string, unknown> = {}): unknown[] {
  return [
    { type: "INPUT_INITIALIZE", inputInitialize: { seed: -1, count: 1 } },
    {
      type: "DIFFUSION",
      diffusion: {
        width: 512,
        height: 512,
        prompts: [{ text: prompt }],
        sampler: "DPM++ 2M Karras",
        sdVae: "Automatic",
        steps: 10,
        sdModel: DOC_CHECKPOINT,
        clipSkip: 2,
        cfgScale: 7,
        ...extra,
      },
    },
  ];
}

/** Credits of stages by the published formula. */
export const stagesCost = (stages: unknown[]): number => estimateTamsStages(stages).total;

/** Uploads a generated PNG (resource + PUT) and returns its resource id. */
export async function upload(ctx: TamsCtx, width = 512, height = 512, label = "upload"): Promise<string> {
  const { resource, put } = await ctx.client.uploadImage(await sampleImage(width, height));
  ctx.check(label, tamsResourceSchema, resource);
  const id = (resource.body as { resourceId?: string }).resourceId;
  if (!id || !put) ctx.abort(`${label}: no resource to upload to`);
  ctx.expect(put.status === 200, {
    path: `${label}: (PUT putUrl status)`,
    expected: "200",
    actual: String(put.status),
    message: "the PUT to putUrl was refused",
  });
  return id;
}

/** Creates a job (or uses an answer already got) and checks it: `{job: {id, status: CREATED}}`. */
export function checkCreated(ctx: TamsCtx, res: ApiResponse, label = "create"): string {
  ctx.check(label, tamsJobSchema, res);
  const job = (res.body as Partial<TamsJob> | undefined)?.job;
  if (!job?.id) return ctx.abort(`${label} returned no job id`);
  ctx.expect(job.status === "CREATED", {
    path: `${label}: job.status`,
    expected: "CREATED (the doc's create answer)",
    actual: String(job.status),
    message: "a new job is not CREATED",
  });
  return job.id;
}

/** Polls a job until SUCCESS, FAILED or CANCELED. */
export async function waitForJob(ctx: TamsCtx, id: string, label = "poll"): Promise<TamsJob["job"]> {
  const res = await ctx.poll({
    label,
    fetch: () => ctx.client.getJob(id),
    schema: tamsJobSchema,
    statusPath: ["job", "status"],
    machine: TAMS_MACHINE,
  });
  return (res.body as TamsJob).job;
}

/**
 * Expects SUCCESS with `count` images at the given size: each `successInfo.images[]` URL downloads
 * and decodes with its `meta.image` size and format; the job's `credits` equal the formula.
 */
export async function expectSucceeded(
  ctx: TamsCtx,
  job: TamsJob["job"],
  expected: { count: number; width: number; height: number; estimate?: CreditEstimate },
  label = "poll",
): Promise<void> {
  ctx.expect(job.status === "SUCCESS", {
    path: `${label}: job.status`,
    expected: "SUCCESS",
    actual: `${job.status}${job.failedInfo?.reason ? ` (${job.failedInfo.reason})` : ""}`,
    message: "job did not succeed",
  });
  if (expected.estimate) ctx.credits(`${label}: job.credits`, job.credits, expected.estimate);
  const images = job.successInfo?.images ?? [];
  ctx.expect(images.length === expected.count, {
    check: "image",
    path: `${label}: job.successInfo.images`,
    expected: `${expected.count} image(s)`,
    actual: String(images.length),
    message: "image count differs from the request",
  });
  for (const [i, image] of images.entries()) {
    const meta = image.meta?.image;
    ctx.expect(meta?.width === expected.width && meta?.height === expected.height, {
      path: `${label}: job.successInfo.images[${i}].meta.image`,
      expected: `${expected.width}×${expected.height}`,
      actual: `${String(meta?.width)}×${String(meta?.height)}`,
      message: "reported image size differs from the request",
    });
    await ctx.image(`${label}: job.successInfo.images[${i}]`, await ctx.client.download(image.url), {
      width: expected.width,
      height: expected.height,
      format: meta?.format,
    });
  }
}

/** Checks a refusal: HTTP status, google.rpc.Status body, and (on emulators) nothing charged. */
export async function expectRefused(
  ctx: TamsCtx,
  label: string,
  send: () => Promise<ApiResponse>,
  expected: ExpectedError & { message?: string },
): Promise<ApiResponse> {
  const before = ctx.control ? await ctx.control.balance(ctx.key) : undefined;
  const res = await send();
  ctx.checkError(label, tamsErrorSchema, res, { codePath: ["code"], ...expected });
  if (expected.message !== undefined) {
    const message = (res.body as { message?: unknown })?.message;
    ctx.expect(message === expected.message, {
      path: `${label}: message`,
      expected: JSON.stringify(expected.message),
      actual: JSON.stringify(message),
      message: "error message differs from the doc's",
    });
  }
  if (before !== undefined) {
    const after = await ctx.control!.balance(ctx.key);
    ctx.expect(after === before, {
      check: "credits",
      path: `${label}: (balance)`,
      expected: `${before} (nothing charged)`,
      actual: String(after),
      message: "a refused request changed the balance",
    });
  }
  return res;
}
