/**
 * Bounded state (issue 14): the caps hold, an evicted job answers as the provider answers an id it
 * never issued, the journal's byte budget holds with large bodies, and a reset frees everything.
 * Nothing here is timed.
 */
import { afterEach, describe, expect, it } from "vitest";
import { UPLOAD_RECORD_BYTES } from "../src/emulators/core/file-store.js";
import { STORED_BODY_CHARS } from "../src/emulators/core/journal.js";
import { maskKey } from "../src/emulators/core/secrets.js";
import type { EmulatorServer } from "../src/emulators/core/server.js";
import { createEmulators, type EmulatorsOptions } from "../src/emulators/create-emulators.js";

let server: EmulatorServer;
afterEach(() => server?.close());

const KEY = "bounded-key";
const make = (options: EmulatorsOptions) => {
  server = createEmulators({ clock: { mode: "instant" }, keys: { [KEY]: 1e9 }, ...options });
  return server;
};
const call = async (method: string, path: string, body?: unknown, key = KEY) => {
  const res = await server.fetch(path, {
    method,
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
  });
  const text = await res.text();
  return { status: res.status, text };
};
const state = async () => (await (await server.fetch("/__emulator/state")).json()) as StateSummary;
interface StateSummary {
  totals: { jobs: number; tenants: number; requests: number };
  limits: {
    maxJobs: number;
    evictedJobs: number;
    journal: { bytes: number; maxBytes: number; entries: number };
  };
  files: { count: number; results: number; uploads: number; uploadBytes: number };
  tenants: { key: string }[];
}

/** How each provider creates a job, polls one, and what id it would never issue. */
const PROVIDERS = {
  aitubo: {
    create: async () => {
      const r = await call("POST", "/aitubo/api/job/create", {
        prompt: "x",
        modelId: "642b977d2f2842537c09fe41",
        count: 1,
      });
      return JSON.parse(r.text).data.id as string;
    },
    poll: (id: string) => call("GET", `/aitubo/api/job/get?id=${id}`),
    neverIssued: "ffffffffffffffffffffffff",
  },
  tams: {
    create: async () => {
      const r = await call("POST", "/tams/v1/jobs", {
        requestId: `r-${Math.random()}`,
        stages: [
          { type: "INPUT_INITIALIZE", inputInitialize: { seed: 1, count: 1 } },
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
        ],
      });
      return JSON.parse(r.text).job.id as string;
    },
    poll: (id: string) => call("GET", `/tams/v1/jobs/${id}`),
    neverIssued: "999999999999999999",
  },
  qolaba: {
    create: async () => {
      const r = await call("POST", "/qolaba/getTextToImage", {
        app_id: "ap-oDVXRQ7bCaWW05O52P1mlA",
        prompt: "x",
        height: 512,
        width: 512,
        num_inference_steps: 20,
        guidance_scale: 7.5,
        batch: 1,
        celery: true,
      });
      const body = JSON.parse(r.text);
      return (body.output?.task_id ?? body.task_id) as string;
    },
    poll: (id: string) => call("POST", "/qolaba/getImage", { id }),
    neverIssued: "never-issued-task-id",
  },
} as const;

