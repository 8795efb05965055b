// The official TensorArt SDK (npm tams-sdk), unmodified: new TamsSDK({ host }) builds
// https://<host>, and uploadFile takes no base URL at all. With interception on, both reach the
// in-process emulator. Run: node examples/tams-sdk-intercepted.mjs
import { generateKeyPairSync } from "node:crypto";
import { createEmulators } from "imagegen-emulators";
import { Sha256RsaAuthenticateStrategy, TamsSDK } from "tams-sdk";

const emulators = createEmulators({ clock: { mode: "instant" } });
// TAMS signs requests with the app's RSA key; register its public half with the emulator.
const { publicKey, privateKey } = generateKeyPairSync("rsa", {
  modulusLength: 2048,
  publicKeyEncoding: { type: "spki", format: "pem" },
  privateKeyEncoding: { type: "pkcs8", format: "pem" },
});
await emulators.fetch("/__emulator/tams/apps/example-app", {
  method: "PUT",
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ publicKey }),
});
const { restore } = emulators.interceptProviders();
const log = console.log;
try {
  const sdk = new TamsSDK({
    host: "ap-east-1.tensorart.cloud",
    appId: "example-app",
    authenticateStrategy: new Sha256RsaAuthenticateStrategy(privateKey),
  });
  console.log = () => {}; // uploadFile logs its steps
  const png = Buffer.from(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==",
    "base64",
  );
  const { resourceId } = await sdk.uploadFile({ file: png });
  console.log = log;
  log(`uploaded ${resourceId}`);
  const created = await sdk.v1.tamsApiV1ServiceCreateJob({
    requestId: `example-${Date.now()}`,
    stages: [
      { type: "INPUT_INITIALIZE", inputInitialize: { seed: "7", count: 1 } },
      {
        type: "DIFFUSION",
        diffusion: { width: 512, height: 512, prompts: [{ text: "a red fox" }], sdModel: "600423083519508503", steps: 20 },
      },
    ],
  });
  const { data } = await sdk.v1.tamsApiV1ServiceGetJob(created.data.job.id);
  log(`job ${data.job.id} ${data.job.status} ${data.job.successInfo.images[0].url}`);
} finally {
  console.log = log;
  restore();
  await emulators.close();
}
