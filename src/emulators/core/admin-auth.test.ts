import { afterEach, describe, expect, it } from "vitest";
import { ADMIN_TOKEN_HEADER, adminTokenPolicy, isLoopbackHost } from "./admin-auth.js";
import { createEmulatorServer, type EmulatorServer } from "./server.js";
import { testProvider } from "./test-provider.js";

let server: EmulatorServer | undefined;
afterEach(() => server?.close());

describe("admin token policy", () => {
  it("keeps the control plane open on loopback binds only", () => {
    for (const host of ["127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]"])
      expect(adminTokenPolicy(host, undefined), host).toEqual({ token: undefined, generated: false });
    for (const host of ["0.0.0.0", "::", "192.168.1.20", "10.0.0.1", "example.com"]) {
      expect(isLoopbackHost(host), host).toBe(false);
      const policy = adminTokenPolicy(host, undefined);
      expect(policy.generated, host).toBe(true);
      expect(policy.token, host).toMatch(/^[\w-]{32}$/);
    }
    // Two starts never share a generated token.
    expect(adminTokenPolicy("0.0.0.0", undefined).token).not.toBe(
      adminTokenPolicy("0.0.0.0", undefined).token,
    );
  });

  it("requires a configured token on any bind", () => {
    expect(adminTokenPolicy("127.0.0.1", "s3cret-token")).toEqual({
      token: "s3cret-token",
      generated: false,
    });
    expect(adminTokenPolicy("0.0.0.0", "s3cret-token")).toEqual({ token: "s3cret-token", generated: false });
  });
});

describe("control plane behind the admin token", () => {
  it("regression: a non-loopback bind exposed reset, balances and keys with no authentication", async () => {
    // The token a 0.0.0.0 bind gets, served on 127.0.0.1 (tests never bind another address).
    const { token } = adminTokenPolicy("0.0.0.0", undefined);
    server = createEmulatorServer([testProvider], { clock: { mode: "manual" }, adminToken: token });
    const listening = await server.listen({ port: 0 });
    expect(listening.adminToken).toBe(token);
    const state = `${listening.url}/__emulator/state`;
    const refused = await fetch(state);
    expect(refused.status).toBe(401);
    expect(refused.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect((await refused.json()).error.message).toContain("admin token");
    expect((await fetch(state, { headers: { authorization: "Bearer wrong" } })).status).toBe(401);
    expect((await fetch(`${listening.url}/__emulator/reset`, { method: "POST" })).status).toBe(401);
    expect((await fetch(`${listening.url}/__emulator`)).status).toBe(401);
    expect((await fetch(state, { headers: { authorization: `Bearer ${token}` } })).status).toBe(200);
    expect((await fetch(state, { headers: { [ADMIN_TOKEN_HEADER]: token! } })).status).toBe(200);
    expect((await fetch(`${state}?emulator_admin_token=${token}`)).status).toBe(200);
    // The providers themselves never need it.
    const job = await fetch(`${listening.url}/test/jobs`, {
      method: "POST",
      headers: { authorization: "Bearer tenant-key-1", "content-type": "application/json" },
      body: JSON.stringify({ prompt: "x" }),
    });
    expect(job.status).toBe(200);
  });

  it("stays open on a loopback bind with no token configured", async () => {
    server = createEmulatorServer([testProvider], { clock: { mode: "manual" } });
    const listening = await server.listen({ port: 0, host: "127.0.0.1" });
    expect(listening.adminToken).toBeUndefined();
    expect((await fetch(`${listening.url}/__emulator/state`)).status).toBe(200);
  });
});
