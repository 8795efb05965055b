/**
 * The request journal: every request and response, per tenant, with secrets redacted.
 *
 * Bounded twice: at most 500 entries per tenant, and a byte budget over all of them (the oldest
 * entries of any tenant go first); a body longer than 64 Ki characters is kept cut, with its length and hash.
 */
import { createHash } from "node:crypto";
import type { EventBus } from "./events.js";
import { isSecretName, maskKey, redactJson, redactParams, redactSecret, redactText } from "./secrets.js";
import { parseJsonText } from "./validation.js";

/** One exchange. */
export interface JournalEntry {
  seq: number;
  at: string;
  provider: string;
  /** The tenant's key, masked as everywhere (`maskKey`); "anonymous" when none was sent. */
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

/** Redacts secret headers (every header whose name says key, token, secret, auth, cookie...). */
export function redactHeaders(
  headers: Record<string, string | string[] | undefined>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, raw] of Object.entries(headers)) {
    if (raw === undefined) continue;
    // Node gives repeated headers as arrays (set-cookie); the journal shows them joined.
    const value = Array.isArray(raw) ? raw.join(", ") : raw;
    out[name] = isSecretName(name) ? redactSecret(value) : value;
  }
  return out;
}

/**
 * A multipart body's fields as the journal shows them: text fields by name (secrets masked),
 * files as a one-line summary. The text is the body decoded as UTF-8 (file bytes are not used).
 */
function summarizeMultipart(contentType: string, text: string): Record<string, unknown> | undefined {
  const boundary = contentType.match(/boundary="?([^";]+)"?/i)?.[1];
  if (!boundary) return undefined;
  const fields: Record<string, unknown> = {};
  for (const part of text.split(`--${boundary}`).slice(1)) {
    if (part.startsWith("--")) break;
    const split = part.indexOf("\r\n\r\n");
    if (split < 0) continue;
    const head = part.slice(0, split);
    const name = head.match(/name="([^"]*)"/i)?.[1];
    if (name === undefined) continue;
    const filename = head.match(/filename="([^"]*)"/i)?.[1];
    const type = head.match(/content-type:\s*([^\r\n]+)/i)?.[1]?.trim();
    const value = part.slice(split + 4).replace(/\r\n$/, "");
    fields[name] =
      filename !== undefined
        ? `[file ${JSON.stringify(filename)}${type ? `, ${type}` : ""}]`
        : isSecretName(name)
          ? redactSecret(value)
          : value.length > 1024
            ? `${value.slice(0, 1024)}… (${value.length} chars)`
            : value;
  }
  return fields;
}

