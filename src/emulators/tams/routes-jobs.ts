/**
 * Stage jobs: `POST /v1/jobs`, `POST /v1/jobs/credits`, `GET /v1/jobs/{id}`, `DELETE /v1/jobs/{id}`.
 */
import { Hono } from "hono";
import { isTerminal } from "../core/job-engine.js";
import { memoJsonAsync } from "../core/json-memo.js";
import { directivesOf, type EmulatorContext, type EmulatorEnv, sendJson } from "../core/provider.js";
import { loadCatalog } from "./catalog.js";
import { stageCredits } from "./credits.js";
import { notFound, TamsError } from "./errors.js";
import { parseBody, tenantOf } from "./http.js";
import {
  cancel,
  createJob,
  jobResponse,
  notify,
  refund,
  statusAt,
  type TamsJob,
  type TamsJobData,
} from "./jobs.js";
import { renderStageOutput, stageSizeBound } from "./render.js";
import { createJobSchema, creditsSchema } from "./schemas.js";
import { planStages } from "./stages.js";
import type { TamsState } from "./state.js";

/** A seed of -1 means random: the job's own id picks one, so a re-read renders the same image. */
export function resolveSeed(seed: number, jobId: string): number {
  return seed >= 0 ? seed : Number(BigInt(jobId) % 4_294_967_296n);
}

/** The routes. */
export function jobRoutes(state: TamsState): Hono<EmulatorEnv> {
  const app = new Hono<EmulatorEnv>();
  const { ctx } = state;

  app.post("/v1/jobs", async (c) => {
    const tenant = tenantOf(c, state);
    const body = await parseBody(c, createJobSchema);
    const plan = planStages(body.stages, {
      resolveResource: (id) => state.resources.resolve(tenant.key, id),
      checkResources: true,
      maxPixels: ctx.settings.imageLimits.maxPixels,
    });
    if (body.notifyUrl) state.webhooks.check(body.notifyUrl, "notifyUrl");
    // The credits module reads the parsed stages: enums by number, snake_case and int64 strings are
    // already normalized, so the price is of exactly what was validated.
    const credits = stageCredits(body.stages, await loadCatalog());
    // [doc] requestId makes create idempotent: the same key and requestId get the same job, charged once.
    const requests = state.tenantState(tenant).requests;
    const existing = requests.get(body.requestId);
    const known = existing === undefined ? undefined : ctx.jobs.get<TamsJobData>(ctx.name, existing);
    if (known) return c.json(await jobResponse(state, known, c.get("providerBase")));
    const job = createJob(state, {
      tenant,
      kind: "stages",
      requestId: body.requestId,
      credits,
      runningMs: plan.runningMs,
      directives: directivesOf(c),
      base: c.get("providerBase"),
      ...(body.notifyUrl ? { notifyUrl: body.notifyUrl } : {}),
      stageTypes: body.stages.map((st) => st.type),
      outputs: (jobId, { endAt }) => {
        const seed = resolveSeed(plan.seed, jobId);
        const bound = stageSizeBound(plan);
        return Array.from({ length: plan.count }, (_, i) => ({
          id: state.uuid(),
          kind: plan.output.kind,
          width: plan.output.width,
          height: plan.output.height,
          format: plan.output.format,
          readyAt: endAt,
          // The renderer draws image i with seed + i.
          seed: seed + i,
          render: () => renderStageOutput(plan, i, jobId, seed),
          sizeBound: bound,
        }));
      },
    });
    requests.set(body.requestId, job.id);
    // [doc] the create answer is the job's id and CREATED.
    return c.json({ job: { id: job.id, status: "CREATED" } });
  });

  app.post("/v1/jobs/credits", async (c) => {
    tenantOf(c, state);
    const body = await parseBody(c, creditsSchema);
    // The same rules as a job, without looking the images up: a price does not need them.
    planStages(body.stages, {
      resolveResource: () => "unknown",
      checkResources: false,
      maxPixels: ctx.settings.imageLimits.maxPixels,
    });
    return c.json({ credits: stageCredits(body.stages, await loadCatalog()) });
  });

  const find = (c: EmulatorContext): TamsJob => {
    const tenant = tenantOf(c, state);
    const id = c.req.param("jobId") ?? "";
    // grpc-gateway parses the path's uint64 before the handler runs.
    if (!/^\d{1,20}$/.test(id))
      throw new TamsError("INVALID_ARGUMENT", `jobId: must be a uint64, got ${JSON.stringify(id)}`);
    const job = ctx.jobs.get<TamsJobData>(ctx.name, id);
    // Someone else's job is as unknown as a made-up id.
    if (!job || job.tenantKey !== tenant.key) throw notFound(`job ${id} not found`);
    return job;
  };

  app.get("/v1/jobs/:jobId", async (c) => {
    const job = find(c);
    const base = c.get("providerBase");
    const phase = ctx.jobs.view(job).phase;
    // A finished job's answer never changes (its stages, files and URLs are fixed once it ends):
    // polls of it are served the text serialised the first time, per base URL.
    if (isTerminal(phase))
      return sendJson(c, await memoJsonAsync(job, `${phase}|${base}`, () => jobResponse(state, job, base)));
    return c.json(await jobResponse(state, job, base));
  });

  app.delete("/v1/jobs/:jobId", (c) => {
    const job = find(c);
    if (!cancel(state, job)) {
      const status = statusAt(job, ctx.clock.now());
      // [inferred] a finished job cannot be canceled.
      throw new TamsError("FAILED_PRECONDITION", `job ${job.id} is already ${status} and cannot be canceled`);
    }
    // [inferred] a canceled job is not billed.
    refund(state, job, "canceled");
    notify(state, job, c.get("providerBase"));
    return c.json({ jobId: job.id });
  });

  return app;
}
