/**
 * The load generator, run in its own process so the server under test never shares an event loop
 * with its client: undici Pool, N connections, pipelining 1, N requests always in flight, for a
 * fixed time. Every body is read to the end (a file must really be sent, not just its headers).
 *
 * Usage: node --import tsx bench/load-generator.ts URL SECONDS WARMUP_SECONDS CONNECTIONS [HEADER=VALUE ...]
 * With the environment variable LOAD_BODY set, every request is a POST of that body (JSON; the
 * content-type header is added), `{{n}}` in it replaced by a token unique to the request (TAMS's
 * requestId), across runs too. With LOAD_COUNT set, the run stops after that many requests instead of after SECONDS
 * (and every response counts). Prints one JSON line: {requests, bytes, errors, non2xx, seconds, rps}.
 */
import { Pool } from "undici";

/** What one load run measured. */
export interface LoadResult {
  /** Responses completed inside the measured window (after the warm-up). */
  requests: number;
  /** Body bytes read inside the window. */
  bytes: number;
  /** Requests that threw (refused, reset). */
  errors: number;
  /** Responses with a status other than 2xx (any at all makes the figure suspect). */
  non2xx: number;
  /** Length of the measured window. */
  seconds: number;
  /** requests / seconds. */
  rps: number;
  /** Every response, warm-up included (to divide the server's CPU time by). */
  total: number;
}

async function main(argv: string[]): Promise<LoadResult> {
  const [url, seconds, warmup, connections, ...headerArgs] = argv;
  if (!url || !seconds || !warmup || !connections) throw new Error("usage: URL SECONDS WARMUP CONNECTIONS");
  const target = new URL(url);
  const headers = Object.fromEntries(
    headerArgs.map((h) => [h.slice(0, h.indexOf("=")), h.slice(h.indexOf("=") + 1)]),
  );
  const body = process.env.LOAD_BODY;
  const numbered = body?.includes("{{n}}") ?? false;
  const limit =
    process.env.LOAD_COUNT === undefined ? Number.POSITIVE_INFINITY : Number(process.env.LOAD_COUNT);
  let sent = 0;
  const method = body === undefined ? "GET" : "POST";
  if (body !== undefined) headers["content-type"] = "application/json";
  const n = Number(connections);
  const pool = new Pool(target.origin, { connections: n, pipelining: 1 });
  const path = target.pathname + target.search;

  const start = performance.now();
  const counted = Number.isFinite(limit);
  const measureFrom = counted ? start : start + Number(warmup) * 1000;
  const end = counted ? Number.POSITIVE_INFINITY : measureFrom + Number(seconds) * 1000;
  let requests = 0;
  let bytes = 0;
  let errors = 0;
  let non2xx = 0;
  let total = 0;

  const worker = async () => {
    while (performance.now() < end && sent < limit) {
      sent++;
      try {
        const res = await pool.request({
          path,
          method,
          headers,
          // The pid keeps numbers unique across runs against the same server (TAMS would answer a
          // repeated requestId with the job it already made, which is another route's work).
          body: numbered ? body!.replaceAll("{{n}}", `${process.pid}-${sent}`) : body,
        });
        let size = 0;
        for await (const chunk of res.body) size += (chunk as Buffer).length;
        const now = performance.now();
        total++;
        // Responses that finish in the warm-up (connections opening, JIT) or after the end don't count.
        if (now >= measureFrom && now <= end) {
          requests++;
          bytes += size;
          if (res.statusCode < 200 || res.statusCode > 299) non2xx++;
        }
      } catch {
        errors++;
      }
    }
  };
  await Promise.all(Array.from({ length: n }, worker));
  await pool.close();
  const secs = counted ? (performance.now() - start) / 1000 : Number(seconds);
  return { requests, bytes, errors, non2xx, seconds: secs, rps: requests / secs, total };
}

main(process.argv.slice(2)).then(
  (r) => process.stdout.write(`${JSON.stringify(r)}\n`),
  (err: unknown) => {
    process.stderr.write(`load-generator: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
