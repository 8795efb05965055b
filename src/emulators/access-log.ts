/**
 * The access log of `serve`: one line per provider request (wall time, provider, method, path,
 * status, duration, the tenant's key masked as the journal masks it (first 4 characters and a hash)); at `debug`, the request and
 * response bodies follow, redacted as the journal redacts them.
 */
import { type RawExchange, toJournalEntry } from "./core/journal.js";
import { maskKey } from "./core/secrets.js";

/** How much `serve` logs. */
export type LogLevel = "silent" | "info" | "debug";

/** The levels, for flag parsing. */
export const LOG_LEVELS: readonly LogLevel[] = ["silent", "info", "debug"];

/**
 * Formats one exchange.
 * @example
 * accessLogLine(exchange, "info", new Date(emulators.clock.now()));
 * // 2026-12-02T05:40:00.123Z aitubo GET /api/user/profile 200 1.2ms ced6…1c5e0a2b
 */
export function accessLogLine(exchange: RawExchange, level: LogLevel, now: Date): string {
  const tenant = exchange.key ? maskKey(exchange.key) : "-";
  const line = `${now.toISOString()} ${exchange.provider} ${exchange.method} ${exchange.path}${exchange.query} ${exchange.status} ${exchange.durationMs}ms ${tenant}`;
  if (level !== "debug") return line;
  const entry = toJournalEntry(0, exchange);
  const show = (body: unknown) => (typeof body === "string" ? body : JSON.stringify(body));
  const extra: string[] = [];
  if (entry.request.body !== undefined) extra.push(`  > ${show(entry.request.body)}`);
  if (entry.response.body !== undefined) extra.push(`  < ${show(entry.response.body)}`);
  return [line, ...extra].join("\n");
}
