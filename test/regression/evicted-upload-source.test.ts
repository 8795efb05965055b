/**
 * Regression: an image job whose input upload the upload budget (--max-upload-mb) dropped before
 * the job's images were rendered lost its input silently (Aitubo rendered a text-to-image) or
 * failed (TAMS answered 500 on the download). Both now start from a placeholder that says so.
 */
import sharp from "sharp";
import { afterEach, expect, it } from "vitest";
import { readImageParams } from "../../src/emulators/core/images.js";
import type { EmulatorServer } from "../../src/emulators/core/server.js";
import { createEmulators } from "../../src/emulators/create-emulators.js";
import { call, finishAll, tamsServer, upload } from "../../src/emulators/tams/test-kit.js";

let server: EmulatorServer;
afterEach(() => server?.close());

it("Aitubo: an img2img job whose upload was dropped still derives its image, from a placeholder", async () => {
  const png = await sharp({ create: { width: 64, height: 64, channels: 3, background: "#3366cc" } })
    .png()
    .toBuffer();
  server = createEmulators({
    clock: { mode: "instant" },
    providers: ["aitubo"],
    limits: { maxUploadBytes: png.length + 600 },
  });
  const headers = { authorization: "Bearer dropped-source" };
  const upload = async () => {
    const form = new FormData();
    form.set("image", new Blob([new Uint8Array(png)], { type: "image/png" }), "a.png");
    const res = await server.fetch("/aitubo/api/job/upload-image", { method: "POST", headers, body: form });
    return (await res.json()).data.path as string;
  };
  const imagePath = await upload();
  const created = await server.fetch("/aitubo/api/job/create", {
    method: "POST",
    headers: { ...headers, "content-type": "application/json" },
    body: JSON.stringify({ prompt: "x", modelId: "642b977d2f2842537c09fe41", count: 1, imagePath }),
  });
  const { id } = (await created.json()).data;
  await upload(); // the budget drops the first upload
  const job = (await (await server.fetch(`/aitubo/api/job/get?id=${id}`)).json()).data.result.data;
  const res = await server.fetch(new URL(job.domain + job.images[0]).pathname);
  expect(res.status).toBe(200);
  expect(await readImageParams(Buffer.from(await res.arrayBuffer()))).toMatchObject({
    derivedFromSource: true,
  });
});

it("TAMS: a job whose input resource's bytes were dropped renders its image (it answered 500)", async () => {
  const png = await sharp({ create: { width: 96, height: 96, channels: 3, background: "#cc6633" } })
    .png()
    .toBuffer();
  server = tamsServer({ limits: { maxUploadBytes: png.length + 600 } });
  const first = await upload(server, "late", png);
  const created = await call(server, "POST", "/v1/jobs", "late", {
    requestId: "uses-later-dropped",
    stages: [
      { type: "INPUT_INITIALIZE", inputInitialize: { imageResourceId: first, count: 1 } },
      {
        type: "DIFFUSION",
        diffusion: {
          width: 512,
          height: 512,
          prompts: [{ text: "x" }],
          steps: 20,
          sdModel: "600423083519508503",
        },
      },
    ],
  });
  expect(created.status).toBe(200);
  await upload(server, "late", png); // the budget drops the first one's bytes
  finishAll(server);
  const job = (await call(server, "GET", `/v1/jobs/${created.body.job.id}`, "late")).body.job;
  const u = new URL(job.successInfo.images[0].url);
  const res = await server.fetch(u.pathname + u.search);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe("image/png");
  expect(await readImageParams(Buffer.from(await res.arrayBuffer()))).toMatchObject({
    derivedFromSource: true,
  });
});
