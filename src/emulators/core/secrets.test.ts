import { afterEach, describe, expect, it } from "vitest";
import { isSecretName, maskKey, redactJson, redactParams, redactSecret, redactText } from "./secrets.js";
import { createEmulatorServer, type EmulatorServer } from "./server.js";
import { testProvider } from "./test-provider.js";

const KEY = "sk-live-0123456789abcdef";
const SECRET = "hunter2-very-secret-value";

describe("secret names", () => {
  it("says key, token, secret, signature, password, auth or cookie, in any casing or separator", () => {
    for (const name of [
      "authorization",
      "Authorization",
      "x-api-key",
      "api_key",
      "apiKey",
      "APIKEY",
      "x-auth-token",
      "access_token",
      "accessToken",
      "securityToken",
      "accessKeySecret",
      "client-secret",
      "signature",
      "x-oss-signature",
      "password",
      "db_password",
      "auth",
      "cookie",
      "set-cookie",
      "proxy-authorization",
      "credentials",
    ])
      expect(isSecretName(name), name).toBe(true);
    for (const name of ["prompt", "keyword", "author", "content-type", "modelId", "taskId", "width", "steps"])
      expect(isSecretName(name), name).toBe(false);
  });

  it("masks a key as its first 4 characters and a hash suffix, never the rest", () => {
    const shown = maskKey(KEY);
    expect(shown).toMatch(/^sk-l…[0-9a-f]{8}$/);
    expect(shown).not.toContain(KEY.slice(4));
    expect(maskKey("short")).toMatch(/^…[0-9a-f]{8}$/);
    expect(maskKey("a-different-key-000")).not.toBe(shown);
    expect(redactSecret(`Bearer ${KEY}`)).toBe(`Bearer ${shown}`);
    expect(redactSecret("TAMS-SHA256-RSA app_id=a1,nonce_str=n,timestamp=1,signature=abc==")).toBe(
      "TAMS-SHA256-RSA app_id=a1,nonce_str=n,timestamp=1,signature=***",
    );
  });

  it("masks nested JSON fields, query parameters and broken JSON text", () => {
    const out = JSON.stringify(
      redactJson({
        a: { apiKey: SECRET, n: 1 },
        list: [{ token: SECRET }],
        auth: { user: "u", pass: SECRET },
      }),
    );
    expect(out).not.toContain(SECRET);
    expect(out).toContain('"n":1');
    expect(redactParams(`?api_key=${SECRET}&n=1&x-auth-token=${SECRET}`)).toMatch(
      /^\?api_key=.+&n=1&x-auth-token=/,
    );
    expect(redactParams(`?api_key=${SECRET}&n=1`)).not.toContain(SECRET);
    expect(redactText(`{"password": "${SECRET}", "prompt": "ok"`)).not.toContain(SECRET);
    expect(redactText(`token=${SECRET}&a=b`)).not.toContain(SECRET);
  });
});

let server: EmulatorServer | undefined;
afterEach(() => server?.close());

describe("no raw key in any answer", () => {
  const make = () => {
    server = createEmulatorServer([testProvider], { clock: { mode: "manual" } });
    return server;
  };
  const journalAfter = async (init: RequestInit, path = "/test/jobs") => {
    const s = make();
    await s.fetch(path, init);
    const res = await s.fetch("/__emulator/requests");
    return res.text();
  };

  it("regression: GET /__emulator/state and /tenants/:key listed keys in clear", async () => {
    const s = make();
    await s.fetch("/test/jobs", {
      method: "POST",
      headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ prompt: "x" }),
    });
    const state = await (await s.fetch("/__emulator/state")).text();
    expect(state).not.toContain(KEY);
    expect(JSON.parse(state).tenants[0].key).toBe(maskKey(KEY));
    // Addressable by the raw key (in the path, never echoed) and by the mask /state lists.
    const byKey = await s.fetch(`/__emulator/tenants/${KEY}`);
    const text = await byKey.text();
    expect(byKey.status).toBe(200);
    expect(text).not.toContain(KEY);
    expect(JSON.parse(text).key).toBe(maskKey(KEY));
    const byMask = await s.fetch(`/__emulator/tenants/${encodeURIComponent(maskKey(KEY))}`);
    expect((await byMask.json()).balance).toBe(JSON.parse(text).balance);
    const put = await s.fetch(`/__emulator/tenants/${KEY}`, { method: "PUT", body: '{"balance":7}' });
    expect(await put.text()).not.toContain(KEY);
    const missing = await s.fetch("/__emulator/tenants/not-a-tenant-key-123");
    expect(missing.status).toBe(404);
    expect(await missing.text()).not.toContain("not-a-tenant-key-123");
    const reset = await s.fetch("/__emulator/reset", { method: "POST", body: JSON.stringify({ key: KEY }) });
    expect(await reset.text()).not.toContain(KEY);
  });

  it("regression: the journal kept x-auth-token and similar headers in clear", async () => {
    const journal = await journalAfter({
      method: "POST",
      headers: {
        authorization: `Bearer ${KEY}`,
        "x-auth-token": SECRET,
        "x-api-key": SECRET,
        cookie: `session=${SECRET}`,
        "x-amz-security-token": SECRET,
        "content-type": "application/json",
      },
      body: JSON.stringify({ prompt: "x" }),
    });
    expect(journal).not.toContain(KEY);
    expect(journal).not.toContain(SECRET);
    expect(journal).toContain("x-auth-token");
  });

  it("regression: the journal kept ?api_key= in clear", async () => {
    const journal = await journalAfter(
      { method: "POST", headers: { authorization: `Bearer ${KEY}` }, body: "{}" },
      `/test/jobs?api_key=${SECRET}&access_token=${SECRET}&signature=${SECRET}&n=1`,
    );
    expect(journal).not.toContain(SECRET);
    expect(journal).toContain("n=1");
  });

  it("regression: the journal kept a body field named authorization (and nested secrets) in clear", async () => {
    const journal = await journalAfter({
      method: "POST",
      headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
      body: JSON.stringify({
        prompt: "visible prompt",
        authorization: SECRET,
        options: { client_secret: SECRET, deeper: [{ password: SECRET, secretKey: SECRET }] },
      }),
    });
    expect(journal).not.toContain(SECRET);
    expect(journal).toContain("visible prompt");
  });

  it("regression: form and multipart bodies kept secret fields in clear", async () => {
    const form = await journalAfter({
      method: "POST",
      headers: { authorization: `Bearer ${KEY}`, "content-type": "application/x-www-form-urlencoded" },
      body: `prompt=visible&api_key=${SECRET}&token=${SECRET}`,
    });
    expect(form).not.toContain(SECRET);
    expect(form).toContain("visible");
    const data = new FormData();
    data.set("prompt", "visible");
    data.set("password", SECRET);
    data.set("image", new Blob([Buffer.from("PNGDATA")], { type: "image/png" }), "a.png");
    const multipart = await journalAfter({
      method: "POST",
      headers: { authorization: `Bearer ${KEY}` },
      body: data,
    });
    expect(multipart).not.toContain(SECRET);
    const entry = JSON.parse(multipart).requests[0];
    expect(entry.request.body).toMatchObject({ prompt: "visible", image: '[file "a.png", image/png]' });
  });

  it("regression: a response field carrying a secret (STS credentials) was journaled in clear", () => {
    const shown = JSON.stringify(
      redactJson({ credentials: { accessKeyId: "id", accessKeySecret: SECRET, securityToken: SECRET } }),
    );
    expect(shown).not.toContain(SECRET);
  });
});
