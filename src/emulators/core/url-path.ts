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

/**
 * The first segment of an absolute URL's path, as sent (not decoded), by string work: the server
 * picks a provider's app by it on every request.
 * @example firstSegment("http://127.0.0.1:4000/aitubo/api/job/get?id=1") // "aitubo"
 * @example firstSegment("http://127.0.0.1:4000/?x")                      // ""
 */
export function firstSegment(url: string): string {
  const start = url.indexOf("/", url.indexOf("//") + 2);
  if (start < 0) return "";
  let end = start + 1;
  for (; end < url.length; end++) {
    const ch = url.charCodeAt(end);
    // "/", "?" and "#" end the segment.
    if (ch === 47 || ch === 63 || ch === 35) break;
  }
  return url.slice(start + 1, end);
}
