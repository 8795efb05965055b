/**
 * The official TAMS client (npm `tams-sdk`), unmodified, against the emulator over a real port,
 * signing every request with TAMS-SHA256-RSA: every method of `TamsSDK` is called, `uploadFile`
 * included.
 *
 * How the SDK reaches the emulator without being patched: `new TamsSDK({host})` always builds
 * `https://${host}`. Its `v1.*` methods take a per-call `baseUrl` [public client], so they are
 * pointed at the emulator's TAMS port. `uploadFile` takes none, so the test sets a global undici
 * dispatcher whose connector opens a plain TCP socket to the same port for every origin (the
 * SDK's fetch is Node's own, which uses the global dispatcher). This keeps the test on a real
 * port and independent of the drop-in interception, which `test/tams-sdk-intercepted.test.ts`
 * covers in process.
 */
import { generateKeyPairSync } from "node:crypto";
import { connect } from "node:net";
import { TamsSDK as Sdk, Sha256RsaAuthenticateStrategy } from "tams-sdk";
import { Agent, type Dispatcher, getGlobalDispatcher, setGlobalDispatcher } from "undici";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { imageInfo, loadSharp } from "../src/emulators/core/images.js";
import { createEmulatorServer, type EmulatorServer, type Listening } from "../src/emulators/core/server.js";
import { tamsProvider } from "../src/emulators/tams/index.js";

const APP_ID = "sdk-test-app";
const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const PRIVATE_PEM = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
const PUBLIC_PEM = publicKey.export({ type: "spki", format: "pem" }).toString();

let server: EmulatorServer;
let listening: Listening;
let base: string;
let previous: Dispatcher;
let sdk: Sdk;

beforeAll(async () => {
  server = createEmulatorServer([tamsProvider], { clock: { mode: "manual" } });
  // TAMS on a port of its own, at the root: the SDK's paths start with /v1/.
  listening = await server.listen({ port: 0, host: "127.0.0.1", providerPorts: { tams: 0 } });
  base = listening.urls.tams!;
  const port = Number(new URL(base).port);
  previous = getGlobalDispatcher();
  setGlobalDispatcher(
    new Agent({
      connect: (_options, done) => {
        const socket = connect(port, "127.0.0.1");
        socket.once("connect", () => done(null, socket));
        socket.once("error", (err) => done(err, null));
      },
    }),
  );
  // The app's public key, registered through the control plane as a TAMS app registers it.
  const res = await server.fetch(`/__emulator/tams/apps/${APP_ID}`, {
    method: "PUT",
    body: JSON.stringify({ publicKey: PUBLIC_PEM }),
  });
  expect(res.status).toBe(200);
  sdk = new Sdk({ appId: APP_ID, authenticateStrategy: new Sha256RsaAuthenticateStrategy(PRIVATE_PEM) });
});

afterAll(async () => {
  setGlobalDispatcher(previous);
  await listening?.close();
  await server?.close();
});

const at = () => ({ baseUrl: base });

async function pngBytes(): Promise<Buffer> {
  const sharp = await loadSharp();
  return sharp({ create: { width: 512, height: 512, channels: 3, background: "#3366aa" } })
    .png()
    .toBuffer();
}

