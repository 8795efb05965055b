/**
 * Decoding the file part of a URL path. A path is the client's text: a malformed percent-escape
 * (`%zz`, a cut `%E0%A4%A`, an overlong `%c0%ae`) is a file that cannot exist, never an exception.
 */

/**
 * The decoded path, or `undefined` when its percent-escapes are not valid UTF-8.
 * @example decodeFilePath("images/a%20b.png") // "images/a b.png"
 * @example decodeFilePath("%zz")              // undefined
 */
export function decodeFilePath(raw: string): string | undefined {
  if (!raw.includes("%")) return raw;
  try {
    return decodeURIComponent(raw);
  } catch {
    return undefined;
  }
}
