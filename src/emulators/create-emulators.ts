/**
 * The programmatic API: every registered provider (or a chosen few) in one server.
 */
import { type Interception, type InterceptOptions, installInterception } from "../connect/intercept.js";
import { createDashboard } from "../dashboard/index.js";
import { createEmulatorServer, type EmulatorServer, type EmulatorServerOptions } from "./core/server.js";
import { PROVIDERS } from "./registry.js";

/** Options of {@link createEmulators}. */
export interface EmulatorsOptions extends EmulatorServerOptions {
  /** Provider names to serve. Default: all of them. */
  providers?: string[];
  /** Serve the dashboard at `/__emulator/ui`. Default true. */
  dashboard?: boolean;
}

/** The emulators, with interception of the providers' real hosts. */
export interface Emulators extends EmulatorServer {
  /**
   * Answers this process's requests to the providers' real hosts (`https://api.aitubo.ai/...`)
   * in process, for Node's `fetch`, undici and `http`/`https`; other hosts are refused unless
   * let through. Call `restore()` to undo.
   */
  interceptProviders(options?: InterceptOptions): Interception;
}

/**
 * Creates the emulators in process.
 * @example
 * const emulators = createEmulators({ clock: { mode: "instant" } });
 * const res = await emulators.fetch("/aitubo/api/job/models");   // in process, no port
 * const { url, close } = await emulators.listen({ port: 0 });       // or over HTTP
 * const { restore } = emulators.interceptProviders();               // or at the real hosts
 */
export function createEmulators(options: EmulatorsOptions = {}): Emulators {
  const { providers, dashboard = true, ...rest } = options;
  const unknown = (providers ?? []).filter((p) => !PROVIDERS.some((d) => d.name === p));
  if (unknown.length) {
    throw new Error(
      `unknown provider(s): ${unknown.join(", ")}; known: ${PROVIDERS.map((p) => p.name).join(", ")}`,
    );
  }
  const chosen = providers ? PROVIDERS.filter((p) => providers.includes(p.name)) : PROVIDERS;
  const server = createEmulatorServer(chosen, { ...(dashboard ? { ui: createDashboard } : {}), ...rest });
  return Object.assign(server, {
    interceptProviders: (interceptOptions?: InterceptOptions) =>
      installInterception(server, interceptOptions),
  });
}
