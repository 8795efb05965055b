/**
 * Regression: a prompt holding characters XML cannot carry (`\u0000`, `\u0007`, `\u001b`,
 * `\uffff`) made the SVG caption invalid: Aitubo, TAMS and Qolaba charged the job, reported
 * success, and then the result file answered 500; AIThriving answered 500. Text drawn into images
 * now goes through one function (`xmlText`), and the prompt still reads back exactly from the
 * image's metadata.
 */
import sharp from "sharp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readImageParams } from "../../src/emulators/core/images.js";
import type { EmulatorServer } from "../../src/emulators/core/server.js";
import { xmlText } from "../../src/emulators/core/xml-text.js";
import { createEmulators } from "../../src/emulators/create-emulators.js";
import { T2I } from "../../src/emulators/qolaba/test-support.js";

const PROMPT = "a cat \u0000 \u0007 \u001b \uffff \ud800 & <b>";

let server: EmulatorServer;
beforeAll(() => {
  server = createEmulators({ clock: { mode: "instant" } });
});
afterAll(() => server.close());

const post = async (path: string, body: unknown, authorization: string) => {
  const res = await server.fetch(path, {
    method: "POST",
    headers: { "content-type": "application/json", authorization },
    body: JSON.stringify(body),
  });
  // biome-ignore lint/suspicious/noExplicitAny: the providers' bodies differ
  return { status: res.status, body: (await res.json()) as any };
};

/** Fetches a result URL and checks it is an image whose metadata holds the prompt as sent. */
async function expectRendered(url: string) {
  const res = await server.fetch(url);
  expect(res.status).toBe(200);
  const bytes = Buffer.from(await res.arrayBuffer());
  expect((await sharp(bytes).metadata()).width).toBeGreaterThan(0);
  expect((await readImageParams(bytes))?.prompt).toBe(PROMPT);
}

describe("control characters in a prompt", () => {
  it("xmlText replaces what XML cannot hold and escapes markup", () => {
    expect(xmlText("a\u0000b\u0007\u001b\uffff\ud800<&>")).toBe(
      "a\ufffdb\ufffd\ufffd\ufffd\ufffd&lt;&amp;&gt;",
    );
    expect(xmlText("tab\tnewline\n\u{1f600}")).toBe("tab\tnewline\n\u{1f600}");
  });

  it("Aitubo: the job's image renders", async () => {
    const created = await post(
      "/aitubo/api/job/create",
      { prompt: PROMPT, modelId: "642b977d2f2842537c09fe41" },
      "Bearer aitubo-ctl",
    );
    expect(created.body.code).toBe(0);
    const job = await (await server.fetch(`/aitubo/api/job/get?id=${created.body.data.id}`)).json();
    const result = job.data.result.data;
    await expectRendered(`${result.domain}${result.images[0]}`);
  });

  it("TAMS: the job's image renders", async () => {
    const created = await post(
      "/tams/v1/jobs",
      {
        requestId: "ctl",
        stages: [
          { type: "INPUT_INITIALIZE", inputInitialize: { seed: 1, count: 1 } },
          {
            type: "DIFFUSION",
            diffusion: {
              width: 512,
              height: 512,
              prompts: [{ text: PROMPT }],
              steps: 20,
              sdModel: "600423083519508503",
            },
          },
        ],
      },
      "Bearer tams-ctl",
    );
    expect(created.status).toBe(200);
    const res = await server.fetch(`/tams/v1/jobs/${created.body.job.id}`, {
      headers: { authorization: "Bearer tams-ctl" },
    });
    const job = (await res.json()).job;
    expect(job.status).toBe("SUCCESS");
    await expectRendered(job.successInfo.images[0].url);
  });

  it("Qolaba: the task's images render", async () => {
    const done = await post("/qolaba/getTextToImage", { ...T2I, prompt: PROMPT, batch: 1 }, "Bearer q-ctl");
    expect(done.body.status).toBe("SUCCESS");
    await expectRendered(done.body.output.result[0]);
  });

  it("AIThriving: answers code 0 with the image", async () => {
    const res = await post(
      "/aithriving/api/generate/basic/textToImage",
      { prompt: PROMPT, width: 320, height: 320 },
      "aith-ctl",
    );
    expect(res.status).toBe(200);
    expect(res.body.code).toBe(0);
    const bytes = Buffer.from(res.body.data.image, "base64");
    expect((await sharp(bytes).metadata()).width).toBe(320);
  });
});
