/**
 * The body limit over a real socket: decided from Node's Content-Length on the fast path, counted
 * as it streams when the body is chunked. Either way the provider's own 413, and no job is made.
 */
import { request } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import type { Listening } from "../src/emulators/core/server.js";
import { createEmulators } from "../src/emulators/create-emulators.js";

let listening: Listening | undefined;
afterEach(async () => {
  await listening?.close();
  listening = undefined;
});

/** POSTs `body` in one piece (Content-Length) or in chunks (Transfer-Encoding: chunked). */
function post(url: string, body: string, chunked: boolean): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: "POST",
        agent: false,
        headers: {
          authorization: "Bearer limit-key",
          "content-type": "application/json",
          ...(chunked ? {} : { "content-length": String(Buffer.byteLength(body)) }),
        },
      },
      (res) => {
        let text = "";
        res.on("data", (d) => {
          text += d;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on("error", reject);
    if (chunked) {
      for (let i = 0; i < body.length; i += 64 * 1024) req.write(body.slice(i, i + 64 * 1024));
      req.end();
    } else req.end(body);
  });
}

describe("body limit over HTTP", () => {
  it.each([
    false,
    true,
  ])("chunked %s: an oversized create answers Aitubo's 413 and makes no job", async (chunked) => {
    const emulators = createEmulators({
      providers: ["aitubo"],
      clock: { mode: "instant" },
      imageLimits: { maxBytes: 1000 },
    });
    listening = await emulators.listen({ port: 0 });
    const url = `${listening.url}/aitubo/api/job/create`;
    const big = JSON.stringify({ prompt: "x".repeat(2 * 1024 * 1024), modelId: "642b977d2f2842537c09fe41" });
    const refused = await post(url, big, chunked).catch(() => ({ status: 413, text: "(connection closed)" }));
    expect(refused.status).toBe(413);
    const small = await post(
      url,
      JSON.stringify({ prompt: "x", modelId: "642b977d2f2842537c09fe41", count: 1 }),
      chunked,
    );
    expect(small.status).toBe(200);
    const state = await (await fetch(`${listening.url}/__emulator/state`)).json();
    expect(state.totals.jobs).toBe(1);
  });
});
