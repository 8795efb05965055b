/**
 * What runs around every provider route: the base URL, the tenant key, faults and magic words,
 * and the journal.
 */
import type { MiddlewareHandler } from "hono";
import type { Clock } from "./clock.js";
import type { EventBus } from "./events.js";
import { type FaultAction, type FaultSet, magicActions, NO_ACTIONS } from "./faults.js";
import type { JobDirectives } from "./job-engine.js";
import type { Journal } from "./journal.js";
import type { FaultRecord } from "./persistence.js";
import { type EmulatorEnv, type ProviderDefinition, requestHeader, sendJson } from "./provider.js";
import { parseJsonText } from "./validation.js";

/** A response that tells the in-process fetch (and the node server) to drop the connection. */
export const DROP_HEADER = "x-emulator-drop-connection";

/** Request bodies larger than this are not scanned for magic words (big uploads). */
const MAGIC_SCAN_LIMIT = 2 * 1024 * 1024;

const TEXTUAL = /json|text|x-www-form-urlencoded|multipart/i;

/** Options for {@link providerMiddleware}. */
export interface ProviderMiddlewareOptions {
  definition: ProviderDefinition;
  prefix: string;
  clock: Clock;
  faults: FaultSet;
  journal: Journal;
  /** True when a tenant exists for the key (without creating it). */
  hasTenant(key: string): boolean;
  /**
   * Drops the key's tenant if nothing but this request touched it: called when a request that
   * created it was refused, so a refusal leaves no tenant behind.
   */
  forgetUntouchedTenant(key: string): void;
  /**
   * With a state directory: per-request fault records. A recorded request notes the actions its
   * rules matched; a replayed one applies the recorded actions instead of matching again.
   */
  faultRecords?: WeakMap<Request, FaultRecord>;
  /** Where fired faults are announced (`fault.fired`). */
  events?: EventBus;
}

/** The journal's fault list when none fired (shared: the journal copies it when read). */
const NO_FAULTS: readonly string[] = Object.freeze([]);

/** Describes a fault for the journal. */
const describe = (a: FaultAction) =>
  a.type === "latency" ? `latency ${a.ms}ms` : a.type === "error" ? `error ${a.status}` : a.type;

