/**
 * Ids the real services make random differ on every start; a given seed replays a whole run,
 * ids and images alike.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { EmulatorServer } from "../src/emulators/core/server.js";
import { createEmulators } from "../src/emulators/create-emulators.js";

const servers: EmulatorServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

/** One run: the same requests at the same emulated time; returns the ids and one image's bytes. */
async function run(seed?: number) {
  const server = createEmulators({
    clock: { mode: "manual", start: 1_700_000_000_000 },
    ...(seed !== undefined ? { seed } : {}),
  });
  servers.push(server);
  const post = async (path: string, body: unknown) =>
    (
      await server.fetch(path, {
        method: "POST",
        headers: { authorization: "Bearer seed-test-key-01", "content-type": "application/json" },
        body: JSON.stringify(body),
      })
    ).json();
  const qolaba = await post("/qolaba/getTextToImage", {
    app_id: "ap-oDVXRQ7bCaWW05O52P1mlA",
    prompt: "x",
    height: 512,
    width: 512,
    num_inference_steps: 20,
    guidance_scale: 7.5,
    batch: 1,
    celery: true,
  });
  const aitubo = await post("/aitubo/api/job/create", {
    prompt: "a fox",
    modelId: "642b977d2f2842537c09fe41",
  });
  const tams = await post("/tams/v1/jobs", {
    requestId: "r1",
    stages: [
      { type: "INPUT_INITIALIZE", inputInitialize: { seed: -1, count: 1 } },
      {
        type: "DIFFUSION",
        diffusion: {
          width: 64,
          height: 64,
          prompts: [{ text: "x" }],
          steps: 20,
          sdModel: "600423083519508503",
        },
      },
    ],
  });
  const resource = await post("/tams/v1/resource/image", {});
  server.clock.advance(10 * 60_000);
  const job = await (
    await server.fetch(`/tams/v1/jobs/${tams.job.id}`, {
      headers: { authorization: "Bearer seed-test-key-01" },
    })
  ).json();
  const image = Buffer.from(
    await (await server.fetch(new URL(job.job.successInfo.images[0].url).pathname)).arrayBuffer(),
  );
  return {
    ids: {
      qolaba: qolaba.task_id as string,
      aitubo: aitubo.data.id as string,
      tams: tams.job.id as string,
      resource: resource.resourceId as string,
      output: job.job.successInfo.images[0].id as string,
    },
    image,
  };
}

describe("random ids and --seed", () => {
  it("regression: Qolaba task ids (and Aitubo, TAMS ids) were the same sequence on every start", async () => {
    const a = await run();
    const b = await run();
    for (const name of Object.keys(a.ids) as (keyof typeof a.ids)[])
      expect(a.ids[name], name).not.toBe(b.ids[name]);
    expect(a.ids.qolaba).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a.ids.aitubo).toMatch(/^[0-9a-f]{24}$/);
    expect(a.ids.tams).toMatch(/^\d+$/);
  });

  it("replays a whole run with the same seed: the same ids and the same image bytes", async () => {
    const a = await run(1234);
    const b = await run(1234);
    expect(b.ids).toEqual(a.ids);
    expect(b.image.equals(a.image)).toBe(true);
    expect((await run(1235)).ids.qolaba).not.toBe(a.ids.qolaba);
  });
});
