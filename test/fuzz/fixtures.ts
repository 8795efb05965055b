/**
 * The fuzz's server and what exists on it before the first generated request: a key with credit
 * and one without, a finished job and its files, uploads, a pending upload, a Qolaba task. Valid
 * requests point at these, so generated cases reach the code past "not found".
 */
import { generateKeyPairSync } from "node:crypto";
import type { Hono } from "hono";
import type { ProviderDefinition } from "../../src/emulators/core/provider.js";
import { createEmulatorServer, type EmulatorServer } from "../../src/emulators/core/server.js";
import { PROVIDERS } from "../../src/emulators/registry.js";
import { multipart } from "./arbitraries.js";
import { type FuzzImages, makeFuzzImages } from "./images.js";

/** Image limit of the fuzz server: small, so a body past the limit is cheap to send. */
export const FUZZ_MAX_IMAGE_BYTES = 256 * 1024;
/** The core's body limit for that image limit (an upload's limit plus 1 MiB of form overhead). */
export const FUZZ_BODY_LIMIT = FUZZ_MAX_IMAGE_BYTES + 1024 * 1024;

/** Values valid requests use. */
export interface Fixtures {
  /** A registered key with plenty of credit. */
  key: string;
  /** A registered key with none. */
  poorKey: string;
  /** A key nobody has used (different on each call). */
  freshKey(): string;
  /** A counter, for unique request ids. */
  next(): number;
  bodyLimit: number;
  images: FuzzImages;
  aitubo: {
    jobId: string;
    artId: string;
    imagePath: string;
    imageUrl: string;
    uploadPath: string;
    transformId: string;
  };
  tams: { jobId: string; resourceId: string; pendingId: string; filePath: string; publicKeyPem: string };
  qolaba: { taskId: string; resultUrl: string; resultTask: string; resultName: string };
}

/** The server under fuzz, each provider's own routes (as registered), and the fixtures. */
export interface FuzzTarget {
  server: EmulatorServer;
  /** Each provider's Hono app, captured as the server built it: its `routes` are what it serves. */
  apps: Map<string, Hono>;
  fixtures: Fixtures;
}

let publicKeyPem: string | undefined;
let images: Promise<FuzzImages> | undefined;

/** Builds the server from the registry (every provider), capturing each provider's app. */
export function createFuzzServer(): { server: EmulatorServer; apps: Map<string, Hono> } {
  const apps = new Map<string, Hono>();
  const definitions: ProviderDefinition[] = PROVIDERS.map((def) => ({
    ...def,
    create(ctx) {
      const instance = def.create(ctx);
      apps.set(def.name, instance.app as unknown as Hono);
      return instance;
    },
  }));
  const server = createEmulatorServer(definitions, {
    clock: { mode: "instant" },
    keys: { "fuzz-main": 1e12, "fuzz-poor": 0 },
    imageLimits: { maxBytes: FUZZ_MAX_IMAGE_BYTES },
  });
  return { server, apps };
}

/** Calls the server and reads JSON, failing loudly: fixtures must exist for the fuzz to mean anything. */
async function call(
  server: EmulatorServer,
  method: string,
  path: string,
  auth: string | undefined,
  body?: BodyInit,
  type?: string,
) {
  const headers: Record<string, string> = {};
  if (auth) headers.authorization = auth;
  if (type) headers["content-type"] = type;
  const res = await server.fetch(path, { method, headers, body });
  const text = await res.text();
  if (res.status >= 300)
    throw new Error(`fuzz fixture: ${method} ${path} answered ${res.status}: ${text.slice(0, 300)}`);
  // biome-ignore lint/suspicious/noExplicitAny: fixture answers are read by field
  return (text ? JSON.parse(text) : undefined) as any;
}

