/**
 * Spaces requests to a live API so a concurrent run stays under the provider's rate limit: each
 * request starts at least `1000 / qps` ms after the previous one.
 */
import type { FetchLike } from "./http.js";
import type { ProviderName } from "./providers.js";

/**
 * Requests per second a live run sends each provider. TAMS documents 5 QPS per app (its 429 says
 * so) [doc]; the others publish no limit, so 2 per second is assumed [inferred].
 */
export const LIVE_QPS: Readonly<Record<ProviderName, number>> = {
  aitubo: 2,
  tams: 5,
  aithriving: 2,
  qolaba: 2,
};

/**
 * Wraps a fetch so request starts are at most `qps` per second.
 * @example const f = rateLimited(fetch, 5);
 */
export function rateLimited(doFetch: FetchLike, qps: number): FetchLike {
  const gap = 1000 / qps;
  let next = 0;
  return async function rateLimitedFetch(input, init) {
    const now = Date.now();
    const at = Math.max(now, next);
    next = at + gap;
    if (at > now) await new Promise((r) => setTimeout(r, at - now));
    return doFetch(input, init);
  };
}
