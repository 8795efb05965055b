/**
 * TAMS end to end over a real port, as a client would: upload an image (POST /v1/resource/image,
 * then PUT to the putUrl), img2img from it, upscale the result, poll until SUCCESS, download.
 */
import { fetch } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { imageInfo, loadSharp } from "../src/emulators/core/images.js";
import { createEmulatorServer, type EmulatorServer, type Listening } from "../src/emulators/core/server.js";
import { tamsProvider } from "../src/emulators/tams/index.js";

let server: EmulatorServer;
let listening: Listening;
let base: string;
const auth = { authorization: "Bearer flow-test-key", "content-type": "application/json" };

beforeAll(async () => {
  // Realtime at 50× so the job really waits, runs and finishes while we poll.
  server = createEmulatorServer([tamsProvider], { clock: { mode: "realtime", speed: 50 } });
  listening = await server.listen({ port: 0, host: "127.0.0.1" });
  base = listening.urls.tams!;
});

afterAll(async () => {
  await listening?.close();
  await server?.close();
});

async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: auth,
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  expect(res.status, `${method} ${path}`).toBe(200);
  return (await res.json()) as T;
}

interface JobAnswer {
  job: {
    id: string;
    status: string;
    successInfo?: {
      images: { id: string; url: string; meta: { image: { width: number; height: number } } }[];
    };
  };
}

async function poll(id: string): Promise<JobAnswer["job"]> {
  const seen = new Set<string>();
  for (let i = 0; i < 400; i++) {
    const { job } = await api<JobAnswer>("GET", `/v1/jobs/${id}`);
    seen.add(job.status);
    if (["SUCCESS", "FAILED", "CANCELED"].includes(job.status)) {
      expect(job.status).toBe("SUCCESS");
      return job;
    }
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`job ${id} did not finish; saw ${[...seen].join(", ")}`);
}

describe("TAMS over HTTP", () => {
  it("upload → img2img → upscale → poll → download", async () => {
    const sharp = await loadSharp();
    const photo = await sharp({ create: { width: 320, height: 480, channels: 3, background: "#2a7" } })
      .jpeg()
      .toBuffer();

    // 1. Upload: announce, then PUT the bytes with exactly the headers we were given.
    const { resourceId, putUrl, headers } = await api<{
      resourceId: string;
      putUrl: string;
      headers: Record<string, string>;
    }>("POST", "/v1/resource/image", { expireSec: 3600 });
    expect(putUrl.startsWith(base)).toBe(true);
    const put = await fetch(putUrl, { method: "PUT", headers, body: photo });
    expect(put.status).toBe(200);
    expect(await put.json()).toEqual({ Status: "OK" });

    // 2. img2img from the upload (snake_case and camelCase mixed, int64 as strings, as official demos send).
    const img2img = await api<JobAnswer>("POST", "/v1/jobs", {
      request_id: `flow-${Date.now()}`,
      stages: [
        {
          type: "INPUT_INITIALIZE",
          inputInitialize: { image_resource_id: resourceId, seed: "-1", count: "1" },
        },
        {
          type: "DIFFUSION",
          diffusion: {
            width: "512",
            height: "768",
            prompts: [{ text: "a garden" }],
            steps: 20,
            sd_model: "600423083519508503",
            denoisingStrength: 0.5,
          },
        },
      ],
    });
    expect(img2img.job.status).toBe("CREATED");
    const first = await poll(img2img.job.id);
    const generated = first.successInfo!.images[0]!;
    expect(generated.meta.image).toMatchObject({ width: 512, height: 768 });

    // 3. Upscale the result by its id (no DIFFUSION stage: count 1, diffusion parameters carried).
    const upscale = await api<JobAnswer>("POST", "/v1/jobs", {
      requestId: `flow-up-${Date.now()}`,
      stages: [
        { type: "INPUT_INITIALIZE", inputInitialize: { imageResourceId: generated.id, count: 1 } },
        {
          type: "IMAGE_TO_UPSCALER",
          imageToUpscaler: {
            hrUpscaler: "4x-UltraSharp",
            hrScale: 2,
            hrSecondPassSteps: 10,
            diffusion: { width: 512, height: 768, steps: 20, sdModel: "600423083519508503" },
          },
        },
      ],
    });
    const done = await poll(upscale.job.id);
    const big = done.successInfo!.images[0]!;
    expect(big.meta.image).toMatchObject({ width: 1024, height: 1536 });

    // 4. Download: the URL is the emulator's own, and the file is what the job says.
    expect(big.url.startsWith(base)).toBe(true);
    const file = await fetch(big.url);
    expect(file.status).toBe(200);
    expect(file.headers.get("content-type")).toBe("image/png");
    const info = await imageInfo(Buffer.from(await file.arrayBuffer()));
    expect(info).toMatchObject({ format: "png", width: 1024, height: 1536 });
  });
});
