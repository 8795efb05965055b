/**
 * A mutating HTTP proxy for the conformance tests: a node:http server on 127.0.0.1 that forwards
 * every request to an upstream emulator over the network and may rewrite JSON answers on the way
 * back, the way a provider changing its API under the suite would look.
 */
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

/** Rewrites a JSON answer in place; gets the request's method and path with query. */
export type JsonRewrite = (body: unknown, request: { method: string; path: string }) => void;

/** A running proxy. */
export interface MutatingProxy {
  url: string;
  close(): Promise<void>;
}

const HOP_HEADERS = ["host", "connection", "content-length", "transfer-encoding", "keep-alive"];

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Starts a proxy to `upstream` (an origin such as `http://127.0.0.1:4000`) on a free port. */
export async function startProxy(upstream: string, rewrite: JsonRewrite): Promise<MutatingProxy> {
  const server = createServer(async (req, res) => {
    try {
      const headers = new Headers();
      for (const [k, v] of Object.entries(req.headers))
        if (!HOP_HEADERS.includes(k) && typeof v === "string") headers.set(k, v);
      const body = req.method === "GET" || req.method === "HEAD" ? undefined : await readBody(req);
      const answer = await fetch(`${upstream}${req.url}`, {
        method: req.method,
        headers,
        body: body ? new Uint8Array(body) : undefined,
      });
      let bytes = Buffer.from(await answer.arrayBuffer());
      if ((answer.headers.get("content-type") ?? "").includes("json") && bytes.length > 0) {
        const json = JSON.parse(bytes.toString("utf8")) as unknown;
        rewrite(json, { method: req.method ?? "GET", path: req.url ?? "/" });
        bytes = Buffer.from(JSON.stringify(json));
      }
      const out: Record<string, string> = {};
      answer.headers.forEach((v, k) => {
        if (!HOP_HEADERS.includes(k) && k !== "content-encoding") out[k] = v;
      });
      res.writeHead(answer.status, { ...out, "content-length": String(bytes.length) });
      res.end(bytes);
    } catch (err) {
      res.writeHead(502, { "content-type": "text/plain" });
      res.end(`proxy: ${(err as Error).message}`);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}
