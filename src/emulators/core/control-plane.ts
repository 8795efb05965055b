/**
 * The control plane at `/__emulator/*`: health, state, reset, the clock, tenants, faults and the
 * request journal. Every body is validated; every error is `{ error: { message, field? } }`.
 */
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import * as z from "zod";
import type { Clock } from "./clock.js";
import { inspectRoutes } from "./control-inspect.js";
import type { EventBus } from "./events.js";
import { type FaultSet, parseFaultConfig } from "./faults.js";
import type { FileStore } from "./file-store.js";
import type { JobStore } from "./job-store.js";
import type { Journal } from "./journal.js";
import type { ProviderInstance } from "./provider.js";
import { isMaskOf, maskKey } from "./secrets.js";
import type { Tenant, TenantStore } from "./tenants.js";
import { describeProblem, firstProblem, parseJsonText } from "./validation.js";

/** What the control plane operates on. */
export interface ControlPlaneState {
  clock: Clock;
  tenants: TenantStore;
  jobs: JobStore;
  files: FileStore;
  journal: Journal;
  faults: FaultSet;
  providers: Map<string, ProviderInstance>;
  events: EventBus;
  startedAt: number;
  reset(key?: string): void;
}

/** A control-plane error with a clear message (and the field, for bad bodies). */
export function controlError(status: 400 | 404 | 409 | 415, message: string, field?: string): HTTPException {
  return new HTTPException(status, {
    res: Response.json({ error: { message, ...(field ? { field } : {}) } }, { status }),
  });
}

/** Reads a JSON body, answering 400 when it is missing, not JSON or nested too deep. */
async function jsonOf(req: Request, optional: boolean): Promise<unknown> {
  const text = await req.text();
  if (!text.trim()) {
    if (optional) return undefined;
    throw controlError(400, "request body is required (JSON)");
  }
  const parsed = parseJsonText(text);
  if (!parsed.ok) throw controlError(400, `request body ${parsed.problem}`);
  return parsed.value;
}

/** Parses a JSON body against a schema, answering 400 naming the field on failure. */
export async function body<T extends z.ZodType>(
  req: Request,
  schema: T,
  optional = false,
): Promise<z.infer<T>> {
  const result = schema.safeParse(await jsonOf(req, optional));
  if (!result.success) {
    // The field and the problem in plain words, never zod's own wording.
    const problem = firstProblem(result.error);
    throw controlError(400, describeProblem(problem), problem.field || undefined);
  }
  return result.data;
}

const advanceSchema = z
  .object({
    ms: z
      .number()
      .int()
      .min(0)
      .max(10 * 365 * 24 * 3600 * 1000),
  })
  .strict();
const tenantSchema = z.object({ balance: z.number().min(0).max(1e12) }).strict();
const resetSchema = z
  .object({ key: z.string().min(1).max(500).optional() })
  .strict()
  .optional();

/** Tenants listed by `GET /state` (the most recently active); `totals.tenants` counts them all. */
const STATE_TENANTS = 50;
/** Page size of `GET /tenants/:key` by default, and at most. */
const DEFAULT_PAGE = 100;
const MAX_PAGE = 1000;

/** A paging query parameter: an integer in [min, max], or the default when absent. */
function pageNumber(text: string | undefined, field: string, min: number, max: number, fallback: number) {
  if (text === undefined) return fallback;
  const n = Number(text);
  if (text.trim() === "" || !Number.isInteger(n) || n < min || n > max)
    throw controlError(400, `${field}: must be an integer from ${min} to ${max}`, field);
  return n;
}

/** A tenant by its raw key, or by its mask as `/state` lists it (when exactly one key has it). */
export function findTenantIn(tenants: TenantStore, keyOrMask: string): Tenant | undefined {
  const exact = tenants.peek(keyOrMask);
  if (exact || !keyOrMask.includes("…")) return exact;
  const found = tenants.list().filter((t) => isMaskOf(keyOrMask, t.key));
  return found.length === 1 ? found[0] : undefined;
}

