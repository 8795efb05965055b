/**
 * Regression: a 5,000-level JSON body overflowed the stack in TAMS's protojson printing (HTTP
 * 500), and the journal then failed to list it. Every provider and the control plane refuse
 * nesting past MAX_JSON_DEPTH with their own error; the journal keeps such a body as text.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { EmulatorServer } from "../../src/emulators/core/server.js";
import { MAX_JSON_DEPTH } from "../../src/emulators/core/validation.js";
import { createEmulators } from "../../src/emulators/create-emulators.js";

let server: EmulatorServer;
afterEach(() => server?.close());

const nested = (levels: number) => `${"[".repeat(levels)}1${"]".repeat(levels)}`;
const deepBody = (field: string, levels = 5000) => `{"${field}":${nested(levels)}}`;

const post = (path: string, body: string, authorization?: string) =>
  server.fetch(path, {
    method: path.startsWith("/__emulator/faults") ? "PUT" : "POST",
    headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}) },
    body,
  });

describe("deep JSON", () => {
  it("TAMS answers its code-3 argument error naming the depth", async () => {
    server = createEmulators({ clock: { mode: "instant" } });
    const res = await post("/tams/v1/jobs", deepBody("stages"), "Bearer k");
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      code: 3,
      message: `body: nests deeper than ${MAX_JSON_DEPTH} levels`,
    });
  });

  it("Aitubo, AIThriving and Qolaba answer in their own shapes", async () => {
    server = createEmulators({ clock: { mode: "instant" } });
    const aitubo = await post("/aitubo/api/job/create", deepBody("prompt"), "Bearer k");
    expect(aitubo.status).toBe(400);
    expect(await aitubo.json()).toEqual({
      code: 400,
      info: `request body nests deeper than ${MAX_JSON_DEPTH} levels`,
      data: null,
    });
    const aithriving = await post("/aithriving/api/generate/core", deepBody("prompt"), "k");
    expect(aithriving.status).toBe(200);
    expect(await aithriving.json()).toMatchObject({ code: -1, message: expect.stringContaining("deeper") });
    const qolaba = await post("/qolaba/getTextToImage", deepBody("prompt"), "Bearer k");
    expect(qolaba.status).toBe(422);
    expect(await qolaba.json()).toMatchObject({
      error: "Validation error",
      error_data: { errors: [{ field: "body", type: "json_invalid" }] },
    });
  });

  it("the control plane refuses it, and the journal lists the request as text", async () => {
    server = createEmulators({ clock: { mode: "instant" } });
    const faults = await post("/__emulator/faults", deepBody("rules"));
    expect(faults.status).toBe(400);
    expect((await faults.json()).error.message).toBe(
      `request body nests deeper than ${MAX_JSON_DEPTH} levels`,
    );
    await post("/tams/v1/jobs", deepBody("stages"), "Bearer k");
    const journal = await server.fetch("/__emulator/requests?limit=1");
    expect(journal.status).toBe(200);
  });

  it("nesting at the limit is still read as JSON (a schema error, not a depth error)", async () => {
    server = createEmulators({ clock: { mode: "instant" } });
    const res = await post("/tams/v1/jobs", deepBody("stages", MAX_JSON_DEPTH - 1), "Bearer k");
    expect(res.status).toBe(400);
    expect((await res.json()).message).not.toContain("deeper");
  });
});
