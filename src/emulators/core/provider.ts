/**
 * The contract between the core and a provider. A provider is a folder with a definition that
 * builds its routes from the shared services; the core mounts it under `/<name>`, runs faults,
 * magic words and the journal around it, and renders anything unexpected through the provider's
 * own error shape.
 */
import type { HttpBindings } from "@hono/node-server";
import type { Context, Hono } from "hono";
import type { Clock } from "./clock.js";
import type { EventBus } from "./events.js";
import type { FileStore } from "./file-store.js";
import type { HostRoute } from "./hosts.js";
import type { ImageLimits } from "./images.js";
import type { JobDirectives, JobPhase } from "./job-engine.js";
import type { Job, JobStore } from "./job-store.js";
import type { TenantStore } from "./tenants.js";

/** Hono environment of every provider route. */
export type EmulatorEnv = {
  Bindings: Partial<HttpBindings>;
  Variables: {
    /** The key the request carried (as the provider reads it), if any. */
    tenantKey: string | undefined;
    /** Job directives from faults and magic words for this request. */
    directives: JobDirectives;
    /** Absolute URL of the provider's root for this request, e.g. `http://127.0.0.1:4000/aitubo`. */
    providerBase: string;
    /** The JSON text last answered through {@link sendJson} (what the journal records). */
    sentJson: { res: Response; text: string; type: string } | undefined;
    /** Set when the request came to one of the provider's real hosts: its routes (see hosts.ts). */
    hostRoutes: readonly HostRoute[] | undefined;
  };
};

/** Context of a provider route. */
export type EmulatorContext = Context<EmulatorEnv>;

/** What the core asks a provider to render in its own error shape. */
export interface ErrorRequest {
  status: number;
  message: string;
  /** Why: an injected fault, a 429, an unknown route, or a bug caught by the core. */
  kind: "fault" | "rate-limit" | "not-found" | "internal";
  /** Seconds, for 429s. */
  retryAfter?: number;
  /**
   * The request's path below the provider's prefix (`/v1/jobs`), when there was a request: a
   * provider whose routes answer in more than one shape (TAMS's storage host) picks by it.
   */
  path?: string;
}

/** Settings every provider sees. */
export interface EmulatorSettings {
  startCredit: number;
  strictKeys: boolean;
  imageLimits: ImageLimits;
  /** Options for one provider, from `createEmulators({ providerOptions: { tams: {...} } })`. */
  providerOptions: Record<string, unknown>;
  /** The seed of every random id this server draws (random per start unless given). */
  seed: number;
}

/** The services a provider builds on. */
export interface ProviderContext {
  readonly name: string;
  readonly clock: Clock;
  readonly tenants: TenantStore;
  readonly jobs: JobStore;
  readonly files: FileStore;
  readonly settings: EmulatorSettings;
  /** The server's event stream: the core's services publish to it; a provider may add its own. */
  readonly events: EventBus;
  /** This provider's options (from `providerOptions[name]`), or `{}`. */
  readonly options: Record<string, unknown>;
  /** Logs a line (the server prints it; tests can capture it). */
  log(line: string): void;
  /**
   * A named stream of numbers in [0, 1) for ids the real service makes random, drawn from the
   * server's seed (see `random.ts`): different on every start, reproducible with a given seed.
   */
  random(stream: string): () => number;
}

/** A built provider. */
export interface ProviderInstance {
  /** The provider's routes, relative to its prefix. Handlers throw `HTTPException` with a ready `res`. */
  app: Hono<EmulatorEnv>;
  /** Extra control-plane routes, mounted at `/__emulator/<name>`. */
  control?: Hono;
  /** Drops provider-global state (all, or one key's); per-tenant state goes with the tenant. */
  reset?(key?: string): void;
  /** Describes provider state for `GET /__emulator/state`. */
  describe?(): Record<string, unknown>;
  /** How its jobs are shown by the dashboard and `GET /__emulator/jobs` (providers with jobs). */
  inspect?: ProviderInspector;
}

/** The request a job was made from, as a provider kept it. */
export interface JobRequest {
  /** The endpoint, named as `src/credits` names it (`create`, `getTextToImage`, `stages`...). */
  endpoint: string;
  /** The request's arguments. */
  body: unknown;
  /** Credits charged for it. */
  charged?: number;
}

/**
 * What the dashboard and `GET /__emulator/jobs/...` show of a provider's jobs, without knowing
 * the provider's records.
 */
export interface ProviderInspector {
  /** The provider's own status word for each engine phase (Aitubo `2`, TAMS `SUCCESS`...). */
  readonly statusWords: Readonly<Record<JobPhase, string>>;
  /** The request a job was made from, when the provider keeps it. */
  request?(job: Job): JobRequest | undefined;
  /**
   * The file-store paths of a job's results that exist now. Without it, the files whose path
   * names the job are taken.
   */
  results?(job: Job): string[];
}

/** A provider, as the registry lists it. */
export interface ProviderDefinition {
  /** URL prefix and registry key: `aitubo`, `tams`, ... */
  readonly name: string;
  readonly title: string;
  /** The provider's own production base URL (for the README and the conformance `live` target). */
  readonly liveBaseUrl: string;
  /**
   * The real hosts it answers for (interception and the HTTPS proxy send their requests to it).
   * `serve`, `createEmulators({ hosts })` and `interceptProviders({ hosts })` can add more.
   */
  readonly hosts?: readonly HostRoute[];
  /** Where its docs are, for humans. */
  readonly docs: string;
  /** The tenant key a request carries, read the way the provider reads it. */
  identify(c: EmulatorContext): string | undefined;
  /** Builds the provider over the shared services. */
  create(ctx: ProviderContext): ProviderInstance;
  /** Renders an error in the provider's body shape and HTTP status. */
  renderError(error: ErrorRequest): Response;
  /**
   * For a provider that answers some refusals with HTTP 200 (an envelope code): true when a JSON
   * answer is one. HTTP 4xx and 5xx are refusals anyway.
   */
  isRefusal?(body: unknown): boolean;
}

/** Convenience for providers: the directives of this request. */
export function directivesOf(c: EmulatorContext): JobDirectives {
  return c.get("directives") ?? {};
}

/**
 * A request header, read from Node's own header object when the request came over HTTP.
 * `c.req.header()` would make @hono/node-server build a full `Headers` for the request, which
 * costs more than the rest of a small GET; in process it falls back to `c.req.header()`.
 */
export function requestHeader(c: EmulatorContext, name: string): string | undefined {
  const incoming = c.env?.incoming?.headers;
  if (incoming) {
    const value = incoming[name.toLowerCase()];
    return Array.isArray(value) ? value.join(", ") : value;
  }
  return c.req.header(name);
}

/**
 * Answers with JSON already serialised (a memoised body, see {@link ./json-memo.ts}). `c.json`
 * goes through here too, so the journal gets the text without reading the response back.
 */
export function sendJson(
  c: EmulatorContext,
  text: string,
  arg?: number | ResponseInit,
  headers?: Record<string, string>,
): Response {
  // c.newResponse's overloads, called with c.json's own arguments.
  const newResponse = c.newResponse as (
    data: string,
    arg?: number | ResponseInit,
    headers?: Record<string, string>,
  ) => Response;
  const res = newResponse(text, arg, { "Content-Type": "application/json", ...headers });
  const type = headers?.["Content-Type"] ?? headers?.["content-type"] ?? "application/json";
  c.set("sentJson", { res, text, type });
  return res;
}
