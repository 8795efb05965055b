/**
 * `installInterception()` (behind `interceptProviders()`): requests this Node process sends to the providers' real hosts are
 * answered by an in-process emulator, with no port and no change to the client. Two hooks cover
 * Node's HTTP stacks:
 * - undici's global dispatcher, for Node's global `fetch` and the `undici` package, including
 *   clients that captured `fetch` before the hook went in (see dispatcher.ts);
 * - `@mswjs/interceptors`' ClientRequest interceptor, for `http`/`https` (axios, got, node-fetch).
 * Every other host is refused unless let through, so a test that forgot a host cannot spend money.
 */
import { createRequire } from "node:module";
import type { ClientRequestInterceptor } from "@mswjs/interceptors/ClientRequest";
import type { HostRoute } from "../emulators/core/hosts.js";
import type { EmulatorServer } from "../emulators/core/server.js";
import {
  createEmulatorDispatcher,
  type DispatcherLike,
  GLOBAL_DISPATCHER,
  type Route,
} from "./dispatcher.js";

/** Options of {@link interceptProviders}. */
export interface InterceptOptions {
  /** Let requests to hosts that are not emulated go to the network. Default false: they fail. */
  passthrough?: boolean;
  /** Hosts to let through even without `passthrough` (`api.example.com`, `*.example.com`). */
  allow?: readonly string[];
  /** More real hosts per provider, e.g. `{ qolaba: ["api.qolaba.example"] }` (added to the server). */
  hosts?: Record<string, readonly (string | HostRoute)[]>;
}

/** An installed interception. */
export interface Interception {
  /** The emulators answering. */
  readonly emulators: EmulatorServer;
  /** The hosts whose requests were refused so far (a test can assert none were). */
  readonly refused: readonly string[];
  /** Puts Node's fetch dispatcher and `http`/`https` back as they were. */
  restore(): void;
}

/** Hosts that never leave the machine: always let through (a local server, the emulator's own webhooks). */
const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|::1|\[::1\])$/i;

const hostMatches = (pattern: string, host: string) =>
  pattern.startsWith("*.") ? host.endsWith(pattern.slice(1)) : host === pattern.toLowerCase();

/** The error a refused request fails with: it names the host and how to let it through. */
export function refusedHostError(host: string): Error {
  return new Error(
    `imagegen-emulators: refused a request to ${host}: it is not an emulated host. ` +
      `Let it through with interceptProviders({ allow: ["${host}"] }) or { passthrough: true }, ` +
      `or emulate it with { hosts: { <provider>: ["${host}"] } }.`,
  );
}

// Loaded on first use: @mswjs/interceptors costs ~100 ms to load, which `serve` never needs.
let loadInterceptor: (() => typeof ClientRequestInterceptor) | undefined = () => {
  const require = createRequire(import.meta.url);
  const mod = require("@mswjs/interceptors/ClientRequest") as {
    ClientRequestInterceptor: typeof ClientRequestInterceptor;
  };
  loadInterceptor = () => mod.ClientRequestInterceptor;
  return mod.ClientRequestInterceptor;
};

/**
 * Routes this process's requests to the providers' real hosts to `emulators`, for Node's `fetch`,
 * undici and `http`/`https`. Returns `restore()`. Users call it as `emulators.interceptProviders()`
 * or `interceptProviders()`.
 * @example
 * const { restore } = installInterception(emulators);
 * await fetch("https://api.aitubo.ai/api/user/profile", { headers }); // answered in process
 * restore();
 */
export function installInterception(emulators: EmulatorServer, options: InterceptOptions = {}): Interception {
  for (const [provider, hosts] of Object.entries(options.hosts ?? {})) {
    if (!emulators.providers.includes(provider))
      throw new Error(`hosts: ${provider} is not a served provider (${emulators.providers.join(", ")})`);
    for (const h of hosts) emulators.hosts.add(provider, h);
  }
  const allow = options.allow ?? [];
  const refused: string[] = [];
  const route = (url: URL): Route => {
    const host = url.hostname.replace(/^\[|\]$/g, "").toLowerCase();
    if (emulators.hosts.match(host)) return "emulate";
    if (options.passthrough || LOOPBACK.test(host) || allow.some((p) => hostMatches(p, host))) return "pass";
    refused.push(host);
    return refusedHostError(host);
  };

  // Node's fetch creates its default dispatcher on its first call; make it exist now so requests
  // we pass on have somewhere to go (a data: URL loads it without touching the network).
  const slot = globalThis as unknown as Record<symbol, DispatcherLike | undefined>;
  if (slot[GLOBAL_DISPATCHER] === undefined)
    void fetch("data:,").then(
      (r) => r.arrayBuffer(),
      () => {},
    );
  const previous = slot[GLOBAL_DISPATCHER];
  const dispatcher = createEmulatorDispatcher({
    route,
    answer: (request) => emulators.fetch(request),
    next: () => previous,
  });
  slot[GLOBAL_DISPATCHER] = dispatcher;

  const Interceptor = loadInterceptor!();
  const http = new Interceptor();
  http.on("request", async ({ request, controller }) => {
    const decision = route(new URL(request.url));
    if (decision === "pass") return;
    if (decision instanceof Error) return controller.errorWith(decision);
    try {
      controller.respondWith(await emulators.fetch(request));
    } catch (err) {
      // A dropped-connection fault: the client sees a socket error, as it would in production.
      controller.errorWith(err instanceof Error ? err : new Error(String(err)));
    }
  });
  http.apply();

  let restored = false;
  return {
    emulators,
    refused,
    restore() {
      if (restored) return;
      restored = true;
      if (slot[GLOBAL_DISPATCHER] === dispatcher) slot[GLOBAL_DISPATCHER] = previous;
      http.dispose();
    },
  };
}
