/**
 * The TAMS, AIThriving and Qolaba scenarios detect drift too: one mutation each, served on a real
 * port through the `http` target, reported at the drifted JSON path with a non-zero exit.
 */
import sharp from "sharp";
import { afterEach, describe, expect, it } from "vitest";
import {
  type DriftedServer,
  type Mutation,
  mutateJson,
  serveDrifted,
  unmutated,
} from "./conformance-drifted-server.js";
import { type ConformRun, conform } from "./conformance-run-helpers.js";

let server: DriftedServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function runAgainst(provider: string, mutation: Mutation, extra: string[] = []): Promise<ConformRun> {
  server = await serveDrifted(mutation);
  return conform(["--target", server.url, "--provider", provider, ...extra]);
}

function expectOnlyDriftAt(run: ConformRun, paths: RegExp) {
  expect(run.code).toBe(1);
  expect(run.breaking.length).toBeGreaterThan(0);
  for (const f of run.breaking) expect(f.path, `${f.scenario}: ${f.message}`).toMatch(paths);
}

describe("conform against drifted TAMS, AIThriving and Qolaba", { timeout: 60_000 }, () => {
  it("reports nothing on the unmutated emulators", async () => {
    server = await serveDrifted(unmutated);
    const run = await conform(["--target", server.url, "--provider", "tams,aithriving,qolaba"]);
    expect(run.breaking).toEqual([]);
    expect(run.code).toBe(0);
  });

  it("TAMS: a new status value (QUEUED) while a job waits", async () => {
    const seen = new Set<string>();
    const drifted = await runAgainst("tams", async (req, res) => {
      const path = new URL(req.url).pathname;
      if (req.method !== "GET" || !/^\/tams\/v1\/jobs\/\d+$/.test(path) || res.status !== 200) return res;
      const body = (await res.json()) as { job: { id: string; status: string } };
      if (!seen.has(body.job.id)) {
        seen.add(body.job.id);
        body.job.status = "QUEUED";
      }
      return Response.json(body);
    });
    expectOnlyDriftAt(drifted, /^(poll|running): job\.status$/);
    expect(drifted.breaking.some((f) => f.check === "schema" && f.actual === '"QUEUED"')).toBe(true);
  });

  it("TAMS: job.credits off by one step (0.2)", async () => {
    const run = await runAgainst("tams", async (req, res) => {
      const path = new URL(req.url).pathname;
      if (req.method !== "GET" || !/^\/tams\/v1\/jobs\/\d+$/.test(path) || res.status !== 200) return res;
      const body = (await res.json()) as { job: { credits?: number } };
      if (typeof body.job.credits === "number")
        body.job.credits = Math.round((body.job.credits + 0.2) * 100) / 100;
      return Response.json(body);
    });
    expectOnlyDriftAt(run, /^poll: job\.credits$/);
    expect(run.breaking.every((f) => f.check === "credits")).toBe(true);
  });

  it("TAMS: the template's missing-field error answers code 3 instead of the doc's 2", async () => {
    const run = await runAgainst(
      "tams",
      mutateJson("POST /tams/v1/workflows/template/check", (body) => {
        if (body.code === 2) body.code = 3;
      }),
    );
    expectOnlyDriftAt(run, /^check: code$/);
    expect(run.breaking.map((f) => f.scenario)).toEqual(["template-missing-field"]);
  });

  it("TAMS: a running workflow no longer reports its nodes (runningInfo dropped)", async () => {
    const run = await runAgainst("tams", async (req, res) => {
      const path = new URL(req.url).pathname;
      if (req.method !== "GET" || !/^\/tams\/v1\/jobs\/\d+$/.test(path) || res.status !== 200) return res;
      const body = (await res.json()) as { job: { status: string; runningInfo?: unknown } };
      if (body.job.status === "RUNNING") delete body.job.runningInfo;
      return Response.json(body);
    });
    expectOnlyDriftAt(run, /^running: job\.runningInfo\.workflowFinishItem\.nodes$/);
    expect(run.breaking.map((f) => f.scenario)).toEqual(["workflow-progress"]);
  });

  it("TAMS: the STS answer renames host (endpoint)", async () => {
    const run = await runAgainst(
      "tams",
      mutateJson("POST /tams/v1/resource/image/sts", (body) => {
        body.endpoint = body.host;
        delete body.host;
      }),
    );
    expectOnlyDriftAt(run, /^sts: host$/);
    expect(run.breaking[0]).toMatchObject({ scenario: "sts-upload", message: "documented field is missing" });
  });

  it("AIThriving: images come back 64 px shorter", async () => {
    const run = await runAgainst("aithriving", async (_req, res) => {
      if (!(res.headers.get("content-type") ?? "").includes("json")) return res;
      const body = (await res.json()) as { code?: number; data?: { image?: string } };
      if (body.code === 0 && body.data?.image) {
        const bytes = Buffer.from(body.data.image, "base64");
        const meta = await sharp(bytes).metadata();
        const shorter = await sharp(bytes)
          .resize(meta.width!, meta.height! - 64, { fit: "fill" })
          .toFormat(meta.format as "png")
          .toBuffer();
        body.data.image = shorter.toString("base64");
      }
      return Response.json(body, { status: res.status });
    });
    expectOnlyDriftAt(run, /: data\.image \(height\)$/);
  });

  it("Qolaba: validation errors answer 400 instead of 422", async () => {
    const run = await runAgainst("qolaba", async (_req, res) => {
      if (res.status !== 422) return res;
      return new Response(await res.text(), { status: 400, headers: { "content-type": "application/json" } });
    });
    expectOnlyDriftAt(run, /^request: \(http status\)$/);
    expect(
      run.breaking.every(
        (f) => f.scenario.startsWith("validation-") && f.expected === "422" && f.actual === "400",
      ),
    ).toBe(true);
  });

  it("Qolaba: the result list renamed (output.results)", async () => {
    const rename = (body: Record<string, unknown>) => {
      const output = body.output as Record<string, unknown> | undefined;
      if (output && "result" in output) {
        output.results = output.result;
        delete output.result;
      }
    };
    const run = await runAgainst("qolaba", async (req, res) => {
      const path = new URL(req.url).pathname;
      if (!/^\/qolaba\/(getTextToImage|getImagetoImage|getImage)$/.test(path)) return res;
      return mutateJson(`POST ${path}`, rename)(req, res);
    });
    // The schema allows no result (a PENDING answer has none); the SUCCESS check reports it missing.
    expectOnlyDriftAt(run, /^(generate|poll|reference): output\.result$/);
    expect(run.breaking.every((f) => f.message === "a SUCCESS answer has no result")).toBe(true);
  });
});
