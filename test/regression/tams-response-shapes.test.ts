/**
 * Regression: job answers without the shapes the official types and public clients read.
 * - `runningInfo.processingImages` with a 0-1 float, where the official types declare
 *   `runningInfo.stages[{stageIndex, processingImages[{resourceImage, progress (int32)}]}]`;
 * - no `successInfo.stages` / `failedInfo.stages` [official types];
 * - no `successInfo.imageExifMetaMap`, which public clients index on SUCCESS [public client];
 * - a workflow's SaveImage `outputUi` never shown while the job is RUNNING [doc].
 */
import { readFileSync } from "node:fs";
import { afterAll, describe, expect, it } from "vitest";
import { imageInfo } from "../../src/emulators/core/images.js";
import { exifFileSize } from "../../src/emulators/tams/jobs.js";
import { templateFieldAttrs } from "../../src/emulators/tams/routes-workflow.js";
import { call, finishAll, tamsServer } from "../../src/emulators/tams/test-kit.js";

const server = tamsServer();
afterAll(() => server.close());

let n = 0;
const fresh = () => `shapes-${++n}`;

const stages = [
  { type: "INPUT_INITIALIZE", inputInitialize: { seed: 1234, count: 2 } },
  {
    type: "DIFFUSION",
    diffusion: {
      width: 256,
      height: 384,
      prompts: [{ text: "a boat" }],
      steps: 20,
      sdModel: "600423083519508503",
    },
  },
  {
    type: "IMAGE_TO_UPSCALER",
    imageToUpscaler: { hrUpscaler: "Lanczos", hrScale: 2, hrSecondPassSteps: 10 },
  },
];

describe("regression: runningInfo.stages", () => {
  it("lists the started stages with stageIndex as a string and an int32 percent progress per image", async () => {
    const key = fresh();
    const created = await call(server, "POST", "/v1/jobs", key, { requestId: "run", stages });
    const id = created.body.job.id;
    const seen: { stageIndex: string; processingImages: { progress: number }[] }[][] = [];
    for (let i = 0; i < 400; i++) {
      server.clock.advance(100);
      const job = (await call(server, "GET", `/v1/jobs/${id}`, key)).body.job;
      if (job.status === "SUCCESS") break;
      if (job.status === "RUNNING") {
        expect(job.runningInfo).not.toHaveProperty("processingImages");
        seen.push(job.runningInfo.stages);
      }
    }
    expect(seen.length).toBeGreaterThan(2);
    for (const list of seen) {
      expect(list[0]!.stageIndex).toBe("0");
      list.forEach((s, k) => {
        expect(s.stageIndex).toBe(String(k));
        expect(s.processingImages).toHaveLength(2);
        for (const p of s.processingImages)
          expect(Number.isInteger(p.progress) && p.progress >= 0 && p.progress <= 100).toBe(true);
        // Every stage before the last one listed has finished.
        if (k < list.length - 1) expect(s.processingImages[0]!.progress).toBe(100);
      });
    }
    // The upscaler (stage 2) starts after DIFFUSION (stage 1) has finished.
    expect(seen.some((l) => l.length === 2 && l[1]!.processingImages[0]!.progress < 100)).toBe(true);
    expect(seen.at(-1)).toHaveLength(3);
  });
});

describe("regression: stages of a stuck job", () => {
  it("never shows every stage finished while the job hangs (emu:hang)", async () => {
    const key = fresh();
    const hang = [
      stages[0],
      {
        ...stages[1],
        diffusion: { ...(stages[1] as { diffusion: object }).diffusion, prompts: [{ text: "emu:hang" }] },
      },
    ];
    const created = await call(server, "POST", "/v1/jobs", key, { requestId: "hang", stages: hang });
    server.clock.advance(10 * 60 * 1000);
    const job = (await call(server, "GET", `/v1/jobs/${created.body.job.id}`, key)).body.job;
    expect(job.status).toBe("RUNNING");
    const last = job.runningInfo.stages.at(-1);
    expect(last.processingImages[0].progress).toBeLessThan(100);
  });
});

