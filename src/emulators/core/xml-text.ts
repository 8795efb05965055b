/**
 * Text put into XML: the SVG that draws a caption into an image, the XMP packet that carries an
 * image's parameters, an OSS-style XML error. One function, so every provider's text is safe.
 */

/**
 * Characters XML 1.0 does not allow anywhere, even escaped: C0 controls but tab, LF and CR;
 * U+FFFE and U+FFFF; unpaired surrogates. librsvg refuses an SVG holding one.
 */
const NOT_XML_CHAR =
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** The replacement for a character XML cannot hold. */
const REPLACEMENT = "\ufffd";

/**
 * `text` as XML character data or an attribute value: markup characters escaped, characters XML
 * cannot hold replaced by U+FFFD.
 * @example xmlText('a < b \u0000') // "a &lt; b \ufffd"
 */
export function xmlText(text: string): string {
  return text
    .replace(NOT_XML_CHAR, REPLACEMENT)
    .replace(
      /[<>&"']/g,
      (ch) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[ch]!,
    );
}

/**
 * `value` as JSON text that XML can hold unchanged: the characters XML refuses are written as
 * JSON `\u` escapes, so the JSON still parses to the same value. Then {@link xmlText} it.
 * @example jsonForXml({ prompt: "\uffff" }) // '{"prompt":"\\uffff"}'
 */
export function jsonForXml(value: unknown): string {
  return JSON.stringify(value).replace(
    NOT_XML_CHAR,
    (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}
