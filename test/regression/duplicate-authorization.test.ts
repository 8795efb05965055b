/**
 * Regression: a request with two `Authorization` headers was read as the joined value by Qolaba's
 * and TAMS's auth (a tenant named "k, Bearer kb") but as the first header by the core and the
 * journal. Everything now reads the header the core's way: the first one (Node keeps only the
 * first duplicate of `Authorization`).
 */
import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { maskKey } from "../../src/emulators/core/secrets.js";
import type { EmulatorServer, Listening } from "../../src/emulators/core/server.js";
import { createEmulators } from "../../src/emulators/create-emulators.js";
import { T2I } from "../../src/emulators/qolaba/test-support.js";

let server: EmulatorServer;
let listening: Listening;
beforeAll(async () => {
  server = createEmulators({ clock: { mode: "instant" } });
  listening = await server.listen({ port: 0 });
});
afterAll(() => server.close());

/** Sends with two Authorization headers (undici sends a flat header list as given). */
async function twice(path: string, first: string, second: string, body?: unknown) {
  const res = await request(`${listening.url}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: [
      "authorization",
      first,
      "authorization",
      second,
      ...(body === undefined ? [] : ["content-type", "application/json"]),
    ],
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.statusCode, text: await res.body.text() };
}

/** The tenants' keys as `/state` shows them: masked (see maskKey). */
const tenantKeys = async () =>
  ((await (await server.fetch("/__emulator/state")).json()).tenants as { key: string }[]).map((t) => t.key);

describe("duplicate Authorization headers", () => {
  it("Qolaba charges the first key's tenant, and the journal names the same key", async () => {
    const res = await twice("/qolaba/getTextToImage", "Bearer q-first", "Bearer q-second", {
      ...T2I,
      batch: 1,
    });
    expect(res.status).toBe(200);
    const keys = await tenantKeys();
    expect(keys).toContain(maskKey("q-first"));
    expect(keys).not.toContain(maskKey("q-second"));
    const journal = await (await server.fetch("/__emulator/requests?key=q-first&limit=1")).json();
    expect(journal.requests).toHaveLength(1);
  });

  it("TAMS authenticates the first key", async () => {
    // An accepted request: a refused one leaves no tenant to look at.
    const res = await twice("/tams/v1/resource/image", "Bearer t-first", "Bearer t-second", {});
    expect(res.status).toBe(200);
    const keys = await tenantKeys();
    expect(keys).toContain(maskKey("t-first"));
    expect(keys).not.toContain(maskKey("t-second"));
  });

  it("Aitubo and AIThriving read the first key too", async () => {
    await twice("/aitubo/api/user/profile", "Bearer a-first", "Bearer a-second");
    await twice("/aithriving/api/generate/core", "h-first", "h-second", { prompt: "x" });
    const keys = await tenantKeys();
    expect(keys).toEqual(expect.arrayContaining([maskKey("a-first"), maskKey("h-first")]));
    expect(keys).not.toContain(maskKey("a-second"));
    expect(keys).not.toContain(maskKey("h-second"));
  });
});
