/**
 * Control routes for looking inside (what the dashboard reads, and any script can): the event
 * stream as server-sent events, jobs paged and one by one with their provider status words over
 * time, result files, the journal paged and filtered, tenants paged; and the writes the dashboard
 * needs beyond the base control plane: pause/resume the clock, add or remove one fault rule.
 */
import { Hono } from "hono";
import { streamSSE } from "hono/streaming";
import type { ControlPlaneState } from "./control-plane.js";
import { body, controlError, findTenantIn } from "./control-plane.js";
import { type EmulatorEventType, EVENT_TYPES } from "./events.js";
import { faultRuleSchema } from "./faults.js";
import { type JobPhase, phaseHistory } from "./job-engine.js";
import type { Job } from "./job-store.js";
import { type PhaseCount, zeroCount } from "./phase-counts.js";
import { maskKey } from "./secrets.js";
import { decodeFilePath } from "./url-path.js";

/** Page sizes are capped so no request renders an unbounded list. */
const MAX_LIMIT = 500;

/** `offset` and `limit` from the query, validated. */
function paging(query: (name: string) => string | undefined, defaultLimit = 50) {
  const read = (name: string, fallback: number, min: number) => {
    const text = query(name);
    if (text === undefined || text === "") return fallback;
    const n = Number(text);
    if (!Number.isInteger(n) || n < min)
      throw controlError(400, `${name}: must be an integer ≥ ${min}`, name);
    return n;
  };
  return { offset: read("offset", 0, 0), limit: Math.min(MAX_LIMIT, read("limit", defaultLimit, 1)) };
}

/** Seconds between keep-alive comments on an idle event stream. */
const KEEPALIVE_MS = 15_000;