describe("the job cap", () => {
  it.each(
    Object.keys(PROVIDERS) as (keyof typeof PROVIDERS)[],
  )("%s: counts stay under --max-jobs and an evicted job answers as an id never issued", async (name) => {
    const p = PROVIDERS[name];
    make({ providers: [name], limits: { maxJobs: 5 } });
    const first = await p.create();
    const before = await p.poll(first);
    expect(before.status).toBe(200);
    for (let i = 0; i < 12; i++) await p.create();
    const s = await state();
    expect(s.totals.jobs).toBe(5);
    expect(s.limits.evictedJobs).toBe(8);
    // Every job's results went with it: no more files than the jobs left hold.
    expect(s.files.results).toBeLessThanOrEqual(5);
    const evicted = await p.poll(first);
    const unknown = await p.poll(p.neverIssued);
    expect(evicted.text).not.toBe(before.text);
    expect(evicted.status).toBe(unknown.status);
    expect(evicted.text.replaceAll(first, "<id>")).toBe(unknown.text.replaceAll(p.neverIssued, "<id>"));
  });

  it("never evicts a job that is still running", async () => {
    make({ providers: ["aitubo"], limits: { maxJobs: 2 } });
    // emu:hang: the job never finishes, so the cap cannot take it.
    const hanging = await call("POST", "/aitubo/api/job/create", {
      prompt: "x emu:hang",
      modelId: "642b977d2f2842537c09fe41",
      count: 1,
    });
    const id = JSON.parse(hanging.text).data.id;
    for (let i = 0; i < 6; i++) await PROVIDERS.aitubo.create();
    const polled = JSON.parse((await PROVIDERS.aitubo.poll(id)).text);
    expect(polled.data.status).toBe(1);
    expect((await state()).totals.jobs).toBe(2);
  });

  it("an evicted Aitubo job's image answers like a file that never existed", async () => {
    make({ providers: ["aitubo"], limits: { maxJobs: 1 } });
    const id = await PROVIDERS.aitubo.create();
    const job = JSON.parse((await PROVIDERS.aitubo.poll(id)).text).data.result.data;
    const url = new URL(job.domain + job.images[0]);
    expect((await server.fetch(url.pathname)).status).toBe(200);
    await PROVIDERS.aitubo.create();
    const gone = await server.fetch(url.pathname);
    const never = await server.fetch(url.pathname.replace(id, "ffffffffffffffffffffffff"));
    expect(gone.status).toBe(never.status);
    expect(gone.status).toBe(404);
  });
});

describe("the other caps", () => {
  it("tenants: past --max-tenants the least recently active unregistered key goes, with its jobs", async () => {
    make({ providers: ["aitubo"], limits: { maxTenants: 3 } });
    const create = (key: string) =>
      call(
        "POST",
        "/aitubo/api/job/create",
        { prompt: "x", modelId: "642b977d2f2842537c09fe41", count: 1 },
        key,
      );
    await create("t1");
    await create("t2");
    await create("t3"); // KEY (registered) + t1..t3 = 4 > 3: t1, the least recently active, goes
    const s = await state();
    expect(s.totals.tenants).toBe(3);
    // /state shows keys masked.
    expect(s.tenants.map((t) => t.key).sort()).toEqual([KEY, "t2", "t3"].map(maskKey).sort());
    expect(s.totals.jobs).toBe(2);
  });

  it("tenants: a key used again is the most recently active, whether or not it was the last one", async () => {
    make({ providers: ["aitubo"], limits: { maxTenants: 3 } });
    const create = (key: string) =>
      call(
        "POST",
        "/aitubo/api/job/create",
        { prompt: "x", modelId: "642b977d2f2842537c09fe41", count: 1 },
        key,
      );
    await create("t1");
    await create("t1"); // already the most recent
    await create("t2");
    await create("t1"); // t1 becomes the most recent again: t2 is now the least
    await create("t3"); // KEY + t1..t3 = 4 > 3: t2 goes
    const s = await state();
    expect(s.tenants.map((t) => t.key).sort()).toEqual([KEY, "t1", "t3"].map(maskKey).sort());
  });

  it("uploads: past the byte budget the oldest uploads go", async () => {
    make({ providers: ["aitubo"], limits: { maxUploadBytes: 2500 } });
    const { default: sharp } = await import("sharp");
    const png = await sharp({ create: { width: 16, height: 16, channels: 3, background: "#808080" } })
      .png()
      .toBuffer();
    for (let i = 0; i < 40; i++) {
      const form = new FormData();
      form.set("image", new Blob([new Uint8Array(png)], { type: "image/png" }), `a${i}.png`);
      const res = await server.fetch("/aitubo/api/job/upload-image", {
        method: "POST",
        headers: { authorization: `Bearer ${KEY}` },
        body: form,
      });
      expect(res.status).toBe(200);
    }
    const s = await state();
    expect(s.files.uploadBytes).toBeLessThanOrEqual(2500);
    // Each upload is charged its bytes and its record's.
    expect(s.files.uploads).toBe(Math.floor(2500 / (png.length + UPLOAD_RECORD_BYTES)));
  });

  it("journal: the byte budget holds with large bodies, and a large body is kept cut with its size and hash", async () => {
    const maxBytes = 512 * 1024;
    make({ providers: ["aitubo"], limits: { journalBytes: maxBytes } });
    const big = "y".repeat(300_000);
    for (let i = 0; i < 30; i++)
      await call("POST", "/aitubo/api/job/create", {
        prompt: big,
        modelId: "642b977d2f2842537c09fe41",
        count: 1,
      });
    const s = await state();
    expect(s.limits.journal.bytes).toBeLessThanOrEqual(maxBytes);
    expect(s.limits.journal.entries).toBeGreaterThan(0);
    const { requests } = await (await server.fetch(`/__emulator/requests?key=${KEY}&limit=1`)).json();
    const body = requests[0].request.body as string;
    expect(body.length).toBeLessThan(STORED_BODY_CHARS);
    expect(body).toMatch(/… \(300\d{3} chars, sha256 [0-9a-f]{64}\)$/);
  });
});

