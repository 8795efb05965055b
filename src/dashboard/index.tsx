/**
 * The dashboard at `/__emulator/ui`: server-rendered pages (Hono JSX) over the control plane, live
 * through `GET /__emulator/events`, writing only through the control plane's routes. No build step
 * at run time and nothing fetched from elsewhere: styles and the small client are inlined.
 *
 * @example
 * const emulators = createEmulators(); // serves the dashboard by default
 * await emulators.listen({ port: 4000 }); // open http://127.0.0.1:4000/ in a browser
 */
import { Hono } from "hono";
import { setCookie } from "hono/cookie";
import { isCreditsInputError } from "../credits/errors.js";
import { CREDIT_PROVIDERS, estimate } from "../credits/estimate.js";
import type { CreditProvider } from "../credits/types.js";
import { ADMIN_TOKEN_PARAM } from "../emulators/core/admin-auth.js";
import type { UiHost } from "../emulators/core/server.js";
import { ControlError, controlReader, type JobDetail } from "./control.js";
import { Layout } from "./layout.js";
import { type CreditsForm, CreditsPage, EXAMPLE_BODIES } from "./pages/credits.js";
import { FaultsPage } from "./pages/faults.js";
import { JobPage, type JobPricing } from "./pages/job.js";
import { JobsPage } from "./pages/jobs.js";
import { type JournalFilters, JournalPage } from "./pages/journal.js";
import { OverviewPage } from "./pages/overview.js";
import { TenantPage } from "./pages/tenant.js";

/** Rows per page in the long lists. */
const PAGE = 50;

/** A non-negative integer from the query, or 0. */
const offsetOf = (text: string | undefined) => {
  const n = Number(text ?? 0);
  return Number.isInteger(n) && n >= 0 ? n : 0;
};

/** What a job costs, and from which request: the provider's record, else the journal's create. */
function priceJob(job: JobDetail): JobPricing {
  let pricing: JobPricing = { source: "none" };
  if (job.request) {
    pricing = { source: "provider", ...job.request };
  } else {
    // The oldest request that named the job and carried a JSON body made it.
    const create = [...job.requests.entries]
      .reverse()
      .find((e) => e.method === "POST" && e.request.body !== null && typeof e.request.body === "object");
    if (create) pricing = { source: "journal", body: create.request.body };
  }
  if (pricing.body === undefined) return { ...pricing, problem: "the request is not known" };
  if (!(CREDIT_PROVIDERS as readonly string[]).includes(job.provider))
    return { ...pricing, problem: `src/credits has no formula for ${job.provider}` };
  try {
    return {
      ...pricing,
      estimate: estimate(job.provider as CreditProvider, pricing.body, { endpoint: pricing.endpoint }),
    };
  } catch (err) {
    if (isCreditsInputError(err)) return { ...pricing, problem: err.message };
    throw err;
  }
}

/** The credits calculator's answer for a submitted form. */
function calculate(provider: string, endpoint: string, body: string): CreditsForm {
  const form: CreditsForm = { provider, endpoint, body };
  let request: unknown;
  try {
    request = JSON.parse(body);
  } catch {
    return { ...form, error: { field: "body", message: "body: is not valid JSON" } };
  }
  try {
    return {
      ...form,
      estimate: estimate(provider as CreditProvider, request, { endpoint: endpoint || undefined }),
    };
  } catch (err) {
    if (isCreditsInputError(err)) return { ...form, error: { field: err.field, message: err.message } };
    throw err;
  }
}

/**
 * Builds the dashboard's app (the server mounts it at `/__emulator/ui`; see `EmulatorServerOptions.ui`).
 */
