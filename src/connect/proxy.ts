/**
 * The HTTP forward proxy on the emulator's own port, for clients in any language: a `CONNECT` to
 * an emulated host is answered by this process, which terminates TLS with a certificate for that
 * host signed by the local CA and hands the decrypted connection to the same HTTP server, so its
 * requests (`Host: api.aitubo.ai`) reach the provider as on the real host. Plain-HTTP proxy
 * requests (`GET http://api.aitubo.ai/...`) go to the emulator the same way. Any other host is
 * refused with 403 and a reason, unless passthrough is on.
 */
import http, { type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { connect as netConnect, type Socket } from "node:net";
import type { Duplex } from "node:stream";
import { createSecureContext, type SecureContext, TLSSocket } from "node:tls";
import type { HostTable } from "../emulators/core/hosts.js";
import type { LocalCa } from "./ca.js";

/** Options of {@link attachProxy}. */
export interface ProxyOptions {
  /** The emulated hosts. */
  hosts: HostTable;
  /** Signs a certificate per emulated host. */
  ca: LocalCa;
  /** Tunnel or forward requests to other hosts instead of refusing them. */
  passthrough?: boolean;
  /** One line per tunnel refused or passed (the access log covers the requests themselves). */
  log?: (line: string) => void;
}

/** Splits `host:port` (and `[v6]:port`) as a CONNECT target names it. */
export function parseAuthority(authority: string, defaultPort: number): { hostname: string; port: number } {
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(authority) ?? /^([^:]+)(?::(\d+))?$/.exec(authority);
  return { hostname: (m?.[1] ?? authority).toLowerCase(), port: m?.[2] ? Number(m[2]) : defaultPort };
}

/** The reason a host is refused, naming the flag that lets it through. */
export function refusalReason(host: string): string {
  return `imagegen-emulators proxy: refused ${host}: it is not an emulated host. Restart with --proxy-passthrough to let other hosts through.`;
}

const refuseSocket = (socket: Duplex, host: string) => {
  const body = `${refusalReason(host)}\n`;
  socket.end(
    `HTTP/1.1 403 Forbidden\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
};

/**
 * Makes `server` (the emulator's listening server) answer as a forward proxy too.
 * @example
 * const listening = await emulators.listen({ port: 4000 });
 * attachProxy(listening.server, { hosts: emulators.hosts, ca: await loadCa() });
 * // curl --proxy http://127.0.0.1:4000 --cacert ca.pem https://api.aitubo.ai/api/user/profile
 */
export function attachProxy(server: Server, options: ProxyOptions): void {
  const { hosts, ca, passthrough = false, log = () => {} } = options;
  const contexts = new Map<string, Promise<SecureContext>>();
  const contextFor = (hostname: string) => {
    let ctx = contexts.get(hostname);
    if (!ctx) {
      ctx = ca.issue([hostname]).then((pair) => createSecureContext(pair));
      ctx.catch(() => contexts.delete(hostname));
      contexts.set(hostname, ctx);
    }
    return ctx;
  };

  server.on("connect", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const { hostname, port } = parseAuthority(req.url ?? "", 443);
    socket.on("error", () => socket.destroy());
    if (hosts.match(hostname)) {
      contextFor(hostname).then(
        (secureContext) => {
          socket.write("HTTP/1.1 200 Connection Established\r\n\r\n");
          if (head.length) socket.unshift(head);
          const tls = new TLSSocket(socket as Socket, {
            isServer: true,
            secureContext,
            // A client may name another emulated host in SNI than in CONNECT: answer for that one.
            SNICallback: (name, done) =>
              hosts.match(name)
                ? contextFor(name.toLowerCase()).then((c) => done(null, c), done)
                : done(null, secureContext),
          });
          tls.on("error", () => tls.destroy());
          server.emit("connection", tls);
        },
        () => refuseSocket(socket, hostname),
      );
    } else if (passthrough) {
      log(`proxy: tunnel to ${hostname}:${port} (passthrough)`);
      const upstream = netConnect(port, hostname, () => {
        socket.write("HTTP/1.1 200 Connection Established\r\n\r\n");
        if (head.length) upstream.write(head);
        upstream.pipe(socket);
        socket.pipe(upstream);
      });
      upstream.on("error", () => {
        if (socket.writable) socket.end("HTTP/1.1 502 Bad Gateway\r\nConnection: close\r\n\r\n");
      });
      socket.on("close", () => upstream.destroy());
    } else {
      log(`proxy: refused CONNECT ${hostname}:${port} (not an emulated host)`);
      refuseSocket(socket, `${hostname}:${port}`);
    }
  });

  // Plain-HTTP proxy requests carry an absolute URL. Emulated hosts go on to the emulator (which
  // routes by host); others are refused or forwarded before the emulator sees them.
  const listeners = server.listeners("request") as ((req: IncomingMessage, res: ServerResponse) => void)[];
  server.removeAllListeners("request");
  server.on("request", (req: IncomingMessage, res: ServerResponse) => {
    const target = req.url ?? "";
    if (target.startsWith("http://") || target.startsWith("https://")) {
      let hostname = "";
      try {
        hostname = new URL(target).hostname.replace(/^\[|\]$/g, "").toLowerCase();
      } catch {
        res.writeHead(400, { "content-type": "text/plain" }).end("bad request target\n");
        return;
      }
      if (!hosts.match(hostname) && !isSelf(server, hostname, target)) {
        if (passthrough) {
          forward(req, res, target);
          return;
        }
        log(`proxy: refused ${req.method} ${target} (not an emulated host)`);
        res
          .writeHead(403, { "content-type": "text/plain; charset=utf-8" })
          .end(`${refusalReason(hostname)}\n`);
        return;
      }
    }
    for (const listener of listeners) listener.call(server, req, res);
  });
}

/** A proxy request for the emulator's own address (a client that proxies even loopback). */
function isSelf(server: Server, hostname: string, target: string): boolean {
  if (!/^(localhost|127(\.\d{1,3}){3}|::1)$/.test(hostname)) return false;
  const address = server.address();
  const port = new URL(target).port || "80";
  return typeof address === "object" && address !== null && String(address.port) === port;
}

/** Forwards a plain-HTTP proxy request (passthrough). */
function forward(req: IncomingMessage, res: ServerResponse, target: string): void {
  const headers = { ...req.headers };
  delete headers["proxy-connection"];
  delete headers["proxy-authorization"];
  const upstream = http.request(target, { method: req.method, headers }, (up) => {
    res.writeHead(up.statusCode ?? 502, up.headers);
    up.pipe(res);
  });
  upstream.on("error", (err) => {
    if (!res.headersSent) res.writeHead(502, { "content-type": "text/plain" });
    res.end(`imagegen-emulators proxy: ${err.message}\n`);
  });
  req.pipe(upstream);
}
