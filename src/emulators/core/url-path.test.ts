import { describe, expect, it } from "vitest";
import { createEmulatorServer } from "./server.js";
import { testProvider } from "./test-provider.js";
import { firstSegment } from "./url-path.js";

describe("firstSegment", () => {
  it("is the path's first segment, ended by a slash, a query or a fragment", () => {
    expect(firstSegment("http://127.0.0.1:4000/aitubo/api/job/get?id=1")).toBe("aitubo");
    expect(firstSegment("http://h/aitubo")).toBe("aitubo");
    expect(firstSegment("http://h/aitubo?x=/y")).toBe("aitubo");
    expect(firstSegment("http://h/aitubo#top")).toBe("aitubo");
    expect(firstSegment("http://h/")).toBe("");
    expect(firstSegment("http://h")).toBe("");
    // Not decoded: the server's router decides what an escaped prefix means.
    expect(firstSegment("http://h/aitub%6F/x")).toBe("aitub%6F");
  });
});

describe("the server's provider dispatch by first segment", () => {
  const server = createEmulatorServer([testProvider], { clock: { mode: "manual", start: 0 } });
  const post = (path: string) =>
    server.fetch(path, {
      method: "POST",
      headers: { authorization: "Bearer k", "content-type": "application/json" },
      body: JSON.stringify({ prompt: "a cat" }),
    });

  it("answers a provider's route, an escaped prefix the same way, and a near miss as unknown", async () => {
    expect((await post("/test/jobs")).status).toBe(200);
    // The router decodes the escape: the same provider answers it.
    expect((await post("/t%65st/jobs")).status).toBe(200);
    // "/testing/..." is not "/test/...": the server's own 404, not the provider's.
    const miss = await post("/testing/jobs");
    expect(miss.status).toBe(404);
    expect(((await miss.json()) as { error: { message: string } }).error.message).toMatch(/no route/);
    // The bare prefix reaches the provider, whose own 404 is in its shape.
    const bare = await server.fetch("/test");
    expect(await bare.json()).toMatchObject({ ok: false, kind: "not-found" });
    server.close();
  });
});
