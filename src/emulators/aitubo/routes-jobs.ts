/**
 * Job endpoints: create, get, list, upscale, and headshot transforms.
 */
import { Hono } from "hono";
import { estimateAitubo } from "../../credits/aitubo.js";
import type { StoredFile } from "../core/file-store.js";
import { CONTENT_TYPES, resizeImage } from "../core/images.js";
import { memoJson } from "../core/json-memo.js";
import { keepPromise, promisedSize, type SizeRecord, sizeBound } from "../core/promised-size.js";
import { directivesOf, type EmulatorEnv, sendJson } from "../core/provider.js";
import { CONTROL_MODELS, loadCatalog, resolveModel } from "./catalog.js";
import {
  AITUBO,
  type AituboContext,
  type Art,
  fileDomain,
  jsonBody,
  optionalTenant,
  parseWith,
  requireTenant,
  tenantState,
} from "./context.js";
import { AITUBO_MESSAGES, aituboError } from "./errors.js";
import {
  type AituboJob,
  artView,
  createDurations,
  type JobImage,
  jobStatusView,
  STATUS_OF_PHASE,
  startJob,
} from "./jobs.js";
import { extensionOf, formatOf, renderGenerated } from "./renders.js";
import { createJobSchema, headshotSchema, pagingSchema, upscaleSchema, withoutEmpty } from "./schemas.js";
import { resolveImage } from "./sources.js";

/** [doc] defaults of `/api/job/create`. */
const DEFAULTS = {
  negativePrompt: "lowres, bad anatomy, cropped, worst quality, low quality",
  strength: 0.8,
  width: 512,
  height: 512,
  count: 4,
  steps: 30,
  guidanceScale: 7.5,
  controlStrength: 1,
};

/** An image job's inputs, shared by the job's images. */
type ImageInput = NonNullable<Art["input"]>;

/** The create arguments a render reads back (see the create route's `args`). */
interface CreateArgs {
  prompt: string;
  steps: number;
  modelId: string;
  seed?: number;
}

