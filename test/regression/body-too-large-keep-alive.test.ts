/**
 * Regression: a 413 answered on a keep-alive connection left the socket unusable, so a client's
 * next request on it failed with a connection error; and Aitubo's 413 body said `code: 400`. The
 * 413 now says `Connection: close` (undici then opens a new connection), and every provider's
 * body carries its own shape for it (Aitubo: code 413, the HTTP status, as all its inferred codes).
 */
import { Agent, request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EmulatorServer, Listening } from "../../src/emulators/core/server.js";
import { createEmulators } from "../../src/emulators/create-emulators.js";

let server: EmulatorServer;
let listening: Listening;
// One connection, kept alive: the second request must go out on whatever the first left behind.
const agent = new Agent({ connections: 1, pipelining: 1, keepAliveTimeout: 10_000 });

beforeAll(async () => {
  server = createEmulators({ clock: { mode: "instant" }, imageLimits: { maxBytes: 1024 } });
  listening = await server.listen({ port: 0 });
});
afterAll(async () => {
  await agent.close();
  await server.close();
});

const tooBig = Buffer.alloc(1024 + 1024 * 1024 + 10, 0x61);

describe("a 413 on a keep-alive connection", () => {
  it.each([
    ["aitubo", "/aitubo/api/job/upload-image", "Bearer k"],
    ["tams", "/tams/v1/resource/image", "Bearer k"],
    ["aithriving", "/aithriving/api/edit/erase", "k"],
    ["qolaba", "/qolaba/getImagetoImage", "Bearer k"],
  ])("%s: says Connection: close, and the next request on the client succeeds", async (_name, path, auth) => {
    const big = await request(`${listening.url}${path}`, {
      method: "POST",
      dispatcher: agent,
      headers: { authorization: auth, "content-type": "application/octet-stream" },
      body: tooBig,
    });
    expect(big.statusCode).toBe(413);
    expect(big.headers.connection).toBe("close");
    await big.body.text();
    for (let i = 0; i < 3; i++) {
      const next = await request(`${listening.url}/__emulator/health`, { dispatcher: agent });
      expect(next.statusCode).toBe(200);
      await next.body.text();
    }
  });

  it("Aitubo's 413 body carries code 413", async () => {
    const res = await request(`${listening.url}/aitubo/api/job/create`, {
      method: "POST",
      dispatcher: agent,
      headers: { authorization: "Bearer k", "content-type": "application/json" },
      body: tooBig,
    });
    expect(res.statusCode).toBe(413);
    expect(await res.body.json()).toMatchObject({ code: 413, data: null });
  });

  it("TAMS's storage host answers 413 in OSS's XML, as the README says", async () => {
    const res = await request(`${listening.url}/tams/upload/some-id`, {
      method: "PUT",
      dispatcher: agent,
      headers: { "content-type": "application/octet-stream" },
      body: tooBig,
    });
    expect(res.statusCode).toBe(413);
    expect(res.headers["content-type"]).toBe("application/xml");
    expect(await res.body.text()).toContain("<Code>EntityTooLarge</Code>");
  });
});