export function createDashboard(host: UiHost): Hono {
  const app = new Hono();
  const reader = (headers: Headers) => controlReader(host, headers);

  // A link carrying the admin token (`?emulator_admin_token=`, as the banner prints it) passed the
  // control plane's guard: keep the token in a cookie for the page's own reads, fetches and event
  // stream, and take it out of the address bar (and the history) at once.
  app.use("*", async (c, next) => {
    const token = c.req.query(ADMIN_TOKEN_PARAM);
    if (!token) return next();
    setCookie(c, ADMIN_TOKEN_PARAM, token, { path: "/__emulator", httpOnly: true, sameSite: "Strict" });
    const url = new URL(c.req.url);
    url.searchParams.delete(ADMIN_TOKEN_PARAM);
    return c.redirect(url.pathname + url.search, 303);
  });

  app.onError((err, c) => {
    const status = err instanceof ControlError ? err.status : 500;
    const message = err instanceof ControlError ? err.message : "the dashboard failed to render this page";
    return c.html(
      (
        <Layout title={status === 404 ? "Not found" : "Error"} section="overview">
          <p class="form-status error" role="alert">
            {message}
          </p>
        </Layout>
      ) as unknown as string,
      status === 404 ? 404 : status >= 500 ? 500 : 400,
    );
  });

  app.get("/", async (c) => {
    const r = reader(c.req.raw.headers);
    const tenantOffset = offsetOf(c.req.query("offset"));
    const [clock, counts, tenants, faults, recent] = await Promise.all([
      r.clock(),
      r.jobCounts(),
      r.tenants({ offset: tenantOffset, limit: 10 }),
      r.faults(),
      r.jobs({ limit: 8 }),
    ]);
    return c.html(
      <OverviewPage
        origin={new URL(c.req.url).origin}
        host={host}
        clock={clock}
        counts={counts}
        tenants={tenants}
        faults={faults}
        recent={recent}
        tenantOffset={tenantOffset}
      />,
    );
  });

  app.get("/jobs", async (c) => {
    const query = { provider: c.req.query("provider") || undefined, key: c.req.query("key") || undefined };
    const page = await reader(c.req.raw.headers).jobs({
      ...query,
      offset: offsetOf(c.req.query("offset")),
      limit: PAGE,
    });
    return c.html(<JobsPage host={host} page={page} query={query} />);
  });

  app.get("/jobs/:provider/:id", async (c) => {
    const r = reader(c.req.raw.headers);
    const [job, clock] = await Promise.all([r.job(c.req.param("provider"), c.req.param("id")), r.clock()]);
    if (!job) throw new ControlError(404, `no ${c.req.param("provider")} job ${c.req.param("id")}`);
    return c.html(<JobPage job={job} pricing={priceJob(job)} clock={clock} />);
  });

  app.get("/tenants/:key", async (c) => {
    const r = reader(c.req.raw.headers);
    const key = c.req.param("key");
    const tenant = await r.tenant(key);
    if (!tenant) throw new ControlError(404, "no tenant with that key");
    const jobs = await r.jobs({ key, offset: offsetOf(c.req.query("offset")), limit: PAGE });
    return c.html(
      <TenantPage
        tenant={tenant}
        jobs={jobs}
        ledger={{ offset: offsetOf(c.req.query("ledger")), limit: PAGE }}
      />,
    );
  });

  app.get("/journal", async (c) => {
    const names = ["provider", "key", "method", "path", "status", "text"] as const;
    const query: JournalFilters = {};
    for (const n of names) query[n] = c.req.query(n) || undefined;
    const page = await reader(c.req.raw.headers).journal({
      ...query,
      offset: offsetOf(c.req.query("offset")),
      limit: PAGE,
    });
    return c.html(<JournalPage host={host} page={page} query={query} />);
  });

  app.get("/faults", async (c) => {
    const rules = await reader(c.req.raw.headers).faults();
    return c.html(<FaultsPage host={host} rules={rules} />);
  });

  app.get("/credits", (c) => {
    const provider = c.req.query("provider") ?? "aitubo";
    const body = c.req.query("body");
    const form: CreditsForm =
      body === undefined
        ? { provider, endpoint: "", body: EXAMPLE_BODIES[provider] ?? "{}" }
        : calculate(provider, c.req.query("endpoint") ?? "", body);
    return c.html(<CreditsPage form={form} />);
  });

  return app;
}
