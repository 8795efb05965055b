import { once } from "node:events";
import sharp from "sharp";
import { afterEach, describe, expect, it } from "vitest";
import type { EmulatorServer } from "../src/emulators/core/server.js";
import { createEmulators } from "../src/emulators/create-emulators.js";
import { startCli } from "./cli-process.js";

const GOOD = "registered-key-000001";
const BAD = "unregistered-key-00001";
let server: EmulatorServer;
afterEach(() => server?.close());

const png = () =>
  sharp({ create: { width: 64, height: 64, channels: 3, background: "#884422" } })
    .png()
    .toBuffer();

const QOLABA_T2I = {
  app_id: "ap-oDVXRQ7bCaWW05O52P1mlA",
  prompt: "x",
  height: 512,
  width: 512,
  num_inference_steps: 20,
  guidance_scale: 7.5,
  batch: 1,
};

/** Every route that takes a key (catalog routes that never read one are not listed), by provider: [method, path, body]. */
const ROUTES: Record<string, [string, string, unknown?][]> = {
  aitubo: [
    ["GET", "/api/user/profile"],
    ["GET", "/api/model/list?type=platform"],
    ["POST", "/api/job/create", { prompt: "x", modelId: "642b977d2f2842537c09fe41" }],
    ["GET", "/api/job/get?id=000000000000000000000000"],
    ["GET", "/api/job/list"],
    ["POST", "/api/job/upload-image", "multipart"],
    ["POST", "/api/art/segment", { image: "images/tmp/x.png" }],
    ["POST", "/api/job/upscale", { artId: "a", imagePath: "p", upscaleFactor: 2 }],
    ["POST", "/api/transform/create-headshot", {}],
  ],
  tams: [
    ["POST", "/v1/jobs", { requestId: "r1", stages: [] }],
    ["POST", "/v1/jobs/credits", { stages: [] }],
    ["GET", "/v1/jobs/1"],
    ["DELETE", "/v1/jobs/1"],
    ["POST", "/v1/resource/image", {}],
    ["POST", "/v1/resource/image/sts", {}],
    ["GET", "/v1/models/600423083519508503"],
    ["POST", "/v1/controlnet/detect", {}],
    ["POST", "/v1/img2prompt", {}],
    ["POST", "/v1/jobs/workflow", {}],
    ["POST", "/v1/jobs/workflow/params/check", {}],
    ["GET", "/v1/workflows/1"],
    ["POST", "/v1/workflows/template/check", {}],
    ["POST", "/v1/jobs/workflow/template", {}],
  ],
  aithriving: [
    "/api/generate/basic/textToImage",
    "/api/generate/basic/imageToImage",
    "/api/generate/sd3/textToImage",
    "/api/generate/sdv3/textToImage",
    "/api/generate/ultra",
    "/api/generate/core",
    "/api/edit/erase",
    "/api/edit/inpaint",
  ].map((p) => ["POST", p, { prompt: "x" }] as [string, string, unknown]),
  qolaba: [
    ["POST", "/getTextToImage", QOLABA_T2I],
    [
      "POST",
      "/getImagetoImage",
      { ...QOLABA_T2I, app_id: "ap-eRSyl0imzrUrbvgdAYwDTl", image: "http://x/a.png" },
    ],
    ["POST", "/getImage", { id: "x" }],
    ["POST", "/api/v1/getTextToImage", QOLABA_T2I],
  ],
};

async function call(provider: string, [method, path, body]: [string, string, unknown?], key: string) {
  const headers: Record<string, string> = { authorization: `Bearer ${key}` };
  let payload: BodyInit | undefined;
  if (body === "multipart") {
    const form = new FormData();
    form.append("image", new Blob([new Uint8Array(await png())], { type: "image/png" }), "a.png");
    payload = form;
  } else if (body !== undefined) {
    headers["content-type"] = "application/json";
    payload = JSON.stringify(body);
  }
  const res = await server.fetch(`/${provider}${path}`, { method, headers, body: payload });
  return { status: res.status, body: await res.text() };
}

