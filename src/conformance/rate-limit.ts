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
  let lastStart = Number.NEGATIVE_INFINITY;
  let queue: Promise<void> = Promise.resolve();
  return async function rateLimitedFetch(input, init) {
    // Requests take turns: each starts `gap` ms after the previous one actually started, so a late
    // timer never lets two starts come closer than the limit.
    let answer!: Promise<Response>;
    const turn = queue.then(async () => {
      for (let wait = lastStart + gap - Date.now(); wait > 0; wait = lastStart + gap - Date.now())
        await new Promise((r) => setTimeout(r, wait));
      lastStart = Date.now();
      // Started inside the turn: the next turn counts from this very start.
      answer = doFetch(input, init);
    });
    queue = turn.catch(() => {});
    await turn;
    return answer;
  };
}
