/**
 * Regression: TAMS's storage routes (the putUrl, the STS form host, result files) answered a 413
 * or a 500 in google.rpc JSON, where the README promises OSS-style XML for everything they say;
 * and their XML put the client's text (a resource id) into `<Message>` unescaped.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { EmulatorServer } from "../../src/emulators/core/server.js";
import { createEmulators } from "../../src/emulators/create-emulators.js";

let server: EmulatorServer;
afterEach(() => server?.close());

/** Parses an OSS error, failing when the body is not one. */
async function ossError(res: Response): Promise<{ code: string; message: string }> {
  expect(res.headers.get("content-type")).toBe("application/xml");
  const xml = await res.text();
  const m =
    /^<\?xml[^>]*\?>\s*<Error>\s*<Code>([^<]*)<\/Code>\s*<Message>([^<]*)<\/Message>\s*<\/Error>\s*$/.exec(
      xml,
    );
  expect(m, xml).not.toBeNull();
  return { code: m![1]!, message: m![2]! };
}

describe("TAMS storage routes answer in OSS XML", () => {
  it.each([
    ["PUT", "/upload/abc", 500, "InternalError"],
    ["POST", "/oss", 503, "ServiceUnavailable"],
    ["GET", "/files/results/x.png", 500, "InternalError"],
  ])("%s %s: an injected %i is XML (%s)", async (method, path, status, code) => {
    server = createEmulators({
      clock: { mode: "instant" },
      faults: [{ provider: "tams", route: `${method} ${path}`, action: { type: "error", status } }],
    });
    const res = await server.fetch(`/tams${path}`, { method, body: method === "GET" ? undefined : "x" });
    expect(res.status).toBe(status);
    expect((await ossError(res)).code).toBe(code);
  });

  it("the API routes keep google.rpc JSON for the same fault", async () => {
    server = createEmulators({
      clock: { mode: "instant" },
      faults: [
        { provider: "tams", route: "POST /v1/resource/image", action: { type: "error", status: 500 } },
      ],
    });
    const res = await server.fetch("/tams/v1/resource/image", {
      method: "POST",
      headers: { authorization: "Bearer k" },
    });
    expect(res.status).toBe(500);
    expect(await res.json()).toMatchObject({ code: 13 });
  });

  it("a resource id with markup is escaped in the message", async () => {
    server = createEmulators({ clock: { mode: "instant" } });
    const res = await server.fetch(`/tams/upload/${encodeURIComponent("<a>&\u0001")}`, {
      method: "PUT",
      body: "x",
    });
    expect(res.status).toBe(404);
    expect((await ossError(res)).message).toContain("&lt;a&gt;&amp;\ufffd");
  });
});
