/**
 * The bench's "connect" section (issue 15): what the drop-in paths cost.
 * - Interception: a GET to `https://api.aitubo.ai/...` through Node's fetch with
 *   `interceptProviders()` on, against `emulators.fetch()` of the same route, and against Node's
 *   fetch of it over loopback HTTP (the base-URL way), in process, one request at a time; rounds
 *   interleaved.
 * - The proxy: requests/s of `https://api.aitubo.ai/...` through `serve --proxy` (undici
 *   ProxyAgent, CONNECT + TLS with the local CA, kept alive) against plain HTTP to the same
 *   server's `/aitubo/...`, same connections and duration, rounds interleaved.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Pool, ProxyAgent, request } from "undici";
import { createEmulators } from "../src/emulators/create-emulators.js";
import { CLI, stop, track } from "./children.js";
import { median } from "./stats.js";

const KEY = "bench-connect-key-0001";
const PATH = "/api/user/profile";

/** Figures of the section. */
export interface ConnectFigures {
  /** µs per request, one value per round. */
  interceptedUs: number[];
  directUs: number[];
  /** Node's fetch over loopback HTTP to the same emulators, µs per request. */
  loopbackUs: number[];
  /** requests/s, one value per round. */
  proxyRps: number[];
  directHttpRps: number[];
}

/** Per-request µs of `n` sequential calls of `call`. */
async function perRequest(n: number, call: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 50; i++) await call(); // warm-up
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await call();
  return Number(process.hrtime.bigint() - start) / 1000 / n;
}

/** requests/s of `connections` loops calling `call` for `seconds`. */
async function throughput(connections: number, seconds: number, call: () => Promise<void>): Promise<number> {
  const warmUntil = performance.now() + 500;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < warmUntil) await call();
    }),
  );
  let count = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  await Promise.all(
    Array.from({ length: connections }, async () => {
      while (performance.now() < end) {
        await call();
        count++;
      }
    }),
  );
  return count / ((performance.now() - start) / 1000);
}

async function startProxyServer(caDir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = track(
    spawn(
      process.execPath,
      [CLI, "serve", "--proxy", "--port", "0", "--quiet", "--clock", "instant", "--ca-dir", caDir],
      {
        stdio: ["ignore", "pipe", "inherit"],
      },
    ),
  );
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (d) => {
      out += d;
      if (out.includes("\n")) resolve(out.trim());
    });
    child.once("exit", (code) => reject(new Error(`serve --proxy exited ${code}`)));
  });
  return { child, url };
}

/**
 * Runs the section.
 * @example
 * const figures = await measureConnect({ rounds: 3, requests: 2000, seconds: 3, connections: 20 });
 */
export async function measureConnect(options: {
  rounds: number;
  requests: number;
  seconds: number;
  connections: number;
}): Promise<ConnectFigures> {
  const out: ConnectFigures = {
    interceptedUs: [],
    directUs: [],
    loopbackUs: [],
    proxyRps: [],
    directHttpRps: [],
  };
  const auth = { authorization: `Bearer ${KEY}` };

  // In process: the same route, through interception and directly.
  const emulators = createEmulators({ clock: { mode: "instant" } });
  try {
    for (let r = 0; r < options.rounds; r++) {
      out.directUs.push(
        await perRequest(options.requests, async () => {
          await (await emulators.fetch(`/aitubo${PATH}`, { headers: auth })).arrayBuffer();
        }),
      );
      // A new port each round: no kept-alive socket outlives the server's keep-alive timeout.
      const listening = await emulators.listen({ port: 0 });
      out.loopbackUs.push(
        await perRequest(options.requests, async () => {
          await (await fetch(`${listening.url}/aitubo${PATH}`, { headers: auth })).arrayBuffer();
        }),
      );
      await listening.close();
      const interception = emulators.interceptProviders();
      out.interceptedUs.push(
        await perRequest(options.requests, async () => {
          await (await fetch(`https://api.aitubo.ai${PATH}`, { headers: auth })).arrayBuffer();
        }),
      );
      interception.restore();
    }
  } finally {
    await emulators.close();
  }

  // Over the network stack: the proxy against plain HTTP, one server.
  const caDir = mkdtempSync(join(tmpdir(), "imagegen-bench-ca-"));
  const server = await startProxyServer(caDir);
  const ca = readFileSync(join(caDir, "ca.pem"), "utf8");
  const proxied = new ProxyAgent({ uri: server.url, connections: options.connections, requestTls: { ca } });
  const direct = new Pool(server.url, { connections: options.connections });
  try {
    for (let r = 0; r < options.rounds; r++) {
      out.directHttpRps.push(
        await throughput(options.connections, options.seconds, async () => {
          const res = await direct.request({ path: `/aitubo${PATH}`, method: "GET", headers: auth });
          await res.body.arrayBuffer();
        }),
      );
      out.proxyRps.push(
        await throughput(options.connections, options.seconds, async () => {
          const res = await request(`https://api.aitubo.ai${PATH}`, { headers: auth, dispatcher: proxied });
          await res.body.arrayBuffer();
        }),
      );
    }
  } finally {
    await Promise.all([proxied.close(), direct.close()]);
    await stop(server.child);
    rmSync(caDir, { recursive: true, force: true });
  }
  return out;
}

/** Median helper re-exported for the report. */
export { median };
