/**
 * Memoised JSON answers. A job that is polled (Aitubo's `job/get`, clients polling every second)
 * answers the same bytes until its phase changes; building the view and serialising it again on
 * every poll is most of what a poll costs. The memo keeps one serialised answer per owner (a job)
 * under a key that must change whenever the answer can (its status, the base URL it names).
 */

const memo = new WeakMap<object, { key: string; text: string }>();

/**
 * The JSON text of `build()`, built again only when `key` differs from the last call for `owner`.
 * The owner is held weakly: a deleted job takes its answer with it.
 * @example
 * const text = memoJson(job, `${status}|${domain}`, () => ({ code: 0, data: view(job) }));
 */
export function memoJson(owner: object, key: string, build: () => unknown): string {
  const hit = memo.get(owner);
  if (hit?.key === key) return hit.text;
  const text = JSON.stringify(build());
  memo.set(owner, { key, text });
  return text;
}
