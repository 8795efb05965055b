/**
 * What Qolaba scenarios share: app ids, the smallest spend, a generation checked end to end
 * (synchronous or queued and polled), and refusals checked in the documented envelope.
 */
import { estimateQolaba, type QolabaEndpoint } from "../../../credits/qolaba.js";
import type { ExpectedError, StatusMachine } from "../../checks/behaviour.js";
import type { ApiResponse } from "../../http.js";
import type { ScenarioContext } from "../../scenario.js";
import { type QolabaEnvelope, qolabaEnvelopeSchema } from "../../schemas/qolaba.js";

/** A Qolaba scenario's context. */
export type QolabaCtx = ScenarioContext<"qolaba">;

/** ControlNet app ids [doc]. */
export const CONTROLNET_APPS = {
  canny: "ap-1us0FK21Ach6eiWxo22is8",
  depth: "ap-WrXnJBXy23XpPh6IlH5tRX",
  openpose: "ap-a1b2c3d4e5f6g7h8i9j0kq",
} as const;

/**
 * A text-to-image app id. The ControlNet page prints none; this is the SDXL Turbo app of the
 * backend's app table [backend], the same one the emulator serves.
 */
export const TEXT_TO_IMAGE_APP = "ap-JOsvgUBfInC2UQnz0FQFkG";
/** An image-to-image app id from the same table [backend]. */
export const IMAGE_TO_IMAGE_APP = "ap-Jf2aKs8dPqXzRb1Yv6hN7L";

/** The cheapest useful generation: one 512×512 image, few steps. */
export const SMALL = {
  batch: 1,
  num_inference_steps: 4,
  guidance_scale: 7,
  width: 512,
  height: 512,
} as const;

/** `PENDING → SUCCESS | FAILED` [doc]. */
export const QOLABA_MACHINE: StatusMachine = {
  next: { PENDING: ["SUCCESS", "FAILED"], SUCCESS: [], FAILED: [] },
  terminal: ["SUCCESS", "FAILED"],
};

const envelopeOf = (res: ApiResponse) => res.body as Partial<QolabaEnvelope> | undefined;

/** Checks a SUCCESS envelope: results and NSFW flags per image, each image decodes at the expected size. */
export async function expectSuccess(
  ctx: QolabaCtx,
  label: string,
  env: Partial<QolabaEnvelope> | undefined,
  expected: { count: number; width?: number; height?: number },
): Promise<string[]> {
  if (
    !ctx.expect(env?.status === "SUCCESS", {
      path: `${label}: status`,
      expected: "SUCCESS",
      actual: `${String(env?.status)} (${String(env?.error)}: ${JSON.stringify(env?.error_data)})`,
      message: "generation did not succeed",
    })
  )
    return [];
  const urls = env?.output?.result;
  // A SUCCESS without `result` is the drift itself; counting flags against nothing would only echo it.
  if (!Array.isArray(urls)) {
    ctx.expect(false, {
      check: "schema",
      path: `${label}: output.result`,
      expected: "the result URLs (status SUCCESS)",
      actual: "(missing)",
      message: "a SUCCESS answer has no result",
    });
    return [];
  }
  ctx.expect(urls.length === expected.count, {
    check: "image",
    path: `${label}: output.result`,
    expected: `${expected.count} image(s)`,
    actual: String(urls.length),
    message: "image count differs from batch",
  });
  ctx.expect((env?.output?.Has_NSFW_Content ?? []).length === urls.length, {
    path: `${label}: output.Has_NSFW_Content`,
    expected: `one flag per image (${urls.length})`,
    actual: String(env?.output?.Has_NSFW_Content?.length),
    message: "NSFW flags do not match the results",
  });
  for (const [i, url] of urls.entries())
    await ctx.image(`${label}: output.result[${i}]`, await ctx.client.download(url), expected);
  return urls;
}

/**
 * Runs one generation (synchronous, or queued with `celery: true` and polled with `/getImage`)
 * and checks envelope, images and, where a balance is observable, the charge.
 */
