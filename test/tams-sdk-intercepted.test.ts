/**
 * The official `tams-sdk`, unmodified and with no base URL: `new TamsSDK({ host })` builds
 * `https://${host}` and `uploadFile` follows the `putUrl` it is given. With interception on, every
 * one of its methods is answered by the in-process emulator (the SDK keeps a reference to `fetch`
 * from before interception, through node-fetch-native; undici's global dispatcher catches it).
 */
import { generateKeyPairSync } from "node:crypto";
import { Sha256RsaAuthenticateStrategy, TamsSDK } from "tams-sdk";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Interception } from "../src/connect/intercept.js";
import { createEmulators, type Emulators } from "../src/emulators/create-emulators.js";

const APP_ID = "sdk-intercepted-app";
const { publicKey, privateKey } = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  publicKeyEncoding: { type: "spki", format: "pem" },
  privateKeyEncoding: { type: "pkcs8", format: "pem" },
});
const PNG_1x1 = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
  "base64",
);

describe("tams-sdk intercepted in process", () => {
  let emulators: Emulators;
  let interception: Interception;
  let sdk: TamsSDK;

  beforeAll(async () => {
    emulators = createEmulators({ clock: { mode: "manual" } });
    const registered = await emulators.fetch(`/__emulator/tams/apps/${APP_ID}`, {
      method: "PUT",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ publicKey }),
    });
    expect(registered.status).toBe(200);
    interception = emulators.interceptProviders();
    sdk = new TamsSDK({
      host: "ap-east-1.tensorart.cloud",
      appId: APP_ID,
      authenticateStrategy: new Sha256RsaAuthenticateStrategy(privateKey),
    });
    vi.spyOn(console, "log").mockImplementation(() => {}); // uploadFile logs in Chinese
  });
  afterAll(async () => {
    vi.restoreAllMocks();
    interception.restore();
    await emulators.close();
  });

  it("uploads a file (create resource, then PUT to the putUrl), answered by the emulator", async () => {
    const { resourceId } = await sdk.uploadFile({ file: PNG_1x1 });
    expect(resourceId).toMatch(/^[0-9a-f-]{36}$/);
    // The bytes landed: the resource is usable (img2prompt refuses a resource never uploaded).
    const described = await fetch("https://ap-east-1.tensorart.cloud/v1/img2prompt", {
      method: "POST",
      headers: { authorization: `Bearer ${APP_ID}`, "content-type": "application/json" },
      body: JSON.stringify({ resourceId }),
    });
    expect(described.status).toBe(200);
    expect((await described.json()).prompts.length).toBeGreaterThan(0);
    expect(interception.refused).toEqual([]);
  });

  it("creates a job signed with RSA, polls it to SUCCESS, and cancels another", async () => {
    const created = await sdk.v1.tamsApiV1ServiceCreateJob({
      requestId: "sdk-intercepted-1",
      stages: [
        { type: "INPUT_INITIALIZE", inputInitialize: { seed: "42", count: 1 } },
        {
          type: "DIFFUSION",
          diffusion: {
            width: 512,
            height: 512,
            prompts: [{ text: "a red fox" }],
            sampler: "DPM++ 2M Karras",
            sdVae: "Automatic",
            steps: 15,
            sdModel: "600423083519508503",
            clipSkip: 2,
            cfgScale: 7,
          },
        },
      ] as never,
    });
    const id = created.data.job!.id!;
    expect(created.data.job?.status).toBe("CREATED");
    emulators.clock.advance(10 * 60 * 1000);
    const done = await sdk.v1.tamsApiV1ServiceGetJob(id);
    expect(done.data.job?.status).toBe("SUCCESS");
    const url = done.data.job!.successInfo!.images![0]!.url!;
    // The image URL names the host the SDK used, and following it is intercepted too.
    expect(url).toMatch(/^https:\/\/ap-east-1\.tensorart\.cloud\//);
    const image = await fetch(url);
    expect(image.headers.get("content-type")).toBe("image/png");

    const other = await sdk.v1.tamsApiV1ServiceCreateJob({
      requestId: "sdk-intercepted-2",
      stages: [
        { type: "INPUT_INITIALIZE", inputInitialize: { seed: "1", count: 1 } },
        {
          type: "DIFFUSION",
          diffusion: {
            width: 512,
            height: 512,
            prompts: [{ text: "x" }],
            sdModel: "600423083519508503",
            steps: 10,
          },
        },
      ] as never,
    });
    const canceled = await sdk.v1.tamsApiV1ServiceCancelJob(other.data.job!.id!);
    expect(canceled.ok).toBe(true);
    expect((await sdk.v1.tamsApiV1ServiceGetJob(other.data.job!.id!)).data.job?.status).toBe("CANCELED");
  });

  it("reads a model and announces STS and plain resources", async () => {
    const model = await sdk.v1.tamsApiV1ServiceGetModel("600423083519508503");
    expect(model.data.model?.id).toBe("600423083519508503");
    const image = await sdk.v1.tamsApiV1ServiceCreateResourceImage({ expireSec: "600" });
    expect(image.data.putUrl).toMatch(/^https:\/\/ap-east-1\.tensorart\.cloud\/upload\//);
    const sts = await sdk.v1.tamsApiV1ServiceCreateResourceImageSts({ expireSec: "600" } as never);
    expect(sts.data.resourceId).toBeTruthy();
    expect(sts.data.host).toMatch(/^https:\/\/ap-east-1\.tensorart\.cloud\//);
  });

  it("a bad signature is refused by the emulator with 401 (the key really is checked)", async () => {
    const { privateKey: otherKey } = generateKeyPairSync("rsa", {
      modulusLength: 2048,
      privateKeyEncoding: { type: "pkcs8", format: "pem" },
      publicKeyEncoding: { type: "spki", format: "pem" },
    });
    const impostor = new TamsSDK({
      host: "ap-east-1.tensorart.cloud",
      appId: APP_ID,
      authenticateStrategy: new Sha256RsaAuthenticateStrategy(otherKey),
    });
    const err = await impostor.v1.tamsApiV1ServiceGetModel("600423083519508503").catch((e: unknown) => e);
    const response = (err as { response?: { ok: boolean; error?: { code?: number; message?: string } } })
      .response;
    expect(response?.ok).toBe(false);
    expect(response?.error?.code).toBe(16); // google.rpc UNAUTHENTICATED
  });
});
