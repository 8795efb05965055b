/**
 * Recording and comparing, through the http target like a live run: `--record` writes normalized
 * responses without keys; a later run against the emulator matches them; a drifted server is
 * reported against the recording at the drifted JSON path; a known difference stays visible but
 * does not fail.
 */
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runScenarios } from "../src/conformance/run.js";
import { defineScenario } from "../src/conformance/scenario.js";
import { aituboCreateSchema } from "../src/conformance/schemas/aitubo.js";
import { createTarget } from "../src/conformance/targets.js";
import { type DriftedServer, mutateJson, serveDrifted, unmutated } from "./conformance-drifted-server.js";
import { conform } from "./conformance-run-helpers.js";

let fixtures: string;
let server: DriftedServer | undefined;
beforeEach(async () => {
  fixtures = await mkdtemp(join(tmpdir(), "conform-fixtures-"));
});
afterEach(async () => {
  await server?.close();
  server = undefined;
  await rm(fixtures, { recursive: true, force: true });
});

const SCENARIO = ["--provider", "aitubo", "--scenario", "text-to-image"];

describe("recording", { timeout: 60_000 }, () => {
  it("writes normalized snapshots with placeholders that keep identity, and never a key", async () => {
    server = await serveDrifted(unmutated);
    const run = await conform([
      "--target",
      server.url,
      "--provider",
      "aitubo",
      "--record",
      "--fixtures",
      fixtures,
    ]);
    expect(run.code).toBe(0);
    const files = await readdir(join(fixtures, "aitubo", "recorded"));
    expect(files).toContain("text-to-image.json");
    expect(files.length).toBe(run.report.results.filter((r) => r.outcome !== "skipped").length);

    const text = await readFile(join(fixtures, "aitubo", "recorded", "text-to-image.json"), "utf8");
    expect(text).not.toMatch(/conform-aitubo-/); // the scenario's key
    expect(text).not.toMatch(/authorization|Bearer/i);
    const rec = JSON.parse(text) as {
      target: string;
      snapshots: Record<string, { body: { data: Record<string, unknown> } }>;
    };
    expect(rec.target).toBe("http");
    // The created job and the polled job are the same placeholder.
    expect(rec.snapshots.create!.body.data.id).toBe("<id:1>");
    expect(rec.snapshots.poll!.body.data.id).toBe("<id:1>");
    expect(rec.snapshots.poll!.body.data.createAt).toBe("<timestamp>");
    expect(rec.snapshots.create!.body.data.credit).toBe("<balance>");
    expect(rec.snapshots["poll: data.result.data.images[0]"]).toEqual({
      width: 512,
      height: 512,
      format: "png",
    });
  });

  it("a later emulator run matches the recording; a drifted one is reported at the JSON path", async () => {
    server = await serveDrifted(unmutated);
    expect(
      (await conform(["--target", server.url, ...SCENARIO, "--record", "--fixtures", fixtures])).code,
    ).toBe(0);
    await server.close();
    server = undefined;

    const same = await conform([...SCENARIO, "--fixtures", fixtures]);
    expect(same.code).toBe(0);
    expect(same.report.results[0]!.recording).toBe("compared");
    expect(same.breaking).toEqual([]);

    // The drift is in a value the schema allows (a different negativePrompt default): only the recording sees it.
    server = await serveDrifted(
      mutateJson("GET /aitubo/api/job/get", (body) => {
        const args = (body.data as { args?: Record<string, unknown> }).args;
        if (args) args.negativePrompt = "blurry";
      }),
    );
    const drifted = await conform(["--target", server.url, ...SCENARIO, "--fixtures", fixtures]);
    expect(drifted.code).toBe(1);
    expect(drifted.breaking.map((f) => [f.check, f.path])).toEqual([
      ["snapshot", "poll: body.data.args.negativePrompt"],
    ]);
    expect(drifted.breaking[0]).toMatchObject({
      actual: '"blurry"',
      message: "value differs from the recording",
    });
  });

  it("a known difference is shown as known and does not fail the run", async () => {
    const scenario = (known: boolean) =>
      defineScenario({
        name: "known-difference",
        provider: "aitubo",
        description: "a create, compared with a recording that differs in one field",
        live: { status: "unverified" },
        cost: () => 0,
        knownDifferences: known
          ? [{ path: "create: body.info", reason: "the emulator sends no info on success" }]
          : [],
        async run(ctx) {
          const models = (await ctx.client.listModels()).body.data.models;
          const res = await ctx.client.createJob({
            prompt: "a cat",
            modelId: models[0]!.id,
            count: 1,
            steps: 10,
          });
          ctx.check("create", aituboCreateSchema, res);
        },
      });
    // The "live" recording carries `info: "success"`, which the emulator does not send.
    server = await serveDrifted(
      mutateJson("POST /aitubo/api/job/create", (body) => {
        body.info = "success";
      }),
    );
    const live = await createTarget({ target: server.url });
    try {
      const record = await runScenarios({
        scenarios: [scenario(false)],
        target: live,
        record: true,
        fixturesDir: fixtures,
      });
      expect(record.exitCode).toBe(0);
      expect(record.results[0]!.recording).toBe("written");
    } finally {
      await live.close();
    }

    const emulator = await createTarget({ target: "emulator" });
    try {
      const strict = await runScenarios({
        scenarios: [scenario(false)],
        target: emulator,
        fixturesDir: fixtures,
      });
      expect(strict.exitCode).toBe(1);
      expect(strict.results[0]!.findings.map((f) => [f.severity, f.path, f.message])).toEqual([
        ["breaking", "create: body.info", "recorded field is missing"],
      ]);

      const declared = await runScenarios({
        scenarios: [scenario(true)],
        target: emulator,
        fixturesDir: fixtures,
      });
      expect(declared.exitCode).toBe(0);
      expect(declared.results[0]!.findings).toEqual([
        expect.objectContaining({
          severity: "known",
          path: "create: body.info",
          reason: "the emulator sends no info on success",
        }),
      ]);
    } finally {
      await emulator.close();
    }
  });
});
