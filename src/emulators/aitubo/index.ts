/**
 * The Aitubo emulator: every endpoint of https://api.aitubo.ai in `docs/aitubo.txt`.
 */
import { Hono } from "hono";
import type { Job } from "../core/job-store.js";
import { type EmulatorEnv, type ProviderDefinition, requestHeader } from "../core/provider.js";
import { createAituboContext } from "./context.js";
import { AITUBO_CODES, AITUBO_MESSAGES, aituboStatusResponse } from "./errors.js";
import { type AituboJob, forgetJob, STATUS_OF_PHASE } from "./jobs.js";
import { catalogRoutes } from "./routes-catalog.js";
import { fileRoutes } from "./routes-files.js";
import { jobRoutes } from "./routes-jobs.js";

/** The Aitubo provider. */
export const aituboProvider: ProviderDefinition = {
  name: "aitubo",
  title: "Aitubo",
  liveBaseUrl: "https://api.aitubo.ai",
  // [doc] api.aitubo.ai and the file domain; [public client] app.aitubo.ai (the Go SDK) and creator.aitubo.ai.
  hosts: [
    { host: "api.aitubo.ai" },
    { host: "app.aitubo.ai" },
    { host: "creator.aitubo.ai" },
    { host: "file.aitubo.ai", path: "/file" },
  ],
  docs: "https://api.aitubo.ai (docs/aitubo.txt)",
  // [doc] Authorization: Bearer <key>. A bare key is tolerated [inferred].
  identify: (c) =>
    requestHeader(c, "authorization")
      ?.replace(/^Bearer\s+/i, "")
      .trim() || undefined,
  // Not enough credit is HTTP 200 with code 1000 [doc]: any non-zero code refuses the request.
  isRefusal: (body) => typeof body === "object" && body !== null && (body as { code?: unknown }).code !== 0,
  renderError: ({ status, message, kind }) =>
    aituboStatusResponse(status, kind === "internal" ? AITUBO_MESSAGES.internal : message),
  create(core) {
    const ctx = createAituboContext(core);
    // A job evicted by the core's cap takes its arts along (its files go in the core).
    core.jobs.onEvict((job) => {
      if (job.provider === core.name) forgetJob(ctx, job as Job<AituboJob>);
    });
    const app = new Hono<EmulatorEnv>();
    app.route("/", catalogRoutes(ctx));
    app.route("/", jobRoutes(ctx));
    app.route("/", fileRoutes(ctx));
    return {
      app,
      reset: (key) => {
        if (key === undefined) ctx.ids.reset();
      },
      describe: () => ({ codes: AITUBO_CODES }),
      // For the dashboard: [doc] status numbers as the API answers them; the job keeps its args.
      inspect: {
        statusWords: {
          queued: String(STATUS_OF_PHASE.queued),
          running: String(STATUS_OF_PHASE.running),
          succeeded: String(STATUS_OF_PHASE.succeeded),
          failed: String(STATUS_OF_PHASE.failed),
          canceled: String(STATUS_OF_PHASE.canceled),
        },
        request: (job) => {
          const { kind, args, consumedCredit } = (job as Job<AituboJob>).data;
          return { endpoint: kind, body: args, charged: consumedCredit };
        },
        results: (job) => (job as Job<AituboJob>).data.images.map((i) => i.path),
      },
    };
  },
};
