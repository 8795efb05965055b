/**
 * The built CLI over a real port: what a user gets from `npm start`.
 * Needs `npm run build` first (`npm test` does it).
 */
import { spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync } from "node:fs";
import sharp from "sharp";
import { fetch } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CLI, type StartedCli, startCli } from "./cli-process.js";

const KEY = "cli-test-key-0001";

describe("the built CLI, over a real port", () => {
  let server: StartedCli;
  beforeAll(async () => {
    expect(existsSync(CLI), "run `npm run build` first").toBe(true);
    server = await startCli(["--clock", "manual", "--start-credit", "100"]);
  });
  afterAll(() => {
    if (server?.child.exitCode === null) server.child.kill("SIGKILL");
  });

  const api = (path: string, init: Parameters<typeof fetch>[1] = {}) =>
    fetch(`${server.url}/aitubo${path}`, {
      ...init,
      headers: {
        authorization: `Bearer ${KEY}`,
        "content-type": "application/json",
        ...(init.headers as object),
      },
    });

  it("prints every provider's base URL in the banner", () => {
    expect(server.output()).toContain(`aitubo`);
    expect(server.output()).toContain(`${server.url}/aitubo`);
    expect(server.output()).toContain(`${server.url}/__emulator`);
    expect(server.output()).toContain(`${server.url}/__emulator/ui`);
  });

  it("create → poll → download → upscale, advancing the manual clock", async () => {
    const created = (await (
      await api("/api/job/create", {
        method: "POST",
        body: JSON.stringify({ prompt: "over the wire", modelId: "642b977d2f2842537c09fe41", count: 1 }),
      })
    ).json()) as { code: number; data: { id: string; credit: number } };
    expect(created.code).toBe(0);
    expect(created.data.credit).toBe(90);
    const poll = async () =>
      (await (await api(`/api/job/get?id=${created.data.id}`)).json()) as {
        data: { status: number; result?: { data: { images: string[]; artIds: string[]; domain: string } } };
      };
    expect((await poll()).data.status).toBe(0);
    await fetch(`${server.url}/__emulator/clock/advance`, {
      method: "POST",
      body: JSON.stringify({ ms: 60_000 }),
    });
    const done = await poll();
    expect(done.data.status).toBe(2);
    const { domain, images, artIds } = done.data.result!.data;
    expect(domain).toBe(`${server.url}/aitubo/file/`);
    const file = await fetch(domain + images[0]);
    expect(file.headers.get("content-type")).toBe("image/png");
    const meta = await sharp(Buffer.from(await file.arrayBuffer())).metadata();
    expect([meta.width, meta.height]).toEqual([512, 512]);

    const up = (await (
      await api("/api/job/upscale", {
        method: "POST",
        body: JSON.stringify({ imagePath: images[0], upscaleFactor: 3, artId: artIds[0] }),
      })
    ).json()) as { code: number; data: { id: string } };
    expect(up.code).toBe(0);
    await fetch(`${server.url}/__emulator/clock/advance`, {
      method: "POST",
      body: JSON.stringify({ ms: 60_000 }),
    });
    const upDone = (await (await api(`/api/job/get?id=${up.data.id}`)).json()) as {
      data: { status: number; result: { data: { images: string[] } } };
    };
    expect(upDone.data.status).toBe(2);
    const big = await fetch(domain + upDone.data.result.data.images[0]);
    const bigMeta = await sharp(Buffer.from(await big.arrayBuffer())).metadata();
    expect([bigMeta.width, bigMeta.height]).toEqual([1536, 1536]);
  });

  it("drops the connection for real on a drop fault", async () => {
    await fetch(`${server.url}/__emulator/faults`, {
      method: "PUT",
      body: JSON.stringify([{ route: "GET /api/job/models", times: 1, action: { type: "drop" } }]),
    });
    await expect(fetch(`${server.url}/aitubo/api/job/models`)).rejects.toThrow();
    expect((await fetch(`${server.url}/aitubo/api/job/models`)).status).toBe(200);
  });

  it("shuts down gracefully on SIGTERM with exit code 0", async () => {
    server.child.kill("SIGTERM");
    const [code] = await once(server.child, "exit");
    expect(code).toBe(0);
    expect(server.output()).toContain("stopped");
  });
});

describe("CLI flags", () => {
  it("rejects a bad flag with a clear message and exit code 2", async () => {
    const child = spawn(process.execPath, [CLI, "serve", "--speed=0"], { stdio: ["ignore", "pipe", "pipe"] });
    let err = "";
    child.stderr.on("data", (d) => {
      err += d;
    });
    const [code] = await once(child, "exit");
    expect(code).toBe(2);
    expect(err).toContain('--speed expects a number > 0, got "0"');
  });

  it("serves a provider at the root of its own port", async () => {
    const port = await freePort();
    const s = await startCli(["--clock", "instant", "--provider-port", `aitubo=${port}`]);
    try {
      expect(s.output()).toMatch(new RegExp(`aitubo +http://127\\.0\\.0\\.1:${port}\\n`));
      const res = await fetch(`http://127.0.0.1:${port}/api/job/models`);
      const body = (await res.json()) as { data: { domain: string } };
      expect(body.data.domain).toBe(`http://127.0.0.1:${port}/file/`);
    } finally {
      s.child.kill("SIGTERM");
      await once(s.child, "exit");
    }
  });
});

/** A port nothing listens on right now. */
async function freePort(): Promise<number> {
  const { createServer } = await import("node:net");
  const srv = createServer().listen(0, "127.0.0.1");
  await once(srv, "listening");
  const { port } = srv.address() as { port: number };
  await new Promise((r) => srv.close(r));
  return port;
}
