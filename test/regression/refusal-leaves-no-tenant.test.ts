/**
 * Found by the fuzz (its first run, every provider):
 *   curl -sS -X POST 'http://127.0.0.1:4000/aitubo/api/job/create' -H 'authorization: Bearer' \
 *     -H 'content-type: application/json' --data-binary '{"prompt":"a lighthouse","width":"yyy…"}'
 * was refused (400), yet left a tenant "Bearer" with a starting balance behind: providers make a
 * key's tenant on first sight, before validating. A refused request now takes the tenant it made
 * away again, when nothing else touched it (no charge, job or file, no other request in flight).
 */
import { afterEach, describe, expect, it } from "vitest";
import type { EmulatorServer } from "../../src/emulators/core/server.js";
import { createEmulators } from "../../src/emulators/create-emulators.js";
import { T2I } from "../../src/emulators/qolaba/test-support.js";

let server: EmulatorServer;
afterEach(() => server?.close());

/** The tenants' keys (masked, as /state shows them): only their number matters here. */
const tenantKeys = async () =>
  ((await (await server.fetch("/__emulator/state")).json()).tenants as { key: string }[]).map((t) => t.key);

const post = (path: string, authorization: string, body: unknown) =>
  server.fetch(path, {
    method: "POST",
    headers: { authorization, "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });

describe("a refused request leaves no tenant behind", () => {
  it.each([
    ["aitubo (HTTP 400)", "/aitubo/api/job/create", "Bearer", { prompt: "x", width: "yyy" }],
    ["tams (HTTP 400)", "/tams/v1/jobs", "Bearer fresh-tams", { stages: "nope" }],
    ["aithriving (HTTP 200, code -1)", "/aithriving/api/generate/core", "fresh-aith", { prompt: 5 }],
    ["qolaba (HTTP 422)", "/qolaba/getTextToImage", "Bearer fresh-qolaba", { prompt: "x" }],
    [
      "aitubo (HTTP 200, code 1000: not enough credit)",
      "/aitubo/api/job/create",
      "Bearer fresh-poor",
      { prompt: "x", modelId: "642b977d2f2842537c09fe41", count: 4 },
    ],
  ])("%s", async (_name, path, authorization, body) => {
    server = createEmulators({ clock: { mode: "instant" }, startCredit: 1 });
    const res = await post(path, authorization, body);
    const text = await res.text();
    expect(res.status >= 400 || /"code":(-1|1000)/.test(text), text).toBe(true);
    expect(await tenantKeys()).toEqual([]);
  });

  it("an accepted request with a new key keeps its tenant, and a refused one does not take it away", async () => {
    server = createEmulators({ clock: { mode: "instant" } });
    const ok = post("/qolaba/getTextToImage", "Bearer both", { ...T2I, batch: 1, celery: true });
    const refused = post("/qolaba/getTextToImage", "Bearer both", { prompt: 1 });
    expect((await refused).status).toBe(422);
    expect((await ok).status).toBe(200);
    const tenant = await (await server.fetch("/__emulator/tenants/both")).json();
    expect(tenant).toMatchObject({ jobs: 1 });
    expect(tenant.ledger.length).toBeGreaterThan(0);
    // A key seen on an accepted read (nothing charged) stays too.
    await server.fetch("/aitubo/api/user/profile", { headers: { authorization: "Bearer reader" } });
    expect((await server.fetch("/__emulator/tenants/reader")).status).toBe(200);
  });
});
