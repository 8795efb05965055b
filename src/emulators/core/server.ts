/**
 * One Hono app for every provider: each mounted under `/<name>`, the control plane under
 * `/__emulator`, optional per-provider ports, graceful shutdown. Knows providers only through
 * their {@link ProviderDefinition}.
 */
import type { Server as HttpServer } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { type HttpBindings, serve } from "@hono/node-server";
import { type Context, Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { adminGuard, adminTokenPolicy } from "./admin-auth.js";
import { bodyLimit } from "./body-limit.js";
import { type Clock, type ClockOptions, createClock } from "./clock.js";
import { createControlPlane } from "./control-plane.js";
import { createEventBus, type EventBus } from "./events.js";
import { createFaultSet, type FaultRuleInput, faultRuleSchema } from "./faults.js";
import { createFileStore } from "./file-store.js";
import { createHostTable, type HostRoute, type HostTable, hostnameOf } from "./hosts.js";
import { DEFAULT_IMAGE_LIMITS, type ImageLimits } from "./images.js";
import { createJobStore } from "./job-store.js";
import { createJournal, type RawExchange } from "./journal.js";
import { clearJsonMemo } from "./json-memo.js";
import { createRecorder, type FaultRecord, type Recorder } from "./persistence.js";
import type { EmulatorEnv, EmulatorSettings, ProviderDefinition, ProviderInstance } from "./provider.js";
import { DROP_HEADER, providerMiddleware } from "./provider-middleware.js";
import { createRandomStreams, randomSeed } from "./random.js";
import { openStateDir, storedSettings } from "./state-dir.js";
import { createTenantStore } from "./tenants.js";
import { firstSegment } from "./url-path.js";

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
  /**
   * A token `/__emulator/*` requires (bearer or `x-emulator-admin-token`), on any bind. Without one,
   * a loopback bind is open and `listen` on any other host generates one (see `Listening.adminToken`).
   */
  adminToken?: string;
  /** Called with each provider exchange as journaled (the CLI's access log). Default: none. */
  onExchange?: (exchange: RawExchange) => void;
  /** Real hosts to add per provider, beyond the ones each declares (e.g. `{ qolaba: ["api.example.com"] }`). */
  hosts?: Record<string, readonly (string | HostRoute)[]>;
  /** Seed of the random ids (task ids, uuids): the same seed replays the same ids. Default: random. */
  seed?: number;
  /**
   * A directory to keep state in across restarts (see `state-dir.ts` and `persistence.ts`).
   * Throws a {@link StateDirError} when it cannot be used. Default: state lives in memory only.
   */
  stateDir?: string;
  /**
   * A web UI to serve at `/__emulator/ui` (the dashboard; `createEmulators` passes it). A browser
   * asking for `/` is sent there.
   */
  ui?: (host: UiHost) => Hono;
}

/** What a UI gets from the server: the control plane in process, the event stream, the providers. */
export interface UiHost {
  /** Calls a control route in process (`control("/clock")` is `GET /__emulator/clock`). */
  control(path: string, init?: RequestInit): Promise<Response>;
  readonly events: EventBus;
  readonly clock: Clock;
  readonly providers: readonly Pick<ProviderDefinition, "name" | "title" | "docs" | "liveBaseUrl">[];
}

/** Where the UI is served. */
export const UI_PATH = "/__emulator/ui";

/** Options of {@link EmulatorServer.listen}. */
export interface ListenOptions {
  port?: number;
  host?: string;
  /** Extra ports serving one provider at the root, for clients that cannot take a path prefix. */
  providerPorts?: Record<string, number>;
  /** Serve HTTPS with this PEM key and certificate (every port). */
  tls?: { key: string; cert: string };
}

