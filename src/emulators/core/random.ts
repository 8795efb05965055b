/**
 * The server's randomness: ids the real services make random (task ids, uuids, id counters) are
 * drawn from named streams of one server seed. The seed is random per start, so two runs never
 * share ids; `--seed N` gives it, and then a whole run is reproducible. A full reset restarts
 * every stream, so a reset server draws the same ids as a fresh one.
 */
import { randomInt } from "node:crypto";
import { seededRandom } from "./images.js";

/** A fresh seed: what a server uses when none is given. */
export function randomSeed(): number {
  return randomInt(0, 2 ** 31);
}

/** Named number streams over one seed. */
export interface RandomStreams {
  readonly seed: number;
  /** A stream of numbers in [0, 1): the same seed and name give the same sequence. */
  stream(name: string): () => number;
  /** Restarts every stream from its beginning. */
  reset(): void;
}

/**
 * Creates the streams of a server.
 * @example
 * const random = createRandomStreams(42);
 * const next = random.stream("qolaba|task-ids");
 * uuidFrom(next); // the same uuid on every run seeded 42
 */
export function createRandomStreams(seed: number): RandomStreams {
  const streams = new Map<string, () => number>();
  return {
    seed,
    stream(name) {
      const id = `${seed}|${name}`;
      // Looked up on each draw, so a reset restarts streams that providers already hold.
      return () => {
        let next = streams.get(id);
        if (!next) {
          next = seededRandom(id);
          streams.set(id, next);
        }
        return next();
      };
    },
    reset: () => streams.clear(),
  };
}

/** `n` lowercase hex digits from a stream. */
export function hexFrom(random: () => number, n: number): string {
  let out = "";
  for (let i = 0; i < n; i++) out += Math.floor(random() * 16).toString(16);
  return out;
}

/** A version-4 UUID (`xxxxxxxx-xxxx-4xxx-[89ab]xxx-xxxxxxxxxxxx`) from a stream. */
export function uuidFrom(random: () => number): string {
  const variant = "89ab"[Math.floor(random() * 4)];
  return `${hexFrom(random, 8)}-${hexFrom(random, 4)}-4${hexFrom(random, 3)}-${variant}${hexFrom(random, 3)}-${hexFrom(random, 12)}`;
}
