/** The provider clients, by provider name (the runner builds one per scenario). */
import type { ClientOptions } from "../http.js";
import type { ProviderName } from "../providers.js";
import { type AithrivingClient, createAithrivingClient } from "./aithriving.js";
import { type AituboClient, createAituboClient } from "./aitubo.js";

export { type AithrivingClient, createAithrivingClient } from "./aithriving.js";
export { type AituboClient, createAituboClient } from "./aitubo.js";

/** Each provider's client type. */
export interface ProviderClients {
  aitubo: AituboClient;
  tams: unknown;
  aithriving: AithrivingClient;
  qolaba: unknown;
}

/** Builds the client for a provider. */
export const CLIENT_FACTORIES: { [P in ProviderName]: (options: ClientOptions) => ProviderClients[P] } = {
  aitubo: createAituboClient,
  tams: () => undefined,
  aithriving: createAithrivingClient,
  qolaba: () => undefined,
};
