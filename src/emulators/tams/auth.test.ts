import { generateKeyPairSync, sign } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { parseAuthorization, stringToSign } from "./auth.js";
import { call, tamsServer } from "./test-kit.js";

const { publicKey, privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
const PEM = publicKey.export({ type: "spki", format: "pem" }).toString();
const other = generateKeyPairSync("rsa", { modulusLength: 2048 }).privateKey;

function rsaHeader(
  appId: string,
  method: string,
  path: string,
  body: string,
  key = privateKey,
  nonce = "a1b2c3",
) {
  const timestamp = "1700000000";
  const signature = sign(
    "RSA-SHA256",
    Buffer.from(stringToSign({ method, pathWithQuery: path, timestamp, nonce, body })),
    key,
  ).toString("base64");
  return `TAMS-SHA256-RSA app_id=${appId},nonce_str=${nonce},timestamp=${timestamp},signature=${signature}`;
}

const server = tamsServer({ providerOptions: { tams: { appPublicKeys: { "app-1": PEM } } } });
afterAll(() => server.close());

async function signedPost(path: string, body: string, header: string) {
  const res = await server.fetch(`/tams${path}`, {
    method: "POST",
    headers: { authorization: header, "content-type": "application/json" },
    body,
  });
  return { status: res.status, body: await res.json() };
}

describe("auth", () => {
  it("parses both schemes and never checks the nonce's format", () => {
    expect(parseAuthorization("Bearer abc")).toEqual({ scheme: "bearer", token: "abc" });
    const rsa = parseAuthorization(
      "TAMS-SHA256-RSA app_id=x,nonce_str=not-hex-at-all!,timestamp=1,signature=c2ln",
    );
    expect(rsa).toMatchObject({ scheme: "rsa", appId: "x", nonce: "not-hex-at-all!" });
  });

  it("answers 401 in TAMS's shape without an Authorization header", async () => {
    const res = await call(server, "GET", "/v1/models/600423083519508503", undefined);
    expect(res.status).toBe(401);
    expect(res.body.code).toBe(16);
  });

  it("answers 401 for an RSA header that lacks a part, naming it", async () => {
    const res = await call(server, "GET", "/v1/models/1", undefined, undefined, {
      authorization: "TAMS-SHA256-RSA app_id=a,nonce_str=n,timestamp=1",
    });
    expect(res.status).toBe(401);
    expect(res.body.message).toContain("signature");
  });

  it("accepts a valid signature over the path relative to the base URL, with the raw body", async () => {
    const body = JSON.stringify({ expireSec: 60 });
    const res = await signedPost(
      "/v1/resource/image",
      body,
      rsaHeader("app-1", "POST", "/v1/resource/image", body),
    );
    expect(res.status).toBe(200);
    expect(res.body.resourceId).toBeTruthy();
  });

  it("accepts a signature over the full path the emulator sees (/tams/v1/...)", async () => {
    const body = JSON.stringify({ expireSec: 60 });
    const res = await signedPost(
      "/v1/resource/image",
      body,
      rsaHeader("app-1", "POST", "/tams/v1/resource/image", body),
    );
    expect(res.status).toBe(200);
  });

  it("answers 401 for a signature by another key, or over another body", async () => {
    const body = JSON.stringify({ expireSec: 60 });
    const wrongKey = await signedPost(
      "/v1/resource/image",
      body,
      rsaHeader("app-1", "POST", "/v1/resource/image", body, other),
    );
    expect(wrongKey.status).toBe(401);
    expect(wrongKey.body).toEqual({ code: 16, message: "signature verification failed" });
    const tampered = await signedPost(
      "/v1/resource/image",
      JSON.stringify({ expireSec: 61 }),
      rsaHeader("app-1", "POST", "/v1/resource/image", body),
    );
    expect(tampered.status).toBe(401);
  });

  it("registers a key through the control plane, after which signatures are checked", async () => {
    const body = JSON.stringify({ expireSec: 60 });
    const unsigned = rsaHeader("app-2", "POST", "/v1/resource/image", body, other);
    // No key registered: the header is parsed, the app id is the tenant, nothing to verify against.
    expect((await signedPost("/v1/resource/image", body, unsigned)).status).toBe(200);
    const put = await server.fetch("/__emulator/tams/apps/app-2", {
      method: "PUT",
      body: JSON.stringify({ publicKey: PEM }),
    });
    expect(put.status).toBe(200);
    expect((await signedPost("/v1/resource/image", body, unsigned)).status).toBe(401);
    expect(
      (await signedPost("/v1/resource/image", body, rsaHeader("app-2", "POST", "/v1/resource/image", body)))
        .status,
    ).toBe(200);
  });

  it("refuses to register a key that is not RSA ≥ 2048 bits", async () => {
    const small = generateKeyPairSync("rsa", { modulusLength: 1024 })
      .publicKey.export({ type: "spki", format: "pem" })
      .toString();
    const res = await server.fetch("/__emulator/tams/apps/app-3", {
      method: "PUT",
      body: JSON.stringify({ publicKey: small }),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain("2048");
  });

  it("answers 401 for an unknown key in strict mode", async () => {
    const strict = tamsServer({ strictKeys: true, keys: { known: 10 } });
    expect((await call(strict, "GET", "/v1/models/600423083519508503", "stranger")).status).toBe(401);
    expect((await call(strict, "GET", "/v1/models/600423083519508503", "known")).status).toBe(200);
    await strict.close();
  });
});
