/** The providers the conformance suite knows, in report order. */
export const PROVIDER_NAMES = ["aitubo", "tams", "aithriving", "qolaba"] as const;

/** A provider's name, as used in URLs, flags and fixtures. */
export type ProviderName = (typeof PROVIDER_NAMES)[number];

/** True for a known provider name. */
export const isProviderName = (s: string): s is ProviderName =>
  (PROVIDER_NAMES as readonly string[]).includes(s);