describe("--strict-keys", () => {
  it.each(
    Object.keys(ROUTES),
  )("regression: %s refuses an unregistered key on every route that takes a key, with its auth error", async (provider) => {
    server = createEmulators({
      providers: [provider],
      // Instant: AIThriving and Qolaba answer synchronously after the emulated run time.
      clock: { mode: "instant" },
      strictKeys: true,
      keys: { [GOOD]: 100 },
    });
    const routes = ROUTES[provider]!;
    // The provider's own auth error: AIThriving's is HTTP 200 with code -1, Qolaba's its backend's
    // 500 "Invalid API Key" (see each provider's README table); the same on every route.
    const first = await call(provider, routes[0]!, BAD);
    expect(first.body).toMatch(/key|auth|token/i);
    const shape = (body: string) => {
      const { app_id: _appId, ...rest } = JSON.parse(body) as Record<string, unknown>;
      return rest;
    };
    for (const route of routes) {
      const refused = await call(provider, route, BAD);
      expect({ route: route[1], status: refused.status, body: shape(refused.body) }).toEqual({
        route: route[1],
        status: first.status,
        body: shape(first.body),
      });
      // The registered key gets past auth on the same route (whatever the route then answers).
      const accepted = await call(provider, route, GOOD);
      expect({ route: route[1], body: shape(accepted.body) }).not.toEqual({
        route: route[1],
        body: shape(first.body),
      });
    }
    // Nothing was made for the refused key.
    const state = await (await server.fetch("/__emulator/state")).json();
    expect(state.tenants).toHaveLength(1);
  });
});

describe("tenants kept apart", () => {
  it("regression: an Aitubo upload path of one key worked as another key's imagePath and segment input", async () => {
    server = createEmulators({ providers: ["aitubo"], clock: { mode: "manual" } });
    const form = new FormData();
    form.append("image", new Blob([new Uint8Array(await png())], { type: "image/png" }), "a.png");
    const uploaded = await server.fetch("/aitubo/api/job/upload-image", {
      method: "POST",
      headers: { authorization: "Bearer owner-key-000001" },
      body: form,
    });
    const { path } = (await uploaded.json()).data as { path: string };
    const as = (key: string, route: string, body: unknown) =>
      server.fetch(`/aitubo${route}`, {
        method: "POST",
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    const job = { prompt: "x", modelId: "642b977d2f2842537c09fe41", imagePath: path };
    const stolen = await as("other-key-0000001", "/api/job/create", job);
    expect(stolen.status).toBe(400);
    expect(await stolen.text()).toContain("no uploaded image");
    const url = `http://localhost/aitubo/file/${path}`;
    expect((await as("other-key-0000001", "/api/job/create", { ...job, imagePath: url })).status).toBe(400);
    expect((await as("other-key-0000001", "/api/art/segment", { image: path })).status).toBe(400);
    // Nothing charged to the other key: its refused requests left no tenant at all.
    expect((await server.fetch("/__emulator/tenants/other-key-0000001")).status).toBe(404);
    // The owner still uses it.
    expect((await as("owner-key-000001", "/api/job/create", job)).status).toBe(200);
    expect((await as("owner-key-000001", "/api/art/segment", { image: path })).status).toBe(200);
  });
});

describe("the built CLI's admin token", () => {
  it("requires --admin-token on the control plane when given, and prints how to send it", async () => {
    const { child, url, output } = await startCli(["--admin-token", "cli-admin-token-1"]);
    try {
      const out = output();
      expect(out).toContain("the control plane needs the admin token (--admin-token)");
      expect((await fetch(`${url}/__emulator/state`)).status).toBe(401);
      const ok = await fetch(`${url}/__emulator/state`, {
        headers: { authorization: "Bearer cli-admin-token-1" },
      });
      expect(ok.status).toBe(200);
      expect((await fetch(`${url}/aitubo/api/job/models`)).status).toBe(200);
    } finally {
      const exited = once(child, "exit");
      child.kill("SIGTERM");
      await exited;
    }
  });
});
