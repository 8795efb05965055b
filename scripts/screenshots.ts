/**
 * Screenshots of the dashboard for the README, taken from the real UI in Debian's Chromium.
 *
 * Seeds the emulators through the providers' own APIs (jobs on Aitubo, TAMS and Qolaba, a failed
 * job, a fault rule that fires), then captures each page into `docs/img/`, palette-compressed.
 *
 *   npx tsx scripts/screenshots.ts
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import sharp from "sharp";
import { createEmulators } from "../src/emulators/create-emulators.js";

const OUT = fileURLToPath(new URL("../docs/img/", import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const ALICE = "sk-demo-alice-4f2a";
const BOB = "sk-demo-bob-9c1e";

const emulators = createEmulators({ clock: { mode: "manual", start: Date.parse("2026-01-15T10:00:00Z") } });
const { url, urls, close } = await emulators.listen({ port: 0, host: "127.0.0.1" });

const post = async (base: string, path: string, key: string, body: unknown) => {
  const res = await fetch(`${base}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return (await res.json()) as { data: { id: string } };
};
const aitubo = (key: string, body: Record<string, unknown>) =>
  post(urls.aitubo!, "/api/job/create", key, { modelId: "642b977d2f2842537c09fe41", ...body });

// --- seed ---------------------------------------------------------------------------------------
await fetch(`${url}/__emulator/tenants/${ALICE}`, { method: "PUT", body: JSON.stringify({ balance: 500 }) });
const fox = await aitubo(ALICE, {
  prompt: "a red fox in the snow, golden hour",
  count: 4,
  width: 768,
  height: 768,
});
emulators.clock.advance(3_000);
await aitubo(BOB, { prompt: "a lighthouse at dusk", count: 2, width: 1024, height: 576 });
await post(urls.tams!, "/v1/jobs", ALICE, {
  requestId: "demo-1",
  stages: [
    { type: "INPUT_INITIALIZE", inputInitialize: { seed: 42, count: 2 } },
    {
      type: "DIFFUSION",
      diffusion: {
        width: 512,
        height: 768,
        steps: 25,
        prompts: [{ text: "a paper boat" }],
        sdModel: "600423083519508503",
      },
    },
  ],
});
await post(urls.qolaba!, "/getTextToImage", BOB, {
  app_id: "ap-oDVXRQ7bCaWW05O52P1mlA",
  prompt: "isometric tiny city",
  width: 768,
  height: 512,
  num_inference_steps: 20,
  batch: 2,
});
await aitubo(ALICE, { prompt: "a broken render emu:fail", count: 1 });
emulators.clock.advance(60_000);
await fetch(`${url}/__emulator/faults`, {
  method: "PUT",
  body: JSON.stringify([
    { provider: "qolaba", route: "POST /getTextToImage", action: { type: "rate-limit", retryAfter: 2 } },
    { provider: "aitubo", route: "POST /api/job/create", nth: 2, action: { type: "error", status: 503 } },
  ]),
});
await post(urls.qolaba!, "/getTextToImage", BOB, { app_id: "x", prompt: "y" });
await aitubo(BOB, { prompt: "a teapot", count: 1 });
await aitubo(BOB, { prompt: "a teapot, again", count: 1 });
// Poll like a client would, then leave a job running.
await fetch(`${urls.aitubo}/api/job/get?id=${fox.data.id}`);
await aitubo(ALICE, { prompt: "a koi pond from above", count: 2, width: 512, height: 512 });
emulators.clock.advance(1_500);

// --- capture --------------------------------------------------------------------------------------
mkdirSync(OUT, { recursive: true });
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking"],
});
const page = await browser.newPage({ viewport: { width: 1280, height: 860 }, deviceScaleFactor: 1 });
page.on("pageerror", (e) => console.error("page error:", e.message));
const shoot = async (name: string, path: string, prepare?: () => Promise<void>) => {
  await page.goto(`${url}/__emulator/ui${path}`);
  if (await page.locator("[data-live]").count()) await page.waitForSelector("html[data-live=connected]");
  await prepare?.();
  // Every thumbnail on screen loaded.
  await page.waitForFunction(() => [...document.images].every((i) => i.complete));
  const png = await page.screenshot({ fullPage: false });
  const small = await sharp(png).png({ palette: true, colours: 128, compressionLevel: 9 }).toBuffer();
  writeFileSync(`${OUT}${name}.png`, small);
  console.log(`docs/img/${name}.png ${(small.length / 1024).toFixed(0)} KiB`);
};
await shoot("overview", "");
await shoot("job", `/jobs/aitubo/${fox.data.id}`);
await shoot("journal", "/journal", async () => {
  await page.locator("tbody tr summary").nth(2).click();
});
await shoot("faults", "/faults");
await shoot("tenant", `/tenants/${ALICE}`);
await shoot(
  "credits",
  `/credits?provider=tams&endpoint=stages&body=${encodeURIComponent(
    JSON.stringify(
      {
        stages: [
          { type: "INPUT_INITIALIZE", inputInitialize: { seed: -1, count: 2 } },
          { type: "DIFFUSION", diffusion: { width: 768, height: 1024, steps: 25 } },
          { type: "IMAGE_TO_UPSCALER", imageToUpscaler: { hrResizeX: 1536, hrResizeY: 2048, hrSteps: 10 } },
        ],
      },
      null,
      2,
    ),
  )}`,
);
await browser.close();
await close();
await emulators.close();
