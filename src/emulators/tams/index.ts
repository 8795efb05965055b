/**
 * The TensorArt TAMS emulator: stage jobs, workflows, templates, uploads, ControlNet detect and
 * img2prompt, both auth schemes, protojson, google.rpc.Status errors, webhooks and the 5 QPS limit.
 *
 * Mounted at `/tams`; a client's base URL is `http://127.0.0.1:4000/tams` and every path starts
 * with `/v1/` as on `https://ap-east-1.tensorart.cloud`.
 *
 * @see ../shared/providers/docs/tensorart-tams.txt
 * @see ../shared/providers/NOTES.md "TensorArt TAMS"
 */
import { Hono, type MiddlewareHandler } from "hono";
import { HTTPException } from "hono/http-exception";
import * as z from "zod";
import { type EmulatorEnv, type ProviderDefinition, requestHeader } from "../core/provider.js";
import { parseAuthorization, parsePublicKey, tenantKeyOf, verifySignature } from "./auth.js";
import {
  codeForStatus,
  isStoragePath,
  ossErrorResponse,
  TAMS_MESSAGES,
  TamsError,
  tamsErrorResponse,
} from "./errors.js";
import { forgetJob, jobResponse, outputPath, STATUS_OF, type TamsJob } from "./jobs.js";
import { jobRoutes } from "./routes-jobs.js";
import { resourceRoutes } from "./routes-resources.js";
import { toolRoutes } from "./routes-tools.js";
import { workflowRoutes } from "./routes-workflow.js";
import { createTamsState, RATE_LIMIT_PER_SECOND, type TamsState, type TenantState } from "./state.js";

export type { TamsOptions } from "./state.js";

/**
 * Checks the Authorization header (and the signature, when the app's key is registered) and
 * that the key may be used; then TAMS's 5 requests/s per app, when enabled.
 */
function authMiddleware(state: TamsState): MiddlewareHandler<EmulatorEnv> {
  return async function tamsAuth(c, next) {
    // The core's reading of the header (the first of duplicates), as identify() and the journal read it.
    const auth = parseAuthorization(requestHeader(c, "authorization"));
    if (!auth) throw new TamsError("UNAUTHENTICATED", TAMS_MESSAGES.unauthenticated);
    if (auth.scheme === "invalid") throw new TamsError("UNAUTHENTICATED", auth.problem);
    if (auth.scheme === "rsa") {
      const key = state.appKeys.get(auth.appId);
      if (key) {
        const url = new URL(c.req.url);
        const prefix = new URL(c.get("providerBase")).pathname;
        const full = url.pathname + url.search;
        const relative = full.startsWith(prefix) ? full.slice(prefix.length) || "/" : full;
        const ok = verifySignature({
          key,
          method: c.req.method,
          paths: [relative, full],
          timestamp: auth.timestamp,
          nonce: auth.nonce,
          body: await c.req.text(),
          signature: auth.signature,
        });
        if (!ok) throw new TamsError("UNAUTHENTICATED", TAMS_MESSAGES.badSignature);
      }
    }
    const tenantKey = tenantKeyOf(auth)!;
    if (!state.ctx.tenants.resolve(tenantKey))
      throw new TamsError("UNAUTHENTICATED", TAMS_MESSAGES.unknownKey);
    if (state.options.rateLimit) {
      const now = state.ctx.clock.now();
      const window = (state.rateWindows.get(tenantKey) ?? []).filter((t) => t > now - 1000);
      if (window.length >= RATE_LIMIT_PER_SECOND) {
        state.rateWindows.set(tenantKey, window);
        const retryAfter = Math.max(1, Math.ceil((window[0]! + 1000 - now) / 1000));
        const res = tamsErrorResponse("RESOURCE_EXHAUSTED", TAMS_MESSAGES.rateLimited);
        res.headers.set("Retry-After", String(retryAfter));
        throw new HTTPException(429, { res });
      }
      window.push(now);
      state.rateWindows.set(tenantKey, window);
    }
    await next();
  };
}

const registerKeySchema = z.object({ publicKey: z.string().min(1) }).strict();

