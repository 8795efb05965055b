/**
 * The dashboard in a real browser: Debian's headless Chromium driven by playwright-core, against
 * the emulators on a real port (127.0.0.1, port 0). Jobs are made through the providers' own
 * APIs, exactly as a client would.
 *
 * Needs `/usr/bin/chromium` (`apt-get install chromium`; `.ci/run` installs it). Without it the
 * suite is skipped locally, and fails on CI.
 */
import { existsSync } from "node:fs";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { maskKey } from "../src/emulators/core/secrets.js";
import type { EmulatorServer, Listening } from "../src/emulators/core/server.js";
import { createEmulators } from "../src/emulators/create-emulators.js";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const HAVE_CHROMIUM = existsSync(CHROMIUM);
if (!HAVE_CHROMIUM && !process.env.CI)
  console.warn(`dashboard browser tests skipped: no Chromium at ${CHROMIUM} (apt-get install chromium)`);

/** Chromium's flags for a sandboxed CI container, no network of its own. */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

const DREAMSHAPER = "642b977d2f2842537c09fe41";

let emulators: EmulatorServer;
let listening: Listening;
let browser: Browser;
let page: Page;

const ui = (path = "") => `${listening.url}/__emulator/ui${path}`;

/** Creates an Aitubo job through Aitubo's own API; answers its id. */
async function createJob(key: string, body: Record<string, unknown> = {}): Promise<string> {
  const res = await fetch(`${listening.urls.aitubo}/api/job/create`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({ prompt: "a lighthouse at dusk", modelId: DREAMSHAPER, count: 1, ...body }),
  });
  const json = (await res.json()) as { code: number; data: { id: string } };
  expect(json.code, JSON.stringify(json)).toBe(0);
  return json.data.id;
}

/** Opens a dashboard page and waits until its live connection is up. */
async function open(path: string) {
  await page.goto(ui(path));
  await page.waitForSelector("html[data-live=connected]");
}

