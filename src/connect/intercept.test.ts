/**
 * Interception: requests to the real hosts are answered in process through fetch (including a
 * reference taken before), undici and http/https; other hosts are refused before any DNS or
 * socket; loopback passes; restore() puts everything back. Nothing here reaches the network.
 */
import http from "node:http";
import https from "node:https";
import type { AddressInfo } from "node:net";
import { request as undiciRequest } from "undici";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createEmulators, type Emulators } from "../emulators/create-emulators.js";
import { GLOBAL_DISPATCHER } from "./dispatcher.js";
import type { Interception } from "./intercept.js";
import { interceptProviders } from "./intercept-providers.js";

const KEY = "intercept-test-key";
const auth = { authorization: `Bearer ${KEY}` };
const capturedFetch = globalThis.fetch;

/** Reads a whole http(s) response, or the error the request failed with. */
const httpGet = (mod: typeof http | typeof https, url: string, options: http.RequestOptions = {}) =>
  new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = mod.request(url, { headers: auth, ...options }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => resolve({ status: res.statusCode!, body: Buffer.concat(chunks).toString("utf8") }));
    });
    req.on("error", reject);
    req.end();
  });

/** A local HTTP server answering "local" (to show loopback passes, and what restore brings back). */
async function localServer() {
  const server = http.createServer((_req, res) => res.end("local"));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { server, port: (server.address() as AddressInfo).port };
}

describe("interceptProviders", () => {
  let emulators: Emulators;
  let interception: Interception | undefined;
  beforeEach(() => {
    emulators = createEmulators({ clock: { mode: "instant" }, keys: { [KEY]: 321 } });
  });
  afterEach(async () => {
    interception?.restore();
    interception = undefined;
    await emulators.close();
  });

  it("answers fetch, a fetch taken before installation, undici and http/https at the real hosts", async () => {
    interception = emulators.interceptProviders();
    const profile = "https://api.aitubo.ai/api/user/profile";
    for (const f of [fetch, capturedFetch]) {
      const body = await (await f(profile, { headers: auth })).json();
      expect(body).toMatchObject({ code: 0, data: { credit: 321 } });
    }
    const viaUndici = await undiciRequest(profile, { headers: auth });
    expect(await viaUndici.body.json()).toMatchObject({ data: { credit: 321 } });
    const viaHttps = await httpGet(https, profile);
    expect(JSON.parse(viaHttps.body)).toMatchObject({ data: { credit: 321 } });
    // Plain http to a real host too: AIThriving's own 404 (JSON in its shape), not a socket error.
    const viaHttp = await httpGet(http, "http://www.aithriving.com/no/such/route");
    expect(viaHttp.status).toBe(404);
    expect(Object.keys(JSON.parse(viaHttp.body))).toEqual(
      Object.keys(await (await emulators.fetch("/aithriving/no/such/route")).json()),
    );
    // A POST body arrives whole.
    const posted = await fetch("https://tams-api.tensor.art/v1/resource/image", {
      method: "POST",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify({ expireSec: 60 }),
    });
    expect((await posted.json()).putUrl).toMatch(/^https:\/\/tams-api\.tensor\.art\/upload\//);
    expect(interception.refused).toEqual([]);
  });

  it("refuses another host by default, naming it and the option, before any DNS lookup", async () => {
    interception = emulators.interceptProviders();
    const err = await fetch("https://api.openai.com/v1/models").catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect(String((err as Error & { cause?: Error }).cause?.message)).toMatch(
      /refused a request to api\.openai\.com: it is not an emulated host\. Let it through with interceptProviders\(\{ allow: \["api\.openai\.com"\] \}\) or \{ passthrough: true \}/,
    );
    await expect(httpGet(https, "https://example.com/")).rejects.toThrow(/refused a request to example\.com/);
    await expect(undiciRequest("https://example.org/")).rejects.toThrow(/refused a request to example\.org/);
    expect(interception.refused).toEqual(["api.openai.com", "example.com", "example.org"]);
  });

  it("lets loopback through, and hosts added per provider are emulated", async () => {
    const local = await localServer();
    interception = emulators.interceptProviders({ hosts: { aitubo: ["aitubo.internal.test"] } });
    expect(await (await fetch(`http://127.0.0.1:${local.port}/`)).text()).toBe("local");
    expect((await httpGet(http, `http://127.0.0.1:${local.port}/`)).body).toBe("local");
    const body = await (
      await fetch("https://aitubo.internal.test/api/user/profile", { headers: auth })
    ).json();
    expect(body.data.credit).toBe(321);
    local.server.close();
  });

  it("restore() puts back the dispatcher fetch used before and the real http module", async () => {
    const slot = globalThis as unknown as Record<symbol, unknown>;
    // A stand-in for whatever dispatcher was installed before: it records what reaches it.
    const reached: string[] = [];
    const before = {
      dispatch(opts: { origin: string; path: string }, handler: { onError(e: Error): void }) {
        reached.push(`${opts.origin}${opts.path}`);
        handler.onError(new Error("stand-in dispatcher"));
        return true;
      },
    };
    const original = slot[GLOBAL_DISPATCHER];
    slot[GLOBAL_DISPATCHER] = before;
    try {
      interception = emulators.interceptProviders();
      expect(slot[GLOBAL_DISPATCHER]).not.toBe(before);
      interception.restore();
      expect(slot[GLOBAL_DISPATCHER]).toBe(before);
      await fetch("https://api.aitubo.ai/api/user/profile").catch(() => {});
      expect(reached).toEqual(["https://api.aitubo.ai/api/user/profile"]);
    } finally {
      slot[GLOBAL_DISPATCHER] = original;
    }
    // http: a request to api.aitubo.ai resolved (by our own lookup) to a local server reaches it.
    const local = await localServer();
    const res = await httpGet(http, `http://api.aitubo.ai:${local.port}/api/user/profile`, {
      lookup: (_host, opts, cb) => {
        const done = cb as (e: null, a: unknown, f?: number) => void;
        if ((opts as { all?: boolean }).all) done(null, [{ address: "127.0.0.1", family: 4 }]);
        else done(null, "127.0.0.1", 4);
      },
    });
    expect(res.body).toBe("local");
    local.server.close();
  });

  it("creates and closes its own emulators when given none", async () => {
    interception = interceptProviders({ clock: { mode: "instant" }, keys: { "own-key": 5 } });
    const body = await (
      await fetch("https://app.aitubo.ai/api/user/profile", { headers: { authorization: "Bearer own-key" } })
    ).json();
    expect(body.data.credit).toBe(5);
  });
});
