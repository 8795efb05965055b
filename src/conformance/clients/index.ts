/** The provider clients, by provider name (the runner builds one per scenario). */
import type { ClientOptions } from "../http.js";
import type { ProviderName } from "../providers.js";
import { type AithrivingClient, createAithrivingClient } from "./aithriving.js";
import { type AituboClient, createAituboClient } from "./aitubo.js";
import { createQolabaClient, type QolabaClient } from "./qolaba.js";
import { createTamsClient, type TamsClient } from "./tams.js";

export { type AithrivingClient, createAithrivingClient } from "./aithriving.js";
export { type AituboClient, createAituboClient } from "./aitubo.js";
export { createQolabaClient, type QolabaClient } from "./qolaba.js";
export { createTamsClient, rsaSigner, type TamsClient, type TamsSigner } from "./tams.js";

/** Each provider's client type. */
export interface ProviderClients {
  aitubo: AituboClient;
  tams: TamsClient;
  aithriving: AithrivingClient;
  qolaba: QolabaClient;
}

/** Builds the client for a provider. */
export const CLIENT_FACTORIES: { [P in ProviderName]: (options: ClientOptions) => ProviderClients[P] } = {
  aitubo: createAituboClient,
  tams: createTamsClient,
  aithriving: createAithrivingClient,
  qolaba: createQolabaClient,
};
