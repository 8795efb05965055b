/**
 * The proxy in process, against local servers only: plain-HTTP proxy requests to an emulated host
 * reach the provider, to the emulator's own address are served, to another host are refused, or
 * forwarded and tunnelled with passthrough (here to a loopback server, so nothing leaves).
 */
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import { type AddressInfo, connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEmulators, type Emulators } from "../emulators/create-emulators.js";
import { loadCa } from "./ca.js";
import { attachProxy, parseAuthority } from "./proxy.js";

const CA_DIR = mkdtempSync(join(tmpdir(), "imagegen-proxy-ca-"));

/** Sends a raw proxy request and returns the status line and body. */
const raw = (port: number, text: string) =>
  new Promise<string>((resolve, reject) => {
    const socket = connect(port, "127.0.0.1", () => socket.write(text));
    let out = "";
    socket.on("data", (d) => {
      out += d;
    });
    socket.on("end", () => resolve(out));
    socket.on("error", reject);
    setTimeout(() => {
      socket.destroy();
      resolve(out);
    }, 2000);
  });

describe("attachProxy", () => {
  let emulators: Emulators;
  let local: http.Server;
  let localPort: number;
  const servers: { close(): Promise<void>; port: number }[] = [];
  const start = async (passthrough: boolean) => {
    const listening = await emulators.listen({ port: 0 });
    attachProxy(listening.server, { hosts: emulators.hosts, ca: await loadCa(CA_DIR), passthrough });
    const one = { close: listening.close, port: Number(new URL(listening.url).port) };
    servers.push(one);
    return one;
  };
  beforeAll(async () => {
    emulators = createEmulators({ clock: { mode: "instant" } });
    local = http.createServer((_req, res) => res.end("local upstream"));
    await new Promise<void>((r) => local.listen(0, "127.0.0.1", r));
    localPort = (local.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
    await emulators.close();
    local.close();
    rmSync(CA_DIR, { recursive: true, force: true });
  });

  it("parses CONNECT targets, IPv6 included", () => {
    expect(parseAuthority("api.aitubo.ai:443", 443)).toEqual({ hostname: "api.aitubo.ai", port: 443 });
    expect(parseAuthority("[::1]:8443", 443)).toEqual({ hostname: "::1", port: 8443 });
    expect(parseAuthority("Example.COM", 443)).toEqual({ hostname: "example.com", port: 443 });
  });

  it("refuses other hosts, serves emulated hosts and its own address", async () => {
    const { port } = await start(false);
    const emulated = await raw(
      port,
      "GET http://api.aitubo.ai/api/user/profile HTTP/1.1\r\nHost: api.aitubo.ai\r\nAuthorization: Bearer proxy-unit-key\r\nConnection: close\r\n\r\n",
    );
    expect(emulated).toMatch(/^HTTP\/1\.1 200/);
    expect(emulated).toContain('"credit":100000');
    const self = await raw(
      port,
      `GET http://127.0.0.1:${port}/aitubo/api/user/profile HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nAuthorization: Bearer proxy-unit-key\r\nConnection: close\r\n\r\n`,
    );
    expect(self).toMatch(/^HTTP\/1\.1 200/);
    const other = await raw(
      port,
      `GET http://127.0.0.1:${localPort}/ HTTP/1.1\r\nHost: 127.0.0.1:${localPort}\r\nConnection: close\r\n\r\n`,
    );
    expect(other).toMatch(/^HTTP\/1\.1 403/);
    expect(other).toContain("refused 127.0.0.1: it is not an emulated host");
    const tunnel = await raw(
      port,
      `CONNECT 127.0.0.1:${localPort} HTTP/1.1\r\nHost: 127.0.0.1:${localPort}\r\n\r\n`,
    );
    expect(tunnel).toMatch(/^HTTP\/1\.1 403 Forbidden/);
  });

  it("with passthrough, forwards plain HTTP and tunnels CONNECT to other hosts", async () => {
    const { port } = await start(true);
    const forwarded = await raw(
      port,
      `GET http://127.0.0.1:${localPort}/ HTTP/1.1\r\nHost: 127.0.0.1:${localPort}\r\nConnection: close\r\n\r\n`,
    );
    expect(forwarded).toMatch(/^HTTP\/1\.1 200/);
    expect(forwarded).toContain("local upstream");
    const tunnelled = await raw(
      port,
      `CONNECT 127.0.0.1:${localPort} HTTP/1.1\r\nHost: 127.0.0.1:${localPort}\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
    );
    expect(tunnelled).toMatch(/^HTTP\/1\.1 200 Connection Established/);
    expect(tunnelled).toContain("local upstream");
  });
});