/** Control routes at `/__emulator/tams`: register an app's RSA public key. */
function controlRoutes(state: TamsState): Hono {
  const control = new Hono();
  control.put("/apps/:appId", async (c) => {
    let json: unknown;
    try {
      json = await c.req.json();
    } catch {
      return c.json({ error: { message: "request body is not valid JSON" } }, 400);
    }
    const parsed = registerKeySchema.safeParse(json);
    if (!parsed.success)
      return c.json({ error: { message: "publicKey: must be a PEM string", field: "publicKey" } }, 400);
    const key = parsePublicKey(parsed.data.publicKey);
    if (!key.ok) return c.json({ error: { message: `publicKey ${key.problem}`, field: "publicKey" } }, 400);
    state.appKeys.set(c.req.param("appId"), key.key);
    return c.json({ appId: c.req.param("appId"), registered: true });
  });
  control.delete("/apps/:appId", (c) =>
    c.json({ appId: c.req.param("appId"), removed: state.appKeys.delete(c.req.param("appId")) }),
  );
  control.get("/webhooks", (c) => c.json({ attempts: state.webhooks.attempts() }));
  return control;
}

/** Entries of the per-key requestId indexes and queues, over every tenant. */
function perJobRecords(state: TamsState): { requestIds: number; queueEntries: number } {
  let requestIds = 0;
  let queueEntries = 0;
  for (const tenant of state.ctx.tenants.list()) {
    const scope = tenant.scopes.get(state.ctx.name) as TenantState | undefined;
    requestIds += scope?.requests.size ?? 0;
    queueEntries += scope ? scope.queue.starts.length + scope.queue.canceled.length : 0;
  }
  return { requestIds, queueEntries };
}

/** The TAMS provider. */
export const tamsProvider: ProviderDefinition = {
  name: "tams",
  title: "TensorArt TAMS",
  liveBaseUrl: "https://ap-east-1.tensorart.cloud",
  // [doc][public client] per-app regional hosts, the China edition, and tams-sdk's default host.
  hosts: [{ host: "*.tensorart.cloud" }, { host: "cn.tensorart.net" }, { host: "tams-api.tensor.art" }],
  docs: "https://tams-docs.tensor.art/",
  identify: (c) => tenantKeyOf(parseAuthorization(requestHeader(c, "authorization"))),
  create(ctx) {
    const state = createTamsState(ctx);
    // A job evicted by the core's cap takes its requestId, result resources and queue entry along.
    ctx.jobs.onEvict((job) => {
      if (job.provider === ctx.name) forgetJob(state, job as TamsJob);
    });
    const app = new Hono<EmulatorEnv>();
    const resources = resourceRoutes(state);
    // The storage host's routes carry no key: the URL is the credential.
    app.route("/", resources.storage);
    app.use("/v1/*", authMiddleware(state));
    app.route("/", jobRoutes(state));
    app.route("/", workflowRoutes(state));
    app.route("/", resources.api);
    app.route("/", toolRoutes(state));
    // A bug reaches the core's error handler, which logs it and answers through renderError
    // below, so the storage routes answer it in XML like everything else they say.
    return {
      app,
      control: controlRoutes(state),
      // For the dashboard: the statuses GET /v1/jobs/{id} answers, and the outputs made so far.
      inspect: {
        statusWords: STATUS_OF,
        results: (job) => {
          const j = job as TamsJob;
          // Reading the job registers its ready outputs, as a client's read would.
          jobResponse(state, j, "http://127.0.0.1/tams");
          return j.data.outputs.filter((o) => j.data.registered.has(o.id)).map((o) => outputPath(j.id, o));
        },
      },
      reset(key) {
        if (key === undefined) {
          state.resources.clear();
          state.rateWindows.clear();
          state.webhooks.clear();
          state.loadAppKeys();
        } else {
          state.resources.deleteTenant(key);
          state.rateWindows.delete(key);
        }
      },
      describe: () => ({
        resources: state.resources.count(),
        // What TAMS keeps per job beyond the core (bounded by --max-jobs): O(tenants) to add up.
        ...perJobRecords(state),
        registeredApps: [...state.appKeys.keys()],
        rateLimit: state.options.rateLimit,
        webhookAttempts: state.webhooks.attempts().length,
      }),
    };
  },
  renderError: ({ status, message, path }) =>
    isStoragePath(path)
      ? ossErrorResponse(status, message)
      : tamsErrorResponse(codeForStatus(status), message, undefined, status),
};
