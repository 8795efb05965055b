/**
 * The providers. Adding one is a folder under `src/emulators/` plus one line here.
 */
import { aithrivingProvider } from "./aithriving/index.js";
import { aituboProvider } from "./aitubo/index.js";
import type { ProviderDefinition } from "./core/provider.js";
import { qolabaProvider } from "./qolaba/index.js";
import { tamsProvider } from "./tams/index.js";

/** Every provider the emulator serves, in banner order. */
export const PROVIDERS: readonly ProviderDefinition[] = [
  aituboProvider,
  tamsProvider,
  aithrivingProvider,
  qolabaProvider,
];

/** A provider by name. */
export function findProvider(name: string): ProviderDefinition | undefined {
  return PROVIDERS.find((p) => p.name === name);
}
