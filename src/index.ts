/**
 * imagegen-emulators, the programmatic API: the emulators, the credit formulas, the conformance
 * suite's clients and runner.
 *
 * @example
 * import { createEmulators } from "imagegen-emulators";
 * const emulators = createEmulators({ clock: { mode: "manual" } });
 * const { url, close } = await emulators.listen({ port: 0 });
 */

export { runConformCommand } from "./conformance/cli-command.js";
export {
  type AithrivingClient,
  type AituboClient,
  createAithrivingClient,
  createAituboClient,
  createQolabaClient,
  createTamsClient,
  type QolabaClient,
  rsaSigner,
  type TamsClient,
  type TamsSigner,
} from "./conformance/clients/index.js";
export type { Interception, InterceptOptions } from "./connect/intercept.js";
export { type InterceptProvidersOptions, interceptProviders } from "./connect/intercept-providers.js";
export * from "./credits/index.js";
export { type Clock, type ClockMode, type ClockOptions, createClock } from "./emulators/core/clock.js";
export { type FaultRuleInput, MAGIC_WORDS } from "./emulators/core/faults.js";
export type { HostRoute, HostTable } from "./emulators/core/hosts.js";
export { readImageParams } from "./emulators/core/images.js";
export type { ProviderContext, ProviderDefinition, ProviderInstance } from "./emulators/core/provider.js";
export type {
  EmulatorServer,
  EmulatorServerOptions,
  Listening,
  ListenOptions,
} from "./emulators/core/server.js";
export { createEmulators, type Emulators, type EmulatorsOptions } from "./emulators/create-emulators.js";
export { findProvider, PROVIDERS } from "./emulators/registry.js";
export {
  createTestEmulators,
  type TestEmulators,
  type TestEmulatorsOptions,
} from "./testing/harness.js";
