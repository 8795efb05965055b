/**
 * A vitest file using `useEmulators()`: one in-process emulator for the file, the real hosts
 * intercepted, and a fresh key (its own balance) for each test. The client code is what it would
 * be in production: plain `fetch` to https://api.aitubo.ai, no base URL.
 *
 *   npx vitest run examples/vitest-use-emulators.test.ts
 */
import { useEmulators } from "imagegen-emulators/vitest";
import { describe, expect, it } from "vitest";

/** Production code under test: creates an Aitubo job and returns its id. */
async function createArt(apiKey: string, prompt: string): Promise<string> {
  const res = await fetch("https://api.aitubo.ai/api/job/create", {
    method: "POST",
    headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
    body: JSON.stringify({ prompt, modelId: "642b977d2f2842537c09fe41" }), // DreamShaper, 40 credits
  });
  const body = (await res.json()) as { code: number; data: { id: string } };
  if (body.code !== 0) throw new Error(`aitubo: ${JSON.stringify(body)}`);
  return body.data.id;
}

describe("each test has its own tenant", () => {
  const emu = useEmulators({ intercept: true, startCredit: 1000, clock: { mode: "manual" } });

  it("a first test spends 40 credits of its own 1000", async () => {
    await createArt(emu.key, "a red fox");
    expect(await emu.balance()).toBe(960);
  });

  it("a second test starts again from 1000 (the first test's charge is not here)", async () => {
    expect(await emu.balance()).toBe(1000);
    await createArt(emu.key, "a blue whale");
    await createArt(emu.key, "a green owl");
    expect(await emu.balance()).toBe(920);
  });

  it("drives the clock: the job runs only when the test advances time, and its image is real", async () => {
    const id = await createArt(emu.key, "a lighthouse");
    const status = async () =>
      (
        (await (
          await fetch(`https://api.aitubo.ai/api/job/get?id=${id}`, {
            headers: { authorization: `Bearer ${emu.key}` },
          })
        ).json()) as { data: { status: number; result?: { data: { domain: string; images: string[] } } } }
      ).data;
    expect((await status()).status).toBe(0);
    emu.advance(60_000);
    const done = await status();
    expect(done.status).toBe(2);
    const png = Buffer.from(await (await fetch(done.result!.data.domain + done.result!.data.images[0])).arrayBuffer());
    expect(await emu.readImageParams(png)).toMatchObject({ prompt: "a lighthouse", jobId: id });
  });
});
