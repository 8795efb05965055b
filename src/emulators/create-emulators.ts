/**
 * The programmatic API: every registered provider (or a chosen few) in one server.
 */
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

/**
 * Creates the emulators in process.
 * @example
 * const emulators = createEmulators({ clock: { mode: "instant" } });
 * const res = await emulators.fetch("/aitubo/api/job/models");   // in process, no port
 * const { url, close } = await emulators.listen({ port: 0 });       // or over HTTP
 */
export function createEmulators(options: EmulatorsOptions = {}): EmulatorServer {
  const { providers, dashboard = true, ...rest } = options;
  const unknown = (providers ?? []).filter((p) => !PROVIDERS.some((d) => d.name === p));
  if (unknown.length) {
    throw new Error(
      `unknown provider(s): ${unknown.join(", ")}; known: ${PROVIDERS.map((p) => p.name).join(", ")}`,
    );
  }
  const chosen = providers ? PROVIDERS.filter((p) => providers.includes(p.name)) : PROVIDERS;
  return createEmulatorServer(chosen, { ...(dashboard ? { ui: createDashboard } : {}), ...rest });
}
