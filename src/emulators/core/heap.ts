/**
 * A binary min-heap over an array: O(log n) push and pop, O(1) peek. Small enough to keep in the
 * core rather than add a dependency for it; the clock's queue is its one user.
 */

/** A heap ordered by `before` (true when `a` must come out before `b`). */
export interface Heap<T> {
  readonly size: number;
  push(item: T): void;
  /** The first item, without removing it. */
  peek(): T | undefined;
  /** Removes and returns the first item. */
  pop(): T | undefined;
  /** Keeps only the items `keep` accepts, and restores the heap order (O(n)). */
  retain(keep: (item: T) => boolean): void;
  clear(): void;
}

/**
 * Creates an empty heap.
 * @example
 * const h = createHeap<number>((a, b) => a < b);
 * h.push(3); h.push(1); h.pop(); // 1
 */
export function createHeap<T>(before: (a: T, b: T) => boolean): Heap<T> {
  let items: T[] = [];

  const up = (i: number) => {
    const item = items[i]!;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(item, items[parent]!)) break;
      items[i] = items[parent]!;
      i = parent;
    }
    items[i] = item;
  };

  const down = (i: number) => {
    const n = items.length;
    const item = items[i]!;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && before(items[right]!, items[left]!) ? right : left;
      if (!before(items[child]!, item)) break;
      items[i] = items[child]!;
      i = child;
    }
    items[i] = item;
  };

  return {
    get size() {
      return items.length;
    },
    push(item) {
      items.push(item);
      up(items.length - 1);
    },
    peek: () => items[0],
    pop() {
      const first = items[0];
      const last = items.pop();
      if (items.length > 0 && last !== undefined) {
        items[0] = last;
        down(0);
      }
      return first;
    },
    retain(keep) {
      items = items.filter(keep);
      for (let i = (items.length >> 1) - 1; i >= 0; i--) down(i);
    },
    clear() {
      items = [];
    },
  };
}