/** A form body's fields, secrets masked. */
function summarizeForm(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(text))
    fields[name] = isSecretName(name) ? redactSecret(value) : value;
  return fields;
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
  if (text !== undefined && ct.startsWith("multipart/form-data")) {
    const fields = summarizeMultipart(contentType!, text);
    if (fields) return fields;
  }
  if (text !== undefined && ct.startsWith("application/x-www-form-urlencoded")) return summarizeForm(text);
  if (text !== undefined && (ct.includes("json") || ct.startsWith("text/"))) {
    if (ct.includes("json") && text.length <= MAX_BODY_CHARS * 8) {
      // Not JSON after all, or nested too deep to walk safely: kept as text below.
      const parsed = parseJsonText(text);
      if (parsed.ok) return redactJson(parsed.value);
    }
    // Cut or broken JSON, or plain text: secrets are masked where a name says so. A body the
    // journal stored cut already says its size and hash.
    const shown = redactText(text);
    return shown.length > MAX_BODY_CHARS && !STORED_CUT.test(shown)
      ? `${shown.slice(0, MAX_BODY_CHARS)}… (${text.length} chars)`
      : shown;
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
    tenant: raw.key ? maskKey(raw.key) : "anonymous",
    method: raw.method,
    path: raw.path,
    query: redactParams(raw.query),
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
/** Default byte budget of the whole journal. */
export const DEFAULT_JOURNAL_BYTES = 64 * 1024 * 1024;
/**
 * A body longer than this (in characters) is stored cut to what a reader is shown anyway, with its
 * length and a SHA-256 of the whole, so one large request cannot hold megabytes in the journal.
 * Up to it, bodies are kept whole (a reader parses JSON up to this size).
 */
export const STORED_BODY_CHARS = MAX_BODY_CHARS * 8;
/** The tail {@link storedBody} leaves on a cut body. */
const STORED_CUT = /… \(\d+ chars, sha256 [0-9a-f]{64}\)$/;
/** What an entry costs beyond its bodies (the record, headers, path): a flat estimate. */
const ENTRY_OVERHEAD = 1024;

/** Counts of the journal, for the control plane. */
export interface JournalStats {
  entries: number;
  bytes: number;
  maxBytes: number;
  /** Entries dropped to keep within the byte budget (not counting the per-tenant cap). */
  evicted: number;
}

/** The journal of one server. */
export interface Journal {
  add(tenantKey: string, exchange: RawExchange): void;
  /** Entries, newest last; filtered by tenant key and/or provider. */
  list(filter?: { key?: string; provider?: string; limit?: number }): JournalEntry[];
  /**
   * One page of entries, newest first, with the number that matched. `path` matches a part of the
   * path; `text` a part of the path, query or either body (a job id finds the requests that touched
   * the job); `status` a status (`404`) or a class (`4xx`). Only the page is redacted.
   */
  page(filter: JournalQuery): { total: number; entries: JournalEntry[] };
  count(key?: string): number;
  stats(): JournalStats;
  deleteTenant(key: string): void;
  clear(): void;
}

/** The filters of {@link Journal.page}. */
export interface JournalQuery {
  key?: string;
  /** Several tenants' entries (with `key`, both apply). */
  keys?: readonly string[];
  provider?: string;
  method?: string;
  path?: string;
  status?: string;
  text?: string;
  /** `text` must stand as a whole token (`job7` does not find `job77`): for ids. */
  word?: boolean;
  offset?: number;
  limit?: number;
}

/** A predicate over raw exchanges for the given filters. */
function matcher(q: JournalQuery): (raw: RawExchange) => boolean {
  const method = q.method?.toUpperCase();
  const status = q.status?.trim().toLowerCase();
  const statusClass = status && /^[1-5]xx$/.test(status) ? Number(status[0]) : undefined;
  const statusExact = status && statusClass === undefined ? Number(status) : undefined;
  const text = q.text;
  const word =
    text && q.word
      ? new RegExp(`(?<![\\w-])${text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?![\\w-])`)
      : undefined;
  const has = text ? (s: string) => s.includes(text) && (!word || word.test(s)) : undefined;
  return (raw) =>
    (!q.provider || raw.provider === q.provider) &&
    (!method || raw.method === method) &&
    (!q.path || raw.path.includes(q.path)) &&
    (statusClass === undefined || Math.floor(raw.status / 100) === statusClass) &&
    (statusExact === undefined || raw.status === statusExact) &&
    (!has ||
      has(raw.path) ||
      has(raw.query) ||
      (raw.requestText !== undefined && has(raw.requestText)) ||
      (raw.responseText !== undefined && has(raw.responseText)));
}

/** Options of {@link createJournal}. */
export interface JournalOptions {
  /** Byte budget of all entries together; the oldest go first. Default 64 MiB. */
  maxBytes?: number;
}

/** A body as stored: cut past {@link STORED_BODY_CHARS}, with the whole's length and hash. */
export function storedBody(text: string | undefined): string | undefined {
  if (text === undefined || text.length <= STORED_BODY_CHARS) return text;
  const sha256 = createHash("sha256").update(text).digest("hex");
  return `${text.slice(0, MAX_BODY_CHARS)}… (${text.length} chars, sha256 ${sha256})`;
}

/**
 * A stored exchange. Records are reused: one dropped from the journal (by the per-key cap, the byte
 * budget or a tenant's deletion) takes the next exchange's fields. An exchange is kept for hundreds
 * of requests, long enough for V8 to move whatever it holds to the old generation: a fresh record
 * per request was much of what a poll moved there, and so of the major collections under polling
 * load (a Qolaba poll cost 29–31 µs of CPU with fresh records, 24–26 µs with reused ones; keeping
 * Node's header object costs less than turning it into one string, which measured 25–28 µs).
 */
interface Stored extends RawExchange {
  seq: number;
  tenantKey: string;
  /** What it counts against the byte budget; -1 once dropped. */
  bytes: number;
}

/** The headers of a blank record (shared: never written to). */
const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});

/** Dropped records kept for reuse, at most. */
const MAX_FREE = 4096;

/** A record in the one shape every record has. */
function blankRecord(): Stored {
  return {
    seq: 0,
    tenantKey: "",
    bytes: -1,
    at: 0,
    provider: "",
    key: undefined,
    method: "",
    path: "",
    query: "",
    requestHeaders: NO_HEADERS,
    requestType: undefined,
    requestText: undefined,
    requestBytes: 0,
    status: 0,
    responseType: undefined,
    responseText: undefined,
    responseBytes: 0,
    faults: [],
    durationMs: 0,
  };
}

