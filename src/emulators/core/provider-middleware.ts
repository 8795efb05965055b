/**
 * What runs around every provider route: the base URL, the tenant key, faults and magic words,
 * and the journal.
 */
import type { MiddlewareHandler } from "hono";
import type { Clock } from "./clock.js";
import { type FaultAction, type FaultSet, magicActions } from "./faults.js";
import type { JobDirectives } from "./job-engine.js";
import { type Journal, redactHeaders, redactSecret, summarizeBody } from "./journal.js";
import type { EmulatorEnv, ProviderDefinition } from "./provider.js";

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
}

/** Describes a fault for the journal. */
const describe = (a: FaultAction) =>
  a.type === "latency" ? `latency ${a.ms}ms` : a.type === "error" ? `error ${a.status}` : a.type;

/** Builds the middleware for one mounted provider. */
export function providerMiddleware(options: ProviderMiddlewareOptions): MiddlewareHandler<EmulatorEnv> {
  const { definition, prefix, clock, faults, journal } = options;
  return async function emulatorProviderMiddleware(c, next) {
    const started = performance.now();
    const url = new URL(c.req.url);
    const path = url.pathname.slice(prefix.length) || "/";
    c.set("providerBase", `${url.origin}${prefix}`);
    const key = definition.identify(c);
    c.set("tenantKey", key);

    // The body is read once here (a clone: handlers read the original) for magic words and the journal.
    let requestText: string | undefined;
    const contentType = c.req.header("content-type");
    const length = Number(c.req.header("content-length") ?? "0");
    if (c.req.raw.body && TEXTUAL.test(contentType ?? "") && length <= MAGIC_SCAN_LIMIT) {
      requestText = Buffer.from(await c.req.raw.clone().arrayBuffer()).toString("utf8");
    }

    const actions = [
      ...faults.match({ provider: definition.name, method: c.req.method, path, key }),
      ...(requestText ? magicActions(requestText) : []),
    ];
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
          });
          early.headers.set("Retry-After", String(a.retryAfter));
        } else {
          early = definition.renderError({
            status: a.status,
            kind: "fault",
            message: a.message ?? `injected fault: HTTP ${a.status}`,
          });
        }
      }
    }
    c.set("directives", directives);
    if (latency > 0) await clock.wallDelay(latency);

    if (early) {
      if (early.headers.has(DROP_HEADER)) c.env?.incoming?.socket.destroy();
      c.res = early;
    } else {
      await next();
    }

    // Journal the exchange; only small textual responses are read (a clone, so the client still gets it).
    const res = c.res;
    const resType = res.headers.get("content-type") ?? undefined;
    const resLength = Number(res.headers.get("content-length") ?? "0");
    let resText: string | undefined;
    if (res.body && resType && /json|text/.test(resType) && resLength <= 256 * 1024)
      resText = await res.clone().text();
    journal.add(key ?? "anonymous", {
      at: new Date(clock.now()).toISOString(),
      provider: definition.name,
      tenant: key ? redactSecret(key) : "anonymous",
      method: c.req.method,
      path,
      query: url.search,
      request: {
        headers: redactHeaders(c.req.raw.headers),
        body: summarizeBody(contentType, requestText, requestText?.length ?? length),
      },
      response: {
        status: res.status,
        contentType: resType,
        body: summarizeBody(resType, resText, resText?.length ?? resLength),
      },
      faults: actions.map(describe),
      durationMs: Math.round((performance.now() - started) * 100) / 100,
    });
  };
}
