/**
 * The request journal: every request and response, per tenant, with secrets redacted.
 */
import { parseJsonText } from "./validation.js";

/** One exchange. */
export interface JournalEntry {
  seq: number;
  at: string;
  provider: string;
  /** The tenant's key, redacted to its last 4 characters; "anonymous" when none was sent. */
  tenant: string;
  method: string;
  path: string;
  query: string;
  request: { headers: Record<string, string>; body?: unknown };
  response: { status: number; contentType?: string; body?: unknown };
  /** Faults and magic words that fired. */
  faults: string[];
  durationMs: number;
}

/** Headers whose values are secrets. */
const SECRET_HEADERS = new Set([
  "authorization",
  "x-api-key",
  "api-key",
  "cookie",
  "set-cookie",
  "proxy-authorization",
]);
/** JSON fields whose values are secrets, wherever they appear. */
const SECRET_FIELD =
  /^(api[-_]?key|key|token|access[-_]?token|secret|password|signature|securityToken|security_token)$/i;

/** Masks a secret, keeping its last 4 characters so a human can tell keys apart. */
export function redactSecret(value: string): string {
  const v = value.trim();
  const scheme = v.match(/^(Bearer|Basic|TAMS-SHA256-RSA)\s+/i)?.[0] ?? "";
  const rest = v.slice(scheme.length);
  if (/^TAMS-SHA256-RSA/i.test(scheme)) {
    // Keep app_id (not a secret), mask the signature.
    return scheme + rest.replace(/signature=[^,]+/i, "signature=***");
  }
  return `${scheme}***${rest.length > 8 ? rest.slice(-4) : ""}`;
}

/** Redacts secret headers. */
export function redactHeaders(
  headers: Record<string, string | string[] | undefined>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, raw] of Object.entries(headers)) {
    if (raw === undefined) continue;
    // Node gives repeated headers as arrays (set-cookie); the journal shows them joined.
    const value = Array.isArray(raw) ? raw.join(", ") : raw;
    out[name] = SECRET_HEADERS.has(name.toLowerCase()) ? redactSecret(value) : value;
  }
  return out;
}

/** Redacts secret fields in a parsed JSON value (deeply). */
export function redactJson(value: unknown, depth = 0): unknown {
  if (depth > 20 || value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v) => redactJson(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    out[k] = SECRET_FIELD.test(k) && typeof v === "string" ? redactSecret(v) : redactJson(v, depth + 1);
  }
  return out;
}

/** Bodies above this many characters are cut in the journal. */
const MAX_BODY_CHARS = 8192;

/**
 * A journal-friendly form of a body: parsed JSON (redacted), text (cut), or a summary of binary.
 */
export function summarizeBody(
  contentType: string | undefined,
  text: string | undefined,
  bytes: number,
): unknown {
  if (bytes === 0) return undefined;
  const ct = (contentType ?? "").toLowerCase();
  if (text !== undefined && (ct.includes("json") || ct.startsWith("text/"))) {
    if (ct.includes("json") && text.length <= MAX_BODY_CHARS * 8) {
      // Not JSON after all, or nested too deep to walk safely: kept as text below.
      const parsed = parseJsonText(text);
      if (parsed.ok) return redactJson(parsed.value);
    }
    return text.length > MAX_BODY_CHARS ? `${text.slice(0, MAX_BODY_CHARS)}… (${text.length} chars)` : text;
  }
  return `[${ct || "binary"}, ${bytes} bytes]`;
}

/**
 * An exchange as the middleware captures it, unredacted and flat (one object per request, nothing
 * copied: this is on every request's path); redaction and parsing happen when it is read.
 */
export interface RawExchange {
  at: number;
  provider: string;
  key: string | undefined;
  method: string;
  path: string;
  query: string;
  requestHeaders: Record<string, string | string[] | undefined>;
  requestType: string | undefined;
  /** The request body's text when textual and small. */
  requestText: string | undefined;
  requestBytes: number;
  status: number;
  responseType: string | undefined;
  /** The response body's text when textual and small. */
  responseText: string | undefined;
  responseBytes: number;
  faults: readonly string[];
  durationMs: number;
}

/** The redacted, readable form of a captured exchange. */
export function toJournalEntry(seq: number, raw: RawExchange): JournalEntry {
  return {
    seq,
    at: new Date(raw.at).toISOString(),
    provider: raw.provider,
    tenant: raw.key ? redactSecret(raw.key) : "anonymous",
    method: raw.method,
    path: raw.path,
    query: raw.query,
    request: {
      headers: redactHeaders(raw.requestHeaders),
      body: summarizeBody(raw.requestType, raw.requestText, raw.requestBytes),
    },
    response: {
      status: raw.status,
      contentType: raw.responseType,
      body: summarizeBody(raw.responseType, raw.responseText, raw.responseBytes),
    },
    faults: [...raw.faults],
    durationMs: raw.durationMs,
  };
}

/** Entries kept per tenant (older ones are dropped). */
const PER_TENANT = 500;

/** The journal of one server. */
export interface Journal {
  add(tenantKey: string, exchange: RawExchange): void;
  /** Entries, newest last; filtered by tenant key and/or provider. */
  list(filter?: { key?: string; provider?: string; limit?: number }): JournalEntry[];
  count(key?: string): number;
  deleteTenant(key: string): void;
  clear(): void;
}

/** Creates an empty journal. */
export function createJournal(): Journal {
  const byTenant = new Map<string, { seq: number; raw: RawExchange }[]>();
  let seq = 0;
  return {
    add(tenantKey, raw) {
      let list = byTenant.get(tenantKey);
      if (!list) {
        list = [];
        byTenant.set(tenantKey, list);
      }
      list.push({ seq: ++seq, raw });
      if (list.length > PER_TENANT) list.shift();
    },
    list(filter = {}) {
      const source =
        filter.key !== undefined ? (byTenant.get(filter.key) ?? []) : [...byTenant.values()].flat();
      const rows = source
        .filter((e) => !filter.provider || e.raw.provider === filter.provider)
        .sort((a, b) => a.seq - b.seq);
      return (filter.limit ? rows.slice(-filter.limit) : rows).map((e) => toJournalEntry(e.seq, e.raw));
    },
    count: (key) =>
      key !== undefined
        ? (byTenant.get(key)?.length ?? 0)
        : [...byTenant.values()].reduce((n, l) => n + l.length, 0),
    deleteTenant: (key) => byTenant.delete(key),
    clear: () => byTenant.clear(),
  };
}
