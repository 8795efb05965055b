/**
 * Where scenarios run: `emulator` (the in-process server; the clients' fetch calls the app, no
 * port), `http://HOST:PORT` (a running emulator's root; `/<provider>` is appended) or `live` (each
 * provider's real host, key from the environment). `--base-url provider=URL` points one provider
 * anywhere. The emulator target is the only place the conformance suite touches `src/emulators/`.
 */
import { randomBytes } from "node:crypto";
import type { ProviderDefinition } from "../emulators/core/provider.js";
import { createEmulatorServer } from "../emulators/core/server.js";
import { PROVIDERS } from "../emulators/registry.js";
import { type ControlPlane, createControlPlane } from "./control.js";
import { type FetchLike, joinUrl } from "./http.js";
import { PROVIDER_NAMES, type ProviderName } from "./providers.js";

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
  readonly fetch: FetchLike;
  /** Why a provider cannot run here (not registered, no key...), or `undefined` when it can. */
  unavailable(provider: ProviderName): string | undefined;
  baseUrl(provider: ProviderName): string;
  /** The emulator's control plane for this provider, when the target is an emulator. */
  control(provider: ProviderName): ControlPlane | undefined;
  /** A key for one scenario: a fresh, registered one on emulators (isolation); the env key live. */
  keyFor(provider: ProviderName, scenario: string): Promise<string>;
  close(): Promise<void>;
}

/** What to build a target from (the CLI's flags). */
export interface TargetSpec {
  /** `emulator` (default), `live`, or an `http(s)://HOST:PORT` root. */
  target?: string;
  /** Per-provider base URLs that win over the target's. */
  baseUrls?: Partial<Record<ProviderName, string>>;
  /** Environment for live keys. Default: `process.env`. */
  env?: Record<string, string | undefined>;
  /** Providers the run needs (live refuses if one has no key). Default: all. */
  providers?: readonly ProviderName[];
  /** The emulator target's providers. Default: the registry's `PROVIDERS`. */
  emulatorProviders?: readonly ProviderDefinition[];
}

/** A target the user asked for but cannot be built (no key, bad URL): the CLI prints the message. */
export class TargetError extends Error {
  override readonly name = "TargetError";
}

const freshKey = (provider: string, scenario: string) =>
  `conform-${provider}-${scenario}-${randomBytes(4).toString("hex")}`;

/** The emulator target's root inside the process: relative URLs resolve against it. */
const IN_PROCESS_ROOT = "http://localhost";

/** Emulator and http targets share everything but the fetch and the way providers are listed. */
async function emulatorLike(
  kind: "emulator" | "http",
  root: string,
  doFetch: FetchLike,
  spec: TargetSpec,
  close: () => Promise<void>,
): Promise<Target> {
  const control = createControlPlane(root, doFetch);
  let served: string[];
  try {
    served = await control.providers();
  } catch (err) {
    await close();
    throw new TargetError(`${root} is not an emulator: ${(err as Error).message}`);
  }
  const overridden = (p: ProviderName) => spec.baseUrls?.[p] !== undefined;
  return {
    kind,
    label: kind === "emulator" ? "emulator" : root,
    fetch: doFetch,
    unavailable: (p) => (overridden(p) || served.includes(p) ? undefined : "provider not registered"),
    baseUrl: (p) => spec.baseUrls?.[p] ?? joinUrl(root, p),
    // A provider moved elsewhere with --base-url has no control plane we know of.
    control: (p) => (overridden(p) ? undefined : control),
    async keyFor(p, scenario) {
      const key = freshKey(p, scenario);
      if (!overridden(p)) await control.setBalance(key, EMULATOR_BALANCE);
      return key;
    },
    close,
  };
}

/**
 * Builds a target.
 * @example
 * const target = await createTarget({ target: "emulator" });
 * try { ... } finally { await target.close(); }
 */
export async function createTarget(spec: TargetSpec = {}): Promise<Target> {
  const wanted = spec.target ?? "emulator";
  if (wanted === "emulator") {
    // Strict keys: "wrong key" answers as it would live; every scenario key is registered first.
    const server = createEmulatorServer(spec.emulatorProviders ?? PROVIDERS, {
      clock: { mode: "instant" },
      strictKeys: true,
    });
    return emulatorLike("emulator", IN_PROCESS_ROOT, server.fetch, spec, () => server.close());
  }
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
    const hosts = new Map(PROVIDERS.map((d) => [d.name, d.liveBaseUrl]));
    return {
      kind: "live",
      label: "live",
      fetch: (input, init) => fetch(input, init),
      unavailable: (p) =>
        spec.baseUrls?.[p] || hosts.has(p) ? undefined : "provider not registered (no live base URL known)",
      baseUrl: (p) => spec.baseUrls?.[p] ?? hosts.get(p)!,
      control: () => undefined,
      keyFor: async (p) => env[LIVE_KEY_ENV[p]]!,
      close: async () => {},
    };
  }
  let root: URL;
  try {
    root = new URL(wanted);
    if (root.protocol !== "http:" && root.protocol !== "https:") throw new Error("not http");
  } catch {
    throw new TargetError(
      `--target must be emulator, live or http://HOST:PORT, got ${JSON.stringify(wanted)}`,
    );
  }
  return emulatorLike(
    "http",
    root.href.replace(/\/+$/, ""),
    (input, init) => fetch(input, init),
    spec,
    async () => {},
  );
}
