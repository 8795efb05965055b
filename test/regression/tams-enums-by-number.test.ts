/**
 * Regression: TAMS refused enums given by number, and priced the raw body instead of what it had
 * validated. protojson reads an enum by name or by number [official types][doc]; the official SDK's
 * `uploadFile` sends `{"expireSec":"3600","term":1}` [official types].
 */
import { afterAll, describe, expect, it } from "vitest";
import { estimateTamsStages } from "../../src/credits/index.js";
import { call, finishAll, tamsServer, upload } from "../../src/emulators/tams/test-kit.js";

const server = tamsServer();
afterAll(() => server.close());

let n = 0;
const fresh = () => `enums-${++n}`;

const diffusion = {
  width: 512,
  height: 512,
  prompts: [{ text: "a fox" }],
  steps: 20,
  sdModel: "600423083519508503",
};

describe("regression: term as a number", () => {
  it('accepts the official SDK\'s upload request {expireSec: "3600", term: 1}', async () => {
    const res = await call(server, "POST", "/v1/resource/image", fresh(), '{"expireSec":"3600","term":1}');
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.resourceId).toBeTruthy();
    expect(res.body.putUrl).toContain("http");
  });

  it('accepts term 2, "2" and the names, on /sts too', async () => {
    for (const term of [2, "2", "LONG", "SHORT", 0]) {
      const res = await call(server, "POST", "/v1/resource/image/sts", fresh(), { expireSec: 60, term });
      expect(res.status, `term ${JSON.stringify(term)}: ${JSON.stringify(res.body)}`).toBe(200);
    }
  });

  it("refuses an unknown term, naming the field", async () => {
    for (const term of [3, "FOREVER", -1]) {
      const res = await call(server, "POST", "/v1/resource/image", fresh(), { term });
      expect(res.status).toBe(400);
      expect(res.body.code).toBe(3);
      expect(res.body.message).toMatch(/^term: must be one of DEFAULT, SHORT, LONG/);
    }
  });
});

describe('regression: {"type": 1} stages', () => {
  const numbered = [
    { type: 1, inputInitialize: { seed: 7, count: 2 } },
    { type: 2, diffusion },
  ];

  it("prices numbered stage types in the credits module, as the named ones", () => {
    const named = [
      { type: "INPUT_INITIALIZE", inputInitialize: { seed: 7, count: 2 } },
      { type: "DIFFUSION", diffusion },
    ];
    expect(estimateTamsStages(numbered).total).toBe(estimateTamsStages(named).total);
    expect(estimateTamsStages(numbered).total).toBe(1.6);
  });

  it("answers /v1/jobs/credits and runs the job with numbered stage types", async () => {
    const key = fresh();
    const credits = await call(server, "POST", "/v1/jobs/credits", key, { stages: numbered });
    expect(credits.body).toEqual({ credits: 1.6 });
    const created = await call(server, "POST", "/v1/jobs", key, { requestId: "num", stages: numbered });
    expect(created.status, JSON.stringify(created.body)).toBe(200);
    finishAll(server);
    const job = (await call(server, "GET", `/v1/jobs/${created.body.job.id}`, key)).body.job;
    expect(job.status).toBe("SUCCESS");
    expect(job.successInfo.images).toHaveLength(2);
  });

  it("refuses an unknown stage number or name, naming stages[i].type", async () => {
    for (const type of [8, -1, "DIFUSION"]) {
      const res = await call(server, "POST", "/v1/jobs/credits", fresh(), { stages: [{ type, diffusion }] });
      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(/^stages\[0\]\.type: must be one of DEFAULT, INPUT_INITIALIZE/);
    }
    expect(() => estimateTamsStages([{ type: 9, diffusion }])).toThrow(/stages\[0\]\.type: must be one of/);
  });
});

describe("regression: enum fields by number", () => {
  it("reads resizeMode, inpaintingFill, controlMode and generationMode by number and by name", async () => {
    const key = fresh();
    const png = Buffer.from(
      "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
      "base64",
    );
    const image = await upload(server, key, png);
    const stages = [
      { type: "INPUT_INITIALIZE", inputInitialize: { seed: 1, imageResourceId: image } },
      {
        type: "DIFFUSION",
        diffusion: {
          ...diffusion,
          controlnet: {
            args: [
              {
                inputImageResourceId: image,
                preprocessor: "canny",
                model: "control_v11p_sd15_canny",
                resizeMode: 2,
                controlMode: "BALANCED",
              },
            ],
          },
        },
      },
      { type: 5, imageToInpaint: { maskImageResourceId: image, resizeMode: 1, inpaintingFill: 2 } },
    ];
    const res = await call(server, "POST", "/v1/jobs/credits", key, { stages });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const video = [{ type: 7, videoDiffusion: { sdModel: "WAN_2_1", totalFrames: 80, generationMode: 1 } }];
    const fast = await call(server, "POST", "/v1/jobs/credits", key, { stages: video });
    const byName = [
      {
        type: "VIDEO_DIFFUSION",
        videoDiffusion: { sdModel: "WAN_2_1", totalFrames: 80, generationMode: "FAST" },
      },
    ];
    expect(fast.body.credits).toBe(
      (await call(server, "POST", "/v1/jobs/credits", key, { stages: byName })).body.credits,
    );
  });

  it("refuses an unknown enum name or number, naming the field", async () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [
        { type: "IMAGE_TO_INPAINT", imageToInpaint: { inpaintingFill: "BLUR", diffusion } },
        /^stages\[0\]\.imageToInpaint\.inpaintingFill: must be one of DEFAULT, FILL/,
      ],
      [
        { type: "IMAGE_TO_INPAINT", imageToInpaint: { resizeMode: 9, diffusion } },
        /^stages\[0\]\.imageToInpaint\.resizeMode: must be one of/,
      ],
      [
        {
          type: "DIFFUSION",
          diffusion: { ...diffusion, controlnet: { args: [{ inputImageResourceId: "x", controlMode: 7 }] } },
        },
        /controlnet\.args\[0\]\.controlMode: must be one of/,
      ],
      [
        { type: "VIDEO_DIFFUSION", videoDiffusion: { totalFrames: 8, generationMode: "TURBO" } },
        /^stages\[0\]\.videoDiffusion\.generationMode: must be one of DEFAULT, FAST/,
      ],
    ];
    for (const [stage, message] of cases) {
      const res = await call(server, "POST", "/v1/jobs/credits", fresh(), { stages: [stage] });
      expect(res.status).toBe(400);
      expect(res.body.message).toMatch(message);
    }
  });
});
