/**
 * Each provider answers on its real hosts in process, and the URLs it hands out name the real
 * hosts, so following them lands on the emulator again.
 */
import { describe, expect, it } from "vitest";
import { createEmulators } from "../src/emulators/create-emulators.js";
import { PROVIDERS } from "../src/emulators/registry.js";

describe("real hosts", () => {
  it("every provider declares at least one real host, and its live base URL's host is one", () => {
    const emulators = createEmulators();
    for (const p of PROVIDERS) {
      expect(p.hosts?.length, p.name).toBeGreaterThan(0);
      expect(emulators.hosts.match(new URL(p.liveBaseUrl).hostname)?.provider).toBe(p.name);
    }
  });

  it("Aitubo on app.aitubo.ai hands out https://file.aitubo.ai/ and serves the files there", async () => {
    const emulators = createEmulators({ clock: { mode: "instant" } });
    const auth = { authorization: "Bearer real-host-key", "content-type": "application/json" };
    const created = await (
      await emulators.fetch("https://app.aitubo.ai/api/job/create", {
        method: "POST",
        headers: auth,
        body: JSON.stringify({ prompt: "a lighthouse", modelId: "642b977d2f2842537c09fe41" }),
      })
    ).json();
    expect(created.code).toBe(0);
    const job = await (
      await emulators.fetch(`https://api.aitubo.ai/api/job/get?id=${created.data.id}`, { headers: auth })
    ).json();
    expect(job.data.status).toBe(2);
    expect(job.data.result.data.domain).toBe("https://file.aitubo.ai/");
    const png = await emulators.fetch(job.data.result.data.domain + job.data.result.data.images[0]);
    expect(png.status).toBe(200);
    expect(png.headers.get("content-type")).toBe("image/png");
    // Over the emulator's own path, the domain stays the emulator's.
    const local = await (
      await emulators.fetch(`/aitubo/api/job/get?id=${created.data.id}`, { headers: auth })
    ).json();
    expect(local.data.result.data.domain).toBe("http://localhost/aitubo/file/");
    await emulators.close();
  });

  it("TAMS on a regional host hands out upload URLs on that host", async () => {
    const emulators = createEmulators({ clock: { mode: "instant" } });
    const res = await emulators.fetch("https://ap-east-1.tensorart.cloud/v1/resource/image", {
      method: "POST",
      headers: { authorization: "Bearer tams-real-host", "content-type": "application/json" },
      body: JSON.stringify({ expireSec: 600 }),
    });
    const body = await res.json();
    expect(res.status).toBe(200);
    expect(body.putUrl).toMatch(/^https:\/\/ap-east-1\.tensorart\.cloud\/upload\//);
    await emulators.close();
  });

  it("Qolaba answers at its inferred host under /api/v1", async () => {
    const emulators = createEmulators({ clock: { mode: "instant" } });
    const res = await emulators.fetch("https://qolaba-server-b2b.up.railway.app/api/v1/getImage", {
      method: "POST",
      headers: { authorization: "Bearer q-real-host", "content-type": "application/json" },
      body: JSON.stringify({ id: "nope" }),
    });
    // Its own answer (an unknown task), not the main app's 404.
    expect(await res.json()).toHaveProperty("status");
    await emulators.close();
  });
});
