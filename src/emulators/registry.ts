/**
 * The providers. Adding one is a folder under `src/emulators/` plus one line here.
 */
import { aituboProvider } from "./aitubo/index.js";
import type { ProviderDefinition } from "./core/provider.js";

/** Every provider the emulator serves, in banner order. */
export const PROVIDERS: readonly ProviderDefinition[] = [aituboProvider];

/** A provider by name. */
export function findProvider(name: string): ProviderDefinition | undefined {
  return PROVIDERS.find((p) => p.name === name);
}
