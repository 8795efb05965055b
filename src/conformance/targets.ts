/**
 * Where scenarios run: `emulator` (the in-process server; the clients' fetch calls the app, no
 * port), `http://HOST:PORT` (a running emulator's root; `/<provider>` is appended) or `live` (each
 * provider's real host, key from the environment). `--base-url provider=URL` points one provider
 * anywhere; what the URL is gets detected: an emulator's root (it answers `/__emulator/health`) is
 * used as that emulator with its control plane, a provider's base URL as is. A URL of the wrong
 * kind is refused with the right spelling. The emulator target is the only place the conformance
 * suite touches `src/emulators/`.
 */
import { randomBytes } from "node:crypto";
import type { ProviderDefinition } from "../emulators/core/provider.js";
import { createEmulatorServer } from "../emulators/core/server.js";
import { PROVIDERS } from "../emulators/registry.js";
import { type ClockDriver, createClockDriver } from "./clock-driver.js";
import { AdminTokenRequired, type ControlPlane, createControlPlane, type EmulatorHealth } from "./control.js";
import { describeError, type FetchLike, joinUrl, withTimeout } from "./http.js";
import { isProviderName, PROVIDER_NAMES, type ProviderName } from "./providers.js";
import { LIVE_QPS, rateLimited } from "./rate-limit.js";

/** The three kinds of target. */
export type TargetKind = "emulator" | "http" | "live";

/** The environment variable holding each provider's live key. */
export const LIVE_KEY_ENV: Readonly<Record<ProviderName, string>> = {
  aitubo: "AITUBO_API_KEY",
  tams: "TAMS_API_KEY",
  aithriving: "AITHRIVING_API_KEY",
  qolaba: "QOLABA_API_KEY",
};

/** The balance a fresh emulator key starts with: plenty, so no scenario runs out by accident. */
const EMULATOR_BALANCE = 100_000;

/** A resolved target. */
export interface Target {
  readonly kind: TargetKind;
  /** For reports: `emulator`, the http root, or `live`. */
  readonly label: string;
  /** Why a provider cannot run here (not registered, no key...), or `undefined` when it can. */
  unavailable(provider: ProviderName): string | undefined;
  baseUrl(provider: ProviderName): string;
  /** The fetch a provider's client uses (rate-limited live, clock-driving on a running emulator). */
  fetchFor(provider: ProviderName): FetchLike;
  /** The emulator's control plane for this provider, when the provider runs on an emulator. */
  control(provider: ProviderName): ControlPlane | undefined;
  /** True when the provider's emulator clock is driven (advanced) rather than waited for. */
  drives(provider: ProviderName): boolean;
  /** Lets `ms` of job time pass: advances a driven emulator's clock, or waits `ms` wall-clock. */
  elapse(provider: ProviderName, ms: number): Promise<void>;
  /** A key for one scenario: a fresh, registered one on emulators (isolation); the env key live. */
  keyFor(provider: ProviderName, scenario: string): Promise<string>;
  close(): Promise<void>;
}

/** What to build a target from (the CLI's flags). */
export interface TargetSpec {
  /** `emulator` (default), `live`, or an `http(s)://HOST:PORT` root. */
  target?: string;
  /** Per-provider URLs that win over the target's: a provider's base URL or an emulator's root. */
  baseUrls?: Partial<Record<ProviderName, string>>;
  /** Environment for live keys. Default: `process.env`. */
  env?: Record<string, string | undefined>;
  /** Providers the run needs (live refuses if one has no key). Default: all. */
  providers?: readonly ProviderName[];
  /** The emulator target's providers. Default: the registry's `PROVIDERS`. */
  emulatorProviders?: readonly ProviderDefinition[];
  /** Every request over the network gives up after this many ms. Default 60 s. */
  requestTimeoutMs?: number;
  /** The fetch used over the network. Default: the global `fetch`. */
  fetch?: FetchLike;
  /** The emulators' admin token, for a control plane that requires one (`serve --admin-token`). */
  adminToken?: string;
}

/** A target the user asked for but cannot be built (no key, bad URL): the CLI prints the message. */
export class TargetError extends Error {
  override readonly name = "TargetError";
}

const freshKey = (provider: string, scenario: string) =>
  `conform-${provider}-${scenario}-${randomBytes(4).toString("hex")}`;

/** The emulator target's root inside the process: relative URLs resolve against it. */
const IN_PROCESS_ROOT = "http://localhost";

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** One provider's place: where its requests go, and the emulator behind it (if known). */
interface Endpoint {
  baseUrl: string;
  fetch: FetchLike;
  control?: ControlPlane;
  driver?: ClockDriver;
  /** Providers served at this place, when it is an emulator root. */
  served?: readonly string[];
}

