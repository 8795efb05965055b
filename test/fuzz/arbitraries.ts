/**
 * fast-check generators of hostile input: values of the wrong type, missing and extra fields,
 * prototype keys, huge and deep values, unicode and control characters, invalid JSON, wrong
 * content types, broken multipart, non-images, truncated images and decompression bombs. Each
 * starts from a valid request, so most cases get past auth to the code that reads the body.
 */
import fc from "fast-check";
import type { FuzzImages } from "./images.js";

/** A request body as sent: its bytes and content type (none: no header). */
export interface FuzzBody {
  data: string | Uint8Array;
  contentType?: string;
}

/** Characters that break renderers, parsers and logs. */
const NASTY_CHARS = [
  "\u0000",
  "\u0007",
  "\u001b",
  "\u007f",
  "\uffff",
  "\ufffe",
  "\ud800",
  "\udfff",
  "\u202e",
  "\u200b",
  "\u0301",
  "😀",
  "<",
  ">",
  "&",
  '"',
  "'",
  "\\",
  "%",
  "\n",
  "\r",
  "\t",
  " ",
  "a",
  "z",
  "文",
];

/**
 * No generated text may hold a magic word (`emu:error` answers 500 on purpose), so `emu:` is
 * never produced: the colon after `emu` is swapped for a semicolon.
 */
export const unmagic = (s: string) => s.replace(/emu:/gi, "emu;");

/** Text: unicode, control characters, markup, escapes, path tricks, and some very long strings. */
export const fuzzText: fc.Arbitrary<string> = fc
  .oneof(
    { weight: 3, arbitrary: fc.string({ maxLength: 30 }) },
    { weight: 3, arbitrary: fc.string({ unit: fc.constantFrom(...NASTY_CHARS), maxLength: 30 }) },
    { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 20 }) },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        "",
        " ",
        "%zz",
        "%E0%A4%A",
        "%c0%ae",
        "../../etc/passwd",
        "<script>alert(1)</script>",
        "]]><x/>",
        "__proto__",
        "constructor",
        "null",
        "NaN",
        "-1",
        "1e400",
        "http://localhost/aitubo/file/%zz",
        "http://localhost/qolaba/files/%E0%A4%A/0.webp",
        "http://localhost/tams/files/%c0%ae",
        "data:image/png;base64,AAAA",
        "file:///etc/passwd",
      ),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        "x".repeat(5000),
        "😀".repeat(3000),
        "word ".repeat(20_000),
        "\u0000".repeat(2000),
        "a".repeat(300_000),
      ),
    },
  )
  .map(unmagic);

/** A header value fetch accepts (latin-1, no CR/LF/NUL). */
export const headerText: fc.Arbitrary<string> = fc
  .string({ unit: fc.constantFrom(..."abcXYZ019 -_.,=:;/+\"'\\%\t\u00e9\u00ff".split("")), maxLength: 40 })
  .map((s) => unmagic(s).trim());

/** Any value a field could be given instead of the right one. */
export const nastyValue: fc.Arbitrary<unknown> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom<unknown>(
      null,
      true,
      false,
      0,
      -1,
      0.5,
      -0.000001,
      1e21,
      -1e21,
      2 ** 53 + 2,
      Number.MAX_SAFE_INTEGER,
      [],
      {},
      [null],
      { "": null },
      ["a", 1],
    ),
  },
  { weight: 2, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
  { weight: 4, arbitrary: fuzzText },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.parse(unmagic(JSON.stringify(v)))) },
);

/** Keys that poke at prototypes and lookups. */
export const trickyKey: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom("__proto__", "constructor", "prototype", "toString", "hasOwnProperty", "valueOf", "", " "),
  fc.string({ maxLength: 12 }).map(unmagic),
);

/** Every path to a value in a JSON template (objects and arrays, up to 5 levels). */
export function leafPaths(
  value: unknown,
  prefix: (string | number)[] = [],
  depth = 0,
): (string | number)[][] {
  const out: (string | number)[][] = prefix.length ? [prefix] : [];
  if (depth >= 5 || value === null || typeof value !== "object") return out;
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v] as const) : Object.entries(value);
  for (const [k, v] of entries) out.push(...leafPaths(v, [...prefix, k], depth + 1));
  return out;
}

