/**
 * Every documented AIThriving example (fixtures/aithriving) against the emulator: the doc's own
 * example request, and one request per endpoint from the documented parameter table.
 */
import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import type { EmulatorServer } from "../core/server.js";
import { aithrivingServer, describeBase64, makeImage, makeMask, send } from "./test-support.js";

interface FileSpec {
  width: number;
  height: number;
  format: "png" | "jpeg";
  mask?: boolean;
}
interface Example {
  name: string;
  request: {
    path: string;
    headers?: Record<string, string>;
    json?: unknown;
    form?: Record<string, string>;
    files?: Record<string, FileSpec>;
  };
  expect: {
    httpStatus?: number;
    code?: number;
    message?: string;
    image: { format: string; width: number; height: number };
    seed?: number;
    credits: number;
  };
}

const load = (name: string) =>
  JSON.parse(readFileSync(new URL(`../../../fixtures/aithriving/${name}`, import.meta.url), "utf8")) as {
    examples: Example[];
    responseExamples?: { name: string; body: unknown }[];
  };
const docExamples = load("doc-examples.json");
const endpointExamples = load("endpoint-examples.json");

let server: EmulatorServer;
afterEach(async () => {
  await server?.close();
});

async function run(example: Example) {
  server = aithrivingServer();
  const key = example.request.headers?.Authorization ?? "fixture-key";
  const files: Record<string, Buffer> = {};
  for (const [field, spec] of Object.entries(example.request.files ?? {}))
    files[field] = spec.mask
      ? await makeMask(spec.width, spec.height)
      : await makeImage(spec.width, spec.height, spec.format);
  const start = server.settings.startCredit;
  const res = await send(server, {
    path: example.request.path,
    key,
    json: example.request.json,
    form: example.request.form,
    files: example.request.files ? files : undefined,
  });
  const body = (await res.json()) as { code: number; message: string; data: { image: string; seed: number } };
  const tenant = (await (await server.fetch(`/__emulator/tenants/${encodeURIComponent(key)}`)).json()) as {
    balance: number;
  };
  return { res, body, charged: Math.round((start - tenant.balance) * 100) / 100 };
}

describe.each([
  ["doc example", docExamples.examples],
  ["endpoint example", endpointExamples.examples],
])("%s", (_kind, examples) => {
  it.each(examples.map((e) => [e.name, e] as const))("%s", async (_name, example) => {
    const { res, body, charged } = await run(example);
    expect(res.status).toBe(example.expect.httpStatus ?? 200);
    expect(body.code).toBe(example.expect.code ?? 0);
    expect(body.message).toBe(example.expect.message ?? "success");
    expect(await describeBase64(body.data.image)).toMatchObject(example.expect.image);
    if (example.expect.seed !== undefined) expect(body.data.seed).toBe(example.expect.seed);
    else expect(Number.isInteger(body.data.seed) && body.data.seed > 0).toBe(true);
    expect(charged).toBe(example.expect.credits);
  });
});

it("answers with exactly the keys of the doc's Example Response", async () => {
  const { body } = await run(docExamples.examples[0]!);
  const doc = docExamples.responseExamples![0]!.body as { data: object };
  expect(Object.keys(body).sort()).toEqual(Object.keys(doc).sort());
  expect(Object.keys(body.data).sort()).toEqual(Object.keys(doc.data).sort());
  expect(typeof body.data.seed).toBe("number");
});