/** An emulator reached at `root`: its control plane, and a clock driver unless its clock is instant. */
function emulatorAt(root: string, doFetch: FetchLike, health: EmulatorHealth, adminToken?: string) {
  const control = createControlPlane(root, doFetch, adminToken);
  const driver = health.clock && health.clock !== "instant" ? createClockDriver(control) : undefined;
  return { control, driver, fetch: driver ? driver.wrap(doFetch) : doFetch, served: health.providers };
}

/** Asks `root` whether it is an emulator; `undefined` when it answers but is not one. */
async function probeEmulator(
  root: string,
  doFetch: FetchLike,
  adminToken?: string,
): Promise<EmulatorHealth | undefined> {
  try {
    return await createControlPlane(root, doFetch, adminToken).health();
  } catch (err) {
    // A network failure is the user's to see; an answer that is not the health route means "not an emulator".
    if (/^no emulator control plane/.test((err as Error).message)) return undefined;
    throw err;
  }
}

/** The provider a URL's last path segment names (`http://h:4000/qolaba` → `qolaba`). */
function providerInPath(url: URL): ProviderName | undefined {
  const last = url.pathname.replace(/\/+$/, "").split("/").pop() ?? "";
  return isProviderName(last) ? last : undefined;
}

/** Parses an http(s) URL or explains what was expected. */
function httpUrl(text: string, what: string): URL {
  try {
    const url = new URL(text);
    if (url.protocol === "http:" || url.protocol === "https:") return url;
  } catch {
    // Reported below.
  }
  throw new TargetError(`${what} must be an http(s) URL, got ${JSON.stringify(text)}`);
}

const trimmed = (url: URL) => url.href.replace(/\/+$/, "");

/**
 * Works out what a `--base-url provider=URL` is: an emulator's root (→ its `/<provider>`, with its
 * control plane), an emulator's provider mount (`ROOT/<provider>`, same), or any other base URL
 * (a per-provider port, a proxy: used as is, no control plane).
 */
async function resolveBaseUrl(
  p: ProviderName,
  text: string,
  doFetch: FetchLike,
  adminToken?: string,
): Promise<Endpoint> {
  const url = httpUrl(text, `--base-url ${p}=...`);
  const named = providerInPath(url);
  if (named && named !== p)
    throw new TargetError(
      `--base-url ${p}=${text} names the ${named} emulator's base URL; use ${p}'s own (${trimmed(url).replace(/[^/]+$/, p)})`,
    );
  const reach = async (root: string) => {
    try {
      return await probeEmulator(root, doFetch, adminToken);
    } catch (err) {
      if (err instanceof AdminTokenRequired) throw new TargetError(`--base-url ${p}=${text}: ${err.message}`);
      throw new TargetError(`--base-url ${p}=${text}: cannot reach ${root}: ${describeError(err)}`);
    }
  };
  const asRoot = await reach(trimmed(url));
  if (asRoot) {
    // An emulator's root given where a provider's base was meant: the provider is under /<p>.
    if (!asRoot.providers.includes(p))
      throw new TargetError(
        `--base-url ${p}=${text} is an emulator that does not serve ${p} (it serves ${asRoot.providers.join(", ")})`,
      );
    const root = trimmed(url);
    return { baseUrl: joinUrl(root, p), ...emulatorAt(root, doFetch, asRoot, adminToken) };
  }
  if (named) {
    const root = trimmed(url).slice(0, -(p.length + 1));
    const mounted = await reach(root);
    if (mounted?.providers.includes(p))
      return { baseUrl: trimmed(url), ...emulatorAt(root, doFetch, mounted, adminToken) };
  }
  return { baseUrl: trimmed(url), fetch: doFetch };
}

/** The target over a set of endpoints (every provider has one, or is unavailable). */
function targetOver(
  kind: TargetKind,
  label: string,
  endpoints: Partial<Record<ProviderName, Endpoint>>,
  unavailable: (p: ProviderName) => string | undefined,
  keyFor: Target["keyFor"],
  close: () => Promise<void>,
): Target {
  const at = (p: ProviderName): Endpoint => {
    const e = endpoints[p];
    if (!e) throw new Error(`provider ${p} is not available on this target: ${unavailable(p)}`);
    return e;
  };
  return {
    kind,
    label,
    unavailable: (p) => (endpoints[p] ? undefined : (unavailable(p) ?? "provider not registered")),
    baseUrl: (p) => at(p).baseUrl,
    fetchFor: (p) => at(p).fetch,
    control: (p) => endpoints[p]?.control,
    drives: (p) => endpoints[p]?.driver !== undefined,
    elapse: (p, ms) => endpoints[p]?.driver?.elapse(ms) ?? sleep(ms),
    keyFor,
    close,
  };
}

/** Keys on emulators: fresh per scenario, registered with a balance where a control plane is known. */
function emulatorKeys(endpoints: Partial<Record<ProviderName, Endpoint>>): Target["keyFor"] {
  return async (p, scenario) => {
    const key = freshKey(p, scenario);
    await endpoints[p]?.control?.setBalance(key, EMULATOR_BALANCE);
    return key;
  };
}

