/**
 * Qolaba's routes: `POST /getTextToImage`, `POST /getImagetoImage`, `POST /getImage`, and the
 * result files. Served at the mount point and again under `/api/v1`, the path of the inferred real
 * base URL, so a client may keep its path and change only the host.
 *
 * A task is a timeline on the clock: `celery: true` answers PENDING with a task_id at once and
 * `/getImage` computes PENDING → SUCCESS | FAILED from the clock when asked; `celery: false` waits
 * the emulated run time and answers the result itself (with `task_id: null`, as the backend's
 * synchronous path does).
 */
import { Hono } from "hono";
import type { z } from "zod";
import { estimateQolaba, type QolabaEndpoint, type QolabaPrices } from "../../credits/index.js";
import { fileResponse } from "../core/file-store.js";
import { createTimeline, type JobOutcome, outcomeFrom } from "../core/job-engine.js";
import type { Job } from "../core/job-store.js";
import { memoJson } from "../core/json-memo.js";
import {
  directivesOf,
  type EmulatorContext,
  type EmulatorEnv,
  type ProviderContext,
  requestHeader,
  sendJson,
} from "../core/provider.js";
import { uuidFrom } from "../core/random.js";
import type { Tenant } from "../core/tenants.js";
import { parseJsonText } from "../core/validation.js";
import { findApp, type QolabaApp } from "./catalog.js";
import {
  envelope,
  QOLABA_ERRORS,
  QOLABA_MESSAGES,
  type QolabaEnvelope,
  type QolabaFieldError,
  qolabaError,
  qolabaErrorResponse,
} from "./errors.js";
import { fieldErrors } from "./fields.js";
import { backendImageSize, FILES_PREFIX, resolveSource, type SourceImage } from "./image-source.js";
import { RESULT_FORMAT, renderResult } from "./render.js";
import { type InferenceType, imageToImageSchema, taskStatusSchema, textToImageSchema } from "./schemas.js";
import { TIME_LIMIT_MS, taskDurations } from "./timing.js";

/** The provider name, for the job and file stores. */
const PROVIDER = "qolaba";

/** What the emulator keeps per task. */
export interface QolabaTask {
  appId: string;
  /** The validated request, echoed as `input`. */
  input: Record<string, unknown>;
  /** Absolute result URLs, one per image of the batch. */
  urls: string[];
  nsfw: boolean;
  startupMs: number;
  runtimeMs: number;
}

/** Options a user may pass as `providerOptions.qolaba`. */
export interface QolabaOptions {
  /** Overrides of the (inferred) credit price table. */
  prices?: Partial<QolabaPrices>;
  /** App ids to accept beyond the known table. */
  extraAppIds?: Record<string, QolabaApp>;
}

/** A 422 in Qolaba's shape. */
function validationError(errors: QolabaFieldError[]): never {
  qolabaError("VALIDATION", { errors });
}

/** Reads the JSON body; a body that is not JSON is a 422 before anything else, as in FastAPI. */
async function readJson(c: EmulatorContext): Promise<unknown> {
  const text = await c.req.text();
  if (!text.trim()) validationError([{ field: "body", message: "Field required", type: "missing" }]);
  const parsed = parseJsonText(text);
  if (!parsed.ok) {
    // FastAPI's words for a body it cannot decode; a too-deep body says why [inferred].
    const message = parsed.tooDeep ? `JSON decode error: ${parsed.problem}` : "JSON decode error";
    validationError([{ field: "body", message, type: "json_invalid" }]);
  }
  if (typeof parsed.value !== "object" || parsed.value === null || Array.isArray(parsed.value)) {
    validationError([
      {
        field: "body",
        message: "Input should be a valid dictionary or object to extract fields from",
        type: "model_attributes_type",
      },
    ]);
  }
  return parsed.value;
}

/** FastAPI's HTTPBearer: no header → 403 "Not authenticated"; another scheme → 403. */
function bearerToken(c: EmulatorContext): string {
  // The core's reading of the header (the first of duplicates), as identify() and the journal read it.
  const header = requestHeader(c, "authorization");
  if (!header) qolabaError("NOT_AUTHENTICATED", QOLABA_MESSAGES.notAuthenticated);
  const m = /^Bearer\s+(\S.*)$/i.exec(header.trim());
  if (!m) qolabaError("NOT_AUTHENTICATED", QOLABA_MESSAGES.invalidCredentials);
  return m[1]!.trim();
}

/** Parses against a schema, answering 422 with every bad field. */
function parse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) validationError(fieldErrors(result.error));
  return result.data;
}

