/**
 * Webhook security: a redirect never takes a delivery past the allow-list, and a webhook body
 * names the URLs of the job's own creating request, whatever other tenants send.
 */

import { mkdtempSync } from "node:fs";
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { tamsServer } from "./test-kit.js";

const STAGES = [
  { type: "INPUT_INITIALIZE", inputInitialize: { seed: 42, count: 1 } },
  {
    type: "DIFFUSION",
    diffusion: {
      width: 512,
      height: 512,
      prompts: [{ text: "x" }],
      steps: 20,
      sdModel: "600423083519508503",
    },
  },
];

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A receiver on 127.0.0.1 that records bodies and answers with `answer`. */
async function receiver(answer: (res: import("node:http").ServerResponse) => void) {
  const bodies: string[] = [];
  const s = createServer((req: IncomingMessage, res) => {
    let text = "";
    req.on("data", (c) => {
      text += c;
    });
    req.on("end", () => {
      bodies.push(text);
      answer(res);
    });
  });
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
  return { bodies, port: (s.address() as AddressInfo).port };
}

const until = async (done: () => boolean) => {
  for (let i = 0; i < 200 && !done(); i++) await new Promise((r) => setTimeout(r, 10));
};

describe("TAMS webhooks", () => {
  it("regression: a loopback receiver answering 302 to a refused host was followed", async () => {
    const server = tamsServer();
    // The refused host: 127.0.0.1 spelled as an IPv4-mapped IPv6 address, outside the allow-list,
    // but reachable, so following the redirect would show up at this receiver.
    const target = await receiver((res) => res.end("ok"));
    const refusedUrl = `http://[::ffff:127.0.0.1]:${target.port}/stolen`;
    const direct = await fetch(refusedUrl, { method: "POST", body: "probe" });
    expect(direct.status).toBe(200);
    target.bodies.length = 0;
    const create = (notifyUrl: string) =>
      server.fetch("/tams/v1/jobs", {
        method: "POST",
        headers: { authorization: "Bearer hook-key-0001", "content-type": "application/json" },
        body: JSON.stringify({ requestId: notifyUrl, stages: STAGES, notifyUrl }),
      });
    // The emulator refuses that host as a notifyUrl...
    expect((await create(refusedUrl)).status).toBe(400);
    // ...so a redirect to it is not followed either.
    const redirecting = await receiver((res) => {
      res.writeHead(302, { location: refusedUrl });
      res.end();
    });
    expect((await create(`http://127.0.0.1:${redirecting.port}/hook`)).status).toBe(200);
    server.clock.advance(0);
    await until(() => redirecting.bodies.length > 0);
    const attempts = async () =>
      (await (await server.fetch("/__emulator/tams/webhooks")).json()).attempts as { outcome: unknown }[];
    // Once the attempt is recorded, a followed redirect would already have reached the target.
    for (let i = 0; i < 200 && (await attempts()).length === 0; i++)
      await new Promise((r) => setTimeout(r, 10));
    expect(redirecting.bodies.length).toBeGreaterThan(0);
    expect(target.bodies).toEqual([]);
    expect((await attempts())[0]?.outcome).toBe("302 redirect not followed");
    await server.close();
  });

  it("regression: one tenant's Host header changed another tenant's webhook URLs", async () => {
    const server = tamsServer();
    const hook = await receiver((res) => res.end("ok"));
    const send = (host: string, key: string, body: unknown) =>
      server.fetch(
        new Request(`http://${host}/tams/v1/jobs`, {
          method: "POST",
          headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
          body: JSON.stringify(body),
        }),
      );
    const url = `http://127.0.0.1:${hook.port}/hook`;
    expect(
      (await send("tenant-a.test:4000", "key-a-000001", { requestId: "a", stages: STAGES, notifyUrl: url }))
        .status,
    ).toBe(200);
    // Another tenant, through another host name, after the job was made.
    expect(
      (await send("tenant-b.test:9999", "key-b-000001", { requestId: "b", stages: STAGES })).status,
    ).toBe(200);
    server.clock.advance(10 * 60_000);
    await until(() => hook.bodies.some((b) => b.includes('"SUCCESS"')));
    const success = hook.bodies.find((b) => b.includes('"SUCCESS"'));
    expect(success).toContain("http://tenant-a.test:4000/tams/");
    expect(hook.bodies.join("")).not.toContain("tenant-b.test");
    await server.close();
  });

  it("are not sent again when a state directory is replayed at start", async () => {
    const dir = join(mkdtempSync(join(tmpdir(), "emu-hooks-")), "state");
    const hook = await receiver((res) => res.end("ok"));
    const url = `http://127.0.0.1:${hook.port}/hook`;
    const first = tamsServer({ stateDir: dir });
    await first.fetch("/tams/v1/jobs", {
      method: "POST",
      headers: { authorization: "Bearer hook-key-0002", "content-type": "application/json" },
      body: JSON.stringify({ requestId: "once", stages: STAGES, notifyUrl: url }),
    });
    first.clock.advance(10 * 60_000);
    // WAITING, RUNNING and SUCCESS, each delivered once.
    await until(() => hook.bodies.length >= 3);
    const sent = hook.bodies.length;
    expect(sent).toBe(3);
    await first.close();
    const second = tamsServer({ stateDir: dir });
    await second.restored;
    second.clock.advance(60_000);
    // Give a resent delivery every chance to arrive.
    await new Promise((r) => setTimeout(r, 200));
    expect(hook.bodies).toHaveLength(sent);
    const job = await second.fetch("/__emulator/tams/webhooks");
    expect((await job.json()).attempts).toEqual([]);
    await second.close();
  });
});
