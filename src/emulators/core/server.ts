/**
 * One Hono app for every provider: each mounted under `/<name>`, the control plane under
 * `/__emulator`, optional per-provider ports, graceful shutdown. Knows providers only through
 * their {@link ProviderDefinition}.
 */
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { type Context, Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { bodyLimit } from "./body-limit.js";
import { type Clock, type ClockOptions, createClock } from "./clock.js";
import { createControlPlane } from "./control-plane.js";
import { createFaultSet, type FaultRuleInput, faultRuleSchema } from "./faults.js";
import { createFileStore } from "./file-store.js";
import { DEFAULT_IMAGE_LIMITS, type ImageLimits } from "./images.js";
import { createJobStore } from "./job-store.js";
import { createJournal } from "./journal.js";
import type { EmulatorEnv, EmulatorSettings, ProviderDefinition, ProviderInstance } from "./provider.js";
import { DROP_HEADER, providerMiddleware } from "./provider-middleware.js";
import { createTenantStore } from "./tenants.js";

/** Options of {@link createEmulatorServer}. */
export interface EmulatorServerOptions {
  /** A clock, or options for one. Default: realtime. */
  clock?: Clock | ClockOptions;
  /** Balance of a key the first time it is seen. Default 100000. */
  startCredit?: number;
  /** Reject keys that were not registered, with each provider's own auth error. */
  strictKeys?: boolean;
  /** Keys to register at start, with their balances. */
  keys?: Record<string, number>;
  /** Fault rules active from the start. */
  faults?: FaultRuleInput[];
  imageLimits?: Partial<ImageLimits>;
  /** Byte budget of the rendered-image cache. Default 64 MiB. */
  imageCacheBytes?: number;
  /** Options per provider, by name. */
  providerOptions?: Record<string, Record<string, unknown>>;
  /** Caps that keep a long-running server's memory bounded; see {@link DEFAULT_LIMITS}. */
  limits?: Partial<StateLimits>;
  /** Where log lines go. Default: nowhere. */
  log?: (line: string) => void;
}

/** Options of {@link EmulatorServer.listen}. */
export interface ListenOptions {
  port?: number;
  host?: string;
  /** Extra ports serving one provider at the root, for clients that cannot take a path prefix. */
  providerPorts?: Record<string, number>;
}

/** A running server. */
export interface Listening {
  /** The main URL, e.g. `http://127.0.0.1:4000`. */
  url: string;
  /** Each provider's base URL (its own port's root when it has one). */
  urls: Record<string, string>;
  close(): Promise<void>;
}

/** The emulators, in process, ready to answer or listen. */
export interface EmulatorServer {
  /** The Hono app (for `app.request` in tests). */
  readonly app: Hono;
  /**
   * A `fetch` that calls the app in process. A dropped-connection fault rejects like a network error.
   * Relative URLs resolve against `http://localhost`.
   */
  fetch(input: string | URL | Request, init?: RequestInit): Promise<Response>;
  readonly clock: Clock;
  readonly providers: string[];
  readonly settings: EmulatorSettings;
  /** Drops all state (or one key's): tenants, jobs, files, journal; a full reset also clears faults and clock advances. */
  reset(key?: string): void;
  listen(options?: ListenOptions): Promise<Listening>;
  /** Closes every listening server and stops the clock's timer. */
  close(): Promise<void>;
}

const DEFAULT_START_CREDIT = 100_000;

/** Caps on what the server keeps. Past each, the oldest (or least recently active) goes first. */
export interface StateLimits {
  /** Jobs kept; past it the oldest finished job is evicted with its files. */
  maxJobs: number;
  /** Tenants kept; past it the least recently active unregistered tenant is evicted with its state. */
  maxTenants: number;
  /** Bytes of uploads kept; past it the oldest uploads are dropped. */
  maxUploadBytes: number;
  /** Bytes of the request journal; past it the oldest entries are dropped. */
  journalBytes: number;
}

/**
 * The defaults keep a server under about 1 GB however long it runs: 100,000 jobs (about 150 MB
 * measured by `npm run bench`), 256 MiB of uploads, a 64 MiB journal and the 64 MiB image cache.
 */
export const DEFAULT_LIMITS: StateLimits = {
  maxJobs: 100_000,
  maxTenants: 10_000,
  maxUploadBytes: 256 * 1024 * 1024,
  journalBytes: 64 * 1024 * 1024,
};
/** Methods whose requests may carry a body (the body limit applies to these only). */
const BODY_METHODS = ["POST", "PUT", "PATCH", "DELETE", "OPTIONS"];
/** Bytes a request may carry beyond the largest image: form fields, multipart boundaries, JSON. */
const BODY_OVERHEAD = 1024 * 1024;

/**
 * Builds the emulator server for the given providers.
 * @example
 * const server = createEmulatorServer([aitubo], { clock: { mode: "instant" } });
 * const res = await server.fetch("/aitubo/api/job/models");
 */
export function createEmulatorServer(
  definitions: readonly ProviderDefinition[],
  options: EmulatorServerOptions = {},
): EmulatorServer {
  const clock =
    options.clock && "now" in options.clock ? options.clock : createClock(options.clock as ClockOptions);
  const startedAt = clock.now();
  const log = options.log ?? (() => {});
  const settings: EmulatorSettings = {
    startCredit: options.startCredit ?? DEFAULT_START_CREDIT,
    strictKeys: options.strictKeys ?? false,
    imageLimits: { ...DEFAULT_IMAGE_LIMITS, ...options.imageLimits },
    providerOptions: options.providerOptions ?? {},
  };
  const limits: StateLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const tenants = createTenantStore({
    startCredit: settings.startCredit,
    strictKeys: settings.strictKeys,
    now: clock.now,
    maxTenants: limits.maxTenants,
    // An idle tenant evicted by the cap goes as a reset of its key would take it.
    onEvict: (key) => reset(key),
  });
  const jobs = createJobStore(clock.now, { maxJobs: limits.maxJobs });
  const files = createFileStore({
    now: clock.now,
    cacheBytes: options.imageCacheBytes,
    maxUploadBytes: limits.maxUploadBytes,
    maxLooseResults: limits.maxJobs,
  });
  // An evicted job's files go with it (providers drop their own records of it the same way).
  jobs.onEvict((job) => files.deleteJob(job.provider, job.id));
  const journal = createJournal({ maxBytes: limits.journalBytes });
  const faults = createFaultSet();
  const initialFaults = (options.faults ?? []).map((r) => faultRuleSchema.parse(r));
  faults.set(initialFaults);
  const registerKeys = () => {
    for (const [key, balance] of Object.entries(options.keys ?? {})) tenants.register(key, balance);
  };
  registerKeys();

  const instances = new Map<string, ProviderInstance>();
  const defs = new Map<string, ProviderDefinition>();
  for (const def of definitions) {
    if (defs.has(def.name)) throw new Error(`provider ${def.name} is registered twice`);
    defs.set(def.name, def);
    instances.set(
      def.name,
      def.create({
        name: def.name,
        clock,
        tenants,
        jobs,
        files,
        settings,
        options: (settings.providerOptions[def.name] ?? {}) as Record<string, unknown>,
        log: (line) => log(`[${def.name}] ${line}`),
      }),
    );
  }

  /**
   * One provider as an app of its own, answering under `prefix` (`/aitubo`, or `` on a per-provider
   * port): the core middleware around its routes, and 404s and uncaught errors in its own shape.
   * Its own router is built on its first request, so start-up and other providers never pay for it;
   * a poll runs two handlers (middleware, route), since the body limit is registered for
   * body-carrying methods only.
   */
  const mount = (def: ProviderDefinition, prefix: string): Hono<EmulatorEnv> => {
    const app = new Hono<EmulatorEnv>().basePath(prefix || "/");
    // Refuse an oversized body before anything reads it: an upload's limit plus room for form fields.
    const limitBody = bodyLimit({
      maxSize: settings.imageLimits.maxBytes + BODY_OVERHEAD,
      onError: () =>
        def.renderError({
          status: 413,
          kind: "fault",
          message: `request body too large: the limit is ${settings.imageLimits.maxBytes + BODY_OVERHEAD} bytes`,
        }),
    });
    app.on(BODY_METHODS, "*", limitBody);
    app.use("*", providerMiddleware({ definition: def, prefix, clock, faults, journal }));
    app.route("/", instances.get(def.name)!.app);
    app.notFound((c) =>
      def.renderError({
        status: 404,
        kind: "not-found",
        message: `no such endpoint: ${c.req.method} ${c.req.path}`,
      }),
    );
    app.onError((err) => {
      if (err instanceof HTTPException) return err.getResponse();
      // A bug, not the client's fault: log it, answer in the provider's 500 shape, never a stack trace.
      log(`[${def.name}] internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      return def.renderError({ status: 500, kind: "internal", message: "internal server error" });
    });
    return app;
  };

  const reset = (key?: string) => {
    if (key === undefined) {
      tenants.clear();
      jobs.clear();
      files.clear();
      journal.clear();
      faults.set(initialFaults);
      clock.reset();
      registerKeys();
    } else {
      tenants.delete(key);
      jobs.deleteTenant(key);
      files.deleteTenant(key);
      journal.deleteTenant(key);
      if (options.keys?.[key] !== undefined) tenants.register(key, options.keys[key]);
    }
    for (const p of instances.values()) p.reset?.(key);
  };

  const app = new Hono();
  app.route(
    "/__emulator",
    createControlPlane({
      clock,
      tenants,
      jobs,
      files,
      journal,
      faults,
      providers: instances,
      startedAt,
      reset,
    }),
  );
  for (const def of definitions) {
    // The provider's own app takes the request as it came (same Request, same Node bindings).
    const provider = mount(def, `/${def.name}`);
    const delegate = (c: Context) => provider.fetch(c.req.raw, c.env);
    app.all(`/${def.name}`, delegate);
    app.all(`/${def.name}/*`, delegate);
  }
  app.get("/", (c) =>
    c.json({
      name: "imagegen-emulators",
      providers: Object.fromEntries(
        definitions.map((d) => [d.name, `${new URL(c.req.url).origin}/${d.name}`]),
      ),
      control: `${new URL(c.req.url).origin}/__emulator`,
    }),
  );
  app.notFound((c) => {
    const path = c.req.path;
    const message =
      path === "/__emulator" || path.startsWith("/__emulator/")
        ? `no control route ${c.req.method} ${path}`
        : `no route ${path}; providers are mounted at ${[...defs.keys()].map((n) => `/${n}`).join(", ")}`;
    return c.json({ error: { message } }, 404);
  });

  const closers = new Set<() => Promise<void>>();

  const listenOne = (
    fetchApp: Pick<Hono<EmulatorEnv>, "fetch">,
    port: number,
    host: string,
  ): Promise<{ url: string; close: () => Promise<void> }> =>
    new Promise((resolve, reject) => {
      const server = serve({ fetch: fetchApp.fetch, port, hostname: host }, (info: AddressInfo) => {
        const h = info.address.includes(":") ? `[${info.address}]` : info.address;
        const close = () =>
          new Promise<void>((done) => {
            closers.delete(close);
            if ("closeAllConnections" in server) server.closeAllConnections();
            server.close(() => done());
          });
        closers.add(close);
        resolve({ url: `http://${h}:${info.port}`, close });
      });
      server.once("error", reject);
    });

  return {
    app,
    clock,
    settings,
    providers: [...defs.keys()],
    reset,
    async fetch(input, init) {
      const request =
        input instanceof Request
          ? input
          : new Request(new URL(String(input), "http://localhost"), init as RequestInit | undefined);
      const res = await app.fetch(request);
      if (res.headers.has(DROP_HEADER))
        throw new TypeError("fetch failed: connection dropped (emulator fault)");
      return res;
    },
    async listen(listenOptions = {}) {
      const host = listenOptions.host ?? "127.0.0.1";
      const main = await listenOne(app, listenOptions.port ?? 4000, host);
      const urls: Record<string, string> = Object.fromEntries(
        definitions.map((d) => [d.name, `${main.url}/${d.name}`]),
      );
      const extra: (() => Promise<void>)[] = [];
      try {
        for (const [name, port] of Object.entries(listenOptions.providerPorts ?? {})) {
          const def = defs.get(name);
          if (!def) throw new Error(`unknown provider ${name} in providerPorts`);
          const one = await listenOne(mount(def, ""), port, host);
          urls[name] = one.url;
          extra.push(one.close);
        }
      } catch (err) {
        await Promise.all([main.close(), ...extra.map((c) => c())]);
        throw err;
      }
      return {
        url: main.url,
        urls,
        close: async () => {
          await Promise.all([main.close(), ...extra.map((c) => c())]);
        },
      };
    },
    async close() {
      await Promise.all([...closers].map((c) => c()));
      clock.dispose();
    },
  };
}