describe("the official tams-sdk, unmodified, signed with TAMS-SHA256-RSA", () => {
  it('uploadFile: creates the resource ({expireSec:"3600",term:1}) and PUTs the bytes', async () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    try {
      const { resourceId } = await sdk.uploadFile({ file: await pngBytes() });
      expect(resourceId).toMatch(/\S/);
      // The upload is usable: img2img from it runs.
      const job = await sdk.v1.tamsApiV1ServiceCreateJob(
        {
          requestId: "sdk-img2img",
          stages: [
            {
              type: "INPUT_INITIALIZE" as never,
              inputInitialize: { seed: "1", imageResourceId: resourceId, count: 1 },
            },
            {
              type: "DIFFUSION" as never,
              diffusion: {
                width: 512,
                height: 512,
                prompts: [{ text: "a harbour" }],
                negativePrompts: [],
                steps: 20,
                sdModel: "600423083519508503",
                denoisingStrength: 0.5,
              },
            },
          ],
        },
        at(),
      );
      expect(job.data.job?.status).toBe("CREATED");
    } finally {
      log.mockRestore();
    }
  });

  it("createJob → getJob (WAITING, RUNNING, SUCCESS) → the image downloads at its size", async () => {
    const created = await sdk.v1.tamsApiV1ServiceCreateJob(
      {
        requestId: "sdk-txt2img",
        stages: [
          { type: "INPUT_INITIALIZE" as never, inputInitialize: { seed: "42", count: 2 } },
          {
            type: "DIFFUSION" as never,
            diffusion: {
              width: 512,
              height: 768,
              prompts: [{ text: "a lighthouse on a cliff", weight: 1 }],
              negativePrompts: [{ text: "blurry" }],
              sdModel: "600423083519508503",
              sampler: "DPM++ 2M Karras",
              steps: 20,
              cfgScale: 35,
            },
          },
        ],
      },
      at(),
    );
    const id = created.data.job!.id!;
    expect(created.data.job).toEqual({ id, status: "CREATED" });
    const seen = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const got = await sdk.v1.tamsApiV1ServiceGetJob(id, at());
      seen.add(got.data.job!.status!);
      if (got.data.job!.status === "SUCCESS") {
        const images = got.data.job!.successInfo!.images!;
        expect(images).toHaveLength(2);
        const res = await fetch(images[0]!.url!);
        expect(res.status).toBe(200);
        const info = await imageInfo(Buffer.from(await res.arrayBuffer()));
        expect(info).toMatchObject({ width: 512, height: 768, format: "png" });
        break;
      }
      server.clock.advance(500);
    }
    expect(seen.has("SUCCESS")).toBe(true);
    expect(seen.has("RUNNING")).toBe(true);
  });

  it("cancelJob answers the job id, and the job reads CANCELED", async () => {
    const created = await sdk.v1.tamsApiV1ServiceCreateJob(
      {
        requestId: "sdk-cancel",
        stages: [
          {
            type: "DIFFUSION" as never,
            diffusion: {
              width: 512,
              height: 512,
              prompts: [{ text: "x" }],
              negativePrompts: [],
              steps: 10,
              sdModel: "600423083519508503",
            },
          },
        ],
      },
      at(),
    );
    const id = created.data.job!.id!;
    const canceled = await sdk.v1.tamsApiV1ServiceCancelJob(id, at());
    expect(canceled.data).toEqual({ jobId: id });
    expect((await sdk.v1.tamsApiV1ServiceGetJob(id, at())).data.job!.status).toBe("CANCELED");
  });

  it("getModel answers the model with the declared fields", async () => {
    const got = await sdk.v1.tamsApiV1ServiceGetModel("600423083519508503", at());
    expect(got.data.model).toMatchObject({ id: "600423083519508503", modelType: expect.any(String) });
    expect(got.data.model!.name).toMatch(/\S/);
  });

  it("createResourceImage and createResourceImageSts answer their declared fields", async () => {
    const image = await sdk.v1.tamsApiV1ServiceCreateResourceImage({ expireSec: "600", term: 2 }, at());
    expect(Object.keys(image.data).sort()).toEqual(["headers", "putUrl", "resourceId"]);
    const sts = await sdk.v1.tamsApiV1ServiceCreateResourceImageSts({ expireSec: "600", term: 1 }, at());
    expect(sts.data).toMatchObject({
      resourceId: expect.any(String),
      accessId: expect.any(String),
      signature: expect.any(String),
      host: expect.any(String),
      policy: expect.any(String),
    });
  });

  it("throws the SDK's error with TAMS's message when the signature is made with another key", async () => {
    const other = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;
    const forger = new Sdk({
      appId: APP_ID,
      authenticateStrategy: new Sha256RsaAuthenticateStrategy(
        other.export({ type: "pkcs8", format: "pem" }).toString(),
      ),
    });
    const err = await forger.v1.tamsApiV1ServiceGetModel("600423083519508503", at()).catch((e: Error) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error & { response: { error: { code: number } } }).response.error.code).toBe(16);
  });

  it("throws the SDK's error naming the field for a bad request", async () => {
    const err = await sdk.v1
      .tamsApiV1ServiceCreateJob({ requestId: "sdk-bad", stages: [{ type: "NOPE" as never }] }, at())
      .catch((e: Error) => e);
    expect((err as Error).message).toMatch(/^stages\[0\]\.type: must be one of/);
  });
});
