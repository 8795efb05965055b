/**
 * What Aitubo scenarios share: the state machine, the smallest spend, model lookup, create → poll
 * → download, and reading a balance (control plane on emulators, `/api/user/profile` live).
 */
import { estimateAitubo } from "../../../credits/aitubo.js";
import type { CreditEstimate } from "../../../credits/types.js";
import type { ExpectedError, StatusMachine } from "../../checks/behaviour.js";
import type { AituboCreateBody } from "../../clients/aitubo.js";
import type { ApiResponse } from "../../http.js";
import type { ScenarioContext } from "../../scenario.js";
import {
  type AituboCreate,
  type AituboJob,
  aituboCreateSchema,
  aituboErrorSchema,
  aituboJobSchema,
  aituboModelListSchema,
  aituboProfileSchema,
} from "../../schemas/aitubo.js";

/** An Aitubo scenario's context. */
export type AituboCtx = ScenarioContext<"aitubo">;

/** `0 → 1 → 2 | 3`; a fast job may skip 1, a queued one may fail before it runs [doc statuses, inferred order]. */
export const AITUBO_MACHINE: StatusMachine = {
  next: { "0": ["1", "2", "3"], "1": ["2", "3"], "2": [], "3": [] },
  terminal: ["2", "3"],
};

/** The cheapest create: one image at the default size, the fewest steps the doc allows. */
export const SMALL_CREATE = { count: 1, steps: 10, width: 512, height: 512 } as const;

/** Credits of a create body, by the published formula. */
export const createCost = (body: AituboCreateBody): number => estimateAitubo("create", body).total;

/** The error envelope check every bad request shares: not `code: 0`, a 4xx (the docs publish no code). */
export const REJECTED: ExpectedError = { http: "4xx", codePath: ["code"], notCode: 0 };

/** A platform model id (the first one, or the first ControlNet-capable one). */
export async function pickModel(ctx: AituboCtx, controlNet = false): Promise<string> {
  const res = await ctx.client.listModels({ type: "platform" });
  ctx.check("models", aituboModelListSchema, res, { snapshot: false });
  const models =
    (res.body as { data?: { models?: { id: string; controlNet?: boolean }[] } }).data?.models ?? [];
  const model = models.find((m) => !controlNet || m.controlNet === true);
  if (!model) ctx.abort(`no ${controlNet ? "ControlNet " : ""}model in /api/model/list?type=platform`);
  return model.id;
}

/** The key's balance: the control plane on emulators, the profile live. */
export async function balanceOf(ctx: AituboCtx): Promise<number | undefined> {
  if (ctx.control) return ctx.control.balance(ctx.key);
  const res = await ctx.client.profile();
  if (!ctx.check("profile", aituboProfileSchema, res, { snapshot: false })) return undefined;
  return (res.body as { data: { credit: number } }).data.credit;
}

/** Checks a create answer: schema, code 0, the charge against `src/credits`, and the balance left. */
export function checkCreated(
  ctx: AituboCtx,
  label: string,
  res: ApiResponse,
  estimate: CreditEstimate | undefined,
  balanceBefore: number | undefined,
): string {
  ctx.check(label, aituboCreateSchema, res);
  const data = (res.body as Partial<AituboCreate> | undefined)?.data;
  ctx.expect((res.body as { code?: unknown })?.code === 0, {
    path: `${label}: code`,
    expected: "0",
    actual: String((res.body as { code?: unknown })?.code),
    message: "create was not accepted",
  });
  if (!data?.id) ctx.abort(`${label} returned no job id`);
  if (estimate !== undefined) {
    ctx.credits(`${label}: data.consumedCredit`, data.consumedCredit, estimate);
    if (
      balanceBefore !== undefined &&
      typeof data.credit === "number" &&
      typeof data.consumedCredit === "number"
    )
      ctx.expect(data.credit === balanceBefore - data.consumedCredit, {
        check: "credits",
        path: `${label}: data.credit`,
        expected: `${balanceBefore} - ${data.consumedCredit} = ${balanceBefore - data.consumedCredit}`,
        actual: String(data.credit),
        message: "balance after the job is not the balance before minus the charge",
      });
  }
  return data.id;
}

/** Polls a job until 2 or 3. */
export async function waitForJob(ctx: AituboCtx, id: string, label = "poll"): Promise<AituboJob["data"]> {
  const res = await ctx.poll({
    label,
    fetch: () => ctx.client.getJob(id),
    schema: aituboJobSchema,
    statusPath: ["data", "status"],
    machine: AITUBO_MACHINE,
  });
  return (res.body as AituboJob).data;
}

/** Expects success (2) and downloads every image, checking count, size and format (from the path's extension). */
export async function expectImages(
  ctx: AituboCtx,
  job: AituboJob["data"],
  expected: { count: number; width: number; height: number },
  label = "poll",
): Promise<{ path: string; artId: string }[]> {
  ctx.expect(job.status === 2, {
    path: `${label}: data.status`,
    expected: "2 (success)",
    actual: String(job.status),
    message: "job did not succeed",
  });
  const result = job.result?.data;
  const images = result?.images ?? [];
  const artIds = result?.artIds ?? [];
  ctx.expect(images.length === expected.count, {
    check: "image",
    path: `${label}: data.result.data.images`,
    expected: `${expected.count} image(s)`,
    actual: `${images.length}`,
    message: "image count differs from the request",
  });
  ctx.expect(artIds.length === images.length, {
    path: `${label}: data.result.data.artIds`,
    expected: `one artId per image (${images.length})`,
    actual: `${artIds.length}`,
    message: "artIds do not match images",
  });
  for (const [i, path] of images.entries()) {
    const file = await ctx.client.download(result?.domain ?? "", path);
    const ext = /\.(png|jpe?g|webp)$/i.exec(path)?.[1];
    await ctx.image(`${label}: data.result.data.images[${i}]`, file, { ...expected, format: ext });
  }
  return images.map((path, i) => ({ path, artId: artIds[i] ?? "" }));
}

/** Expects a rejected request and that it charged nothing. */
export async function expectRejected(
  ctx: AituboCtx,
  label: string,
  send: () => Promise<ApiResponse>,
): Promise<void> {
  const before = await balanceOf(ctx);
  const res = await send();
  ctx.checkError(label, aituboErrorSchema, res, REJECTED);
  const after = await balanceOf(ctx);
  if (before !== undefined && after !== undefined)
    ctx.expect(after === before, {
      check: "credits",
      path: `${label}: (balance)`,
      expected: `${before} (nothing charged)`,
      actual: String(after),
      message: "a rejected request changed the balance",
    });
}
