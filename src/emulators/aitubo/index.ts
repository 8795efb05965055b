/**
 * The Aitubo emulator: every endpoint of https://api.aitubo.ai in `docs/aitubo.txt`.
 */
import { Hono } from "hono";
import type { Job } from "../core/job-store.js";
import { type EmulatorEnv, type ProviderDefinition, requestHeader } from "../core/provider.js";
import { createAituboContext } from "./context.js";
import { AITUBO_CODES, AITUBO_MESSAGES, aituboErrorResponse, codeForStatus } from "./errors.js";
import { type AituboJob, forgetJob } from "./jobs.js";
import { catalogRoutes } from "./routes-catalog.js";
import { fileRoutes } from "./routes-files.js";
import { jobRoutes } from "./routes-jobs.js";

/** The Aitubo provider. */
export const aituboProvider: ProviderDefinition = {
  name: "aitubo",
  title: "Aitubo",
  liveBaseUrl: "https://api.aitubo.ai",
  docs: "https://api.aitubo.ai (docs/aitubo.txt)",
  // [doc] Authorization: Bearer <key>. A bare key is tolerated [inferred].
  identify: (c) =>
    requestHeader(c, "authorization")
      ?.replace(/^Bearer\s+/i, "")
      .trim() || undefined,
  renderError: ({ status, message, kind }) => {
    const name = codeForStatus(status);
    return aituboErrorResponse(name, kind === "internal" ? AITUBO_MESSAGES.internal : message, status);
  },
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
    };
  },
};