export async function expectGenerated(
  ctx: QolabaCtx,
  options: {
    endpoint: QolabaEndpoint;
    body: Record<string, unknown>;
    expected: { count: number; width?: number; height?: number };
  },
): Promise<string[]> {
  const { endpoint, body } = options;
  const before = ctx.control ? await ctx.control.balance(ctx.key) : undefined;
  const send = endpoint === "getTextToImage" ? ctx.client.textToImage : ctx.client.imageToImage;
  const res = await send(body);
  ctx.check("generate", qolabaEnvelopeSchema, res);
  let env = envelopeOf(res);
  let label = "generate";
  if (body.celery === true) {
    ctx.expect(env?.status === "PENDING" && typeof env.task_id === "string", {
      path: "generate: status",
      expected: "PENDING with a task_id (celery: true queues the task)",
      actual: `${String(env?.status)} task_id=${String(env?.task_id)}`,
      message: "a queued task did not answer PENDING",
    });
    if (typeof env?.task_id !== "string") ctx.abort("no task_id to poll");
    const id = env.task_id;
    const final = await ctx.poll({
      label: "poll",
      fetch: () => ctx.client.getImage(id),
      schema: qolabaEnvelopeSchema,
      statusPath: ["status"],
      machine: QOLABA_MACHINE,
    });
    env = envelopeOf(final);
    label = "poll";
  }
  const urls = await expectSuccess(ctx, label, env, options.expected);
  if (before !== undefined) {
    const after = await ctx.control!.balance(ctx.key);
    ctx.credits(
      `${label}: (balance)`,
      after === undefined ? undefined : before - after,
      estimateQolaba(endpoint, body),
    );
  }
  return urls;
}

/** Generates one small image and returns its URL (the reference for image-to-image and ControlNet). */
export async function referenceImage(ctx: QolabaCtx): Promise<string> {
  const res = await ctx.client.textToImage({
    app_id: TEXT_TO_IMAGE_APP,
    prompt: "a dog on a lawn",
    celery: false,
    ...SMALL,
  });
  ctx.check("reference", qolabaEnvelopeSchema, res, { snapshot: false });
  const url = envelopeOf(res)?.output?.result?.[0];
  if (!url) {
    ctx.expect(false, {
      check: "schema",
      path: "reference: output.result",
      expected: "the result URLs (status SUCCESS)",
      actual: JSON.stringify(envelopeOf(res)?.output),
      message: "a SUCCESS answer has no result",
    });
    return ctx.abort("the reference text-to-image gave no image");
  }
  return url;
}

/**
 * Checks a refused call: the documented HTTP status, `status: FAILED`, the error kind, and (on
 * emulators) that nothing was charged.
 */
export async function expectRefused(
  ctx: QolabaCtx,
  label: string,
  send: () => Promise<ApiResponse>,
  expected: ExpectedError & { error?: string; field?: string },
): Promise<void> {
  const before = ctx.control ? await ctx.control.balance(ctx.key) : undefined;
  const res = await send();
  ctx.checkError(label, qolabaEnvelopeSchema, res, expected);
  const env = envelopeOf(res);
  ctx.expect(env?.status === "FAILED", {
    path: `${label}: status`,
    expected: "FAILED",
    actual: String(env?.status),
    message: "a refused call did not say FAILED",
  });
  if (expected.error !== undefined)
    ctx.expect(env?.error === expected.error, {
      path: `${label}: error`,
      expected: JSON.stringify(expected.error),
      actual: JSON.stringify(env?.error),
      message: "error kind differs",
    });
  if (expected.field !== undefined) {
    const data = env?.error_data;
    const fields = typeof data === "object" && data !== null ? data.errors.map((e) => e.field) : [];
    ctx.expect(
      fields.some((f) => f === expected.field || f.endsWith(`.${expected.field}`)),
      {
        path: `${label}: error_data.errors[*].field`,
        expected: `names ${expected.field}`,
        actual: fields.join(", ") || JSON.stringify(data),
        message: "validation error does not name the field",
      },
    );
  }
  if (before !== undefined) {
    const after = await ctx.control!.balance(ctx.key);
    ctx.expect(after === before, {
      check: "credits",
      path: `${label}: (balance)`,
      expected: `${before} (nothing charged)`,
      actual: String(after),
      message: "a refused call changed the balance",
    });
  }
}
