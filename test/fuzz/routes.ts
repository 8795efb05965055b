/**
 * What the fuzz knows about each route: a valid request to start from (so generated cases get
 * past auth into the code that reads the body), and where an accepted answer's files are. Keyed
 * `<scope> <METHOD> <path>` exactly as the route is registered; `fuzz.test.ts` fails when a
 * registered route has no entry here, or an entry names no route.
 */
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { byteBodies, type FuzzBody, jsonBodies, multipartBodies, queries, segments } from "./arbitraries.js";
import type { Fixtures } from "./fixtures.js";

/** How a valid request carries its key. */
export type AuthStyle = "bearer" | "raw" | "none";

/** The generated parts of a request (the harness adds the method and headers). */
export interface RequestParts {
  /** Path below the scope's prefix, already percent-encoded. */
  path: string;
  query?: string;
  body?: FuzzBody;
}

/** One route's fuzz recipe. */
export interface RouteSpec {
  auth: AuthStyle;
  /** Requests around a valid one. */
  parts(f: Fixtures): fc.Arbitrary<RequestParts>;
  /** For an accepted answer: follow-up calls that lead to the files it promised (URLs, or base64). */
  results?: "aitubo-job" | "tams-job" | "qolaba-task" | "inline" | "urls";
}

/** A middleware entry: the routes it guards cover it. */
export interface MiddlewareSpec {
  middleware: string;
}

const tamsFixture = (name: string): Record<string, unknown> =>
  JSON.parse(readFileSync(new URL(`../../fixtures/tams/${name}.json`, import.meta.url), "utf8")).request;

const json =
  (path: string, template: (f: Fixtures) => Record<string, unknown>) =>
  (f: Fixtures): fc.Arbitrary<RequestParts> =>
    jsonBodies(template(f), f.bodyLimit).map((body) => ({ path, body }));

const get =
  (path: string, params: (f: Fixtures) => Record<string, string> = () => ({})) =>
  (f: Fixtures): fc.Arbitrary<RequestParts> =>
    queries(params(f)).map((query) => ({ path, query }));

/** A path with `:params` (and `*`) filled by {@link segments} from valid values. */
const pathOf =
  (pattern: string, valid: (f: Fixtures) => Record<string, string[]>) =>
  (f: Fixtures): fc.Arbitrary<string> => {
    const names = [...pattern.matchAll(/:(\w+)|\*/g)].map((m) => m[1] ?? "*");
    const values = valid(f);
    return fc.tuple(...names.map((n) => segments(values[n] ?? []))).map((vals) => {
      let i = 0;
      return pattern.replace(/:(\w+)|\*/g, () => vals[i++]!);
    });
  };

const files = (pattern: string, valid: (f: Fixtures) => Record<string, string[]>) => (f: Fixtures) =>
  fc.tuple(pathOf(pattern, valid)(f), queries({})).map(([path, query]) => ({ path, query }));

const withPath =
  (
    pattern: string,
    valid: (f: Fixtures) => Record<string, string[]>,
    body?: (f: Fixtures) => fc.Arbitrary<FuzzBody>,
  ) =>
  (f: Fixtures) =>
    fc
      .tuple(pathOf(pattern, valid)(f), body ? body(f) : fc.constant(undefined))
      .map(([path, b]) => ({ path, ...(b ? { body: b } : {}) }));

const DREAMSHAPER = "642b977d2f2842537c09fe41";
const SDXL_T2I = "ap-oDVXRQ7bCaWW05O52P1mlA";
const SDXL_I2I = "ap-eRSyl0imzrUrbvgdAYwDTl";

