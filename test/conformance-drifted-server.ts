/**
 * A deliberately drifted emulator for the conformance drift tests: the real emulator app behind a
 * transform that changes its answers, served on 127.0.0.1 (port 0) so the suite reaches it through
 * the `http` target, the same code path as `live`.
 */
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { createEmulatorServer } from "../src/emulators/core/server.js";
import { PROVIDERS } from "../src/emulators/registry.js";

/** Changes one answer; gets the request (already answered) and the emulator's response. */
export type Mutation = (req: Request, res: Response) => Promise<Response>;

/** A served emulator and how to stop it. */
export interface DriftedServer {
  url: string;
  close(): Promise<void>;
}

/** The identity: an unmutated emulator. */
export const unmutated: Mutation = async (_req, res) => res;

/**
 * Rewrites JSON answers of matching requests.
 * @example mutateJson("POST /aitubo/api/job/create", (body) => { ... })
 */
export function mutateJson(
  route: string,
  change: (body: Record<string, unknown>, req: Request) => void,
): Mutation {
  const [method, path] = route.split(" ") as [string, string];
  return async (req, res) => {
    const url = new URL(req.url);
    if (req.method !== method || url.pathname !== path) return res;
    if (!(res.headers.get("content-type") ?? "").includes("json")) return res;
    const body = (await res.json()) as Record<string, unknown>;
    change(body, req);
    const headers = new Headers(res.headers);
    headers.delete("content-length");
    return new Response(JSON.stringify(body), { status: res.status, headers });
  };
}

/** Serves the emulator (instant clock, strict keys, like the in-process target) behind a mutation. */
export async function serveDrifted(
  mutation: Mutation,
  options: { strictKeys?: boolean } = {},
): Promise<DriftedServer> {
  const emulator = createEmulatorServer(PROVIDERS, {
    clock: { mode: "instant" },
    strictKeys: options.strictKeys ?? true,
  });
  return new Promise((resolve, reject) => {
    const server = serve(
      {
        fetch: async (req: Request) => mutation(req, await emulator.app.fetch(req)),
        port: 0,
        hostname: "127.0.0.1",
      },
      (info: AddressInfo) =>
        resolve({
          url: `http://127.0.0.1:${info.port}`,
          close: () =>
            new Promise<void>((done) => {
              if ("closeAllConnections" in server) server.closeAllConnections();
              server.close(() => {
                void emulator.close().then(done);
              });
            }),
        }),
    );
    server.once("error", reject);
  });
}