/** Creates an empty journal; with `events`, each new entry is announced as `request.journaled`. */
export function createJournal(events?: EventBus, options: JournalOptions = {}): Journal {
  const maxBytes = options.maxBytes ?? DEFAULT_JOURNAL_BYTES;
  const byTenant = new Map<string, Stored[]>();
  // Every entry in arrival order (a queue with a moving head), for the global byte budget, with the
  // seq each had when queued: a record reused since then is another entry, skipped there.
  let order: Stored[] = [];
  let orderSeq: number[] = [];
  let head = 0;
  let entries = 0;
  let bytes = 0;
  let evicted = 0;
  let seq = 0;
  let free: Stored[] = [];

  const dropOldestOf = (list: Stored[]) => {
    const gone = list.shift()!;
    bytes -= gone.bytes;
    entries--;
    // Marks it for the global queue, which skips entries already gone.
    gone.bytes = -1;
    if (free.length < MAX_FREE) free.push(gone);
  };

  return {
    add(tenantKey, raw) {
      const requestText = storedBody(raw.requestText);
      const responseText = storedBody(raw.responseText);
      const size = ENTRY_OVERHEAD + (requestText?.length ?? 0) * 2 + (responseText?.length ?? 0) * 2;
      let list = byTenant.get(tenantKey);
      if (!list) {
        list = [];
        byTenant.set(tenantKey, list);
      }
      const stored = free.pop() ?? blankRecord();
      stored.seq = ++seq;
      stored.tenantKey = tenantKey;
      stored.bytes = size;
      stored.at = raw.at;
      stored.provider = raw.provider;
      stored.key = raw.key;
      stored.method = raw.method;
      stored.path = raw.path;
      stored.query = raw.query;
      stored.requestHeaders = raw.requestHeaders;
      stored.requestType = raw.requestType;
      stored.requestText = requestText;
      stored.requestBytes = raw.requestBytes;
      stored.status = raw.status;
      stored.responseType = raw.responseType;
      stored.responseText = responseText;
      stored.responseBytes = raw.responseBytes;
      stored.faults = raw.faults;
      stored.durationMs = raw.durationMs;
      list.push(stored);
      order.push(stored);
      orderSeq.push(stored.seq);
      entries++;
      bytes += size;
      if (list.length > PER_TENANT) dropOldestOf(list);
      // Global budget: the oldest entries of any tenant go first (a tenant's oldest is its first).
      while (bytes > maxBytes && head < order.length) {
        const oldest = order[head]!;
        const queuedAs = orderSeq[head]!;
        order[head++] = undefined as unknown as Stored;
        if (oldest.bytes < 0 || oldest.seq !== queuedAs) continue;
        const own = byTenant.get(oldest.tenantKey);
        if (own?.[0] === oldest) {
          dropOldestOf(own);
          evicted++;
          if (own.length === 0) byTenant.delete(oldest.tenantKey);
        }
      }
      // The queue holds each entry once; drop the consumed front (and entries gone by the
      // per-tenant cap) once they are most of it.
      if (order.length > 2048 && order.length > 2 * entries) {
        const keptOrder: Stored[] = [];
        const keptSeq: number[] = [];
        for (let i = head; i < order.length; i++) {
          const e = order[i]!;
          if (e.bytes >= 0 && e.seq === orderSeq[i]) {
            keptOrder.push(e);
            keptSeq.push(e.seq);
          }
        }
        order = keptOrder;
        orderSeq = keptSeq;
        head = 0;
      }
      // Built only when someone listens: this runs on every request.
      if (events?.listening) {
        events.publish({
          type: "request.journaled",
          at: raw.at,
          seq,
          provider: raw.provider,
          tenant: raw.key ? maskKey(raw.key) : "anonymous",
          method: raw.method,
          path: raw.path,
          status: raw.status,
        });
      }
    },
    page(q) {
      const wanted = q.key !== undefined ? [q.key, ...(q.keys ?? [])] : q.keys;
      const lists = wanted ? [...new Set(wanted)].map((k) => byTenant.get(k) ?? []) : [...byTenant.values()];
      const match = matcher(q);
      const rows = lists.flatMap((l) => l.filter(match)).sort((a, b) => b.seq - a.seq);
      const offset = q.offset ?? 0;
      const entries = rows.slice(offset, offset + (q.limit ?? 50)).map((e) => toJournalEntry(e.seq, e));
      return { total: rows.length, entries };
    },
    list(filter = {}) {
      const source =
        filter.key !== undefined ? (byTenant.get(filter.key) ?? []) : [...byTenant.values()].flat();
      const rows = source
        .filter((e) => !filter.provider || e.provider === filter.provider)
        .sort((a, b) => a.seq - b.seq);
      return (filter.limit ? rows.slice(-filter.limit) : rows).map((e) => toJournalEntry(e.seq, e));
    },
    count: (key) => (key !== undefined ? (byTenant.get(key)?.length ?? 0) : entries),
    stats: () => ({ entries, bytes, maxBytes, evicted }),
    deleteTenant(key) {
      const list = byTenant.get(key);
      if (!list) return;
      while (list.length) dropOldestOf(list);
      byTenant.delete(key);
    },
    clear() {
      byTenant.clear();
      order = [];
      orderSeq = [];
      free = [];
      head = 0;
      entries = 0;
      bytes = 0;
      evicted = 0;
    },
  };
}