describe("regression: successInfo.stages and imageExifMetaMap", () => {
  it("answers every stage at 100, the last with the final images, and exif meta per image id", async () => {
    const key = fresh();
    const created = await call(server, "POST", "/v1/jobs", key, { requestId: "ok", stages });
    finishAll(server);
    const job = (await call(server, "GET", `/v1/jobs/${created.body.job.id}`, key)).body.job;
    expect(job.status).toBe("SUCCESS");
    const { images, stages: done, imageExifMetaMap } = job.successInfo;
    expect(done.map((s: { stageIndex: string }) => s.stageIndex)).toEqual(["0", "1", "2"]);
    expect(
      done[2].processingImages.map((p: { resourceImage: { id: string } }) => p.resourceImage.id),
    ).toEqual(images.map((i: { id: string }) => i.id));
    expect(Object.keys(imageExifMetaMap).sort()).toEqual(images.map((i: { id: string }) => i.id).sort());
    for (const [index, image] of images.entries()) {
      const res = await server.fetch(new URL(image.url).pathname + new URL(image.url).search);
      const bytes = Buffer.from(await res.arrayBuffer());
      const info = await imageInfo(bytes);
      expect(imageExifMetaMap[image.id].meta).toEqual({
        FileSize: exifFileSize(bytes.length),
        ImageSize: `${info.width}x${info.height}`,
        MIMEType: "image/png",
        Seed: String(1234 + index),
      });
      expect(imageExifMetaMap[image.id].meta.ImageSize).toBe("512x768");
    }
  });

  it("writes FileSize as exiftool does", () => {
    expect(exifFileSize(1500)).toBe("1500 bytes");
    expect(exifFileSize(5000)).toBe("4.9 kB");
    expect(exifFileSize(400_000)).toBe("391 kB");
    expect(exifFileSize(3_000_000)).toBe("2.9 MB");
  });
});

describe("regression: outputUi while a workflow job is RUNNING", () => {
  it("shows SaveImage's outputUi once every node has finished, while the job is still RUNNING", async () => {
    const fx = JSON.parse(
      readFileSync(new URL("../../fixtures/tams/workflow-create.json", import.meta.url), "utf8"),
    ) as { request: unknown };
    const key = fresh();
    const created = await call(server, "POST", "/v1/jobs/workflow", key, fx.request);
    let found: Record<string, unknown> | undefined;
    for (let i = 0; i < 2000 && !found; i++) {
      server.clock.advance(100);
      const job = (await call(server, "GET", `/v1/jobs/${created.body.job.id}`, key)).body.job;
      if (job.status === "SUCCESS") break;
      if (job.status === "RUNNING" && job.runningInfo.workflowFinishItem.status === "SUCCESS") found = job;
    }
    expect(found, "a RUNNING answer whose nodes have all finished").toBeDefined();
    const item = (
      found!.runningInfo as {
        workflowFinishItem: {
          nodes: Record<string, { outputUi?: { images: { imageResourceId: string; filename: string }[] } }>;
        };
      }
    ).workflowFinishItem;
    const out = item.nodes["9"]!.outputUi!.images[0]!;
    const file = await server.fetch(new URL(out.filename).pathname + new URL(out.filename).search);
    expect(file.status).toBe(200);
  });
});

describe("regression: template fieldAttrs without nodeName", () => {
  it("names each field's node class (LoadImage for the doc template's image field)", async () => {
    const res = await call(server, "GET", "/v1/workflows/676018193025756628", fresh());
    expect(res.body.fields.fieldAttrs).toEqual([
      { nodeId: "25", fieldName: "image", fieldValue: "", nodeName: "LoadImage" },
      { nodeId: "27", fieldName: "text", fieldValue: "1 girl", nodeName: "CLIPTextEncode" },
    ]);
  });

  it("carries inputString, the option list, for a field on a COMBO input", () => {
    const attrs = templateFieldAttrs({
      fields: [{ nodeId: "3", fieldName: "sampler_name", fieldValue: "euler" }],
      params: { "3": { classType: "KSampler", inputs: {} } },
    });
    expect(attrs[0]).toMatchObject({ nodeName: "KSampler" });
    expect(JSON.parse(attrs[0]!.inputString!)).toContain("dpmpp_2m");
  });
});