const aituboCreate = () => ({
  prompt: "a lighthouse",
  modelId: DREAMSHAPER,
  count: 1,
  width: 256,
  height: 256,
});
const tamsStages = (f: Fixtures) => ({
  requestId: `fz-${f.next()}`,
  stages: [
    { type: "INPUT_INITIALIZE", inputInitialize: { seed: 1, count: 1 } },
    {
      type: "DIFFUSION",
      diffusion: {
        width: 256,
        height: 256,
        prompts: [{ text: "a lighthouse" }],
        steps: 10,
        sdModel: "600423083519508503",
      },
    },
  ],
});
const qolabaT2I = () => ({
  app_id: SDXL_T2I,
  prompt: "a lighthouse",
  height: 256,
  width: 256,
  num_inference_steps: 20,
  guidance_scale: 7.5,
  batch: 1,
  celery: false,
});
const qolabaI2I = (f: Fixtures) => ({
  app_id: SDXL_I2I,
  image: f.qolaba.resultUrl,
  prompt: "a lighthouse",
  guidance_scale: 7,
  batch: 1,
  num_inference_steps: 20,
  strength: 0.5,
  celery: false,
});

/** Every route, by scope. */
export const ROUTES: Record<string, RouteSpec | MiddlewareSpec> = {
  // Aitubo: Authorization: Bearer <key> [doc].
  "aitubo GET /api/model/list": {
    auth: "bearer",
    parts: get("/api/model/list", () => ({ pageIndex: "1", pageSize: "10", type: "platform" })),
  },
  "aitubo GET /api/job/models": { auth: "bearer", parts: get("/api/job/models") },
  "aitubo GET /api/job/model/list": { auth: "bearer", parts: get("/api/job/model/list") },
  "aitubo GET /api/transform/list": { auth: "bearer", parts: get("/api/transform/list") },
  "aitubo GET /api/user/profile": { auth: "bearer", parts: get("/api/user/profile") },
  "aitubo POST /api/job/create": {
    auth: "bearer",
    parts: json("/api/job/create", aituboCreate),
    results: "aitubo-job",
  },
  "aitubo GET /api/job/get": { auth: "bearer", parts: get("/api/job/get", (f) => ({ id: f.aitubo.jobId })) },
  "aitubo GET /api/job/list": {
    auth: "bearer",
    parts: get("/api/job/list", () => ({ pageIndex: "1", pageSize: "10" })),
  },
  "aitubo POST /api/job/upscale": {
    auth: "bearer",
    parts: json("/api/job/upscale", (f) => ({
      imagePath: f.aitubo.imagePath,
      upscaleFactor: 2,
      artId: f.aitubo.artId,
    })),
    results: "aitubo-job",
  },
  "aitubo POST /api/transform/create-headshot": {
    auth: "bearer",
    parts: json("/api/transform/create-headshot", (f) => ({
      imagePath: f.aitubo.uploadPath,
      transformId: f.aitubo.transformId,
    })),
    results: "aitubo-job",
  },
  "aitubo POST /api/job/upload-image": {
    auth: "bearer",
    parts: (f) =>
      multipartBodies(["image"], {}, f.images).map((body) => ({ path: "/api/job/upload-image", body })),
  },
  "aitubo POST /api/art/segment": {
    auth: "bearer",
    parts: json("/api/art/segment", (f) => ({ image: f.aitubo.imageUrl })),
    results: "urls",
  },
  "aitubo GET /file/*": {
    auth: "none",
    parts: files("/file/*", (f) => ({ "*": [f.aitubo.imagePath, f.aitubo.uploadPath, "assets/x.jpg"] })),
  },

  // TAMS: Bearer (or TAMS-SHA256-RSA) on /v1; the storage host takes no key.
  "tams ALL /v1/*": { middleware: "TAMS's auth: every /v1 route below runs through it" },
  "tams PUT /upload/:resourceId": {
    auth: "none",
    parts: withPath(
      "/upload/:resourceId",
      (f) => ({ resourceId: [f.tams.pendingId] }),
      (f) => byteBodies(f.images),
    ),
  },
  "tams POST /oss": {
    auth: "none",
    parts: (f) =>
      multipartBodies(["file"], { key: f.tams.pendingId }, f.images).map((body) => ({ path: "/oss", body })),
  },
  "tams GET /files/showcase/:modelId/:name": {
    auth: "none",
    parts: files("/files/showcase/:modelId/:name", () => ({
      modelId: ["600423083519508503"],
      name: ["0", "1"],
    })),
  },
  "tams GET /files/*": { auth: "none", parts: files("/files/*", (f) => ({ "*": [f.tams.filePath] })) },
  "tams POST /v1/jobs": { auth: "bearer", parts: json("/v1/jobs", tamsStages), results: "tams-job" },
  "tams POST /v1/jobs/credits": {
    auth: "bearer",
    parts: json("/v1/jobs/credits", (f) => ({ stages: tamsStages(f).stages })),
  },
  "tams GET /v1/jobs/:jobId": {
    auth: "bearer",
    parts: withPath("/v1/jobs/:jobId", (f) => ({ jobId: [f.tams.jobId] })),
  },
  "tams DELETE /v1/jobs/:jobId": {
    auth: "bearer",
    parts: withPath("/v1/jobs/:jobId", (f) => ({ jobId: [f.tams.jobId] })),
  },
  "tams POST /v1/jobs/workflow": {
    auth: "bearer",
    parts: json("/v1/jobs/workflow", () => tamsFixture("workflow-create")),
    results: "tams-job",
  },
  "tams POST /v1/jobs/workflow/params/check": {
    auth: "bearer",
    parts: json("/v1/jobs/workflow/params/check", () => ({ params: tamsFixture("workflow-create").params })),
  },
  "tams GET /v1/workflows/:templateId": {
    auth: "bearer",
    parts: withPath("/v1/workflows/:templateId", () => ({ templateId: ["676018193025756628"] })),
  },
  "tams POST /v1/workflows/template/check": {
    auth: "bearer",
    parts: json("/v1/workflows/template/check", () => tamsFixture("template-check-ok")),
  },
  "tams POST /v1/jobs/workflow/template": {
    auth: "bearer",
    parts: json("/v1/jobs/workflow/template", () => tamsFixture("template-job-create")),
    results: "tams-job",
  },
  "tams POST /v1/resource/image": {
    auth: "bearer",
    parts: json("/v1/resource/image", () => ({ expireSec: 3600 })),
  },
  "tams POST /v1/resource/image/sts": {
    auth: "bearer",
    parts: json("/v1/resource/image/sts", () => ({ expireSec: 3600 })),
  },
  "tams GET /v1/models/:modelId": {
    auth: "bearer",
    parts: withPath("/v1/models/:modelId", () => ({ modelId: ["600423083519508503"] })),
  },
  "tams POST /v1/controlnet/detect": {
    auth: "bearer",
    parts: json("/v1/controlnet/detect", (f) => ({
      controlnetModule: "canny",
      resourceId: f.tams.resourceId,
    })),
    results: "urls",
  },
  "tams POST /v1/img2prompt": {
    auth: "bearer",
    parts: json("/v1/img2prompt", (f) => ({ resourceId: f.tams.resourceId })),
  },

  // AIThriving: the raw key in Authorization [doc example].
  "aithriving POST /api/generate/basic/textToImage": {
    auth: "raw",
    parts: json("/api/generate/basic/textToImage", () => ({
      prompt: "a lighthouse",
      width: 320,
      height: 320,
      steps: 10,
    })),
    results: "inline",
  },
  "aithriving POST /api/generate/basic/imageToImage": {
    auth: "raw",
    parts: (f) =>
      multipartBodies(
        ["init_image"],
        { prompt: "a lighthouse", image_strength: "0.4", steps: "10" },
        f.images,
      ).map((body) => ({
        path: "/api/generate/basic/imageToImage",
        body,
      })),
    results: "inline",
  },
  "aithriving POST /api/generate/sd3/textToImage": {
    auth: "raw",
    parts: json("/api/generate/sd3/textToImage", () => ({ prompt: "a lighthouse", aspect_ratio: "1:1" })),
    results: "inline",
  },
  "aithriving POST /api/generate/sdv3/textToImage": {
    auth: "raw",
    parts: json("/api/generate/sdv3/textToImage", () => ({ prompt: "a lighthouse", model: "sd3-medium" })),
    results: "inline",
  },
  "aithriving POST /api/generate/ultra": {
    auth: "raw",
    parts: json("/api/generate/ultra", () => ({ prompt: "a lighthouse", output_format: "webp" })),
    results: "inline",
  },
  "aithriving POST /api/generate/core": {
    auth: "raw",
    parts: json("/api/generate/core", () => ({ prompt: "a lighthouse", style_preset: "anime" })),
    results: "inline",
  },
  "aithriving POST /api/edit/erase": {
    auth: "raw",
    parts: (f) =>
      multipartBodies(["image", "mask"], { output_format: "png" }, f.images).map((body) => ({
        path: "/api/edit/erase",
        body,
      })),
    results: "inline",
  },
  "aithriving POST /api/edit/inpaint": {
    auth: "raw",
    parts: (f) =>
      multipartBodies(["image", "mask"], { prompt: "a lighthouse" }, f.images).map((body) => ({
        path: "/api/edit/inpaint",
        body,
      })),
    results: "inline",
  },

  // Qolaba: Authorization: Bearer <key> [doc]; each route also under /api/v1.
  "qolaba POST /getTextToImage": {
    auth: "bearer",
    parts: json("/getTextToImage", qolabaT2I),
    results: "qolaba-task",
  },
  "qolaba POST /getImagetoImage": {
    auth: "bearer",
    parts: json("/getImagetoImage", qolabaI2I),
    results: "qolaba-task",
  },
  "qolaba POST /getImage": {
    auth: "bearer",
    parts: json("/getImage", (f) => ({ task_id: f.qolaba.taskId })),
    results: "qolaba-task",
  },
  "qolaba POST /api/v1/getTextToImage": {
    auth: "bearer",
    parts: json("/api/v1/getTextToImage", () => ({ ...qolabaT2I(), celery: true })),
    results: "qolaba-task",
  },
  "qolaba POST /api/v1/getImagetoImage": {
    auth: "bearer",
    parts: json("/api/v1/getImagetoImage", qolabaI2I),
    results: "qolaba-task",
  },
  "qolaba POST /api/v1/getImage": {
    auth: "bearer",
    parts: json("/api/v1/getImage", (f) => ({ task_id: f.qolaba.taskId })),
    results: "qolaba-task",
  },
  "qolaba GET /files/:task/:name": {
    auth: "none",
    parts: files("/files/:task/:name", (f) => ({ task: [f.qolaba.resultTask], name: [f.qolaba.resultName] })),
  },

  // The server's own routes and the control plane (open on loopback; no key).
  "server GET /": { auth: "none", parts: get("/") },
  "control ALL /__emulator": {
    middleware: "the admin-token guard: every control route below runs through it",
  },
  "control ALL /__emulator/*": {
    middleware: "the admin-token guard: every control route below runs through it",
  },
  "control GET /__emulator/health": { auth: "none", parts: get("/__emulator/health") },
  "control GET /__emulator/state": { auth: "none", parts: get("/__emulator/state") },
  "control POST /__emulator/reset": {
    auth: "none",
    parts: json("/__emulator/reset", (f) => ({ key: f.freshKey() })),
  },
  "control GET /__emulator/clock": { auth: "none", parts: get("/__emulator/clock") },
  "control POST /__emulator/clock/advance": {
    auth: "none",
    parts: json("/__emulator/clock/advance", () => ({ ms: 1000 })),
  },
  "control PUT /__emulator/tenants/:key": {
    auth: "none",
    parts: withPath(
      "/__emulator/tenants/:key",
      (f) => ({ key: [f.key] }),
      (f) => jsonBodies({ balance: 5000 }, f.bodyLimit),
    ),
  },
  "control GET /__emulator/tenants/:key": {
    auth: "none",
    parts: withPath("/__emulator/tenants/:key", (f) => ({ key: [f.key, "nobody"] })),
  },
  "control GET /__emulator/faults": { auth: "none", parts: get("/__emulator/faults") },
  "control PUT /__emulator/faults": {
    auth: "none",
    // Rules that could fire on the control plane's own state reads are harmless: faults only act on provider routes.
    parts: json("/__emulator/faults", () => ({
      rules: [{ provider: "aitubo", route: "POST *", action: { type: "latency", ms: 0 } }],
      seed: 1,
    })),
  },
  "control DELETE /__emulator/faults": { auth: "none", parts: get("/__emulator/faults") },
  "control GET /__emulator/requests": {
    auth: "none",
    parts: get("/__emulator/requests", (f) => ({ limit: "5", key: f.key, provider: "aitubo" })),
  },
  "control PUT /__emulator/tams/apps/:appId": {
    auth: "none",
    parts: withPath(
      "/__emulator/tams/apps/:appId",
      () => ({ appId: ["app-1"] }),
      (f) => jsonBodies({ publicKey: f.tams.publicKeyPem }, f.bodyLimit),
    ),
  },
  "control DELETE /__emulator/tams/apps/:appId": {
    auth: "none",
    parts: withPath("/__emulator/tams/apps/:appId", () => ({ appId: ["app-1"] })),
  },
  "control GET /__emulator/tams/webhooks": { auth: "none", parts: get("/__emulator/tams/webhooks") },
  // What the dashboard reads and writes (control-inspect.ts).
  "control GET /__emulator/events": {
    // Not fuzzed: an endless server-sent event stream, and the harness reads every answer to its end.
    // Its one input (`types`) is tested in src/emulators/core/control-inspect.test.ts.
    middleware: "an endless event stream (see control-inspect.test.ts)",
  },
  "control POST /__emulator/clock/pause": { auth: "none", parts: get("/__emulator/clock/pause") },
  "control POST /__emulator/clock/resume": { auth: "none", parts: get("/__emulator/clock/resume") },
  "control GET /__emulator/jobs": {
    auth: "none",
    parts: get("/__emulator/jobs", (f) => ({ provider: "aitubo", key: f.key, offset: "0", limit: "5" })),
  },
  "control GET /__emulator/jobs/counts": {
    auth: "none",
    parts: get("/__emulator/jobs/counts", (f) => ({ key: f.key })),
  },
  "control GET /__emulator/jobs/:provider/:id": {
    auth: "none",
    parts: withPath("/__emulator/jobs/:provider/:id", (f) => ({
      provider: ["aitubo", "tams"],
      id: [f.aitubo.jobId, f.tams.jobId],
    })),
  },
  "control GET /__emulator/files/:provider/*": {
    auth: "none",
    parts: files("/__emulator/files/:provider/*", (f) => ({
      provider: ["qolaba"],
      "*": [`files/${f.qolaba.resultTask}/${f.qolaba.resultName}`],
    })),
  },
  "control GET /__emulator/journal": {
    auth: "none",
    parts: get("/__emulator/journal", (f) => ({
      key: f.key,
      provider: "aitubo",
      method: "POST",
      path: "/api",
      status: "2xx",
      text: "job",
      offset: "0",
      limit: "5",
    })),
  },
  "control GET /__emulator/tenants": {
    auth: "none",
    parts: get("/__emulator/tenants", () => ({ offset: "0", limit: "5" })),
  },
  "control POST /__emulator/faults": {
    auth: "none",
    parts: json("/__emulator/faults", () => ({
      provider: "aitubo",
      route: "POST *",
      action: { type: "latency", ms: 0 },
    })),
  },
  "control DELETE /__emulator/faults/:index": {
    auth: "none",
    parts: withPath("/__emulator/faults/:index", () => ({ index: ["0", "1"] })),
  },
};

/** A route's text in the table. */
export const routeKey = (scope: string, method: string, path: string) => `${scope} ${method} ${path}`;