/** Builds the routes (mounted by the control plane at `/__emulator`). */
export function inspectRoutes(state: ControlPlaneState): Hono {
  const app = new Hono();

  // --- the event stream -------------------------------------------------------------------------
  app.get("/events", (c) => {
    const asked = c.req.query("types")?.split(",").filter(Boolean);
    const unknown = asked?.find((t) => !(EVENT_TYPES as readonly string[]).includes(t as EmulatorEventType));
    if (unknown) throw controlError(400, `types: unknown event type ${JSON.stringify(unknown)}`, "types");
    const wanted = asked ? new Set(asked) : undefined;
    return streamSSE(c, async (stream) => {
      const stop = state.events.subscribe((event) => {
        if (wanted && !wanted.has(event.type)) return;
        // Keys leave the emulator masked, as everywhere in the control plane.
        if ("tenantKey" in event) event = { ...event, tenantKey: maskKey(event.tenantKey) };
        // Writes queue in the stream's writer, so events keep their order.
        void stream.writeSSE({ event: event.type, data: JSON.stringify(event) }).catch(() => {});
      });
      stream.onAbort(stop);
      await stream.writeSSE({ event: "hello", data: JSON.stringify({ clock: state.clock.state() }) });
      while (!stream.aborted && !stream.closed) {
        await stream.sleep(KEEPALIVE_MS);
        if (!stream.aborted) await stream.write(": keep-alive\n\n");
      }
      stop();
    });
  });

  // --- clock ------------------------------------------------------------------------------------
  for (const action of ["pause", "resume"] as const) {
    app.post(`/clock/${action}`, (c) => {
      if (!state.clock[action]())
        throw controlError(
          409,
          `the ${state.clock.mode} clock cannot ${action} (only a realtime clock can; advance a manual one)`,
        );
      return c.json(state.clock.state());
    });
  }

  // --- jobs -------------------------------------------------------------------------------------
  const statusOf = (job: Job, phase: JobPhase) =>
    state.providers.get(job.provider)?.inspect?.statusWords[phase] ?? phase;
  const fileInfo = (provider: string, path: string) => {
    const f = state.files.stat(provider, path);
    return f
      ? {
          path: f.path,
          contentType: f.contentType,
          url: `/__emulator/files/${provider}/${f.path}`,
          ...(f.meta?.width && f.meta?.height ? { width: f.meta.width, height: f.meta.height } : {}),
        }
      : undefined;
  };
  // A job's results, once it has succeeded (a provider may register files before then).
  const resultsOf = (job: Job, phase: JobPhase) => {
    if (phase !== "succeeded") return [];
    const inspect = state.providers.get(job.provider)?.inspect;
    const paths = inspect?.results
      ? inspect.results(job)
      : state.files
          .list(job.provider, job.tenantKey)
          .filter((f) => f.kind === "result" && f.path.includes(job.id))
          .map((f) => f.path);
    return paths.flatMap((p) => fileInfo(job.provider, p) ?? []);
  };
  const summary = (job: Job) => {
    const view = state.jobs.view(job);
    return {
      id: job.id,
      provider: job.provider,
      tenantKey: maskKey(job.tenantKey),
      phase: view.phase,
      status: statusOf(job, view.phase),
      progress: view.progress,
      createdAt: new Date(job.timeline.createdAt).toISOString(),
      ...(view.finishedAt !== undefined ? { finishedAt: new Date(view.finishedAt).toISOString() } : {}),
      results: resultsOf(job, view.phase),
    };
  };

  /** A `key` query (a raw key, or its mask as the control plane shows it) as the raw key. */
  const keyQuery = (text: string | undefined) =>
    text ? (findTenantIn(state.tenants, text)?.key ?? text) : undefined;

  app.get("/jobs", (c) => {
    const { offset, limit } = paging((n) => c.req.query(n));
    const page = state.jobs.page({
      provider: c.req.query("provider") || undefined,
      tenantKey: keyQuery(c.req.query("key")),
      offset,
      limit,
    });
    return c.json({ total: page.total, offset, limit, jobs: page.jobs.map(summary) });
  });

  // All jobs: O(providers), from the counts the store keeps as phases change. One key's: a pass
  // over that key's jobs only (its index), each job's phase read at the clock's now.
  app.get("/jobs/counts", (c) => {
    const key = keyQuery(c.req.query("key"));
    const names = [...state.providers.keys()];
    const kept = key === undefined ? names.map((name) => state.jobs.phaseCounts(name)) : [];
    const useKept = key === undefined && kept.every((k) => k !== undefined);
    const counts: Record<string, PhaseCount> = {};
    names.forEach((name, i) => {
      counts[name] = (useKept && kept[i]) || zeroCount();
    });
    if (!useKept)
      for (const job of state.jobs.page({ tenantKey: key, limit: Number.MAX_SAFE_INTEGER }).jobs) {
        const row = counts[job.provider];
        if (row) row[state.jobs.view(job).phase]++;
      }
    return c.json({ counts });
  });

  app.get("/jobs/:provider/:id", async (c) => {
    const job = state.jobs.get(c.req.param("provider"), c.req.param("id"));
    if (!job)
      throw controlError(404, `no ${c.req.param("provider")} job ${JSON.stringify(c.req.param("id"))}`);
    const now = state.clock.now();
    const inspect = state.providers.get(job.provider)?.inspect;
    const base = summary(job);
    // Sizes need the bytes: a job has a handful of results, rendered once and cached.
    const results = await Promise.all(
      base.results.map(async (r) => ({
        ...r,
        bytes: (await state.files.bytesOf(job.provider, r.path))?.byteLength,
      })),
    );
    const outcome = job.timeline.outcome;
    return c.json({
      ...base,
      results,
      history: phaseHistory(job.timeline, now).map((s) => ({
        phase: s.phase,
        status: statusOf(job, s.phase),
        at: new Date(s.at).toISOString(),
      })),
      ...(outcome.kind === "fail" ? { failure: outcome.reason } : {}),
      ...(outcome.kind === "hang" ? { hangs: true } : {}),
      request: inspect?.request?.(job) ?? null,
      // The job's tenant's and keyless ones (Aitubo's job/get reads any job without a key); searching
      // every tenant's journal would cost a pass over all of them per page view.
      requests: state.journal.page({
        keys: [job.tenantKey, "anonymous"],
        text: job.id,
        word: true,
        limit: 50,
      }),
    });
  });

  // --- files ------------------------------------------------------------------------------------
  // Any stored file by provider and path, whatever its expiry and without a key: for looking, not
  // for clients (they use the provider's own URLs).
  app.get("/files/:provider/*", async (c) => {
    const provider = c.req.param("provider");
    const raw = c.req.path.slice(c.req.path.indexOf(`/files/${provider}/`) + 8 + provider.length);
    // A malformed escape names no file that could exist (found by the fuzz: it threw, HTTP 500).
    const asked = decodeFilePath(raw);
    if (asked === undefined) throw controlError(404, `no ${provider} file ${JSON.stringify(raw)}`);
    // A store path, or the path of a URL the provider handed out (`file/images/...` for Aitubo's
    // `images/...`): the longest tail of it that names a stored file.
    const segments = asked.split("/");
    const path = segments
      .map((_, i) => segments.slice(i).join("/"))
      .find((p) => state.files.stat(provider, p));
    const file = path === undefined ? undefined : state.files.stat(provider, path);
    const bytes = file && path !== undefined ? await state.files.bytesOf(provider, path) : undefined;
    if (!file || !bytes) throw controlError(404, `no ${provider} file ${JSON.stringify(asked)}`);
    return new Response(new Uint8Array(bytes), {
      headers: {
        "content-type": file.contentType,
        "content-length": String(bytes.byteLength),
        "cache-control": file.kind === "result" ? "public, max-age=3600" : "private, max-age=60",
      },
    });
  });

  // --- journal ----------------------------------------------------------------------------------
  app.get("/journal", (c) => {
    const { offset, limit } = paging((n) => c.req.query(n));
    const q = (n: string) => c.req.query(n) || undefined;
    const status = q("status");
    if (status && !/^([1-5]xx|\d{3})$/i.test(status))
      throw controlError(400, "status: must be a status (404) or a class (4xx)", "status");
    const page = state.journal.page({
      key: keyQuery(q("key")),
      provider: q("provider"),
      method: q("method"),
      path: q("path"),
      status,
      text: q("text"),
      offset,
      limit,
    });
    return c.json({ total: page.total, offset, limit, requests: page.entries });
  });

  // --- tenants ----------------------------------------------------------------------------------
  app.get("/tenants", (c) => {
    const { offset, limit } = paging((n) => c.req.query(n));
    const all = state.tenants.list();
    const shown = all.slice(offset, offset + limit);
    // Each tenant's count is O(1) from the store's per-tenant index: the page costs O(limit).
    const tenants = shown.map((t) => ({
      key: maskKey(t.key),
      registered: t.registered,
      balance: t.ledger.balance(),
      jobs: state.jobs.count(undefined, t.key),
    }));
    return c.json({ total: all.length, offset, limit, tenants });
  });

  // --- faults, one at a time ----------------------------------------------------------------------
  app.post("/faults", async (c) => {
    const rule = await body(c.req.raw, faultRuleSchema);
    state.faults.add(rule);
    return c.json({ rules: state.faults.list() }, 201);
  });
  app.delete("/faults/:index", (c) => {
    const index = Number(c.req.param("index"));
    if (!state.faults.remove(index))
      throw controlError(404, `no fault rule at index ${JSON.stringify(c.req.param("index"))}`);
    return c.json({ rules: state.faults.list() });
  });

  return app;
}
