/** JSON paths in the `data.models[0].id` form used by every finding and known difference. */

/** A path segment: an object key or an array index. */
export type PathSegment = string | number;

const IDENT = /^[A-Za-z_$][\w$]*$/;

/**
 * Formats segments as a path: keys joined by dots, indexes in brackets, odd keys quoted.
 * @example formatPath(["data", "images", 0]) // "data.images[0]"
 */
export function formatPath(segments: readonly PathSegment[]): string {
  let out = "";
  for (const s of segments) {
    if (typeof s === "number") out += `[${s}]`;
    else if (IDENT.test(s)) out += out ? `.${s}` : s;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out;
}

/** Joins a response label and a path: `create: data.id` (or just the label for the root). */
export function labelled(label: string, segments: readonly PathSegment[] | string): string {
  const path = typeof segments === "string" ? segments : formatPath(segments);
  return path ? `${label}: ${path}` : label;
}

/** The value at a path, or `undefined`. */
export function valueAt(root: unknown, segments: readonly PathSegment[]): unknown {
  let cur: unknown = root;
  for (const s of segments) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[s as string];
  }
  return cur;
}

/**
 * True when a declared pattern covers a path. `*` matches one key or index, `[*]` any index.
 * @example pathMatches("data.images[*]", "data.images[3]") // true
 */
export function pathMatches(pattern: string, path: string): boolean {
  const esc = pattern.replace(/[.+?^${}()|\\]/g, "\\$&");
  const re = esc
    .replace(/\[\*\]/g, "\\[\\d+\\]")
    .replace(/\[(?!\\d)/g, "\\[")
    .replace(/\*/g, "[^.\\[]+");
  return new RegExp(`^${re}$`).test(path);
}
