import { afterEach, describe, expect, it } from "vitest";
import type { EmulatorServer } from "../emulators/core/server.js";
import { createEmulators } from "../emulators/create-emulators.js";

let emulators: EmulatorServer;
afterEach(() => emulators?.close());

const make = (options: Parameters<typeof createEmulators>[0] = {}) => {
  emulators = createEmulators({
    clock: { mode: "manual", start: Date.parse("2026-01-15T10:00:00Z") },
    ...options,
  });
  return emulators;
};
const html = async (path: string, init?: RequestInit) => {
  const res = await emulators.fetch(path, init);
  return { status: res.status, text: await res.text() };
};
const post = async (path: string, key: string, body: unknown) =>
  (await (
    await emulators.fetch(path, {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    })
  ).json()) as { code?: number; data?: { id: string }; job?: { id: string }; task_id?: string };
const aitubo = (key: string, extra: Record<string, unknown> = {}) =>
  post("/aitubo/api/job/create", key, {
    prompt: "a fox",
    modelId: "642b977d2f2842537c09fe41",
    count: 1,
    ...extra,
  });
const rows = (text: string) => text.match(/<tr data-job=/g)?.length ?? 0;

describe("dashboard pages", () => {
  it("sends a browser from / to the UI and leaves JSON clients their JSON", async () => {
    make();
    const browser = await emulators.fetch("/", { headers: { accept: "text/html,application/xhtml+xml" } });
    expect(browser.status).toBe(302);
    expect(browser.headers.get("location")).toBe("/__emulator/ui");
    const client = await emulators.fetch("/", { headers: { accept: "application/json" } });
    expect(await client.json()).toMatchObject({ ui: "http://localhost/__emulator/ui" });
    expect((await emulators.fetch("/")).headers.get("content-type")).toMatch(/json/);
  });

  it("pages the job lists, so no page renders every job", async () => {
    make();
    for (let i = 0; i < 60; i++) await aitubo(`key-${i % 3}-padding`);
    expect(rows((await html("/__emulator/ui/jobs")).text)).toBe(50);
    const second = await html("/__emulator/ui/jobs?offset=50");
    expect(rows(second.text)).toBe(10);
    expect(second.text).toContain("51–60 of 60");
    expect(rows((await html("/__emulator/ui")).text)).toBe(8);
  });

  it("shows each provider's jobs with its own status words, priced by src/credits", async () => {
    make();
    const a = await aitubo("page-key-aitubo", { count: 2 });
    const t = await post("/tams/v1/jobs", "page-key-tams", {
      requestId: "r1",
      stages: [
        { type: "INPUT_INITIALIZE", inputInitialize: { seed: 1, count: 1 } },
        {
          type: "DIFFUSION",
          diffusion: {
            width: 512,
            height: 512,
            steps: 20,
            prompts: [{ text: "x" }],
            sdModel: "600423083519508503",
          },
        },
      ],
    });
    emulators.clock.advance(10 * 60_000);
    const aituboPage = await html(`/__emulator/ui/jobs/aitubo/${a.data!.id}`);
    expect(aituboPage.status).toBe(200);
    expect(aituboPage.text).toMatch(/succeeded<code class="word">2<\/code>/);
    expect(aituboPage.text).toMatch(/Charged <strong>20<\/strong> credits/);
    expect(aituboPage.text.match(/<figure>/g)).toHaveLength(2);
    // TAMS keeps no request: its arguments and price come from the journal's create request.
    const tamsPage = await html(`/__emulator/ui/jobs/tams/${t.job!.id}`);
    expect(tamsPage.text).toMatch(/succeeded<code class="word">SUCCESS<\/code>/);
    expect(tamsPage.text).toContain("from the journal&#39;s create request");
    expect(tamsPage.text).toMatch(/stages\[1\] DIFFUSION/);
    expect(tamsPage.text.match(/<figure>/g)).toHaveLength(1);
  });

  it("previews result images inline in the journal, relative paths resolved against their domain", async () => {
    make();
    const { data } = await aitubo("journal-images-key");
    emulators.clock.advance(60_000);
    await emulators.fetch(`/aitubo/api/job/get?id=${data!.id}`);
    const page = await html("/__emulator/ui/journal?path=/api/job/get");
    const src = page.text.match(/<img class="rowimg" src="([^"]+)"/)?.[1];
    // Read through the control plane, so looking at the journal does not add to it.
    expect(src).toMatch(/^\/__emulator\/files\/aitubo\/.+\.png$/);
    const before = (await (await emulators.fetch("/__emulator/journal")).json()).total;
    const image = await emulators.fetch(src!);
    expect(image.headers.get("content-type")).toBe("image/png");
    expect((await (await emulators.fetch("/__emulator/journal")).json()).total).toBe(before);
  });

  it("answers an unknown job or tenant with a 404 page", async () => {
    make();
    expect((await html("/__emulator/ui/jobs/aitubo/nope")).status).toBe(404);
    expect((await html("/__emulator/ui/tenants/nobody")).status).toBe(404);
  });

  it("never puts a key in clear on a page", async () => {
    make();
    const key = "sk-secret-tenant-key-123";
    const { data } = await aitubo(key);
    for (const path of ["", "/jobs", `/jobs/aitubo/${data!.id}`, "/journal"]) {
      const page = await html(`/__emulator/ui${path}`);
      expect(page.status).toBe(200);
      expect(page.text).not.toContain(key);
    }
  });

  it("prices a body in the calculator and names the field it refuses", async () => {
    make();
    const ok = await html(
      `/__emulator/ui/credits?provider=aitubo&endpoint=create&body=${encodeURIComponent('{"count":3}')}`,
    );
    expect(ok.text).toMatch(/<p class="big">30 credits<\/p>/);
    const bad = await html(`/__emulator/ui/credits?provider=aitubo&body=${encodeURIComponent("{nope")}`);
    expect(bad.text).toContain("body: is not valid JSON");
  });

  it("with an admin token, takes it from the link into a cookie and reads the control plane with it", async () => {
    make({ adminToken: "dashboard-token-1" });
    expect((await emulators.fetch("/__emulator/ui")).status).toBe(401);
    const entry = await emulators.fetch(
      "/__emulator/ui/jobs?provider=aitubo&emulator_admin_token=dashboard-token-1",
    );
    expect(entry.status).toBe(303);
    expect(entry.headers.get("location")).toBe("/__emulator/ui/jobs?provider=aitubo");
    const cookie = entry.headers.get("set-cookie")!;
    expect(cookie).toMatch(
      /emulator_admin_token=dashboard-token-1;.*Path=\/__emulator.*HttpOnly.*SameSite=Strict/,
    );
    const page = await emulators.fetch("/__emulator/ui/jobs?provider=aitubo", {
      headers: { cookie: cookie.split(";")[0]! },
    });
    expect(page.status).toBe(200);
  });
});
