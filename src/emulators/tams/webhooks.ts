/**
 * Webhooks: `notifyUrl` (stage jobs) and `runningNotifyUrl` (workflow jobs) receive the job, as
 * `GET /v1/jobs/{id}` returns it, each time its status changes. Deliveries are scheduled on the
 * emulator clock (nothing fires in manual mode until the clock passes), and a failed delivery is
 * retried 3 times, 1 s, 5 s and 25 s later (emulated). The body shape and the retry policy are
 * inferred: the doc names the fields but not what is sent.
 *
 * Only loopback hosts are called unless the user allows more (`allowWebhookHosts`): an emulator
 * that POSTs wherever a request says would be an SSRF tool. Redirects are not followed, so no
 * hop can leave the allow-list.
 */
import type { Clock } from "../core/clock.js";
import { argumentError } from "./errors.js";

/** Retry delays after a failed delivery, in emulated ms. */
export const WEBHOOK_RETRY_DELAYS_MS = [1_000, 5_000, 25_000] as const;

/** One delivery attempt, for tests and `describe()`. */
export interface WebhookAttempt {
  url: string;
  status: string;
  at: number;
  attempt: number;
  /** HTTP status, or the network error. */
  outcome: number | string;
}

/** Options of {@link createWebhooks}. */
export interface WebhookOptions {
  clock: Clock;
  /** Extra hosts (`example.com`, `hooks.internal:8080`) or `*` for any. */
  allowHosts: readonly string[];
  log(line: string): void;
}

/** The webhook sender. */
export interface Webhooks {
  /** Throws TAMS's argument error naming `field` when the URL cannot be called. */
  check(url: string, field: string): void;
  /** Sends `body` now, retrying on the clock. */
  send(url: string, status: string, body: unknown): void;
  attempts(): readonly WebhookAttempt[];
  clear(): void;
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\]|::1)$/i;

/** Creates the sender. */
export function createWebhooks(options: WebhookOptions): Webhooks {
  const log: WebhookAttempt[] = [];
  const allowed = new Set(options.allowHosts.map((h) => h.toLowerCase()));
  let generation = 0;

  const attempt = (url: string, status: string, text: string, n: number, gen: number) => {
    if (gen !== generation) return;
    const record = (outcome: number | string) => {
      if (gen !== generation) return;
      log.push({ url, status, at: options.clock.now(), attempt: n, outcome });
      if (log.length > 500) log.shift();
      const ok = typeof outcome === "number" && outcome >= 200 && outcome < 300;
      if (!ok) {
        const delay = WEBHOOK_RETRY_DELAYS_MS[n - 1];
        options.log(
          `webhook ${url} (${status}) attempt ${n} failed: ${outcome}${delay ? "; will retry" : "; giving up"}`,
        );
        if (delay !== undefined)
          options.clock.schedule(options.clock.now() + options.clock.duration(delay), () =>
            attempt(url, status, text, n + 1, gen),
          );
      }
    };
    fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: text,
      // A redirect is never followed: its target was not checked against the allow-list, and an
      // allowed receiver must not be able to point the emulator at any other host.
      redirect: "manual",
      // A network-level guard, not job logic: a receiver that never answers must not pin a socket.
      signal: AbortSignal.timeout(10_000),
    })
      .then(async (res) => {
        await res.arrayBuffer().catch(() => undefined);
        // [inferred] A redirect is a failed delivery (retried like any other), said as such.
        record(res.status >= 300 && res.status < 400 ? `${res.status} redirect not followed` : res.status);
      })
      .catch((err: unknown) => record(err instanceof Error ? err.message : String(err)));
  };

  return {
    check(url, field) {
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        throw argumentError(field, `must be an absolute http(s) URL, got ${JSON.stringify(url)}`);
      }
      if (parsed.protocol !== "http:" && parsed.protocol !== "https:")
        throw argumentError(field, `must be an http(s) URL, got ${parsed.protocol}`);
      const host = parsed.hostname.toLowerCase();
      if (
        LOOPBACK.test(host) ||
        allowed.has("*") ||
        allowed.has(host) ||
        allowed.has(parsed.host.toLowerCase())
      )
        return;
      throw argumentError(
        field,
        `host ${parsed.host} is not allowed: the emulator only calls loopback hosts unless started with allowWebhookHosts (--allow-webhook-host)`,
      );
    },
    send(url, status, body) {
      const gen = generation;
      const text = JSON.stringify(body);
      options.clock.schedule(options.clock.now(), () => attempt(url, status, text, 1, gen));
    },
    attempts: () => log,
    clear() {
      generation++;
      log.length = 0;
    },
  };
}
