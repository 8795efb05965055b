/**
 * A least-recently-used cache bounded by bytes, for rendered images.
 */

/** The cache. */
export interface ByteCache {
  get(key: string): Buffer | undefined;
  set(key: string, value: Buffer): void;
  delete(key: string): void;
  clear(): void;
  readonly bytes: number;
  readonly size: number;
}

/**
 * Creates a cache holding at most `budget` bytes; an entry larger than the budget is not kept.
 * @example
 * const cache = createByteCache(64 * 1024 * 1024);
 */
export function createByteCache(budget: number): ByteCache {
  // A Map iterates in insertion order: re-inserting on read makes the first key the least recent.
  const entries = new Map<string, Buffer>();
  let bytes = 0;
  const drop = (key: string) => {
    const v = entries.get(key);
    if (v) {
      bytes -= v.byteLength;
      entries.delete(key);
    }
  };
  return {
    get(key) {
      const v = entries.get(key);
      if (v) {
        entries.delete(key);
        entries.set(key, v);
      }
      return v;
    },
    set(key, value) {
      drop(key);
      if (value.byteLength > budget) return;
      entries.set(key, value);
      bytes += value.byteLength;
      for (const k of entries.keys()) {
        if (bytes <= budget) break;
        drop(k);
      }
    },
    delete: drop,
    clear() {
      entries.clear();
      bytes = 0;
    },
    get bytes() {
      return bytes;
    },
    get size() {
      return entries.size;
    },
  };
}
