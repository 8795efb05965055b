/**
 * Regression: a file path with a malformed percent-escape threw from `decodeURIComponent` and
 * answered 500. It names no file that could exist: each route answers its own 404.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { EmulatorServer } from "../../src/emulators/core/server.js";
import { createEmulators } from "../../src/emulators/create-emulators.js";
import { SDXL_I2I } from "../../src/emulators/qolaba/test-support.js";

let server: EmulatorServer;
afterEach(() => server?.close());

const MALFORMED = ["%E0%A4%A", "%zz", "%c0%ae", "a%", "%ED%A0%80"];

describe("malformed percent-escapes in file paths", () => {
  it.each(MALFORMED)("Aitubo GET /file/%s answers its 404 envelope", async (bad) => {
    server = createEmulators({ clock: { mode: "instant" } });
    const res = await server.fetch(`/aitubo/file/images/${bad}`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({
      code: 404,
      data: null,
      info: expect.stringContaining("no file"),
    });
  });

  it.each(MALFORMED)("TAMS GET /files/%s answers OSS's NoSuchKey in XML", async (bad) => {
    server = createEmulators({ clock: { mode: "instant" } });
    const res = await server.fetch(`/tams/files/${bad}`);
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toBe("application/xml");
    expect(await res.text()).toContain("<Code>NoSuchKey</Code>");
  });

  // Found by the fuzz in the dashboard's file route once it was merged:
  //   curl -sS 'http://127.0.0.1:4000/__emulator/files/%zz/%zz'   → 500
  it.each(MALFORMED)("the control plane's GET /files/aitubo/%s answers its 404", async (bad) => {
    server = createEmulators({ clock: { mode: "instant" } });
    const res = await server.fetch(`/__emulator/files/aitubo/${bad}`);
    expect(res.status).toBe(404);
    expect((await res.json()).error.message).toContain("no aitubo file");
  });

  it("Qolaba: an image URL at such a path is the backend's Image URL Error, and nothing is charged", async () => {
    server = createEmulators({ clock: { mode: "instant" }, keys: { k: 1000 } });
    const res = await server.fetch("/qolaba/getImagetoImage", {
      method: "POST",
      headers: { authorization: "Bearer k", "content-type": "application/json" },
      body: JSON.stringify({
        app_id: SDXL_I2I,
        image: "http://localhost/qolaba/files/%E0%A4%A/0.webp",
        prompt: "a cat",
        guidance_scale: 7,
        batch: 1,
        num_inference_steps: 20,
        strength: 0.5,
      }),
    });
    expect(res.status).toBe(500);
    expect(await res.json()).toMatchObject({ error: "Image URL Error", status: "FAILED" });
    const tenant = await (await server.fetch("/__emulator/tenants/k")).json();
    expect(tenant).toMatchObject({ balance: 1000, jobs: 0, files: [] });
  });
});
