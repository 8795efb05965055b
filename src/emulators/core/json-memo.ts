/**
 * Memoised JSON answers. A job that is polled (Aitubo's `job/get`, TAMS's `GET /v1/jobs/{id}`,
 * clients polling every second) answers the same bytes until its phase changes; building the view
 * and serialising it again on every poll is most of what a poll costs. The memo keeps one
 * serialised answer per owner (a job) under a key that must change whenever the answer can (its
 * status, the base URL it names).
 *
 * Bounded: it holds the answers of the {@link MEMO_OWNERS} owners memoised most recently (first in,
 * first out), so a server that has answered polls for every one of 100k jobs does not keep 100k
 * answers; polling clients ask about the same few jobs again and again, which is what it is for.
 */

/** Owners whose answers are kept. */
export const MEMO_OWNERS = 4096;

const memo = new Map<object, { key: string; text: string }>();

function remember(owner: object, key: string, text: string): string {
  // Re-inserted, so an owner whose answer changed counts as new.
  memo.delete(owner);
  memo.set(owner, { key, text });
  if (memo.size > MEMO_OWNERS) memo.delete(memo.keys().next().value!);
  return text;
}

/**
 * The JSON text of `build()`, built again only when `key` differs from the last call for `owner`
 * (or its answer has been pushed out by newer ones).
 * @example
 * const text = memoJson(job, `${status}|${domain}`, () => ({ code: 0, data: view(job) }));
 */
export function memoJson(owner: object, key: string, build: () => unknown): string {
  const hit = memo.get(owner);
  if (hit?.key === key) return hit.text;
  return remember(owner, key, JSON.stringify(build()));
}

/** {@link memoJson} for an answer that is built asynchronously. */
export async function memoJsonAsync(
  owner: object,
  key: string,
  build: () => Promise<unknown>,
): Promise<string> {
  const hit = memo.get(owner);
  if (hit?.key === key) return hit.text;
  return remember(owner, key, JSON.stringify(await build()));
}

/**
 * Forgets every memoised answer (a full reset: the jobs they belong to are gone, and the memo
 * holds them strongly). Other servers in the process only build theirs again.
 */
export function clearJsonMemo(): void {
  memo.clear();
}