/** Resolves every `--base-url` of the spec. */
async function overrides(
  spec: TargetSpec,
  doFetch: FetchLike,
): Promise<Partial<Record<ProviderName, Endpoint>>> {
  const out: Partial<Record<ProviderName, Endpoint>> = {};
  for (const [p, url] of Object.entries(spec.baseUrls ?? {}) as [ProviderName, string][])
    out[p] = await resolveBaseUrl(p, url, doFetch, spec.adminToken);
  return out;
}

/**
 * Builds a target.
 * @example
 * const target = await createTarget({ target: "emulator" });
 * try { ... } finally { await target.close(); }
 */
export async function createTarget(spec: TargetSpec = {}): Promise<Target> {
  const wanted = spec.target ?? "emulator";
  const network = withTimeout(
    spec.fetch ?? ((input, init) => fetch(input, init)),
    spec.requestTimeoutMs ?? 60_000,
  );
  if (wanted === "live") {
    const env = spec.env ?? process.env;
    const needed = spec.providers ?? PROVIDER_NAMES;
    const missing = needed.filter((p) => !env[LIVE_KEY_ENV[p]]);
    if (missing.length > 0) {
      throw new TargetError(
        `a live run needs ${missing.map((p) => LIVE_KEY_ENV[p]).join(", ")} in the environment ` +
          `(or --provider to run only the providers you have keys for)`,
      );
    }
    const endpoints: Partial<Record<ProviderName, Endpoint>> = {};
    for (const d of PROVIDERS) {
      if (!isProviderName(d.name)) continue;
      // Live hosts are never probed: a live run sends only the scenarios' own requests.
      const baseUrl = spec.baseUrls?.[d.name] ?? d.liveBaseUrl;
      if (baseUrl) endpoints[d.name] = { baseUrl, fetch: rateLimited(network, LIVE_QPS[d.name]) };
    }
    for (const p of PROVIDER_NAMES)
      if (!endpoints[p] && spec.baseUrls?.[p])
        endpoints[p] = { baseUrl: spec.baseUrls[p]!, fetch: rateLimited(network, LIVE_QPS[p]) };
    return targetOver(
      "live",
      "live",
      endpoints,
      () => "provider not registered (no live base URL known)",
      async (p) => env[LIVE_KEY_ENV[p]]!,
      async () => {},
    );
  }

  let root: string;
  let doFetch: FetchLike;
  let close = async () => {};
  let health: EmulatorHealth;
  if (wanted === "emulator") {
    // Strict keys: "wrong key" answers as it would live; every scenario key is registered first.
    const server = createEmulatorServer(spec.emulatorProviders ?? PROVIDERS, {
      clock: { mode: "instant" },
      strictKeys: true,
    });
    root = IN_PROCESS_ROOT;
    doFetch = server.fetch;
    close = () => server.close();
    health = { providers: server.providers, clock: "instant" };
  } else {
    const url = wanted.includes("://")
      ? httpUrl(wanted, "--target")
      : (() => {
          throw new TargetError(
            `--target must be emulator, live or http://HOST:PORT, got ${JSON.stringify(wanted)}`,
          );
        })();
    root = trimmed(url);
    doFetch = network;
    const named = providerInPath(url);
    if (named) {
      const rootUrl = root.slice(0, -(named.length + 1));
      throw new TargetError(
        `--target takes an emulator's root, not a provider's base URL: ` +
          `use --target ${rootUrl} --provider ${named} (or --base-url ${named}=${root} to move only ${named})`,
      );
    }
    let probed: EmulatorHealth | undefined;
    try {
      probed = await probeEmulator(root, doFetch, spec.adminToken);
    } catch (err) {
      if (err instanceof AdminTokenRequired) throw new TargetError(`--target ${root}: ${err.message}`);
      throw new TargetError(`--target ${root}: cannot reach it: ${describeError(err)}`);
    }
    if (!probed)
      throw new TargetError(
        `--target ${root} is not an emulator's root (no ${root}/__emulator/health); ` +
          `a provider's base URL goes in --base-url provider=URL`,
      );
    health = probed;
  }
  try {
    const moved = await overrides(spec, network);
    const main = emulatorAt(root, doFetch, health, spec.adminToken);
    const endpoints: Partial<Record<ProviderName, Endpoint>> = {};
    for (const p of PROVIDER_NAMES) {
      if (moved[p]) endpoints[p] = moved[p];
      else if (health.providers.includes(p)) endpoints[p] = { baseUrl: joinUrl(root, p), ...main };
    }
    const kind = wanted === "emulator" ? "emulator" : "http";
    return targetOver(
      kind,
      kind === "emulator" ? "emulator" : root,
      endpoints,
      () => "provider not registered",
      emulatorKeys(endpoints),
      close,
    );
  } catch (err) {
    await close();
    throw err;
  }
}
