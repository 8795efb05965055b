/**
 * For each provider, the balance change after a job equals what `src/credits` says the request
 * costs: the emulators charge through the library, not through a number of their own.
 */

import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { estimate } from "../src/credits/index.js";
import type { EmulatorServer } from "../src/emulators/core/server.js";
import { createEmulators } from "../src/emulators/create-emulators.js";

let emulators: EmulatorServer;
afterEach(() => emulators?.close());

const KEY = "credits-check-key";
const balance = async () =>
  (await (await emulators.fetch(`/__emulator/tenants/${KEY}`)).json()).balance as number;
const postJson = (path: string, body: unknown, auth: string) =>
  emulators.fetch(path, {
    method: "POST",
    headers: { authorization: auth, "content-type": "application/json" },
    body: JSON.stringify(body),
  });

/** Sets the balance, runs the request, returns the balance change. */
async function charged(run: () => Promise<Response>): Promise<number> {
  await emulators.fetch(`/__emulator/tenants/${KEY}`, {
    method: "PUT",
    body: JSON.stringify({ balance: 1000 }),
  });
  const res = await run();
  expect(res.status).toBe(200);
  return Math.round((1000 - (await balance())) * 100) / 100;
}

describe("the charge equals the library's total", () => {
  it.each([
    { prompt: "A cat sleeps on the plane", modelId: "642b977d2f2842537c09fe41" },
    { prompt: "two", modelId: "642b977d2f2842537c09fe41", count: 2, steps: 50, width: 768, height: 768 },
  ])("aitubo %#", async (body) => {
    emulators = createEmulators({ providers: ["aitubo"], clock: { mode: "instant" } });
    const spent = await charged(() => postJson("/aitubo/api/job/create", body, `Bearer ${KEY}`));
    expect(spent).toBe(estimate("aitubo", body).total);
    expect(spent).toBeGreaterThan(0);
  });

  it.each([
    [
      "basic/textToImage",
      "/aithriving/api/generate/basic/textToImage",
      { prompt: "x", width: 512, height: 512, steps: 20 },
    ],
    [
      "basic/textToImage",
      "/aithriving/api/generate/basic/textToImage",
      { prompt: "x", width: 512, height: 512, steps: 50 },
    ],
    ["sd3/textToImage", "/aithriving/api/generate/sd3/textToImage", { prompt: "x", model: "sd3-medium" }],
    ["ultra", "/aithriving/api/generate/ultra", { prompt: "x" }],
    ["core", "/aithriving/api/generate/core", { prompt: "x" }],
  ] as const)("aithriving %s %#", async (endpoint, path, body) => {
    emulators = createEmulators({ providers: ["aithriving"], clock: { mode: "instant" } });
    const spent = await charged(() => postJson(path, body, KEY));
    expect(spent).toBe(estimate("aithriving", body, { endpoint }).total);
    expect(spent).toBeGreaterThan(0);
  });

  it.each([
    [
      "getTextToImage",
      {
        app_id: "ap-oDVXRQ7bCaWW05O52P1mlA",
        prompt: "x",
        width: 512,
        height: 512,
        num_inference_steps: 20,
        guidance_scale: 7,
        negative_prompt: "",
        batch: 2,
        celery: false,
      },
    ],
    [
      "getImagetoImage",
      {
        app_id: "ap-1us0FK21Ach6eiWxo22is8",
        prompt: "x",
        image: "https://example.com/a.png",
        num_inference_steps: 30,
        guidance_scale: 7,
        negative_prompt: "",
        batch: 1,
        strength: 0.5,
        celery: true,
      },
    ],
  ] as const)("qolaba %s", async (endpoint, body) => {
    emulators = createEmulators({ providers: ["qolaba"], clock: { mode: "instant" } });
    const spent = await charged(() => postJson(`/qolaba/${endpoint}`, body, `Bearer ${KEY}`));
    expect(spent).toBe(estimate("qolaba", body, { endpoint }).total);
    expect(spent).toBeGreaterThan(0);
  });

  it.each([
    "txt2img-basic",
    "txt2img-upscaler",
    "txt2img-adetailer",
    "inpaint-complete",
  ])("tams %s (the doc's own request; the job's credits, the estimate and the charge agree)", async (name) => {
    const fixture = JSON.parse(
      readFileSync(new URL(`../fixtures/tams/${name}.json`, import.meta.url), "utf8"),
    );
    emulators = createEmulators({ providers: ["tams"], clock: { mode: "instant" } });
    const auth = `Bearer ${KEY}`;
    const { credits: estimated } = await (
      await postJson("/tams/v1/jobs/credits", { stages: fixture.request.stages }, auth)
    ).json();
    let jobId = "";
    const spent = await charged(async () => {
      const res = await postJson("/tams/v1/jobs", fixture.request, auth);
      const body = await res.clone().json();
      jobId = body.job?.id;
      return res;
    });
    const job = (
      await (await emulators.fetch(`/tams/v1/jobs/${jobId}`, { headers: { authorization: auth } })).json()
    ).job;
    expect(spent).toBeGreaterThan(0);
    expect(spent).toBe(Number(estimated));
    expect(spent).toBe(estimate("tams", { stages: fixture.request.stages }).total);
    expect(Number(job.credits)).toBe(spent);
  });
});