/** A deep copy of `value` with `path` set to `next` (or removed, for `undefined`). */
export function setPath(value: unknown, path: (string | number)[], next: unknown): unknown {
  const copy = structuredClone(value) as Record<string | number, unknown>;
  let at: Record<string | number, unknown> = copy;
  for (const k of path.slice(0, -1)) at = at[k] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (next === undefined) {
    if (Array.isArray(at)) at.splice(Number(last), 1);
    else delete at[last];
  } else {
    // defineProperty, so "__proto__" becomes an own key that JSON.stringify writes out.
    Object.defineProperty(at, last, { value: next, enumerable: true, writable: true, configurable: true });
  }
  return copy;
}

/** JSON text nesting `levels` arrays, built as text (a value that deep cannot be stringified). */
const nestedText = (levels: number) => `${"[".repeat(levels)}1${"]".repeat(levels)}`;

/** Content types a JSON route may be sent with by mistake (or on purpose). */
const contentTypes = fc.constantFrom<string | undefined>(
  "application/json",
  "application/json; charset=utf-8",
  undefined,
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data",
  "multipart/form-data; boundary=x",
  "application/xml",
  "application/octet-stream",
  "application/json; charset=utf-16",
);

/** Makes prompt-like strings of a valid body fuzz text: accepted jobs with hostile captions. */
function withFuzzedText(template: unknown, text: string): unknown {
  const paths = leafPaths(template).filter((p) => /prompt|text/i.test(String(p[p.length - 1])));
  let out = template;
  for (const p of paths) {
    const here = p.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)[k], template);
    if (typeof here === "string") out = setPath(out, p, text);
  }
  return out;
}

/**
 * JSON bodies around a valid `template`: mostly the template with one thing wrong, sometimes the
 * template as is (with fuzzed prompt text), sometimes no JSON at all.
 */
export function jsonBodies(template: Record<string, unknown>, bodyLimit: number): fc.Arbitrary<FuzzBody> {
  const paths = leafPaths(template);
  const path = paths.length ? fc.constantFrom(...paths) : fc.constant([] as (string | number)[]);
  const json = (value: unknown, contentType: string | undefined = "application/json"): FuzzBody => ({
    data: unmagic(JSON.stringify(value) ?? "null"),
    contentType,
  });
  const text = JSON.stringify(template);
  return fc.oneof(
    { weight: 3, arbitrary: fuzzText.map((t) => json(withFuzzedText(template, t))) },
    {
      weight: 5,
      arbitrary: fc.tuple(path, nastyValue).map(([p, v]) => json(p.length ? setPath(template, p, v) : v)),
    },
    { weight: 2, arbitrary: path.map((p) => json(p.length ? setPath(template, p, undefined) : {})) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(path, trickyKey, nastyValue)
        .map(([p, k, v]) => json(setPath(template, [...p.slice(0, -1), k], v))),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(fc.constantFrom("__proto__", "constructor", "prototype"), fc.jsonValue({ maxDepth: 2 }))
        .map(([k, v]) => ({
          data: unmagic(`{${JSON.stringify(k)}:${JSON.stringify(v)},${text.slice(1)}`),
          contentType: "application/json",
        })),
    },
    { weight: 1, arbitrary: nastyValue.map((v) => json(v)) },
    {
      weight: 1,
      arbitrary: fc.tuple(fc.jsonValue({ maxDepth: 2 }), contentTypes).map(([v, t]) => json(v, t)),
    },
    { weight: 1, arbitrary: contentTypes.map((t) => json(template, t)) },
    {
      weight: 2,
      arbitrary: fc
        .oneof(
          fc.nat({ max: Math.max(0, text.length - 1) }).map((n) => text.slice(0, n)),
          fc.constantFrom(
            "",
            " ",
            "{",
            "[",
            "{,}",
            '{"a":}',
            "\ufeff{}",
            "nul",
            "{'a':1}",
            '{"a":1}x',
            "\u0000",
          ),
          fc.string({ maxLength: 50 }).map(unmagic),
        )
        .map((data) => ({ data, contentType: "application/json" })),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(path, fc.integer({ min: 60, max: 6000 })).map(([p, levels]) => {
        const marker = "\u0001DEEP\u0001";
        const withMarker = json(p.length ? setPath(template, p, marker) : marker).data as string;
        return {
          data: withMarker.replace(JSON.stringify(marker), nestedText(levels)),
          contentType: "application/json",
        };
      }),
    },
    {
      weight: 1,
      arbitrary: fc
        .tuple(path, fc.constantFrom(200_000, bodyLimit + 1000))
        .map(([p, n]) => json(p.length ? setPath(template, p, "y".repeat(n)) : "y".repeat(n))),
    },
  );
}

