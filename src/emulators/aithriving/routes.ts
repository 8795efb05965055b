/**
 * AIThriving's seven endpoints. Each is synchronous: validate, charge, wait the emulated time,
 * render, answer `{code: 0, message: "success", data: {image: <base64>, seed}}`. Bad input is
 * refused before anything is charged; a failed result is refunded (the doc: "You will not be
 * charged for failed results").
 */
import { Hono } from "hono";
import type { z } from "zod";
import {
  type AithrivingEndpoint,
  type AithrivingPrices,
  estimateAithriving,
  isCreditsInputError,
} from "../../credits/index.js";
import {
  directivesOf,
  type EmulatorContext,
  type EmulatorEnv,
  type ProviderContext,
} from "../core/provider.js";
import type { Tenant } from "../core/tenants.js";
import { allProblems, describeProblem } from "../core/validation.js";
import { AITHRIVING_MESSAGES, aithrivingError, aithrivingErrorResponse } from "./errors.js";
import { type GenerateSpec, renderErase, renderGenerated, renderInpaint, requestId } from "./render.js";
import { type ReadBody, readJsonBody, readMultipartBody, requireImage } from "./request-body.js";
import {
  ASPECT_SIZES,
  basicImageToImageSchema,
  basicTextToImageSchema,
  coreSchema,
  eraseSchema,
  inpaintSchema,
  MAX_SEED,
  sd3Schema,
  ultraSchema,
} from "./schemas.js";
import { basicDurationMs, FLAT_DURATION_MS, HANG_MS } from "./timing.js";

/** The success envelope [doc]. */
export interface AithrivingSuccess {
  code: 0;
  message: "success";
  data: { image: string; seed: number };
}

/** A validated request, ready to be charged, waited for and rendered. */
interface Prepared {
  /** The body the credit formula reads. */
  creditBody: Record<string, unknown>;
  /** The seed asked for; 0 means "pick one". */
  seed: number;
  durationMs: number;
  render(seed: number): Promise<Buffer>;
}

/** What the aspect-ratio endpoints (sd3, ultra, core) render from. */
interface AspectInput {
  prompt: string;
  aspect_ratio: keyof typeof ASPECT_SIZES;
  output_format: GenerateSpec["format"];
}

/** The render of an aspect-ratio endpoint: about one megapixel at the requested ratio. */
function aspectRender(
  endpoint: string,
  input: AspectInput,
  label: string,
): (seed: number) => Promise<Buffer> {
  const size = ASPECT_SIZES[input.aspect_ratio];
  return (seed) =>
    renderGenerated({
      ...size,
      format: input.output_format,
      seed,
      prompt: input.prompt,
      label: `${LABEL} · ${label}`,
      params: { endpoint, ...input, ...size, seed },
      id: requestId([endpoint, { ...input, seed }]),
    });
}

/** One endpoint: how its body is read, what it costs, and how it is prepared. */
interface Endpoint {
  paths: readonly string[];
  credit: AithrivingEndpoint;
  body: "json" | "multipart";
  prepare(body: ReadBody, ctx: ProviderContext): Promise<Prepared>;
}

/** Parses fields against a schema; every problem is named in AIThriving's message. */
function parse<S extends z.ZodType>(schema: S, fields: Record<string, unknown>): z.infer<S> {
  const result = schema.safeParse(fields);
  if (!result.success)
    aithrivingError("INVALID_PARAMETER", allProblems(result.error).map(describeProblem).join("; "));
  return result.data;
}

/** Rounds a side to a multiple of 64 inside 320–1536 (imageToImage without width/height). */
function fitSide(px: number): number {
  return Math.min(1536, Math.max(320, Math.round(px / 64) * 64));
}

const LABEL = "AIThriving";

