import { afterEach, describe, expect, it } from "vitest";
import { createHostTable, hostnameOf } from "./hosts.js";
import { createEmulatorServer, type EmulatorServer } from "./server.js";
import { testProvider } from "./test-provider.js";

describe("host table", () => {
  const table = createHostTable({
    a: [{ host: "api.a.test" }, { host: "files.a.test", path: "/files" }],
    b: ["*.b.test"],
  });

  it("matches exact hosts, any subdomain of a wildcard, and nothing else", () => {
    expect(table.match("api.a.test")?.provider).toBe("a");
    expect(table.match("API.A.TEST")?.provider).toBe("a");
    expect(table.match("eu-1.b.test")?.provider).toBe("b");
    expect(table.match("b.test")).toBeUndefined();
    expect(table.match("evil-b.test")).toBeUndefined();
    expect(table.match("a.test")).toBeUndefined();
  });

  it("refuses a host that is not a hostname, and one another provider owns", () => {
    expect(() => table.add("a", "http://x.test/")).toThrow(/not a hostname: "http:\/\/x.test\/"/);
    expect(() => table.add("a", "*.b.test")).toThrow(/already belongs to provider b/);
  });

  it("reads the hostname of absolute URLs without a port, userinfo or brackets", () => {
    expect(hostnameOf("https://api.a.test/x?y=1")).toBe("api.a.test");
    expect(hostnameOf("http://u:p@api.a.test:8080/x")).toBe("api.a.test");
    expect(hostnameOf("http://[::1]:4000/x")).toBe("::1");
    expect(hostnameOf("http://127.0.0.1:4000")).toBe("127.0.0.1");
  });
});

describe("a request to a real host", () => {
  let server: EmulatorServer;
  afterEach(() => server?.close());

  it("is the same request as one under /<provider>, and a path-mapped host serves its path", async () => {
    server = createEmulatorServer([testProvider], {
      clock: { mode: "instant" },
      hosts: { test: ["api.test.example", { host: "cdn.test.example", path: "/files" }] },
    });
    const created = await server.fetch("https://api.test.example/jobs", {
      method: "POST",
      headers: { authorization: "Bearer k1", "content-type": "application/json" },
      body: JSON.stringify({ prompt: "a fox" }),
    });
    expect(await created.json()).toMatchObject({ ok: true, id: "job1", balance: 99_999 });
    // The same tenant's state, whichever way the request came.
    expect((await (await server.fetch("/test/jobs/job1")).json()).ok).toBe(true);
    const file = await server.fetch("https://cdn.test.example/out/job1.png");
    expect(file.headers.get("content-type")).toBe("image/png");
    // Another host is the main app's (a 404 naming the mounts), never the provider's.
    expect((await server.fetch("https://other.example/jobs/job1")).status).toBe(404);
  });

  it("refuses hosts for a provider it does not serve", () => {
    expect(() => createEmulatorServer([testProvider], { hosts: { nope: ["x.test"] } })).toThrow(
      /hosts: nope is not a served provider/,
    );
  });
});
