import { appendFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { createEmulatorServer, type EmulatorServer } from "./server.js";
import { openStateDir, STATE_FORMAT, StateDirError } from "./state-dir.js";
import { testProvider } from "./test-provider.js";

const fresh = () => join(mkdtempSync(join(tmpdir(), "emu-state-")), "state");
const change = (n: number) => ({ at: n, app: "", method: "POST", url: `http://x/${n}`, headers: [] });

describe("state directory store", () => {
  it("creates the directory with its format version, and reads back what was appended", () => {
    const dir = fresh();
    const store = openStateDir(dir, { seed: 1 });
    store.append(change(1));
    store.append(change(2));
    store.saveClock(123);
    store.close();
    expect(JSON.parse(readFileSync(join(dir, "format.json"), "utf8")).format).toBe(STATE_FORMAT);
    const again = openStateDir(dir, { seed: 1 });
    expect(again.saved.changes.map((c) => c.at)).toEqual([1, 2]);
    expect(again.saved.clockNow).toBe(123);
    again.close();
  });

  it("regression: a process killed mid-write left a torn last line; it is cut, the rest is read", () => {
    const dir = fresh();
    const store = openStateDir(dir, {});
    store.append(change(1));
    store.close();
    appendFileSync(join(dir, "changes.jsonl"), '{"at":2,"app":"","meth');
    const again = openStateDir(dir, {});
    expect(again.saved.changes.map((c) => c.at)).toEqual([1]);
    again.append(change(3));
    again.close();
    expect(openStateDir(dir, {}).saved.changes.map((c) => c.at)).toEqual([1, 3]);
  });

  it("refuses a directory in another format, made under other settings, or not a state directory", () => {
    const dir = fresh();
    openStateDir(dir, { seed: 1, clock: { mode: "manual" } }).close();
    expect(() => openStateDir(dir, { seed: 2, clock: { mode: "manual" } })).toThrow(
      /other settings \(seed: 1 then, 2 now\)/,
    );
    const format = JSON.parse(readFileSync(join(dir, "format.json"), "utf8"));
    writeFileSync(join(dir, "format.json"), JSON.stringify({ ...format, format: STATE_FORMAT + 1 }));
    expect(() => openStateDir(dir, { seed: 1, clock: { mode: "manual" } })).toThrow(StateDirError);
    expect(() => openStateDir(dir, { seed: 1, clock: { mode: "manual" } })).toThrow(
      `written in state format ${STATE_FORMAT + 1}, and this version reads format ${STATE_FORMAT} only`,
    );
    const other = fresh();
    openStateDir(other, {}).close();
    writeFileSync(join(other, "format.json"), "");
    writeFileSync(join(other, "notes.txt"), "x");
    expect(() => openStateDir(other, {})).toThrow(/not readable JSON/);
    const notOurs = mkdtempSync(join(tmpdir(), "emu-other-"));
    writeFileSync(join(notOurs, "photo.png"), "x");
    expect(() => openStateDir(notOurs, {})).toThrow(/not an imagegen-emulators state directory/);
  });
});

let servers: EmulatorServer[] = [];
afterEach(async () => {
  await Promise.all(servers.map((s) => s.close()));
  servers = [];
});

describe("a server with a state directory", () => {
  const start = async (dir: string, opts: Parameters<typeof createEmulatorServer>[1] = {}) => {
    const server = createEmulatorServer([testProvider], {
      clock: { mode: "manual" },
      stateDir: dir,
      ...opts,
    });
    servers.push(server);
    await server.restored;
    return server;
  };
  const post = (server: EmulatorServer, key: string, body: unknown) =>
    server.fetch("/test/jobs", {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    });

  it("keeps tenants, balances, ledgers, jobs and the clock's time across a restart", async () => {
    const dir = fresh();
    const first = await start(dir);
    await first.fetch("/__emulator/tenants/key-aaaa-0001", { method: "PUT", body: '{"balance":10}' });
    await post(first, "key-aaaa-0001", { prompt: "kept", credits: 3 });
    await first.fetch("/__emulator/clock/advance", { method: "POST", body: '{"ms":1500}' });
    const before = await (await first.fetch("/__emulator/tenants/key-aaaa-0001")).json();
    const phase = (await (await first.fetch("/test/jobs/job1")).json()).phase;
    expect(phase).toBe("running");
    const now = first.clock.now();
    await first.close();

    const second = await start(dir);
    expect(second.clock.now()).toBe(now);
    expect(await (await second.fetch("/__emulator/tenants/key-aaaa-0001")).json()).toEqual(before);
    expect((await (await second.fetch("/test/jobs/job1")).json()).phase).toBe("running");
    // The timeline continues on the restored clock.
    second.clock.advance(2000);
    expect((await (await second.fetch("/test/jobs/job1")).json()).phase).toBe("succeeded");
    expect((await second.fetch("/test/files/out/job1.png")).status).toBe(200);
  });

  it("replays a request a fault rule failed as it was, without matching the rule again", async () => {
    const dir = fresh();
    const first = await start(dir, {
      faults: [{ provider: "test", route: "POST /jobs", nth: 1, action: { type: "fail-job" } }],
    });
    await post(first, "key-bbbb-0001", { prompt: "doomed" });
    await post(first, "key-bbbb-0001", { prompt: "fine" });
    first.clock.advance(10_000);
    await first.close();
    const second = await start(dir, {
      faults: [{ provider: "test", route: "POST /jobs", nth: 1, action: { type: "fail-job" } }],
    });
    second.clock.advance(10_000);
    expect((await (await second.fetch("/test/jobs/job1")).json()).phase).toBe("failed");
    expect((await (await second.fetch("/test/jobs/job2")).json()).phase).toBe("succeeded");
  });

  it("starts over after a full reset, and keeps the seed it was made with", async () => {
    const dir = fresh();
    const first = await start(dir);
    const seed = first.settings.seed;
    await post(first, "key-cccc-0001", { prompt: "gone" });
    await first.fetch("/__emulator/reset", { method: "POST" });
    await post(first, "key-dddd-0001", { prompt: "kept" });
    await first.close();
    const second = await start(dir);
    expect(second.settings.seed).toBe(seed);
    const tenants = (await (await second.fetch("/__emulator/state")).json()).tenants;
    expect(tenants).toHaveLength(1);
    expect(readFileSync(join(dir, "changes.jsonl"), "utf8").trim().split("\n")).toHaveLength(2);
  });

  it("keeps a one-key reset made in process, not only through the control plane", async () => {
    const dir = fresh();
    const first = await start(dir);
    await post(first, "key-ffff-0001", { prompt: "gone" });
    await post(first, "key-gggg-0001", { prompt: "kept" });
    first.reset("key-ffff-0001");
    await first.close();
    const second = await start(dir);
    expect((await second.fetch("/__emulator/tenants/key-ffff-0001")).status).toBe(404);
    expect((await second.fetch("/__emulator/tenants/key-gggg-0001")).status).toBe(200);
  });

  it("never writes the admin token to the directory, and replays control requests without it", async () => {
    const dir = fresh();
    const first = await start(dir, { adminToken: "admin-token-secret-1" });
    const put = await first.fetch("/__emulator/tenants/key-eeee-0001", {
      method: "PUT",
      headers: { "x-emulator-admin-token": "admin-token-secret-1" },
      body: '{"balance":42}',
    });
    expect(put.status).toBe(200);
    await first.close();
    expect(readFileSync(join(dir, "changes.jsonl"), "utf8")).not.toContain("admin-token-secret-1");
    const second = await start(dir, { adminToken: "another-token-0002" });
    const view = await second.fetch("/__emulator/tenants/key-eeee-0001", {
      headers: { authorization: "Bearer another-token-0002" },
    });
    expect((await view.json()).balance).toBe(42);
  });
});
