/**
 * Every documented Qolaba request (fixtures/qolaba) against the emulator, with its outcome.
 */
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import type { EmulatorServer } from "../core/server.js";
import { call, fetchImage, qolabaServer, resultUrls } from "./test-support.js";

interface Outcome {
  status: "SUCCESS" | "PENDING" | "FAILED";
  images?: number;
  image?: { format: string; width: number; height: number };
}
interface Example {
  name: string;
  request: { path: string; json: Record<string, unknown> };
  expect: Outcome & { httpStatus: number; thenGetImage?: Outcome };
}

const fixture = JSON.parse(
  readFileSync(new URL("../../../fixtures/qolaba/doc-examples.json", import.meta.url), "utf8"),
) as { examples: Example[]; envelopeKeys: string[] };

let server: EmulatorServer;
afterEach(async () => {
  await server?.close();
});

async function checkOutcome(body: Awaited<ReturnType<typeof call>>["body"], outcome: Outcome) {
  expect(body.status).toBe(outcome.status);
  if (outcome.images === undefined) return;
  const urls = resultUrls(body);
  expect(urls).toHaveLength(outcome.images);
  for (const url of urls) expect(await fetchImage(server, url)).toMatchObject(outcome.image!);
}

describe("Qolaba documented requests", () => {
  it.each(fixture.examples.map((e) => [e.name, e] as const))("%s", async (_name, example) => {
    server = qolabaServer({ clock: { mode: "manual" } });
    const pending = call(server, example.request.path, example.request.json);
    // A synchronous answer waits for the emulated run: move the clock until it comes.
    let settled = false;
    void pending.then(() => {
      settled = true;
    });
    for (let i = 0; i < 50 && !settled; i++) {
      await new Promise((r) => setTimeout(r, 5));
      if (!settled && example.request.json.celery !== true) server.clock.advance(10_000);
    }
    const { status, body } = await pending;
    expect(status).toBe(example.expect.httpStatus);
    expect(Object.keys(body).sort()).toEqual([...fixture.envelopeKeys].sort());
    expect(body.app_id).toBe(example.request.json.app_id);
    await checkOutcome(body, example.expect);
    if (example.expect.thenGetImage) {
      server.clock.advance(10 * 60 * 1000);
      const polled = await call(server, "/getImage", { id: body.task_id });
      expect(Object.keys(polled.body).sort()).toEqual([...fixture.envelopeKeys].sort());
      await checkOutcome(polled.body, example.expect.thenGetImage);
    }
  });
});
