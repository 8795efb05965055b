/**
 * `interceptProviders()` as a function of its own: with no emulators given, it creates them, and
 * `restore()` closes them too.
 */
import type { EmulatorServer } from "../emulators/core/server.js";
import { createEmulators, type EmulatorsOptions } from "../emulators/create-emulators.js";
import { type Interception, type InterceptOptions, installInterception } from "./intercept.js";

/** Options of {@link interceptProviders}: the interception's, and the emulators' when it creates them. */
export interface InterceptProvidersOptions extends InterceptOptions, EmulatorsOptions {
  /** The emulators to answer with. Default: new ones from the other options, closed on restore. */
  emulators?: EmulatorServer;
}

/**
 * Answers this process's requests to the providers' real hosts in process.
 * @example
 * import { interceptProviders } from "imagegen-emulators";
 * const { emulators, restore } = interceptProviders({ clock: { mode: "instant" } });
 * const res = await fetch("https://api.aitubo.ai/api/user/profile", {
 *   headers: { authorization: "Bearer any-key" },
 * }); // the emulator's answer
 * restore();
 */
export function interceptProviders(options: InterceptProvidersOptions = {}): Interception {
  const { emulators: given, passthrough, allow, hosts, ...emulatorOptions } = options;
  const emulators = given ?? createEmulators(emulatorOptions);
  const interception = installInterception(emulators, { passthrough, allow, hosts });
  if (given) return interception;
  return {
    ...interception,
    restore() {
      interception.restore();
      void emulators.close();
    },
  };
}