describe.skipIf(!HAVE_CHROMIUM && !process.env.CI)("dashboard in Chromium", () => {
  beforeAll(async () => {
    emulators = createEmulators({ clock: { mode: "manual" } });
    listening = await emulators.listen({ port: 0, host: "127.0.0.1" });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  }, 30_000);
  afterAll(async () => {
    await browser?.close();
    await emulators?.close();
  });

  it("a browser asking for / is sent to the dashboard", async () => {
    const res = await page.goto(`${listening.url}/`);
    expect(page.url()).toBe(ui());
    expect(res?.status()).toBe(200);
    await expect(page.title()).resolves.toMatch(/Overview/);
  });

  it("shows a job created through the provider's API live, and its thumbnail once it is done", async () => {
    await open("/jobs");
    const id = await createJob("sk-browser-live-0001", { width: 512, height: 512 });
    // No reload: the row arrives over server-sent events.
    const row = page.locator(`tr[data-job="${id}"]`);
    await row.waitFor();
    await expect(row.locator(".badge").textContent()).resolves.toMatch(/queued\s*0/);
    emulators.clock.advance(60_000);
    const thumb = row.locator("img");
    await thumb.waitFor();
    await page.waitForFunction(
      (sel) => (document.querySelector(sel) as HTMLImageElement | null)?.naturalWidth === 512,
      `tr[data-job="${id}"] img`,
    );
    await expect(row.locator(".badge").textContent()).resolves.toMatch(/succeeded\s*2/);
  });

  it("advances the clock from the UI and shows the job's status change with the provider's words", async () => {
    const id = await createJob("sk-browser-clock-0002");
    await open(`/jobs/aitubo/${id}`);
    await expect(page.locator("#job-facts .badge").textContent()).resolves.toMatch(/queued\s*0/);
    await page.getByLabel("Advance by").fill("2");
    await page.getByLabel("Unit").selectOption({ label: "minutes" });
    await page.getByRole("button", { name: "Advance" }).click();
    await page.locator("#job-facts .badge.phase-succeeded").waitFor();
    const history = await page.locator("#job-history .badge").allTextContents();
    expect(history.map((h) => h.replace(/\s+/g, ""))).toEqual(["queued0", "running1", "succeeded2"]);
    // The credits it was charged, itemized by src/credits.
    await expect(page.locator("#job-credits").textContent()).resolves.toMatch(/Charged 10 credits/);
  });

  it("adds a fault from the UI; the next request fails in the provider's own shape", async () => {
    await open("/faults");
    // A rule the schema refuses is refused with the field named, and nothing is added.
    await page.getByLabel("Action", { exact: true }).selectOption("error");
    await page.getByLabel("HTTP status (error)").fill("200");
    await page.getByRole("button", { name: "Add rule" }).click();
    await page.locator("#add-rule output.error").waitFor();
    expect(await page.locator("#add-rule output").textContent()).toMatch(/action\.status/);

    await page.getByLabel("Provider", { exact: true }).selectOption("aitubo");
    await page.getByLabel("Method", { exact: true }).selectOption("POST");
    await page.getByLabel("Path (glob, after the provider prefix)").fill("/api/job/create");
    await page.getByLabel("HTTP status (error)").fill("503");
    await page.getByLabel("At most times").fill("1");
    await page.getByRole("button", { name: "Add rule" }).click();
    await page.locator('#rules tr[data-rule="0"]').waitFor();

    const res = await fetch(`${listening.urls.aitubo}/api/job/create`, {
      method: "POST",
      headers: { authorization: "Bearer sk-browser-fault-0003", "content-type": "application/json" },
      body: JSON.stringify({ prompt: "x", modelId: DREAMSHAPER }),
    });
    expect(res.status).toBe(503);
    // Aitubo's error body: {code, info, data: null}.
    expect(await res.json()).toMatchObject({
      code: expect.any(Number),
      info: expect.any(String),
      data: null,
    });
    // The rule's counters moved, live.
    await page.waitForFunction(
      () => document.querySelector('#rules tr[data-rule="0"]')?.textContent?.match(/1\s*1\s*Remove/) !== null,
    );
    await page.getByRole("button", { name: "Remove rule 0" }).click();
    await page.locator("#rules .empty").waitFor();
  });

  it("shows keys redacted in the journal", async () => {
    const key = "sk-live-very-secret-7890";
    await createJob(key);
    await open(`/journal?provider=aitubo&method=POST`);
    const row = page.locator("tbody tr").first();
    // The control plane's mask: a few leading characters and a hash, never the key.
    const masked = maskKey(key);
    expect(masked).not.toContain("secret");
    await expect(row.locator("code.tenant").textContent()).resolves.toBe(masked);
    await row.locator("summary").click();
    await expect(row.locator("pre").first().textContent()).resolves.toContain(
      `"authorization": "Bearer ${masked}"`,
    );
    expect(await page.content()).not.toContain(key);
  });

  it("opens a job's full image from its page", async () => {
    const id = await createJob("sk-browser-image-0004", { width: 640, height: 384, count: 2 });
    emulators.clock.advance(10 * 60_000);
    await open(`/jobs/aitubo/${id}`);
    const captions = await page.locator("#job-results figcaption").allTextContents();
    expect(captions).toHaveLength(2);
    expect(captions[0]).toMatch(/PNG · 640×384 · \d+(\.\d)? KiB/);
    const [response] = await Promise.all([
      page.waitForEvent("response", (r) => r.url().includes("/__emulator/files/aitubo/")),
      page.locator("#job-results figcaption a").first().click(),
    ]);
    expect(response.headers()["content-type"]).toBe("image/png");
    const size = await page.evaluate(() => {
      const img = document.querySelector("img") as HTMLImageElement;
      return [img.naturalWidth, img.naturalHeight];
    });
    expect(size).toEqual([640, 384]);
  });
});
