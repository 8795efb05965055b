/**
 * Found by the fuzz (`npm run fuzz -- --runs 300 --seed 7`):
 *   curl -sS -X POST 'http://127.0.0.1:4000/tams/v1/img2prompt' -H 'authorization: Bearer fz-0' \
 *     -H 'content-type: application/json' --data-binary '{"resourceId":"__proto__"}'
 * answered 500: tables keyed by a client's text were read with `table[text]`, so `__proto__` or
 * `constructor` found Object's prototype or constructor instead of nothing. Every such lookup
 * (TAMS doc resources, node classes, node links, templates; Qolaba apps; the credits module's
 * templates) now reads own keys only, and the answer is the provider's "not found" or argument error.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { estimateTamsTemplate } from "../../src/credits/tams-workflow.js";
import type { EmulatorServer } from "../../src/emulators/core/server.js";
import { createEmulators } from "../../src/emulators/create-emulators.js";

let server: EmulatorServer;
beforeAll(() => {
  server = createEmulators({ clock: { mode: "instant" } });
});
afterAll(() => server.close());

const post = async (path: string, body: unknown, authorization = "Bearer proto") => {
  const res = await server.fetch(path, {
    method: "POST",
    headers: { authorization, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
};

describe("prototype keys in a client's text", () => {
  it.each([
    "__proto__",
    "constructor",
    "toString",
  ])("TAMS img2prompt with resourceId %s is not found", async (id) => {
    const res = await post("/tams/v1/img2prompt", { resourceId: id });
    expect(res.status).toBeLessThan(500);
    expect(res.body).toMatchObject({ code: expect.any(Number), message: expect.any(String) });
  });

  it("TAMS: a template id of constructor is refused, on GET and on check", async () => {
    const get = await server.fetch("/tams/v1/workflows/constructor", {
      headers: { authorization: "Bearer proto" },
    });
    expect(get.status).toBe(400);
    const check = await post("/tams/v1/workflows/template/check", {
      templateId: "constructor",
      fields: { fieldAttrs: [] },
    });
    expect(check.status).toBeLessThan(500);
  });

  it("TAMS: a node of classType constructor, or a link to node constructor, is a workflow error", async () => {
    const res = await post("/tams/v1/jobs/workflow/params/check", {
      params: {
        "1": { classType: "constructor", inputs: {} },
        "2": { classType: "SaveImage", inputs: { images: ["constructor", 0], filename_prefix: "x" } },
      },
    });
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ code: 3 });
  });

  it("Qolaba: an app id of constructor is the backend's unknown-app answer", async () => {
    const res = await post("/qolaba/getTextToImage", {
      app_id: "constructor",
      prompt: "x",
      width: 512,
      height: 512,
      num_inference_steps: 20,
      guidance_scale: 7,
      batch: 1,
    });
    expect(res.body).toMatchObject({
      error: "Internal Error",
      error_data: "('Given APP Id is not available',)",
    });
  });

  it("credits: a template id of constructor is unknown", () => {
    expect(() => estimateTamsTemplate("constructor", { fieldAttrs: [] })).toThrow(/unknown template/);
  });
});