/** Builds the control plane app (mount it at `/__emulator`). */
export function createControlPlane(state: ControlPlaneState): Hono {
  const app = new Hono();
  app.onError((err) => {
    if (err instanceof HTTPException) return err.getResponse();
    return Response.json({ error: { message: "internal error in the control plane" } }, { status: 500 });
  });
  // Unknown control routes are answered by the server's own notFound (a routed sub-app's is not used).

  const findTenant = (keyOrMask: string) => findTenantIn(state.tenants, keyOrMask);

  app.get("/health", (c) =>
    c.json({ status: "ok", providers: [...state.providers.keys()], clock: state.clock.mode }),
  );

  // A summary, O(tenants shown) whatever the number of jobs: counts come from the stores' indexes.
  app.get("/state", (c) => {
    // Keys are never answered in clear: a tenant shows as its mask, which /tenants/:key also takes.
    const all = state.tenants.list();
    // Chosen by activity, shown in a stable order (by creation), so merely reading or refusing a
    // request does not reorder the list.
    const shown = all
      .slice(-STATE_TENANTS)
      .sort((a, b) => a.createdAt - b.createdAt || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const tenants = shown.map((t) => ({
      key: maskKey(t.key),
      registered: t.registered,
      balance: t.ledger.balance(),
      jobs: state.jobs.count(undefined, t.key),
      files: state.files.count(t.key),
      requests: state.journal.count(t.key),
    }));
    const providers = Object.fromEntries(
      [...state.providers].map(([name, p]) => [
        name,
        { jobs: state.jobs.count(name), ...(p.describe?.() ?? {}) },
      ]),
    );
    const files = state.files.stats();
    return c.json({
      clock: state.clock.state(),
      uptimeMs: state.clock.now() - state.startedAt,
      strictKeys: state.tenants.strict,
      providers,
      // The most recently active tenants (all of them up to STATE_TENANTS); totals below.
      tenants,
      totals: {
        tenants: all.length,
        jobs: state.jobs.count(),
        requests: state.journal.count(),
      },
      limits: {
        maxJobs: state.jobs.maxJobs,
        evictedJobs: state.jobs.evicted,
        journal: state.journal.stats(),
      },
      files: { count: files.results + files.uploads, ...files },
      faults: state.faults.list(),
    });
  });

  app.post("/reset", async (c) => {
    const parsed = await body(c.req.raw, resetSchema, true);
    const key = parsed?.key === undefined ? undefined : (findTenant(parsed.key)?.key ?? parsed.key);
    state.reset(key);
    return c.json({ reset: key ? { key: maskKey(key) } : "all" });
  });

  app.get("/clock", (c) => c.json(state.clock.state()));
  app.post("/clock/advance", async (c) => {
    const { ms } = await body(c.req.raw, advanceSchema);
    state.clock.advance(ms);
    return c.json(state.clock.state());
  });

  /**
   * A tenant with one page of its jobs, ledger and files, newest first: `?page=1&limit=100`
   * (limit 1..1000). Totals say how many there are in all.
   */
  const tenantView = (key: string, query: { page?: string; limit?: string } = {}) => {
    const t = findTenant(key);
    if (!t) throw controlError(404, "no tenant with that key (keys appear on first use or PUT)");
    const page = pageNumber(query.page, "page", 1, Number.MAX_SAFE_INTEGER, 1);
    const limit = pageNumber(query.limit, "limit", 1, MAX_PAGE, DEFAULT_PAGE);
    const offset = (page - 1) * limit;
    const jobs = state.jobs.page({ tenantKey: t.key, offset, limit });
    const ledger = t.ledger.entries();
    const files = state.files.list(undefined, t.key);
    const newestFirst = <T>(xs: readonly T[]) =>
      xs.slice(Math.max(0, xs.length - offset - limit), Math.max(0, xs.length - offset)).reverse();
    return {
      key: maskKey(t.key),
      registered: t.registered,
      balance: t.ledger.balance(),
      jobs: jobs.total,
      page,
      limit,
      totals: { jobs: jobs.total, ledger: ledger.length, files: files.length },
      recentJobs: jobs.jobs.map((j) => {
        const v = state.jobs.view(j);
        return {
          provider: j.provider,
          id: j.id,
          phase: v.phase,
          createdAt: new Date(j.timeline.createdAt).toISOString(),
        };
      }),
      ledger: newestFirst(ledger),
      files: newestFirst(files).map((f) => ({ provider: f.provider, path: f.path, kind: f.kind })),
    };
  };
  app.put("/tenants/:key", async (c) => {
    const { balance } = await body(c.req.raw, tenantSchema);
    const key = findTenant(c.req.param("key"))?.key ?? c.req.param("key");
    state.tenants.register(key, balance);
    return c.json(tenantView(key));
  });
  app.get("/tenants/:key", (c) =>
    c.json(tenantView(c.req.param("key"), { page: c.req.query("page"), limit: c.req.query("limit") })),
  );

  app.get("/faults", (c) => c.json({ rules: state.faults.list() }));
  app.put("/faults", async (c) => {
    // The same reading as `serve --faults`: a problem names its rule and field.
    const config = parseFaultConfig(await jsonOf(c.req.raw, false));
    if (!config.ok) throw controlError(400, config.message, config.field || undefined);
    state.faults.set(config.rules, config.seed);
    return c.json({ rules: state.faults.list() });
  });
  app.delete("/faults", (c) => {
    state.faults.clear();
    return c.json({ rules: [] });
  });

  app.get("/requests", (c) => {
    const limitText = c.req.query("limit");
    const limit = limitText === undefined ? undefined : Number(limitText);
    if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) {
      throw controlError(400, "limit: must be a positive integer", "limit");
    }
    const keyOrMask = c.req.query("key");
    const requests = state.journal.list({
      key: keyOrMask === undefined ? undefined : (findTenant(keyOrMask)?.key ?? keyOrMask),
      provider: c.req.query("provider"),
      limit,
    });
    return c.json({ requests });
  });

  app.route("/", inspectRoutes(state));
  for (const [name, p] of state.providers) if (p.control) app.route(`/${name}`, p.control);
  return app;
}
