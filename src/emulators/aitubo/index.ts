/**
 * The Aitubo emulator: every endpoint of https://api.aitubo.ai in `docs/aitubo.txt`.
 */
import { Hono } from "hono";
import type { Job } from "../core/job-store.js";
import { type EmulatorEnv, type ProviderDefinition, requestHeader } from "../core/provider.js";
import { createAituboContext } from "./context.js";
import { AITUBO_CODES, AITUBO_MESSAGES, aituboStatusResponse } from "./errors.js";
import { type AituboJob, forgetJob } from "./jobs.js";
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
    };
  },
};
