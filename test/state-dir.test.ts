/**
 * `--state-dir`: what a user keeps across a restart, for every provider in process, and for the
 * built CLI over a real port: a graceful stop loses nothing, a SIGKILL under load loses nothing
 * that was answered.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import sharp from "sharp";
import { fetch } from "undici";
import { afterAll, describe, expect, it } from "vitest";
import type { EmulatorServer } from "../src/emulators/core/server.js";
import { createEmulators } from "../src/emulators/create-emulators.js";
import { CLI, startCli } from "./cli-process.js";

const KEY = "state-dir-key-000001";
const DREAMSHAPER = "642b977d2f2842537c09fe41";
const fresh = () => join(mkdtempSync(join(tmpdir(), "emu-state-")), "state");
const png = (color: string) =>
  sharp({ create: { width: 96, height: 64, channels: 3, background: color } })
    .png()
    .toBuffer();

describe("every provider's state survives a restart (in process)", () => {
  it("keeps Aitubo uploads and jobs, TAMS resources and jobs, Qolaba tasks, AIThriving charges, every ledger", async () => {
    const dir = fresh();
    const open = async () => {
      const s = createEmulators({ stateDir: dir, clock: { mode: "manual", start: 1_700_000_000_000 } });
      await s.restored;
      return s;
    };
    const json = (
      s: EmulatorServer,
      path: string,
      body?: unknown,
      method = body === undefined ? "GET" : "POST",
    ) =>
      s
        .fetch(path, {
          method,
          headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
          ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        })
        .then((r) => r.json());
    const first = await open();
    // Aitubo: an upload used as an image-to-image input.
    const form = new FormData();
    form.append("image", new Blob([new Uint8Array(await png("#aa3311"))], { type: "image/png" }), "in.png");
    const uploaded = await (
      await first.fetch("/aitubo/api/job/upload-image", {
        method: "POST",
        headers: { authorization: `Bearer ${KEY}` },
        body: form,
      })
    ).json();
    const aitubo = await json(first, "/aitubo/api/job/create", {
      prompt: "kept",
      modelId: DREAMSHAPER,
      imagePath: uploaded.data.path,
      count: 1,
    });
    expect(aitubo.code).toBe(0);
    // TAMS: an uploaded resource and a job.
    const resource = await json(first, "/tams/v1/resource/image", { expireSec: 3600 });
    const put = new URL(resource.putUrl);
    await first.fetch(put.pathname + put.search, {
      method: "PUT",
      headers: resource.headers,
      body: new Uint8Array(await png("#1133aa")),
    });
    const tams = await json(first, "/tams/v1/jobs", {
      requestId: "kept-1",
      stages: [
        { type: "INPUT_INITIALIZE", inputInitialize: { imageResourceId: resource.resourceId, count: 1 } },
        {
          type: "DIFFUSION",
          diffusion: {
            width: 64,
            height: 64,
            prompts: [{ text: "x" }],
            steps: 20,
            sdModel: "600423083519508503",
          },
        },
      ],
    });
    expect(tams.job?.id, JSON.stringify(tams)).toBeDefined();
    // Qolaba: a queued task; AIThriving: a synchronous charge.
    const qolaba = await json(first, "/qolaba/getTextToImage", {
      app_id: "ap-oDVXRQ7bCaWW05O52P1mlA",
      prompt: "kept",
      height: 512,
      width: 512,
      num_inference_steps: 20,
      guidance_scale: 7.5,
      batch: 1,
      celery: true,
    });
    expect(qolaba.task_id).toBeDefined();
    // AIThriving answers after the run time: the request waits on the (manual) clock, so it is
    // recorded when it starts waiting, and other requests are not held up meanwhile.
    const aithriving = json(first, "/aithriving/api/generate/basic/textToImage", {
      prompt: "kept",
      width: 512,
      height: 512,
    });
    await new Promise((r) => setTimeout(r, 50));
    first.clock.advance(10 * 60_000);
    expect((await aithriving).code).toBe(0);
    const views = async (s: EmulatorServer) => ({
      aitubo: await json(s, `/aitubo/api/job/get?id=${aitubo.data.id}`),
      tams: await json(s, `/tams/v1/jobs/${tams.job.id}`),
      qolaba: await json(s, "/qolaba/getImage", { id: qolaba.task_id }),
      tenant: await (await s.fetch(`/__emulator/tenants/${KEY}`)).json(),
    });
    const before = await views(first);
    expect(before.aitubo.data.status).toBe(2);
    expect(before.tams.job.status).toBe("SUCCESS");
    expect(before.qolaba.status).toBe("SUCCESS");
    const image = async (s: EmulatorServer, url: string) =>
      Buffer.from(await (await s.fetch(new URL(url).pathname)).arrayBuffer());
    const aituboUrl = before.aitubo.data.result.data.domain + before.aitubo.data.result.data.images[0];
    const tamsUrl = before.tams.job.successInfo.images[0].url;
    const bytes = { aitubo: await image(first, aituboUrl), tams: await image(first, tamsUrl) };
    await first.close();

    const second = await open();
    expect(await second.restored).toBeGreaterThan(0);
    const after = await views(second);
    expect(after).toEqual(before);
    expect((await image(second, aituboUrl)).equals(bytes.aitubo)).toBe(true);
    expect((await image(second, tamsUrl)).equals(bytes.tams)).toBe(true);
    // The upload itself is back, for its owner.
    expect((await second.fetch(`/aitubo/file/${uploaded.data.path}`)).status).toBe(200);
    await second.close();
  });
});

describe("the built CLI with --state-dir, over a real port", () => {
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
  });
  const api = (url: string, path: string, body?: unknown) =>
    fetch(`${url}/aitubo${path}`, {
      method: body === undefined ? "GET" : "POST",
      headers: { authorization: `Bearer ${KEY}`, "content-type": "application/json" },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });

  it("regression-style: a restart after SIGTERM keeps a job pollable and its image downloadable", async () => {
    const dir = fresh();
    const one = await startCli(["--clock", "manual", "--state-dir", dir]);
    children.push(one.child);
    const created = (await (
      await api(one.url, "/api/job/create", { prompt: "kept", modelId: DREAMSHAPER, count: 1 })
    ).json()) as {
      data: { id: string };
    };
    await fetch(`${one.url}/__emulator/clock/advance`, { method: "POST", body: '{"ms":60000}' });
    const done = (await (await api(one.url, `/api/job/get?id=${created.data.id}`)).json()) as {
      data: { status: number; result: { data: { images: string[] } } };
    };
    expect(done.data.status).toBe(2);
    const first = Buffer.from(
      await (await fetch(`${one.url}/aitubo/file/${done.data.result.data.images[0]}`)).arrayBuffer(),
    );
    one.child.kill("SIGTERM");
    expect((await once(one.child, "exit"))[0]).toBe(0);

    const two = await startCli(["--clock", "manual", "--state-dir", dir]);
    children.push(two.child);
    expect(two.output()).toMatch(/state kept in .* \(\d+ change\(s\) restored\)/);
    const again = (await (await api(two.url, `/api/job/get?id=${created.data.id}`)).json()) as typeof done;
    expect(again.data.status).toBe(2);
    const file = await fetch(`${two.url}/aitubo/file/${again.data.result.data.images[0]}`);
    expect(file.status).toBe(200);
    expect(Buffer.from(await file.arrayBuffer()).equals(first)).toBe(true);
    two.child.kill("SIGTERM");
    await once(two.child, "exit");
  });

  it("SIGKILL under load, then restart: the state is readable and every answered job is there", async () => {
    const dir = fresh();
    const one = await startCli(["--clock", "instant", "--state-dir", dir]);
    children.push(one.child);
    const acknowledged: string[] = [];
    let stop = false;
    const worker = async () => {
      while (!stop) {
        try {
          const res = await api(one.url, "/api/job/create", {
            prompt: "load",
            modelId: DREAMSHAPER,
            count: 1,
          });
          const body = (await res.json()) as { code: number; data: { id: string } };
          if (body.code === 0) acknowledged.push(body.data.id);
        } catch {
          return; // the process is gone
        }
      }
    };
    const workers = Array.from({ length: 8 }, worker);
    while (acknowledged.length < 40) await new Promise((r) => setTimeout(r, 20));
    const exited = once(one.child, "exit");
    one.child.kill("SIGKILL");
    stop = true;
    await Promise.all(workers);
    await exited;

    const two = await startCli(["--clock", "instant", "--state-dir", dir]);
    children.push(two.child);
    const missing: string[] = [];
    for (const id of acknowledged) {
      const got = (await (await api(two.url, `/api/job/get?id=${id}`)).json()) as { code: number };
      if (got.code !== 0) missing.push(id);
    }
    expect(missing).toEqual([]);
    const state = (await (await fetch(`${two.url}/__emulator/state`)).json()) as {
      providers: { aitubo: { jobs: number } };
    };
    expect(state.providers.aitubo.jobs).toBeGreaterThanOrEqual(acknowledged.length);
    two.child.kill("SIGTERM");
    await once(two.child, "exit");
  });

  it("refuses a directory made under other settings with a clear message and exit code 2", async () => {
    const dir = fresh();
    const one = await startCli(["--clock", "manual", "--state-dir", dir, "--seed", "5"]);
    children.push(one.child);
    one.child.kill("SIGTERM");
    await once(one.child, "exit");
    const child = spawn(
      process.execPath,
      [CLI, "serve", "--port", "0", "--clock", "instant", "--state-dir", dir],
      {
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let err = "";
    child.stderr.on("data", (d) => {
      err += d;
    });
    const [code] = await once(child, "exit");
    expect(code).toBe(2);
    expect(err).toContain("--state-dir");
    expect(err).toContain('clock: {"mode":"manual","speed":1} then, {"mode":"instant","speed":1} now');
  });
});