/** A running server. */
export interface Listening {
  /** The main URL, e.g. `http://127.0.0.1:4000`. */
  url: string;
  /** Each provider's base URL (its own port's root when it has one). */
  urls: Record<string, string>;
  /** The token the control plane requires, when it requires one (given, or generated for this bind). */
  adminToken?: string;
  /** True when {@link adminToken} was generated at `listen` (print it: nobody else knows it). */
  adminTokenGenerated?: boolean;
  /** The main port's Node server (the HTTPS proxy attaches its `connect` handler here). */
  server: HttpServer;
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
  /** Everything that happens: jobs, phase changes, credits, requests, faults (see `events.ts`). */
  readonly events: EventBus;
  readonly providers: string[];
  readonly settings: EmulatorSettings;
  /** The real hosts of the served providers: a request to one is answered by its provider. */
  readonly hosts: HostTable;
  /** Drops all state (or one key's): tenants, jobs, files, journal; a full reset also clears faults and clock advances. */
  reset(key?: string): void;
  listen(options?: ListenOptions): Promise<Listening>;
  /** Closes every listening server and stops the clock's timer. */
  close(): Promise<void>;
  /** Resolves once a state directory's changes have been replayed, with their number (0 without one). */
  readonly restored: Promise<number>;
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
    // A state directory keeps the seed it was made with: its ids replay only under that seed.
    seed:
      options.seed ??
      (options.stateDir ? (storedSettings(options.stateDir)?.seed as number | undefined) : undefined) ??
      randomSeed(),
  };
  const store = options.stateDir
    ? openStateDir(options.stateDir, {
        providers: definitions.map((d) => d.name),
        clock: { mode: clock.mode, speed: clock.speed },
        seed: settings.seed,
        startCredit: settings.startCredit,
        strictKeys: settings.strictKeys,
        keys: options.keys ?? {},
        imageLimits: settings.imageLimits,
        providerOptions: settings.providerOptions,
      })
    : undefined;
  const faultRecords = new WeakMap<Request, FaultRecord>();
  const random = createRandomStreams(settings.seed);
  const limits: StateLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const events = createEventBus();
  const tenants = createTenantStore({
    startCredit: settings.startCredit,
    strictKeys: settings.strictKeys,
    now: clock.now,
    events,
    maxTenants: limits.maxTenants,
    // An idle tenant evicted by the cap goes as a reset of its key would take it.
    onEvict: (key) => reset(key),
  });
  const jobs = createJobStore(clock.now, { clock, events }, { maxJobs: limits.maxJobs });
  const files = createFileStore({
    now: clock.now,
    cacheBytes: options.imageCacheBytes,
    maxUploadBytes: limits.maxUploadBytes,
    maxLooseResults: limits.maxJobs,
  });
  // An evicted job's files go with it (providers drop their own records of it the same way).
  jobs.onEvict((job) => files.deleteJob(job.provider, job.id));
  const journal = createJournal(events, { maxBytes: limits.journalBytes });
  if (options.onExchange) {
    // Wrapped here, not in the middleware: a server without a listener pays nothing per request.
    const add = journal.add;
    const onExchange = options.onExchange;
    journal.add = (key, exchange) => {
      add(key, exchange);
      onExchange(exchange);
    };
  }
  const faults = createFaultSet();
  const initialFaults = (options.faults ?? []).map((r) => faultRuleSchema.parse(r));
  faults.set(initialFaults);
  const registerKeys = () => {
    for (const [key, balance] of Object.entries(options.keys ?? {})) tenants.register(key, balance);
  };
  registerKeys();

  const hosts = createHostTable(
    Object.fromEntries(
      definitions.map((d) => [d.name, [...(d.hosts ?? []), ...(options.hosts?.[d.name] ?? [])]]),
    ),
  );
  for (const name of Object.keys(options.hosts ?? {}))
    if (!definitions.some((d) => d.name === name)) throw new Error(`hosts: ${name} is not a served provider`);

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
        events,
        options: (settings.providerOptions[def.name] ?? {}) as Record<string, unknown>,
        log: (line) => log(`[${def.name}] ${line}`),
        random: (stream) => random.stream(`${def.name}|${stream}`),
      }),
    );
  }

  const hasTenant = (key: string) => tenants.peek(key) !== undefined;
  /** Drops a tenant that was never registered and holds no charge, job or file (a refusal made it). */
  const forgetUntouchedTenant = (key: string) => {
    const tenant = tenants.peek(key);
    if (
      tenant &&
      !tenant.registered &&
      tenant.ledger.entries().length === 0 &&
      jobs.count(undefined, key) === 0 &&
      files.list(undefined, key).length === 0
    )
      tenants.delete(key);
  };

  /**
   * One provider as an app of its own, answering under `prefix` (`/aitubo`, or `` on a per-provider
   * port): the core middleware around its routes, and 404s and uncaught errors in its own shape.
   * Its own router is built on its first request, so start-up and other providers never pay for it;
   * a poll runs two handlers (middleware, route), since the body limit is registered for
   * body-carrying methods only.
   */
  const mount = (def: ProviderDefinition, prefix: string, realHost = false): Hono<EmulatorEnv> => {
    const app = new Hono<EmulatorEnv>().basePath(prefix || "/");
    const relative = (c: Context) => c.req.path.slice(prefix.length) || "/";
    if (realHost) {
      // Tells publicUrl which real host serves which path (Aitubo's files are on file.aitubo.ai).
      app.use("*", async (c, next) => {
        c.set("hostRoutes", hosts.routesOf(def.name));
        await next();
      });
    }
    // Refuse an oversized body before anything reads it: an upload's limit plus room for form fields.
    const limitBody = bodyLimit({
      maxSize: settings.imageLimits.maxBytes + BODY_OVERHEAD,
      onError: (c) => {
        const res = def.renderError({
          status: 413,
          kind: "fault",
          message: `request body too large: the limit is ${settings.imageLimits.maxBytes + BODY_OVERHEAD} bytes`,
          path: relative(c),
        });
        // The rest of the body is never read, so the connection cannot carry another request:
        // say so, or a keep-alive client sends its next request into a socket about to close.
        res.headers.set("Connection", "close");
        return res;
      },
    });
    app.on(BODY_METHODS, "*", limitBody);
    app.use(
      "*",
      providerMiddleware({
        definition: def,
        prefix,
        clock,
        faults,
        journal,
        events,
        hasTenant,
        forgetUntouchedTenant,
        ...(store ? { faultRecords } : {}),
      }),
    );
    app.route("/", instances.get(def.name)!.app);
    app.notFound((c) =>
      def.renderError({
        status: 404,
        kind: "not-found",
        message: `no such endpoint: ${c.req.method} ${c.req.path}`,
        path: relative(c),
      }),
    );
    app.onError((err, c) => {
      if (err instanceof HTTPException) return err.getResponse();
      // A bug, not the client's fault: log it, answer in the provider's 500 shape, never a stack trace.
      log(`[${def.name}] internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
      return def.renderError({
        status: 500,
        kind: "internal",
        message: "internal server error",
        path: relative(c),
      });
    });
    return app;
  };

  const reset = (key?: string) => {
    if (key === undefined) {
      // Nothing is left to keep (a replayed reset leaves the directory as it is).
      if (store && !recorder?.replaying) store.clear();
      tenants.clear();
      jobs.clear();
      files.clear();
      journal.clear();
      clearJsonMemo();
      faults.set(initialFaults);
      clock.reset();
      random.reset();
      registerKeys();
    } else {
      tenants.delete(key);
      jobs.deleteTenant(key);
      files.deleteTenant(key);
      journal.deleteTenant(key);
      if (options.keys?.[key] !== undefined) tenants.register(key, options.keys[key]);
    }
    for (const p of instances.values()) p.reset?.(key);
    events.publish({ type: "state.reset", at: clock.now(), ...(key !== undefined ? { key } : {}) });
  };

  const app = new Hono();
  // Read per request: listen() on a non-loopback host may generate the token after the app is built.
  let adminToken = options.adminToken || undefined;
  // Recorded control requests replay without the token (it is never written to the directory).
  const guard = adminGuard(() => (recorder?.replaying ? undefined : adminToken));
  app.use("/__emulator", guard);
  app.use("/__emulator/*", guard);
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
      events,
      startedAt,
      reset,
    }),
  );
  /** Each provider's app by the first path segment it is mounted under (`aitubo` → `/aitubo/...`). */
  const byPrefix = new Map<string, Hono<EmulatorEnv>>();
  for (const def of definitions) {
    // The provider's own app takes the request as it came (same Request, same Node bindings).
    const provider = mount(def, `/${def.name}`);
    byPrefix.set(def.name, provider);
    const delegate = (c: Context) => provider.fetch(c.req.raw, c.env);
    app.all(`/${def.name}`, delegate);
    app.all(`/${def.name}/*`, delegate);
  }
  if (options.ui) {
    app.route(
      UI_PATH,
      options.ui({
        control: async (path, init) => app.request(`/__emulator${path}`, init),
        events,
        clock,
        providers: definitions.map(({ name, title, docs, liveBaseUrl }) => ({
          name,
          title,
          docs,
          liveBaseUrl,
        })),
      }),
    );
  }
  app.get("/", (c) => {
    // A browser is sent to the UI; JSON clients (and anything that does not ask for HTML) get JSON.
    if (options.ui && /text\/html/i.test(c.req.header("accept") ?? "")) return c.redirect(UI_PATH, 302);
    return c.json({
      name: "imagegen-emulators",
      providers: Object.fromEntries(
        definitions.map((d) => [d.name, `${new URL(c.req.url).origin}/${d.name}`]),
      ),
      control: `${new URL(c.req.url).origin}/__emulator`,
      ...(options.ui ? { ui: `${new URL(c.req.url).origin}${UI_PATH}` } : {}),
    });
  });
  app.notFound((c) => {
    const path = c.req.path;
    const message =
      path === "/__emulator" || path.startsWith("/__emulator/")
        ? `no control route ${c.req.method} ${path}`
        : `no route ${path}; providers are mounted at ${[...defs.keys()].map((n) => `/${n}`).join(", ")}`;
    return c.json({ error: { message } }, 404);
  });

  /** Each provider answering at its root on its real hosts, built on the first such request. */
  const hostApps = new Map<string, Hono<EmulatorEnv>>();
  /**
   * The server's entry point: a request to a provider's real host (intercepted, proxied, or sent
   * with its Host header) goes to that provider at its root; anything else to the main app.
   */
  const dispatch = (request: Request, env?: Partial<HttpBindings>): Response | Promise<Response> => {
    const url = request.url;
    const hit = hosts.match(hostnameOf(url));
    if (!hit) {
      // A provider's request goes straight to its app: the main app would route it there anyway
      // (the routes above), at the cost of a second context and route match on every request.
      const provider = byPrefix.get(firstSegment(url));
      return (provider ?? app).fetch(request, env);
    }
    let provider = hostApps.get(hit.provider);
    if (!provider) {
      provider = mount(defs.get(hit.provider)!, "", true);
      hostApps.set(hit.provider, provider);
    }
    if (hit.route.path) {
      // `https://file.aitubo.ai/x` is the provider's `/file/x`.
      const at = url.indexOf("/", url.indexOf("//") + 2);
      const target =
        at < 0 ? `${url}${hit.route.path}/` : `${url.slice(0, at)}${hit.route.path}${url.slice(at)}`;
      const hasBody = request.body !== null;
      request = new Request(target, {
        method: request.method,
        headers: request.headers,
        body: request.body,
        signal: request.signal,
        ...(hasBody ? { duplex: "half" } : {}),
      } as RequestInit);
    }
    return provider.fetch(request, env);
  };

  const closers = new Set<() => Promise<void>>();

  // Apps on a provider's own port, built once (a replay may need them before they listen).
  const portApps = new Map<string, Hono<EmulatorEnv>>();
  const portApp = (name: string) => {
    let one = portApps.get(name);
    if (!one) {
      const def = defs.get(name);
      if (!def) throw new Error(`unknown provider ${name} in providerPorts`);
      one = mount(def, "");
      portApps.set(name, one);
    }
    return one;
  };
  const recorder: Recorder | undefined = store
    ? createRecorder({
        store,
        clock,
        faults: faultRecords,
        appFor: (name) => (name === "" ? dispatch : portApp(name).fetch),
        maxBodyBytes: settings.imageLimits.maxBytes + BODY_OVERHEAD,
        log,
      })
    : undefined;
  const restored = recorder ? recorder.replay() : Promise.resolve(0);
  /** The entry point of an app: through the recorder when state is kept. */
  const entry = (name: string): Pick<Hono<EmulatorEnv>, "fetch"> => ({
    fetch: recorder
      ? (request: Request, env?: unknown) => recorder.handle(name, request, env)
      : name === ""
        ? dispatch
        : portApp(name).fetch,
  });

  const listenOne = (
    fetchApp: Pick<Hono<EmulatorEnv>, "fetch">,
    port: number,
    host: string,
    tls?: ListenOptions["tls"],
  ): Promise<{ url: string; server: HttpServer; close: () => Promise<void> }> =>
    new Promise((resolve, reject) => {
      const server = serve(
        {
          fetch: fetchApp.fetch,
          port,
          hostname: host,
          ...(tls
            ? { createServer: createHttpsServer, serverOptions: { key: tls.key, cert: tls.cert } }
            : {}),
        },
        (info: AddressInfo) => {
          const h = info.address.includes(":") ? `[${info.address}]` : info.address;
          const close = () =>
            new Promise<void>((done) => {
              closers.delete(close);
              if ("closeAllConnections" in server) server.closeAllConnections();
              server.close(() => done());
            });
          closers.add(close);
          resolve({
            url: `${tls ? "https" : "http"}://${h}:${info.port}`,
            server: server as HttpServer,
            close,
          });
        },
      );
      server.once("error", reject);
    });

  return {
    app,
    clock,
    events,
    settings,
    providers: [...defs.keys()],
    hosts,
    reset(key) {
      reset(key);
      // A reset made in process, not through the control plane, is kept like one made through it.
      if (recorder && key !== undefined)
        store!.append({
          at: clock.now(),
          app: "",
          method: "POST",
          url: "http://localhost/__emulator/reset",
          headers: [["content-type", "application/json"]],
          body: Buffer.from(JSON.stringify({ key })).toString("base64"),
        });
    },
    async fetch(input, init) {
      const request =
        input instanceof Request
          ? input
          : new Request(new URL(String(input), "http://localhost"), init as RequestInit | undefined);
      await restored;
      const res = await entry("").fetch(request);
      if (res.headers.has(DROP_HEADER))
        throw new TypeError("fetch failed: connection dropped (emulator fault)");
      return res;
    },
    async listen(listenOptions = {}) {
      const host = listenOptions.host ?? "127.0.0.1";
      const policy = adminTokenPolicy(host, adminToken);
      adminToken = policy.token;
      await restored;
      const main = await listenOne(entry(""), listenOptions.port ?? 4000, host, listenOptions.tls);
      const urls: Record<string, string> = Object.fromEntries(
        definitions.map((d) => [d.name, `${main.url}/${d.name}`]),
      );
      const extra: (() => Promise<void>)[] = [];
      try {
        for (const [name, port] of Object.entries(listenOptions.providerPorts ?? {})) {
          const def = defs.get(name);
          if (!def) throw new Error(`unknown provider ${name} in providerPorts`);
          const one = await listenOne(entry(name), port, host, listenOptions.tls);
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
        ...(policy.token ? { adminToken: policy.token, adminTokenGenerated: policy.generated } : {}),
        server: main.server,
        close: async () => {
          await Promise.all([main.close(), ...extra.map((c) => c())]);
        },
      };
    },
    restored,
    async close() {
      await Promise.all([...closers].map((c) => c()));
      await restored.catch(() => undefined);
      recorder?.close();
      clock.dispose();
    },
  };
}