describe("control routes at scale", () => {
  it("/tenants/:key pages its jobs and ledger, newest first", async () => {
    make({ providers: ["aitubo"] });
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push(await PROVIDERS.aitubo.create());
    const page = async (q: string) => (await server.fetch(`/__emulator/tenants/${KEY}?${q}`)).json();
    const p1 = await page("limit=3");
    expect(p1.jobs).toBe(7);
    expect(p1.totals.jobs).toBe(7);
    expect(p1.recentJobs.map((j: { id: string }) => j.id)).toEqual([ids[6], ids[5], ids[4]]);
    expect(p1.ledger).toHaveLength(3);
    const p3 = await page("limit=3&page=3");
    expect(p3.recentJobs.map((j: { id: string }) => j.id)).toEqual([ids[0]]);
    const bad = await server.fetch(`/__emulator/tenants/${KEY}?limit=0`);
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.field).toBe("limit");
  });
});

describe("reset", () => {
  it("a full reset frees jobs, files, tenants and the journal", async () => {
    make({ limits: { maxJobs: 1000 } });
    for (let i = 0; i < 20; i++) await PROVIDERS.aitubo.create();
    for (let i = 0; i < 5; i++) await PROVIDERS.tams.create();
    const full = await state();
    expect(full.totals.jobs).toBe(25);
    expect(full.limits.journal.bytes).toBeGreaterThan(0);
    await server.fetch("/__emulator/reset", { method: "POST" });
    const after = await state();
    expect(after.totals.jobs).toBe(0);
    expect(after.files.count).toBe(0);
    expect(after.limits.journal).toMatchObject({ bytes: 0, entries: 0 });
    // The registered key comes back, alone and unused.
    expect(after.tenants.map((t) => t.key)).toEqual([maskKey(KEY)]);
  });

  it("a tenant's reset frees its jobs and files and leaves the others'", async () => {
    make({ providers: ["aitubo"] });
    for (let i = 0; i < 3; i++) await PROVIDERS.aitubo.create();
    await call(
      "POST",
      "/aitubo/api/job/create",
      { prompt: "x", modelId: "642b977d2f2842537c09fe41", count: 2 },
      "other",
    );
    await server.fetch("/__emulator/reset", { method: "POST", body: JSON.stringify({ key: KEY }) });
    const s = await state();
    expect(s.totals.jobs).toBe(1);
    expect(s.files.results).toBe(2);
  });
});