/** The endpoint table: the one place that says which path does what. */
export const ENDPOINTS: readonly Endpoint[] = [
  {
    paths: ["/api/generate/basic/textToImage"],
    credit: "basic/textToImage",
    body: "json",
    async prepare(body) {
      const input = parse(basicTextToImageSchema, body.fields);
      return {
        creditBody: input,
        seed: input.seed,
        durationMs: basicDurationMs(input.steps, input.width, input.height),
        render: (seed) =>
          renderGenerated({
            width: input.width,
            height: input.height,
            format: "png",
            seed,
            prompt: input.prompt,
            label: `${LABEL} · basic SD1.6 · ${input.sampler ?? "auto sampler"}`,
            params: { endpoint: "basic/textToImage", ...input, seed },
            id: requestId(["basic/textToImage", { ...input, seed }]),
          }),
      };
    },
  },
  {
    paths: ["/api/generate/basic/imageToImage"],
    credit: "basic/imageToImage",
    body: "multipart",
    async prepare(body, ctx) {
      const input = parse(basicImageToImageSchema, body.fields);
      const init = await requireImage(body, "init_image", ctx.settings.imageLimits);
      // [doc example] width/height omitted: the init image's size, to a multiple of 64 in range.
      const width = input.width ?? fitSide(init.info.width);
      const height = input.height ?? fitSide(init.info.height);
      return {
        creditBody: input,
        seed: input.seed,
        durationMs: basicDurationMs(input.steps, width, height),
        render: (seed) =>
          renderGenerated({
            width,
            height,
            format: "png",
            seed,
            prompt: input.prompt,
            label: `${LABEL} · basic SD1.6 img2img · strength ${input.image_strength}`,
            params: { endpoint: "basic/imageToImage", ...input, width, height, seed },
            source: init.bytes,
            sourceWeight: input.image_strength,
            id: requestId(["basic/imageToImage", { ...input, width, height, seed }], [init.bytes]),
          }),
      };
    },
  },
  {
    // The NOTES table spells the path sd3 and the doc's table sdv3: both answer.
    paths: ["/api/generate/sd3/textToImage", "/api/generate/sdv3/textToImage"],
    credit: "sd3/textToImage",
    body: "json",
    async prepare(body) {
      const input = parse(sd3Schema, body.fields);
      return {
        creditBody: input,
        seed: input.seed,
        durationMs:
          input.model === "sd3-large-turbo" ? FLAT_DURATION_MS["sd3-large-turbo"] : FLAT_DURATION_MS.sd3,
        render: aspectRender("sd3/textToImage", input, `${input.model} · ${input.aspect_ratio}`),
      };
    },
  },
  {
    paths: ["/api/generate/ultra"],
    credit: "ultra",
    body: "json",
    async prepare(body) {
      const input = parse(ultraSchema, body.fields);
      return {
        creditBody: input,
        seed: input.seed,
        durationMs: FLAT_DURATION_MS.ultra,
        render: aspectRender("ultra", input, `ultra · ${input.aspect_ratio}`),
      };
    },
  },
  {
    paths: ["/api/generate/core"],
    credit: "core",
    body: "json",
    async prepare(body) {
      const input = parse(coreSchema, body.fields);
      return {
        creditBody: input,
        seed: input.seed,
        durationMs: FLAT_DURATION_MS.core,
        render: aspectRender("core", input, `core · ${input.style_preset ?? "no style"}`),
      };
    },
  },
  {
    paths: ["/api/edit/erase"],
    credit: "edit/erase",
    body: "multipart",
    async prepare(body, ctx) {
      const input = parse(eraseSchema, body.fields);
      const { image, mask } = await imageAndMask(body, ctx);
      return {
        creditBody: input,
        seed: input.seed,
        durationMs: FLAT_DURATION_MS.erase,
        render: () => renderErase(image.bytes, mask.bytes, input.output_format),
      };
    },
  },
  {
    paths: ["/api/edit/inpaint"],
    credit: "edit/inpaint",
    body: "multipart",
    async prepare(body, ctx) {
      const input = parse(inpaintSchema, body.fields);
      const { image, mask } = await imageAndMask(body, ctx);
      return {
        creditBody: input,
        seed: input.seed,
        durationMs: FLAT_DURATION_MS.inpaint,
        render: (seed) =>
          renderInpaint(
            image.bytes,
            mask.bytes,
            {
              format: input.output_format,
              seed,
              prompt: input.prompt,
              label: `${LABEL} · inpaint`,
              params: { endpoint: "edit/inpaint", ...input, seed },
              id: requestId(["edit/inpaint", { ...input, seed }], [image.bytes, mask.bytes]),
            },
            image.info,
          ),
      };
    },
  },
];