/** One part of a multipart body. */
export interface Part {
  name: string;
  value: string | Uint8Array;
  filename?: string;
  type?: string;
}

/** A multipart body with `boundary`, written by hand so broken ones can be made too. */
export function multipart(parts: Part[], boundary: string): Uint8Array {
  const chunks: Buffer[] = [];
  for (const p of parts) {
    const disposition = `form-data; name="${p.name}"${p.filename !== undefined ? `; filename="${p.filename}"` : ""}`;
    const head = `--${boundary}\r\nContent-Disposition: ${disposition}\r\n${p.type ? `Content-Type: ${p.type}\r\n` : ""}\r\n`;
    chunks.push(Buffer.from(head), Buffer.from(p.value), Buffer.from("\r\n"));
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return new Uint8Array(Buffer.concat(chunks));
}

/** File contents: real images, and every way a file can fail to be one. */
export function imageFiles(images: FuzzImages): fc.Arbitrary<{ bytes: Uint8Array; type: string }> {
  return fc.oneof(
    {
      weight: 4,
      arbitrary: fc
        .constantFrom(images.png, images.jpeg, images.webp)
        .map((b) => ({ bytes: b, type: "image/png" })),
    },
    {
      weight: 4,
      arbitrary: fc
        .constantFrom(images.truncated, images.bomb, images.notAnImage, Buffer.alloc(0))
        .map((b) => ({ bytes: b, type: "image/png" })),
    },
    {
      weight: 1,
      arbitrary: fc
        .uint8Array({ maxLength: 200 })
        .map((b) => ({ bytes: b, type: "application/octet-stream" })),
    },
  );
}

/**
 * Multipart bodies for a route taking `files` (image fields) and `fields` (text): valid ones, wrong
 * files, missing and duplicated parts, text where a file belongs, and broken framing.
 */
export function multipartBodies(
  files: string[],
  fields: Record<string, string>,
  images: FuzzImages,
): fc.Arbitrary<FuzzBody> {
  const boundary = "----fuzz7MA4YWxkTrZu0gW";
  const type = `multipart/form-data; boundary=${boundary}`;
  const fieldParts = Object.entries(fields).map(([name, value]) => ({ name, value }));
  const valid = (file: Uint8Array): Part[] => [
    ...fieldParts,
    ...files.map((name) => ({ name, value: file, filename: `${name}.png`, type: "image/png" })),
  ];
  const allNames = [...files, ...Object.keys(fields)];
  const name = allNames.length ? fc.constantFrom(...allNames) : fc.constant("image");
  return fc.oneof(
    {
      weight: 3,
      arbitrary: fc
        .constantFrom(images.png, images.jpeg)
        .map((f) => ({ data: multipart(valid(f), boundary), contentType: type })),
    },
    {
      weight: 3,
      arbitrary: fc
        .tuple(fc.constantFrom(...(files.length ? files : ["image"])), imageFiles(images))
        .map(([n, f]) => ({
          data: multipart(
            valid(images.png).map((p) => (p.name === n ? { ...p, value: f.bytes, type: f.type } : p)),
            boundary,
          ),
          contentType: type,
        })),
    },
    {
      weight: 2,
      arbitrary: fc.tuple(name, fuzzText).map(([n, t]) => ({
        data: multipart(
          valid(images.png).map((p) => (p.name === n ? { name: n, value: t } : p)),
          boundary,
        ),
        contentType: type,
      })),
    },
    {
      weight: 1,
      arbitrary: name.map((n) => ({
        data: multipart(
          valid(images.png).filter((p) => p.name !== n),
          boundary,
        ),
        contentType: type,
      })),
    },
    {
      weight: 1,
      arbitrary: fc.tuple(trickyKey, fuzzText).map(([k, t]) => ({
        data: multipart([...valid(images.png), { name: k.replace(/["\r\n]/g, ""), value: t }], boundary),
        contentType: type,
      })),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(
          fc.nat({ max: 1000 }),
          fc.constantFrom(
            type,
            "multipart/form-data",
            "multipart/form-data; boundary=other",
            "application/json",
            undefined,
          ),
        )
        .map(([cut, t]) => {
          const whole = multipart(valid(images.png), boundary);
          return {
            data: cut === 0 ? whole : whole.subarray(0, Math.min(whole.length - 1, cut)),
            contentType: t,
          };
        }),
    },
    {
      weight: 1,
      arbitrary: fc.string({ maxLength: 40 }).map((s) => ({ data: unmagic(s), contentType: type })),
    },
  );
}

/** Raw upload bodies (TAMS's putUrl): images, broken images, random bytes. */
export function byteBodies(images: FuzzImages): fc.Arbitrary<FuzzBody> {
  return imageFiles(images).map((f) => ({ data: f.bytes, contentType: "application/octet-stream" }));
}

/**
 * A query string: the route's own parameters with fuzzed values, unknown parameters, repeats,
 * and malformed escapes.
 */
export function queries(params: Record<string, string>): fc.Arbitrary<string> {
  const names = Object.keys(params);
  const encode = (s: string) => encodeURIComponent(s.replace(/[\ud800-\udfff]/g, "?"));
  const pair = fc.tuple(
    names.length ? fc.oneof(fc.constantFrom(...names), trickyKey) : trickyKey,
    fc.oneof(
      fuzzText.map(encode),
      fc.constantFrom("%zz", "%E0%A4%A", "", "-1", "0", "1e9", "1.5", "99999999999999999999"),
    ),
  );
  const valid = names.map((n) => `${n}=${encode(params[n]!)}`).join("&");
  return fc.oneof(
    { weight: 2, arbitrary: fc.constant(valid) },
    {
      weight: 4,
      arbitrary: fc
        .array(pair, { maxLength: 4 })
        .map((ps) => [valid, ...ps.map(([k, v]) => `${encode(k)}=${v}`)].filter(Boolean).join("&")),
    },
    {
      weight: 1,
      arbitrary: fc
        .array(pair, { maxLength: 3 })
        .map((ps) => ps.map(([k, v]) => `${encode(k)}=${v}`).join("&")),
    },
  );
}

/** A path segment: a valid value, or garbage (malformed escapes, traversal, huge, unicode). */
export function segments(valid: string[]): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 3, arbitrary: valid.length ? fc.constantFrom(...valid) : fc.constant("x") },
    {
      weight: 3,
      arbitrary: fc.constantFrom(
        "%zz",
        "%E0%A4%A",
        "%c0%ae",
        "%00",
        "..",
        "%2e%2e",
        "a%2Fb",
        "0",
        "-1",
        "18446744073709551616",
        "99999999999999999999999",
        "x".repeat(3000),
        "%F0%9F%98%80",
        "__proto__",
        "constructor",
      ),
    },
    {
      weight: 2,
      arbitrary: fuzzText.map(
        (t) => encodeURIComponent(t.replace(/[\ud800-\udfff]/g, "?").slice(0, 2000)) || "x",
      ),
    },
  );
}