/** Builds Qolaba's routes over the shared services. */
export function createQolabaRoutes(ctx: ProviderContext): { app: Hono<EmulatorEnv>; reset(): void } {
  const options = ctx.options as QolabaOptions;
  // Task ids look like Celery's (uuid4): random on every start, reproducible with the server's seed.
  const idRandom = ctx.random("task-ids");
  const nextTaskId = () => uuidFrom(idRandom);

  /** The tenant behind a token; in strict mode an unknown token is the backend's 500. */
  const tenantOf = (token: string, appId: string | null): Tenant => {
    const tenant = ctx.tenants.resolve(token);
    if (!tenant) qolabaError("INVALID_KEY", QOLABA_MESSAGES.invalidKey, { app_id: appId });
    return tenant;
  };

  const price = (endpoint: QolabaEndpoint, body: Record<string, unknown>) =>
    estimateQolaba(endpoint, body, options.prices).total;

  /** What a generation request comes to once validated. */
  interface Plan {
    endpoint: QolabaEndpoint;
    app: QolabaApp;
    appId: string;
    input: Record<string, unknown>;
    prompt: string;
    gpu: InferenceType;
    celery: boolean;
    batch: number;
    steps: number;
    width: number;
    height: number;
    source?: SourceImage;
    strength?: number;
  }

  /** Charges, creates the task and its files, and answers (at once, or when done). */
  const run = async (c: EmulatorContext, tenant: Tenant, plan: Plan): Promise<Response> => {
    const credits = price(plan.endpoint, { batch: plan.batch, num_inference_steps: plan.steps });
    const memo = `qolaba ${plan.endpoint} ${plan.appId}`;
    const charge = tenant.ledger.tryCharge(credits, memo);
    if (!charge.ok)
      qolabaError("INSUFFICIENT_CREDITS", QOLABA_MESSAGES.insufficientCredits(credits, charge.balance), {
        app_id: plan.appId,
      });

    const directives = directivesOf(c);
    const slow = directives.slowFactor ?? 1;
    const nominal = taskDurations({
      gpu: plan.gpu,
      steps: plan.steps,
      batch: plan.batch,
      width: plan.width,
      height: plan.height,
      controlnet: plan.app.kind === "controlnet",
    });
    const startupMs = nominal.startupMs * slow;
    // A hung task hits Celery's hard time limit and fails [backend config, inferred outcome].
    const runtimeMs = directives.hang ? TIME_LIMIT_MS : nominal.runtimeMs * slow;
    const outcome: JobOutcome = directives.hang
      ? { kind: "fail", reason: QOLABA_MESSAGES.timeLimit, code: "TIMEOUT" }
      : outcomeFrom(directives);
    // Failed tasks are not billed [inferred]; the outcome is known now, so give it back now.
    if (outcome.kind === "fail") tenant.ledger.refund(credits, `${memo}: failed tasks are not charged`);

    const taskId = nextTaskId();
    const base = c.get("providerBase");
    const urls: string[] = [];
    if (outcome.kind !== "fail") {
      for (let i = 0; i < plan.batch; i++) {
        const path = `${FILES_PREFIX}${taskId}/${i}.${RESULT_FORMAT}`;
        urls.push(`${base}/${path}`);
        ctx.files.putResult({
          provider: PROVIDER,
          path,
          tenantKey: tenant.key,
          // A queued task is a job: evicting it deletes its files; a synchronous answer's are loose.
          jobId: plan.celery ? taskId : undefined,
          contentType: "image/webp",
          createdAt: ctx.clock.now(),
          meta: { taskId, index: i },
          render: () =>
            renderResult({
              width: plan.width,
              height: plan.height,
              prompt: plan.prompt,
              taskId,
              index: i,
              label: `Qolaba · ${plan.app.model} · ${plan.gpu}`,
              params: { app_id: plan.appId, ...plan.input },
              source: plan.source?.bytes,
              strength: plan.strength,
              controlnet: plan.app.controlnet,
            }),
        });
      }
    }
    const task: QolabaTask = {
      appId: plan.appId,
      input: plan.input,
      urls,
      nsfw: directives.nsfw === true,
      startupMs,
      runtimeMs,
    };

    if (plan.celery) {
      const timeline = createTimeline(
        ctx.clock.now(),
        { queuedMs: ctx.clock.duration(startupMs), runningMs: ctx.clock.duration(runtimeMs) },
        outcome,
      );
      ctx.jobs.add<QolabaTask>({
        id: taskId,
        provider: PROVIDER,
        tenantKey: tenant.key,
        timeline,
        data: task,
      });
      return c.json(envelope({ input: plan.input, app_id: plan.appId, task_id: taskId, status: "PENDING" }));
    }

    // celery: false — the answer waits for the work.
    await ctx.clock.sleep(startupMs + runtimeMs);
    if (outcome.kind === "fail") {
      const name = outcome.code === "TIMEOUT" ? "TIMEOUT" : "GENERATION";
      return qolabaErrorResponse(name, outcome.reason, { input: plan.input, app_id: plan.appId });
    }
    return c.json(succeeded(task, null));
  };

  /** The SUCCESS envelope of a task. NSFW images are left out of `result` and flagged [backend]. */
  const succeeded = (task: QolabaTask, taskId: string | null): QolabaEnvelope =>
    envelope({
      time_required: { startup_time: task.startupMs / 1000, runtime: task.runtimeMs / 1000 },
      input: task.input,
      output: {
        result: task.nsfw ? [] : task.urls,
        Has_NSFW_Content: task.urls.map(() => task.nsfw),
      },
      app_id: task.appId,
      task_id: taskId,
      status: "SUCCESS",
    });

  const api = new Hono<EmulatorEnv>();

  api.post("/getTextToImage", async (c) => {
    const raw = await readJson(c);
    const token = bearerToken(c);
    const input = parse(textToImageSchema, raw);
    const tenant = tenantOf(token, input.app_id);
    const app = findApp(input.app_id, "getTextToImage", options.extraAppIds);
    if (!app) qolabaError("UNKNOWN_APP", QOLABA_MESSAGES.unknownApp, { app_id: input.app_id });
    return run(c, tenant, {
      endpoint: "getTextToImage",
      app,
      appId: input.app_id,
      input,
      prompt: input.prompt,
      gpu: input.inference_type,
      celery: input.celery,
      batch: input.batch,
      steps: input.num_inference_steps,
      width: input.width,
      height: input.height,
    });
  });

  api.post("/getImagetoImage", async (c) => {
    const raw = await readJson(c);
    const token = bearerToken(c);
    const input = parse(imageToImageSchema, raw);
    const tenant = tenantOf(token, input.app_id);
    const app = findApp(input.app_id, "getImagetoImage", options.extraAppIds);
    if (!app) qolabaError("UNKNOWN_APP", QOLABA_MESSAGES.unknownApp, { app_id: input.app_id });
    // [backend] SDXLControlNetParameters requires num_inference_steps; plain img2img does not.
    if (app.kind === "controlnet" && input.num_inference_steps === undefined)
      validationError([{ field: "num_inference_steps", message: "Field required", type: "missing" }]);
    const source = await resolveSource(
      input.image,
      c.get("providerBase"),
      ctx.files,
      PROVIDER,
      ctx.settings.imageLimits,
    );
    if (!source) qolabaError("IMAGE_FETCH", QOLABA_MESSAGES.imageFetch, { app_id: input.app_id });
    const fitted = backendImageSize(source.width, source.height);
    // Plain img2img runs steps × strength of a 30-step schedule when no steps are given [inferred].
    const steps = input.num_inference_steps ?? Math.max(1, Math.round(30 * input.strength));
    return run(c, tenant, {
      endpoint: "getImagetoImage",
      app,
      appId: input.app_id,
      input,
      prompt: input.prompt,
      gpu: input.inference_type,
      celery: input.celery,
      batch: input.batch,
      steps,
      width: input.width ?? fitted.width,
      height: input.height ?? fitted.height,
      source,
      strength: input.strength,
    });
  });

  api.post("/getImage", async (c) => {
    const raw = await readJson(c);
    const token = bearerToken(c);
    const { id } = parse(taskStatusSchema, raw);
    const tenant = tenantOf(token, null);
    const job = ctx.jobs.get<QolabaTask>(PROVIDER, id);
    // Celery reports an id it does not know as PENDING, forever [inferred from Celery's AsyncResult].
    if (!job || job.tenantKey !== tenant.key) return c.json(envelope({ task_id: id, status: "PENDING" }));
    // A task's answer depends on its phase only (its input, URLs and outcome are fixed when it is
    // made): polls are served the text serialised the first time in each phase.
    return sendJson(
      c,
      memoJson(job, ctx.jobs.view(job).phase, () => taskView(job)),
    );
  });

  const taskView = (job: Job<QolabaTask>): QolabaEnvelope => {
    const view = ctx.jobs.view(job);
    const task = job.data;
    if (view.phase === "succeeded") return succeeded(task, job.id);
    if (view.phase === "failed" || view.phase === "canceled") {
      const outcome = job.timeline.outcome;
      const reason = outcome.kind === "fail" ? outcome.reason : "canceled";
      const kind = outcome.kind === "fail" && outcome.code === "TIMEOUT" ? "TIMEOUT" : "GENERATION";
      return envelope({
        error: QOLABA_ERRORS[kind],
        error_data: reason,
        input: task.input,
        app_id: task.appId,
        task_id: job.id,
        status: "FAILED",
      });
    }
    return envelope({ input: task.input, app_id: task.appId, task_id: job.id, status: "PENDING" });
  };

  const app = new Hono<EmulatorEnv>();
  app.route("/", api);
  app.route("/api/v1", api);
  app.get(`/${FILES_PREFIX}:task/:name`, async (c) => {
    const path = `${FILES_PREFIX}${c.req.param("task")}/${c.req.param("name")}`;
    const res = fileResponse(await ctx.files.read(PROVIDER, path));
    return res ?? qolabaErrorResponse("NOT_FOUND", QOLABA_MESSAGES.notFound);
  });

  return {
    app,
    // The id stream restarts with the server's full reset.
    reset() {},
  };
}
