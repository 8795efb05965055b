/**
 * Normalizers (LocalStack's transformers): before a response is recorded or compared, values that
 * differ on every run (ids, timestamps, signed URLs, seeds, balances, keys) become stable
 * placeholders. Identity is kept: the same id gets the same `<job-id:1>` in every response of a
 * scenario, so "the job polled is the job created" survives normalization.
 */

/** Options of {@link createNormalizer}. */
export interface NormalizerOptions {
  /** Strings that must never appear in a recording (API keys): replaced by `<api-key>` wherever found. */
  secrets?: readonly string[];
  /** Extra keys whose values are volatile, with the placeholder to use (e.g. `{ credit: "<balance>" }`). */
  volatileKeys?: Readonly<Record<string, string>>;
}

/** A normalizer for one scenario run: call it on every snapshot, in order. */
export interface Normalizer {
  normalize(value: unknown): unknown;
}

const TIME_KEY =
  /^(createAt|createdAt|updatedAt|ctime|mtime|expire|expires|expiredIn|expireSec|time|timestamp)$/i;
const ID_KEY = /^(id|ids)$|Ids?$|_ids?$/;
const SEED_KEY = /^seed$/i;
const ISO_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;
const URL_VALUE = /^https?:\/\//i;
const FILE_PATH = /^[\w.-]+(\/[\w.%-]+)+\.(png|jpe?g|webp|gif)$/i;
const BASE64 = /^[A-Za-z0-9+/=\s]{200,}$/;

/** `jobId` → `job-id`, `task_id` → `task-id`, `artIds` → `art-id`. */
function kindOf(key: string): string {
  const singular = key.replace(/Ids$/, "Id").replace(/_ids$/, "_id").replace(/^ids$/, "id");
  return singular
    .replace(/([a-z0-9])([A-Z])/g, "$1-$2")
    .replace(/_/g, "-")
    .toLowerCase();
}

/** A URL without its query (signatures, expiry) and fragment: the identity of the file. */
function urlIdentity(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}`;
  } catch {
    return url;
  }
}

/**
 * Creates a normalizer. Keys are visited in sorted order so numbering does not depend on the
 * order a server writes fields in.
 * @example
 * const n = createNormalizer({ secrets: [key] });
 * n.normalize({ data: { id: "64351e4d" } }); // { data: { id: "<id:1>" } }
 */
export function createNormalizer(options: NormalizerOptions = {}): Normalizer {
  const seen = new Map<string, string>();
  const counters = new Map<string, number>();
  const placeholder = (kind: string, identity: string): string => {
    const known = seen.get(identity);
    if (known) return known;
    const n = (counters.get(kind) ?? 0) + 1;
    counters.set(kind, n);
    const p = `<${kind}:${n}>`;
    seen.set(identity, p);
    return p;
  };
  const secrets = (options.secrets ?? []).filter((s) => s.length > 0);
  const scrub = (s: string) => secrets.reduce((acc, secret) => acc.split(secret).join("<api-key>"), s);

  const visit = (value: unknown, key: string | undefined): unknown => {
    if (Array.isArray(value)) return value.map((v) => visit(v, key));
    if (value !== null && typeof value === "object") {
      const out: Record<string, unknown> = {};
      for (const k of Object.keys(value).sort()) out[k] = visit((value as Record<string, unknown>)[k], k);
      return out;
    }
    if (key && options.volatileKeys?.[key] !== undefined && value !== null && value !== undefined)
      return options.volatileKeys[key];
    if (typeof value === "string") {
      if (secrets.some((s) => value.includes(s))) return scrub(value);
      if (key && SEED_KEY.test(key)) return "<seed>";
      if ((key && TIME_KEY.test(key)) || ISO_TIME.test(value)) return "<timestamp>";
      if (URL_VALUE.test(value)) return placeholder("url", `url:${urlIdentity(value)}`);
      if (FILE_PATH.test(value)) return placeholder("file", `file:${value}`);
      if (BASE64.test(value)) return "<base64>";
      if (key && ID_KEY.test(key) && value !== "") return placeholder(kindOf(key), `id:${value}`);
      return value;
    }
    if (typeof value === "number" && key) {
      if (SEED_KEY.test(key)) return "<seed>";
      if (TIME_KEY.test(key)) return "<timestamp>";
    }
    return value;
  };
  return { normalize: (value) => visit(value, undefined) };
}