/** The job routes. */
export function jobRoutes(ctx: AituboContext): Hono<EmulatorEnv> {
  const app = new Hono<EmulatorEnv>();
  const { core } = ctx;

  /**
   * Renders a create's result from its job's arguments. The file's `meta` is its art (whose width
   * and height are what other routes read there, and which carries an image job's inputs): a recipe
   * or a closure per file would hold a copy of the arguments, or the request's scope, for as long as
   * the job is kept.
   */
  const renderCreated = async (file: StoredFile): Promise<Buffer> => {
    const job = core.jobs.get<AituboJob>(AITUBO, file.jobId ?? "");
    // A job's files are deleted with it, before anything can read them.
    if (!job) throw new Error(`aitubo: no job ${file.jobId} for ${file.path}`);
    const art = file.meta as unknown as Art;
    const args = job.data.args as unknown as CreateArgs;
    const model = resolveModel(await loadCatalog(), args.modelId)!;
    const format = formatOf(file.path.slice(file.path.lastIndexOf(".") + 1));
    // At the size /api/job/list may have promised (the art keeps it).
    return keepPromise(
      art,
      await renderGenerated({
        width: art.width,
        height: art.height,
        format,
        // [inferred] without a seed, the job id seeds the image (still deterministic per job).
        seed: args.seed ?? job.id,
        prompt: args.prompt,
        jobId: job.id,
        index: job.data.images.indexOf(art),
        modelName: model.name,
        modelId: model.id,
        steps: args.steps,
        artId: art.artId,
        ...art.input,
      }),
      format,
    );
  };

  app.post("/api/job/create", async (c) => {
    const tenant = requireTenant(ctx, c);
    const body = await jsonBody(c, createJobSchema);
    const model = resolveModel(await loadCatalog(), body.modelId);
    if (!model)
      aituboError(
        "INVALID_ARGUMENT",
        `modelId must be a model id: 24 hexadecimal characters (see /api/model/list), got ${JSON.stringify(body.modelId)}`,
      );
    // [inferred from a public client] ControlNet needs a control image: on a text job (no
    // imagePath) controlModel is ignored, whatever its value; a bot sends "checkpoint" so.
    const controlModel = body.imagePath ? body.controlModel : undefined;
    if (controlModel && !CONTROL_MODELS.some((m) => m.id === controlModel))
      aituboError(
        "INVALID_ARGUMENT",
        `controlModel must be one of ${CONTROL_MODELS.map((m) => JSON.stringify(m.id)).join(", ")}`,
      );
    // [doc] "Make sure that the model supports ControlNet" (a model the catalog lacks might).
    if (controlModel && !model.controlNet)
      aituboError("INVALID_ARGUMENT", `modelId ${model.id} (${model.name}) does not support ControlNet`);
    if (body.maskImage && !body.imagePath)
      aituboError("INVALID_ARGUMENT", "imagePath is required with maskImage");
    const source = body.imagePath ? resolveImage(ctx, c, "imagePath", body.imagePath) : undefined;
    const mask = body.maskImage ? resolveImage(ctx, c, "maskImage", body.maskImage) : undefined;

    const width = body.width ?? DEFAULTS.width;
    const height = body.height ?? DEFAULTS.height;
    const count = body.count ?? DEFAULTS.count;
    const steps = body.steps ?? DEFAULTS.steps;
    const format = formatOf(body.imageFormat);
    const seed = body.seed !== undefined && body.seed >= 0 ? body.seed : undefined;
    const estimate = estimateAitubo("create", body);
    const args: Record<string, unknown> = {
      prompt: body.prompt,
      negativePrompt: body.negativePrompt ?? DEFAULTS.negativePrompt,
      strength: body.strength ?? DEFAULTS.strength,
      width,
      height,
      count,
      steps,
      // The catalog's own string (equal to the request's): one copy for every job, not one per job.
      ...(model ? { modelId: model.id } : {}),
      ...(body.imagePath ? { imagePath: body.imagePath } : {}),
      ...(body.maskImage ? { maskImage: body.maskImage } : {}),
      ...(controlModel
        ? {
            controlModel,
            controlStrength: body.controlStrength ?? DEFAULTS.controlStrength,
          }
        : {}),
      ...(body.guidanceScale !== undefined ? { guidanceScale: body.guidanceScale } : {}),
      ...(seed !== undefined ? { seed } : {}),
    };
    // What a result's render needs beyond the job's own arguments (image jobs only), shared by
    // the job's images.
    const input: ImageInput | undefined = source
      ? {
          source,
          strength: body.strength ?? DEFAULTS.strength,
          mask,
          control: controlModel
            ? { model: controlModel, strength: body.controlStrength ?? DEFAULTS.controlStrength }
            : undefined,
        }
      : undefined;
    const { job, balance } = startJob(ctx, {
      tenant,
      kind: "create",
      args,
      credits: estimate.total,
      durations: createDurations(count, width, height, steps),
      directives: directivesOf(c),
      makeImages: (jobId) => {
        const arts = tenantState(tenant).arts;
        const images: Art[] = new Array(count);
        for (let index = 0; index < count; index++) {
          const now = core.clock.now();
          const artId = ctx.ids.objectId(now);
          const path = `images/art/${jobId}/${ctx.ids.xid(now)}.${extensionOf(format)}`;
          // The art is the job's record of the image too, and its file's meta (one object per image).
          const art: Art = input
            ? { artId, jobId, path, width, height, input }
            : { artId, jobId, path, width, height };
          core.files.putResult({
            provider: AITUBO,
            path,
            tenantKey: tenant.key,
            jobId,
            contentType: CONTENT_TYPES[format],
            createdAt: now,
            meta: art as unknown as Record<string, unknown>,
            render: renderCreated,
          });
          arts.set(artId, art);
          images[index] = art;
        }
        return images;
      },
    });
    tenantState(tenant).usedModels.add(model.id);
    // [doc] {consumedCredit, credit, id}; [client] subCredit too.
    return c.json({
      code: 0,
      data: {
        id: job.id,
        credit: Math.round(balance),
        consumedCredit: estimate.total,
        subCredit: estimate.total,
      },
    });
  });

  // [doc][client] The job id is enough: the doc names no auth here, the Go SDK polls without
  // Authorization, and a public bot polls with another key than the one that created the job.
  app.get("/api/job/get", (c) => {
    const id = c.req.query("id");
    if (!id) aituboError("INVALID_ARGUMENT", "id is required (the job id from /api/job/create)");
    // Any key (or none) reads any job [public client]; strict mode still refuses an unregistered key.
    optionalTenant(ctx, c);
    const job = core.jobs.get<AituboJob>(AITUBO, id);
    if (!job) aituboError("NOT_FOUND", `${AITUBO_MESSAGES.jobNotFound}: ${id}`);
    // Polled every second or so by real clients: the answer is memoised until the job's status (or
    // the base URL it names) changes; the job's record itself never changes after creation.
    const domain = fileDomain(c);
    const status = STATUS_OF_PHASE[core.jobs.view(job).phase];
    return sendJson(
      c,
      memoJson(job, `${status}|${domain}`, () => ({ code: 0, data: jobStatusView(ctx, job, domain) })),
    );
  });

  app.get("/api/job/list", (c) => {
    const tenant = requireTenant(ctx, c);
    const q = parseWith(pagingSchema, withoutEmpty(c.req.query()));
    const pageIndex = q.pageIndex ?? 1;
    const pageSize = q.pageSize ?? 20;
    // Newest first [inferred]; upscale jobs show as variants of their art, not as jobs.
    const all = core.jobs
      .list<AituboJob>(AITUBO, tenant.key)
      .filter((j) => j.data.kind !== "upscale")
      .reverse();
    const page = all.slice((pageIndex - 1) * pageSize, pageIndex * pageSize);
    const jobs = page.map((job) => {
      const done = core.jobs.view(job).phase === "succeeded";
      // [doc] size: the image's bytes. Known once rendered; a file never fetched yet is promised an
      // upper bound its download is then padded to [inferred], so the list renders nothing and a
      // size it answers is always the downloaded file's (see core/promised-size.ts).
      const text = Buffer.byteLength(String(job.data.args.prompt ?? "")) + 256;
      // From an input image (img2img, ControlNet, headshots, upscales): as detailed as the input.
      const fromInput = job.data.kind === "headshot" || job.data.args.imagePath !== undefined;
      const sizeOf = (path: string, variant: boolean) => {
        const meta = core.files.stat(AITUBO, path)?.meta as
          | (SizeRecord & { width?: number; height?: number })
          | undefined;
        if (!meta?.width || !meta.height) return 0;
        const { width, height } = meta;
        const format = formatOf(path.split(".").pop());
        return promisedSize(meta, () => sizeBound(width, height, format, text, fromInput || variant));
      };
      const arts = done
        ? job.data.images.map((img) => {
            const v = artView(ctx, tenant, img.artId);
            const specs = [{ spec: "o", path: img.path }, ...(v?.variants ?? [])];
            return {
              id: img.artId,
              images: specs.map((s) => ({
                spec: s.spec,
                path: s.path,
                size: sizeOf(s.path, s.spec !== "o"),
              })),
            };
          })
        : [];
      const a = job.data.args;
      return {
        id: job.id,
        createdAt: new Date(job.timeline.createdAt).toISOString(),
        args: {
          prompt: a.prompt ?? "",
          negativePrompt: a.negativePrompt ?? "",
          strength: a.strength ?? DEFAULTS.strength,
          width: a.width,
          height: a.height,
          count: a.count ?? job.data.images.length,
          steps: a.steps ?? DEFAULTS.steps,
        },
        arts,
      };
    });
    return c.json({ code: 0, data: { jobs, total: all.length, domain: fileDomain(c) } });
  });

  app.post("/api/job/upscale", async (c) => {
    const tenant = requireTenant(ctx, c);
    const body = await jsonBody(c, upscaleSchema);
    const found = artView(ctx, tenant, body.artId);
    if (!found) aituboError("INVALID_ARGUMENT", `artId ${body.artId} is not one of your images`);
    const { art } = found;
    const artJob = core.jobs.get<AituboJob>(AITUBO, art.jobId);
    if (!artJob || core.jobs.view(artJob).phase !== "succeeded") {
      aituboError("INVALID_ARGUMENT", `artId ${body.artId}: its job has not finished`);
    }
    const source = resolveImage(ctx, c, "imagePath", body.imagePath);
    const spec = `${body.upscaleFactor}x` as "2x" | "3x" | "4x";
    const estimate = estimateAitubo("upscale", body);
    const width = art.width * body.upscaleFactor;
    const height = art.height * body.upscaleFactor;
    // The variant keeps the original's format, read back from its extension.
    const format = formatOf(art.path.split(".").pop());
    const { job, balance } = startJob(ctx, {
      tenant,
      kind: "upscale",
      args: {
        imagePath: body.imagePath,
        upscaleFactor: body.upscaleFactor,
        artId: body.artId,
        model: body.model ?? "RealESRGAN_x4plus",
      },
      credits: estimate.total,
      // [inferred] an upscale takes about as long as one 512×512 image per factor step.
      durations: { queuedMs: 300, runningMs: 1000 * body.upscaleFactor },
      directives: directivesOf(c),
      makeImages: (jobId): JobImage[] => {
        const path = art.path.replace(/(\.\w+)$/, `_${spec}$1`);
        core.files.putResult({
          provider: AITUBO,
          path,
          tenantKey: tenant.key,
          jobId,
          contentType: CONTENT_TYPES[format],
          createdAt: core.clock.now(),
          meta: { width, height, artId: art.artId, jobId, spec },
          render: async (file) =>
            keepPromise(
              file.meta as SizeRecord,
              await resizeImage(await source.bytes(), width, height, format),
              format,
            ),
        });
        art.variants = [...(art.variants ?? []).filter((v) => v.spec !== spec), { spec, path, jobId }];
        return [{ path, artId: art.artId }];
      },
    });
    // [client] subCredit, as job create answers.
    return c.json({
      code: 0,
      data: {
        id: job.id,
        credit: Math.round(balance),
        consumedCredit: estimate.total,
        subCredit: estimate.total,
      },
    });
  });

  app.post("/api/transform/create-headshot", async (c) => {
    const tenant = requireTenant(ctx, c);
    const body = await jsonBody(c, headshotSchema);
    const catalog = await loadCatalog();
    const transform = catalog.transforms.find((t) => t.id === body.transformId);
    if (!transform)
      aituboError(
        "INVALID_ARGUMENT",
        `transformId ${body.transformId} is not a known transform (see /api/transform/list)`,
      );
    const source = resolveImage(ctx, c, "imagePath", body.imagePath);
    const width = body.width ?? 512;
    const height = body.height ?? 512;
    const estimate = estimateAitubo("headshot", body, { headshot: transform.cost });
    const { job, balance } = startJob(ctx, {
      tenant,
      kind: "headshot",
      args: {
        imagePath: body.imagePath,
        transformId: body.transformId,
        width,
        height,
        keepHair: body.keepHair ?? false,
        keepPose: body.keepPose ?? true,
      },
      credits: estimate.total,
      durations: createDurations(1, width, height, 30),
      directives: directivesOf(c),
      makeImages: (jobId) => {
        const artId = ctx.ids.objectId(core.clock.now());
        const path = `images/art/${jobId}/${ctx.ids.xid(core.clock.now())}.png`;
        core.files.putResult({
          provider: AITUBO,
          path,
          tenantKey: tenant.key,
          jobId,
          contentType: CONTENT_TYPES.png,
          createdAt: core.clock.now(),
          meta: { width, height, artId, jobId },
          render: async (file) =>
            keepPromise(
              file.meta as SizeRecord,
              await renderGenerated({
                width,
                height,
                format: "png",
                seed: jobId,
                prompt: `headshot: ${transform.name}`,
                jobId,
                index: 0,
                params: { provider: AITUBO, transformId: transform.id },
                source,
                strength: 0.5,
              }),
              "png",
            ),
        });
        const art: Art = { artId, jobId, path, width, height };
        tenantState(tenant).arts.set(artId, art);
        return [art];
      },
    });
    return c.json({
      code: 0,
      data: { id: job.id, credit: Math.round(balance), consumedCredit: estimate.total },
    });
  });

  return app;
}