/** Builds the middleware for one mounted provider. */
export function providerMiddleware(options: ProviderMiddlewareOptions): MiddlewareHandler<EmulatorEnv> {
  const { definition, prefix, clock, faults, journal, events } = options;
  /** Requests in flight per key whose tenant did not exist when they started. */
  const creating = new Map<string, number>();
  return async function emulatorProviderMiddleware(c, next) {
    const started = performance.now();
    // String work instead of `new URL()`: this runs on every request, the hot path included.
    const url = c.req.url;
    const origin = url.slice(0, url.indexOf("/", url.indexOf("//") + 2));
    const q = url.indexOf("?");
    const path = c.req.path.slice(prefix.length) || "/";
    c.set("providerBase", `${origin}${prefix}`);
    const key = definition.identify(c);
    c.set("tenantKey", key);
    // A key seen for the first time: if this request is refused, the tenant it made goes again.
    const isNewKey = key !== undefined && !options.hasTenant(key);
    if (isNewKey) creating.set(key, (creating.get(key) ?? 0) + 1);

    // Only requests that can carry a body are read (touching the body of a GET would take
    // @hono/node-server off its fast path). `c.req.text()` is cached: handlers read it again for free,
    // and multipart handlers still get the untouched raw body.
    let requestText: string | undefined;
    const contentType = requestHeader(c, "content-type");
    const length = Number(requestHeader(c, "content-length") ?? "0");
    const method = c.req.method;
    if (
      method !== "GET" &&
      method !== "HEAD" &&
      TEXTUAL.test(contentType ?? "") &&
      length <= MAGIC_SCAN_LIMIT
    ) {
      requestText = /multipart/i.test(contentType ?? "")
        ? Buffer.from(await c.req.raw.clone().arrayBuffer()).toString("utf8")
        : await c.req.text();
    }

    const record = options.faultRecords?.get(c.req.raw);
    const matched = record?.replay
      ? (record.replay as FaultAction[]).filter((a) => a.type !== "latency")
      : faults.match({ provider: definition.name, method, path, key });
    if (record && !record.replay) record.matched = matched;
    const magic = requestText ? magicActions(requestText) : NO_ACTIONS;
    const actions = magic.length > 0 ? [...matched, ...magic] : matched;
    const directives: JobDirectives = {};
    let latency = 0;
    let early: Response | undefined;
    for (const a of actions) {
      if (a.type === "latency") latency += a.ms;
      else if (a.type === "fail-job")
        directives.fail = { reason: a.reason ?? "failed on purpose (fault rule)" };
      else if (a.type === "hang-job") directives.hang = true;
      else if (a.type === "slow-job") directives.slowFactor = Math.max(directives.slowFactor ?? 1, a.factor);
      else if (a.type === "nsfw") directives.nsfw = true;
      else if (!early) {
        if (a.type === "drop") early = new Response(null, { status: 502, headers: { [DROP_HEADER]: "1" } });
        else if (a.type === "rate-limit") {
          early = definition.renderError({
            status: 429,
            kind: "rate-limit",
            message: "rate limit exceeded (injected fault)",
            retryAfter: a.retryAfter,
            path,
          });
          early.headers.set("Retry-After", String(a.retryAfter));
        } else {
          early = definition.renderError({
            status: a.status,
            kind: "fault",
            message: a.message ?? `injected fault: HTTP ${a.status}`,
            path,
          });
        }
      }
    }
    c.set("directives", directives);
    if (actions.length > 0 && events?.listening) {
      events.publish({
        type: "fault.fired",
        at: clock.now(),
        provider: definition.name,
        method,
        path,
        faults: actions.map(describe),
      });
    }
    if (latency > 0) await clock.wallDelay(latency);

    // What a handler answers with c.json() is serialised once, sent, and kept for the journal, so the
    // journal never has to read the response back (which would take node-server off its fast path).
    c.json = ((object: unknown, arg?: number | ResponseInit, headers?: Record<string, string>) =>
      sendJson(c, JSON.stringify(object), arg, headers)) as typeof c.json;

    if (early) {
      if (early.headers.has(DROP_HEADER)) c.env?.incoming?.socket.destroy();
      c.res = early;
    } else {
      await next();
    }

    // Journal the exchange; parsing and redaction wait until someone reads the journal. An answer
    // sent as JSON text (sendJson, c.json) is known with its type and length, so the response's
    // headers are not touched (reading them makes @hono/node-server build a Headers object). Any
    // other small textual response is read once and replaced by a plain copy (a clone would tee
    // the stream and slow every answer).
    const res = c.res;
    const sent = c.get("sentJson");
    const own = sent?.res === res ? sent : undefined;
    let resText = own?.text;
    const resType = own ? own.type : (res.headers.get("content-type") ?? undefined);
    const resLength =
      resText === undefined ? Number(res.headers.get("content-length") ?? "0") : resText.length;
    if (
      resText === undefined &&
      resType &&
      /json|text/.test(resType) &&
      resLength <= 256 * 1024 &&
      res.status !== 204
    ) {
      resText = await res.text();
      c.res = undefined;
      c.res = new Response(resText, { status: res.status, headers: res.headers });
    }
    journal.add(key ?? "anonymous", {
      at: clock.now(),
      provider: definition.name,
      key,
      method,
      path,
      query: q >= 0 ? url.slice(q) : "",
      // Node's own header object when served over HTTP (cheaper than building a Headers).
      requestHeaders: c.env?.incoming?.headers ?? c.req.header(),
      requestType: contentType,
      requestText,
      requestBytes: requestText?.length ?? length,
      status: res.status,
      responseType: resType,
      responseText: resText,
      responseBytes: resText?.length ?? resLength,
      faults: actions.length === 0 ? NO_FAULTS : actions.map(describe),
      durationMs: Math.round((performance.now() - started) * 100) / 100,
    });

    if (isNewKey) {
      const left = creating.get(key)! - 1;
      if (left > 0) creating.set(key, left);
      else {
        creating.delete(key);
        // Only when no other request for the key is in flight: one may hold the tenant right now.
        if (isRefusal(definition, res.status, resText)) options.forgetUntouchedTenant(key);
      }
    }
  };
}

/** True when an answer refuses its request: an HTTP error, or the provider's failure envelope. */
function isRefusal(definition: ProviderDefinition, status: number, text: string | undefined): boolean {
  if (status >= 400) return true;
  if (!definition.isRefusal || text === undefined) return false;
  const parsed = parseJsonText(text);
  return parsed.ok && definition.isRefusal(parsed.value);
}
