/**
 * `imageExifMetaMap.FileSize` without rendering (issue 14): the first read of a finished job used
 * to render each image to measure it. Now it renders none, and each image downloads at exactly the
 * size the read named.
 */
import { afterEach, describe, expect, it } from "vitest";
import { readImageParams } from "../core/images.js";
import type { EmulatorServer } from "../core/server.js";
import { exifFileSize } from "./jobs.js";
import { call, finishAll, tamsServer } from "./test-kit.js";

let server: EmulatorServer;
afterEach(() => server?.close());

const stages = (count: number) => [
  { type: "INPUT_INITIALIZE", inputInitialize: { seed: 5, count } },
  {
    type: "DIFFUSION",
    diffusion: {
      width: 512,
      height: 768,
      prompts: [{ text: "a paper boat on a pond" }],
      steps: 20,
      sdModel: "600423083519508503",
    },
  },
];
const cacheBytes = async () =>
  (await (await server.fetch("/__emulator/state")).json()).files.cacheBytes as number;

describe("FileSize", () => {
  it("regression: the first read of a finished job rendered its images; now none, and each download is the size it named", async () => {
    server = tamsServer();
    const created = await call(server, "POST", "/v1/jobs", "fs", { requestId: "fs-1", stages: stages(3) });
    finishAll(server);
    const { job } = (await call(server, "GET", `/v1/jobs/${created.body.job.id}`, "fs")).body;
    expect(job.status).toBe("SUCCESS");
    expect(await cacheBytes()).toBe(0);
    for (const image of job.successInfo.images as { id: string; url: string }[]) {
      const u = new URL(image.url);
      const res = await server.fetch(u.pathname + u.search);
      const bytes = Buffer.from(await res.arrayBuffer());
      expect(res.headers.get("content-length")).toBe(String(bytes.length));
      expect(job.successInfo.imageExifMetaMap[image.id].meta.FileSize).toBe(exifFileSize(bytes.length));
      expect((await readImageParams(bytes))?.prompt).toBe("a paper boat on a pond");
    }
    // A later read names the same sizes.
    const again = (await call(server, "GET", `/v1/jobs/${created.body.job.id}`, "fs")).body.job;
    expect(again.successInfo.imageExifMetaMap).toEqual(job.successInfo.imageExifMetaMap);
  });
});
