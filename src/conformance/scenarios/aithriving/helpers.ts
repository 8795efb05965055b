/**
 * What AIThriving scenarios share: a synchronous call checked end to end (envelope, decoded image,
 * charge by balance on emulators) and a refused call checked to charge nothing.
 */
import { type AithrivingEndpoint, estimateAithriving } from "../../../credits/aithriving.js";
import type { ExpectedImage } from "../../checks/images.js";
import type { ApiResponse } from "../../http.js";
import type { ScenarioContext } from "../../scenario.js";
import { aithrivingFailureSchema, aithrivingSuccessSchema } from "../../schemas/aithriving.js";
import { sampleImage } from "../sample-image.js";

/** An AIThriving scenario's context. */
export type AithrivingCtx = ScenarioContext<"aithriving">;

/** A file field from bytes. */
export const file = (bytes: Uint8Array, filename: string, type = "image/png") => ({ bytes, filename, type });

/** A black mask with a white square in the middle (the part to erase or repaint), same size as the image. */
export async function sampleMask(width: number, height: number): Promise<Buffer> {
  const { default: sharp } = await import("sharp");
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}">
    <rect width="100%" height="100%" fill="#000"/><rect x="${width / 4}" y="${height / 4}" width="${width / 2}" height="${height / 2}" fill="#fff"/></svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

export { sampleImage };

/**
 * Sends one generation and checks it: the documented envelope, `code` 0, an image that decodes
 * with the asked properties, and (where a balance is observable) a charge equal to the formula.
 */
export async function expectGenerated(
  ctx: AithrivingCtx,
  options: {
    label: string;
    endpoint: AithrivingEndpoint;
    /** The body the price is computed from (form fields as sent). */
    priced: Record<string, unknown>;
    send(): Promise<ApiResponse>;
    image: ExpectedImage;
  },
): Promise<void> {
  const { label } = options;
  const before = ctx.control ? await ctx.control.balance(ctx.key) : undefined;
  const res = await options.send();
  ctx.check(label, aithrivingSuccessSchema, res);
  const body = res.body as { code?: unknown; message?: unknown; data?: { image?: unknown } };
  if (
    !ctx.expect(body?.code === 0, {
      path: `${label}: code`,
      expected: "0",
      actual: String(body?.code),
      message: `generation failed: ${String(body?.message)}`,
    })
  )
    return;
  if (typeof body.data?.image === "string") {
    const bytes = Buffer.from(body.data.image, "base64");
    await ctx.image(
      `${label}: data.image`,
      { url: "(base64)", status: 200, contentType: undefined, bytes },
      options.image,
    );
  }
  if (before !== undefined) {
    const after = await ctx.control!.balance(ctx.key);
    ctx.credits(
      `${label}: (balance)`,
      after === undefined ? undefined : before - after,
      estimateAithriving(options.endpoint, options.priced),
    );
  }
}

/**
 * Sends a request that must fail: `code` -1 [doc] (the HTTP status is not published: recorded,
 * not asserted) and, where a balance is observable, nothing charged [doc: "You will not be charged
 * for failed results"].
 */
export async function expectRefused(
  ctx: AithrivingCtx,
  label: string,
  send: () => Promise<ApiResponse>,
): Promise<void> {
  const before = ctx.control ? await ctx.control.balance(ctx.key) : undefined;
  const res = await send();
  ctx.checkError(label, aithrivingFailureSchema, res, { codePath: ["code"], code: -1 });
  if (before !== undefined) {
    const after = await ctx.control!.balance(ctx.key);
    ctx.expect(after === before, {
      check: "credits",
      path: `${label}: (balance)`,
      expected: `${before} (nothing charged)`,
      actual: String(after),
      message: "a failed request was charged",
    });
  }
}
