/**
 * The built CLI as a user meets it: `serve --proxy` answers curl and Python requests sent to the
 * providers' real URLs through the proxy with the local CA, refuses other hosts, `serve --tls`
 * answers HTTPS with a certificate that verifies against the CA, `env` and `ca` print what a shell
 * needs, and the first-hour items (--version, PORT, --quiet with --port 0, the access log).
 * Everything binds 127.0.0.1; refused hosts are refused before any connection is made.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import https from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { maskKey } from "../src/emulators/core/secrets.js";

const CLI = fileURLToPath(new URL("../dist/bin/cli.js", import.meta.url));
const EXAMPLES = fileURLToPath(new URL("../examples/", import.meta.url));
const run = promisify(execFile);
const CA_DIR = mkdtempSync(join(tmpdir(), "imagegen-ca-"));

/** Starts `serve --quiet --port 0 ...`; resolves with the one URL line it prints. */
async function serve(args: string[], env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, [CLI, "serve", "--quiet", "--ca-dir", CA_DIR, ...args], {
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, PORT: "0", ...env },
  });
  let stdout = "";
  let stderr = "";
  child.stderr!.on("data", (d) => {
    stderr += d;
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no URL: ${stdout} ${stderr}`)), 10_000);
    child.stdout!.on("data", (d) => {
      stdout += d;
      if (stdout.includes("\n")) {
        clearTimeout(timer);
        resolve(stdout.trim());
      }
    });
    child.once("exit", (code) => reject(new Error(`exited ${code}: ${stderr}`)));
  });
  return { child, url, port: Number(new URL(url).port), stdout: () => stdout, stderr: () => stderr };
}

/** The environment `imagegen-emulators env` prints, parsed. */
async function shellEnv(port: number): Promise<Record<string, string>> {
  const { stdout } = await run(process.execPath, [CLI, "env", "--port", String(port), "--ca-dir", CA_DIR]);
  return Object.fromEntries(
    [...stdout.matchAll(/^export (\w+)='([^']*)'$/gm)].map((m) => [m[1]!, m[2]!] as [string, string]),
  );
}

const stop = (child: ChildProcess | undefined) => {
  if (child && child.exitCode === null) child.kill("SIGTERM");
};

describe("serve --proxy", () => {
  let proxy: Awaited<ReturnType<typeof serve>>;
  let env: Record<string, string>;
  beforeAll(async () => {
    proxy = await serve(["--proxy", "--clock", "instant", "--log-level", "info"]);
    env = await shellEnv(proxy.port);
  });
  afterAll(() => stop(proxy?.child));

  it("prints only its URL when quiet with port 0 (PORT=0 from the environment)", () => {
    expect(proxy.stdout()).toMatch(/^http:\/\/127\.0\.0\.1:\d+\n$/);
  });

  it("env prints every variable a shell needs, naming the proxy and the CA files", () => {
    const proxyUrl = `http://127.0.0.1:${proxy.port}`;
    expect(env).toMatchObject({
      HTTPS_PROXY: proxyUrl,
      HTTP_PROXY: proxyUrl,
      NO_PROXY: "localhost,127.0.0.1,::1",
      NODE_EXTRA_CA_CERTS: join(CA_DIR, "ca.pem"),
      REQUESTS_CA_BUNDLE: join(CA_DIR, "ca-bundle.pem"),
      SSL_CERT_FILE: join(CA_DIR, "ca-bundle.pem"),
      CURL_CA_BUNDLE: join(CA_DIR, "ca-bundle.pem"),
    });
  });

  it("curl through the proxy with the CA gets Aitubo's profile from the emulator (the example)", async () => {
    const { stdout } = await run("sh", [join(EXAMPLES, "curl-through-proxy.sh")], {
      env: { ...process.env, ...env, AITUBO_API_KEY: "curl-example-key-42" },
    });
    expect(JSON.parse(stdout)).toMatchObject({
      code: 0,
      data: { name: "emulator-user-y-42", credit: 100000 },
    });
    // One access-log line for it, the key masked as /state and the journal mask it.
    const masked = maskKey("curl-example-key-42").replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    await expect
      .poll(() => proxy.stderr())
      .toMatch(new RegExp(`^\\S+Z aitubo GET /api/user/profile 200 [\\d.]+ms ${masked}$`, "m"));
    expect(proxy.stderr()).not.toContain("curl-example-key-42");
  });

  it("refuses a non-emulated host: CONNECT gets 403 with the reason, plain HTTP too", async () => {
    const tunnel = await run("curl", ["-sS", "--proxy", env.HTTPS_PROXY!, "https://example.com/"]).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect((tunnel as { code: number }).code).toBe(56);
    expect((tunnel as { stderr: string }).stderr).toMatch(/CONNECT tunnel failed, response 403/);
    const plain = await run("curl", [
      "-sS",
      "-w",
      "%{http_code}",
      "--proxy",
      env.HTTP_PROXY!,
      "http://example.com/",
    ]);
    expect(plain.stdout).toMatch(
      /refused example\.com: it is not an emulated host\. Restart with --proxy-passthrough/,
    );
    expect(plain.stdout).toMatch(/403$/);
  });

  it("Python requests, unchanged, through the proxy (the example)", async () => {
    const { stdout } = await run("python3", [join(EXAMPLES, "python-requests.py")], {
      env: { ...process.env, ...env },
    });
    expect(stdout).toMatch(/^aithriving 200 png \d+ bytes$/m);
    expect(stdout).toMatch(/^aitubo 200 100000$/m);
  });

  it("keeps the CA key private: mode 0600 in a 0700 directory", () => {
    expect(statSync(join(CA_DIR, "ca-key.pem")).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(CA_DIR, "ca.pem"), "utf8")).toMatch(/^-----BEGIN CERTIFICATE-----/);
  });
});