/** A server with its fixtures. */
export async function createFuzzTarget(): Promise<FuzzTarget> {
  const { server, apps } = createFuzzServer();
  images ??= makeFuzzImages();
  const imgs = await images;
  publicKeyPem ??= generateKeyPairSync("rsa", { modulusLength: 2048 }).publicKey.export({
    type: "spki",
    format: "pem",
  }) as string;
  const key = "fuzz-main";
  const bearer = `Bearer ${key}`;
  const jsonType = "application/json";

  // Aitubo: a finished job, an upload, a transform.
  const created = await call(
    server,
    "POST",
    "/aitubo/api/job/create",
    bearer,
    JSON.stringify({ prompt: "fixture", modelId: "642b977d2f2842537c09fe41", count: 1 }),
    jsonType,
  );
  const job = (await call(server, "GET", `/aitubo/api/job/get?id=${created.data.id}`, bearer)).data.result
    .data;
  const boundary = "fixture-boundary";
  const uploaded = await call(
    server,
    "POST",
    "/aitubo/api/job/upload-image",
    bearer,
    multipart(
      [{ name: "image", value: imgs.png, filename: "a.png", type: "image/png" }],
      boundary,
    ) as BodyInit,
    `multipart/form-data; boundary=${boundary}`,
  );
  const transforms = (await call(server, "GET", "/aitubo/api/transform/list", bearer)).data;
  const transformId: string = transforms.transform[transforms.tags[0]][0].id;

  // TAMS: a ready upload, a pending one, a finished job and its file.
  const announced = await call(server, "POST", "/tams/v1/resource/image", bearer, "{}", jsonType);
  await call(
    server,
    "PUT",
    new URL(announced.putUrl).pathname,
    undefined,
    new Uint8Array(imgs.png),
    "application/octet-stream",
  );
  const pending = await call(server, "POST", "/tams/v1/resource/image", bearer, "{}", jsonType);
  const tamsJob = await call(
    server,
    "POST",
    "/tams/v1/jobs",
    bearer,
    JSON.stringify({
      requestId: "fixture",
      stages: [
        { type: "INPUT_INITIALIZE", inputInitialize: { seed: 1, count: 1 } },
        {
          type: "DIFFUSION",
          diffusion: {
            width: 256,
            height: 256,
            prompts: [{ text: "x" }],
            steps: 10,
            sdModel: "600423083519508503",
          },
        },
      ],
    }),
    jsonType,
  );
  const finished = (await call(server, "GET", `/tams/v1/jobs/${tamsJob.job.id}`, bearer)).job;
  const fileUrl = new URL(finished.successInfo.images[0].url);

  // Qolaba: a finished task with a file, and a queued one.
  const t2i = {
    app_id: "ap-oDVXRQ7bCaWW05O52P1mlA",
    prompt: "x",
    width: 256,
    height: 256,
    num_inference_steps: 20,
    guidance_scale: 7,
    batch: 1,
  };
  const done = await call(
    server,
    "POST",
    "/qolaba/getTextToImage",
    bearer,
    JSON.stringify({ ...t2i, celery: false }),
    jsonType,
  );
  const queued = await call(
    server,
    "POST",
    "/qolaba/getTextToImage",
    bearer,
    JSON.stringify({ ...t2i, celery: true }),
    jsonType,
  );
  const resultUrl: string = done.output.result[0];
  const [resultTask, resultName] = new URL(resultUrl).pathname.split("/").slice(-2) as [string, string];

  let counter = 0;
  let fresh = 0;
  return {
    server,
    apps,
    fixtures: {
      key,
      poorKey: "fuzz-poor",
      freshKey: () => `fuzz-fresh-${++fresh}`,
      next: () => ++counter,
      bodyLimit: FUZZ_BODY_LIMIT,
      images: imgs,
      aitubo: {
        jobId: created.data.id,
        artId: job.artIds[0],
        imagePath: job.images[0],
        imageUrl: `${job.domain}${job.images[0]}`,
        uploadPath: uploaded.data.path,
        transformId,
      },
      tams: {
        jobId: tamsJob.job.id,
        resourceId: announced.resourceId,
        pendingId: pending.resourceId,
        filePath: fileUrl.pathname.slice(fileUrl.pathname.indexOf("/files/") + "/files/".length),
        publicKeyPem,
      },
      qolaba: { taskId: queued.task_id, resultUrl, resultTask, resultName },
    },
  };
}
