/**
 * A webhook receiver for scenarios: a node:http server on 127.0.0.1 (a free port) that records
 * every POST and answers 200. Loopback only, so it works against emulators on this machine; a live
 * provider cannot reach it (webhook scenarios are emulator-only for that reason).
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

/** One delivery received. */
export interface Delivery {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON, or the text when it is not JSON. */
  body: unknown;
}

/** A running receiver. */
export interface LoopbackReceiver {
  /** The URL to hand the provider (`http://127.0.0.1:PORT/hook`). */
  url: string;
  deliveries: Delivery[];
  close(): Promise<void>;
}

/**
 * Starts a receiver; close it in a `finally`.
 * @example
 * const hook = await startReceiver();
 * try { ... hook.deliveries ... } finally { await hook.close(); }
 */
export async function startReceiver(): Promise<LoopbackReceiver> {
  const deliveries: Delivery[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // Recorded as text; the scenario's schema check says what is wrong.
      }
      deliveries.push({ path: req.url ?? "/", headers: req.headers, body });
      res.writeHead(200, { "content-type": "application/json" });
      res.end("{}");
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    deliveries,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