describe("serve --tls", () => {
  let server: Awaited<ReturnType<typeof serve>>;
  beforeAll(async () => {
    server = await serve(["--tls", "--clock", "instant"]);
  });
  afterAll(() => {
    stop(server?.child);
    rmSync(CA_DIR, { recursive: true, force: true });
  });

  const get = (path: string, options: https.RequestOptions) =>
    new Promise<{ status: number; body: string; sans: string }>((resolve, reject) => {
      const req = https.request(
        {
          host: "127.0.0.1",
          port: server.port,
          path,
          headers: { authorization: "Bearer tls-key-0001" },
          ...options,
        },
        (res) => {
          const sans = (res.socket as import("node:tls").TLSSocket).getPeerCertificate().subjectaltname ?? "";
          let body = "";
          res.on("data", (d) => {
            body += d;
          });
          res.on("end", () => resolve({ status: res.statusCode!, body, sans }));
        },
      );
      req.on("error", reject);
      req.end();
    });

  it("answers HTTPS with a certificate that verifies against the CA, for 127.0.0.1 and the real hosts", async () => {
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const ca = readFileSync(join(CA_DIR, "ca.pem"));
    const res = await get("/aitubo/api/user/profile", { ca });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body).data.credit).toBe(100000);
    expect(res.sans).toContain("IP Address:127.0.0.1");
    expect(res.sans).toContain("DNS:*.tensorart.cloud");
    // A client that hard-codes https://<host> (new TamsSDK({host})) reaches it by name.
    const named = await get("/v1/models/600423083519508503", {
      ca,
      servername: "tams-api.tensor.art",
      headers: { authorization: "Bearer tls-key-0001", host: "tams-api.tensor.art" },
    });
    expect(JSON.parse(named.body).model.id).toBe("600423083519508503");
    // Without the CA, verification fails: the certificate is really checked.
    await expect(get("/aitubo/api/user/profile", {})).rejects.toThrow(
      /self.signed|unable to verify|certificate/i,
    );
  });
});

describe("first hour", () => {
  it("--version prints the package's version", async () => {
    const pkg = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
    const { stdout } = await run(process.execPath, [CLI, "--version"]);
    expect(stdout.trim()).toBe(`imagegen-emulators ${pkg.version}`);
  });

  it("a bad PORT or --log-level is a usage error naming it", async () => {
    const bad = await run(process.execPath, [CLI, "serve"], { env: { ...process.env, PORT: "http" } }).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect((bad as { code: number }).code).toBe(2);
    expect((bad as { stderr: string }).stderr).toMatch(/PORT expects a port 0–65535, got "http"/);
    const level = await run(process.execPath, [CLI, "serve", "--log-level", "loud"]).catch(
      (e: { code: number; stderr: string }) => e,
    );
    expect((level as { stderr: string }).stderr).toMatch(
      /--log-level expects one of silent, info, debug, got "loud"/,
    );
  });
});