/** The image and mask of an edit; a mask of another size is the caller's error. */
async function imageAndMask(body: ReadBody, ctx: ProviderContext) {
  const image = await requireImage(body, "image", ctx.settings.imageLimits);
  const mask = await requireImage(body, "mask", ctx.settings.imageLimits);
  if (image.info.width !== mask.info.width || image.info.height !== mask.info.height) {
    aithrivingError(
      "INVALID_PARAMETER",
      AITHRIVING_MESSAGES.maskSize(
        `${image.info.width}×${image.info.height}`,
        `${mask.info.width}×${mask.info.height}`,
      ),
    );
  }
  return { image, mask };
}

/** The tenant of a request, or AIThriving's auth failure. */
function authenticate(c: EmulatorContext, ctx: ProviderContext): Tenant {
  const key = c.get("tenantKey");
  if (!key) aithrivingError("UNAUTHORIZED", AITHRIVING_MESSAGES.missingKey);
  const tenant = ctx.tenants.resolve(key);
  if (!tenant) aithrivingError("UNAUTHORIZED", AITHRIVING_MESSAGES.unknownKey);
  return tenant;
}

/** Options a user may pass as `providerOptions.aithriving`. */
export interface AithrivingOptions {
  /** Overrides of the credit price table. */
  prices?: Partial<AithrivingPrices>;
}

/** Builds AIThriving's routes over the shared services. */
export function createAithrivingRoutes(ctx: ProviderContext): { app: Hono<EmulatorEnv>; reset(): void } {
  const options = ctx.options as AithrivingOptions;
  const app = new Hono<EmulatorEnv>();
  // Random seeds come from the server's seed: different per start, reproducible with --seed.
  const randomSeeds = ctx.random("seeds");
  const pickSeed = () => 1 + Math.floor(randomSeeds() * MAX_SEED);

  const price = (endpoint: AithrivingEndpoint, body: Record<string, unknown>): number => {
    try {
      return estimateAithriving(endpoint, body, options.prices).total;
    } catch (err) {
      if (isCreditsInputError(err)) aithrivingError("INVALID_PARAMETER", err.message);
      throw err;
    }
  };

  const handle = async (c: EmulatorContext, endpoint: Endpoint): Promise<Response> => {
    const tenant = authenticate(c, ctx);
    const body = endpoint.body === "json" ? await readJsonBody(c) : await readMultipartBody(c);
    const prepared = await endpoint.prepare(body, ctx);
    const credits = price(endpoint.credit, prepared.creditBody);
    const memo = `aithriving ${endpoint.credit}`;
    const charge = tenant.ledger.tryCharge(credits, memo);
    if (!charge.ok)
      aithrivingError(
        "INSUFFICIENT_CREDITS",
        AITHRIVING_MESSAGES.insufficientCredits(credits, charge.balance),
      );

    // From here the request is paid for: every way out that is not a success gives it back.
    let delivered = false;
    try {
      const seed = prepared.seed === 0 ? pickSeed() : prepared.seed;
      const directives = directivesOf(c);
      const slow = directives.slowFactor ?? 1;
      if (directives.hang) {
        await ctx.clock.sleep(HANG_MS);
        return aithrivingErrorResponse("GENERATION_FAILED", AITHRIVING_MESSAGES.timedOut);
      }
      await ctx.clock.sleep(prepared.durationMs * slow);
      if (directives.fail) return aithrivingErrorResponse("GENERATION_FAILED", directives.fail.reason);
      const image = await prepared.render(seed);
      const answer: AithrivingSuccess = {
        code: 0,
        message: "success",
        data: { image: image.toString("base64"), seed },
      };
      delivered = true;
      return c.json(answer);
    } finally {
      if (!delivered) tenant.ledger.refund(credits, `${memo}: failed results are not charged`);
    }
  };

  for (const endpoint of ENDPOINTS)
    for (const path of endpoint.paths) app.post(path, (c) => handle(c, endpoint));

  return {
    app,
    // The seed stream restarts with the server's full reset.
    reset() {},
  };
}
