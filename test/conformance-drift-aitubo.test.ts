/**
 * The suite detects drift: each deliberately drifted Aitubo emulator, served on a real port and
 * reached through the `http` target (the live code path), is reported exactly at the drifted JSON
 * path, and the run exits non-zero. The unmutated emulator reports nothing.
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

async function runAgainst(mutation: Mutation, extra: string[] = []): Promise<ConformRun> {
  server = await serveDrifted(mutation);
  return conform(["--target", server.url, "--provider", "aitubo", ...extra]);
}

/** Asserts the run failed, and that every breaking finding (at least one) is at one of `paths`. */
function expectOnlyDriftAt(run: ConformRun, paths: RegExp, check?: string) {
  expect(run.code).toBe(1);
  expect(run.breaking.length).toBeGreaterThan(0);
  for (const f of run.breaking) {
    expect(f.path, `${f.scenario}: ${f.message}`).toMatch(paths);
    if (check) expect(f.check).toBe(check);
  }
}

const data = (body: Record<string, unknown>) => body.data as Record<string, unknown>;

describe("conform against a drifted Aitubo", { timeout: 60_000 }, () => {
  it("reports nothing on the unmutated emulator and exits 0", async () => {
    const run = await runAgainst(unmutated);
    expect(run.breaking).toEqual([]);
    expect(run.code).toBe(0);
    expect(run.report.results.every((r) => r.outcome === "pass")).toBe(true);
  });

  it("a renamed field: data.consumedCredit missing from create", async () => {
    const run = await runAgainst(
      mutateJson("POST /aitubo/api/job/create", (body) => {
        const d = data(body);
        if (d && "consumedCredit" in d) {
          d.consumed_credit = d.consumedCredit;
          delete d.consumedCredit;
        }
      }),
    );
    expectOnlyDriftAt(run, /^create: data\.consumedCredit$/, "schema");
    expect(run.breaking[0]!.message).toBe("documented field is missing");
    // The new name is visible as info, not as drift.
    const infos = run.report.results.flatMap((r) => r.findings).filter((f) => f.severity === "info");
    expect(infos.some((f) => f.path === "create: data.consumed_credit")).toBe(true);
  });

  it("a changed type: data.credit becomes a string", async () => {
    const run = await runAgainst(
      mutateJson("POST /aitubo/api/job/create", (body) => {
        const d = data(body);
        if (d && typeof d.credit === "number") d.credit = String(d.credit);
      }),
    );
    expectOnlyDriftAt(run, /^create: data\.credit$/, "schema");
    expect(run.breaking[0]).toMatchObject({ expected: "number", message: "field changed type" });
  });

  it("a new status value: the first poll of each job says 4, and the poll stops there", async () => {
    const polls = new Map<string, number>();
    const run = await runAgainst(
      mutateJson("GET /aitubo/api/job/get", (body, req) => {
        const id = new URL(req.url).searchParams.get("id")!;
        polls.set(id, (polls.get(id) ?? 0) + 1);
        if (polls.get(id) === 1 && data(body)) data(body).status = 4;
      }),
    );
    expectOnlyDriftAt(run, /^poll(-upscale)?: data\.status$/, "schema");
    expect(
      run.breaking.every((f) => f.actual === "4" && f.message === "value outside the documented set"),
    ).toBe(true);
    // Reported at the first poll that shows it: no job was polled twice.
    expect([...polls.values()].every((n) => n === 1)).toBe(true);
  });

  it("a different error code: 1001 instead of 1000 for not enough credit", async () => {
    const run = await runAgainst(
      mutateJson("POST /aitubo/api/job/create", (body) => {
        if (body.code === 1000) body.code = 1001;
      }),
    );
    expectOnlyDriftAt(run, /^create: code$/, "behaviour");
    expect(run.breaking.map((f) => f.scenario)).toEqual(["insufficient-credit"]);
    expect(run.breaking[0]).toMatchObject({ expected: "1000", actual: "1001" });
  });

  it("a transform's cost turns into a string", async () => {
    const run = await runAgainst(
      mutateJson("GET /aitubo/api/transform/list", (body) => {
        for (const list of Object.values(data(body).transform as Record<string, { cost: unknown }[]>))
          for (const t of list) t.cost = String(t.cost);
      }),
    );
    expectOnlyDriftAt(run, /^transforms: data\.transform\.\w+\[\d+\]\.cost$/, "schema");
    expect(new Set(run.breaking.map((f) => f.scenario))).toEqual(new Set(["transform-list", "headshot"]));
  });

  it("a charge off by one step: one image more than the formula", async () => {
    const run = await runAgainst(
      mutateJson("POST /aitubo/api/job/create", (body) => {
        const d = data(body);
        if (body.code === 0 && typeof d.consumedCredit === "number") {
          d.consumedCredit += 10;
          d.credit = (d.credit as number) - 10;
        }
      }),
    );
    expectOnlyDriftAt(run, /^create: data\.consumedCredit$/, "credits");
    expect(run.breaking[0]!.expected).toMatch(/^10 /);
    expect(run.breaking[0]!.actual).toBe("20");
  });

  it("an image of the wrong size: every result 8 px too wide", async () => {
    const run = await runAgainst(async (_req, res) => {
      const type = res.headers.get("content-type") ?? "";
      if (!/^image\//.test(type) || res.status !== 200) return res;
      const bytes = Buffer.from(await res.arrayBuffer());
      const meta = await sharp(bytes).metadata();
      const wider = await sharp(bytes)
        .resize(meta.width! + 8, meta.height!, { fit: "fill" })
        .toFormat(meta.format as "png")
        .toBuffer();
      return new Response(new Uint8Array(wider), { status: 200, headers: { "content-type": type } });
    });
    expectOnlyDriftAt(run, /\(width\)$/, "image");
    expect(new Set(run.breaking.map((f) => f.scenario))).toEqual(
      new Set(["text-to-image", "image-to-image", "controlnet", "upscale", "segment", "headshot"]),
    );
  });

  it("a job that never finishes: status stays 1 and the poll times out", async () => {
    const run = await runAgainst(
      mutateJson("GET /aitubo/api/job/get", (body) => {
        if (data(body)) {
          data(body).status = 1;
          delete data(body).result;
        }
      }),
      ["--timeout", "400"],
    );
    expectOnlyDriftAt(run, /^poll: data\.status$/, "behaviour");
    expect(run.breaking.every((f) => f.message === "job did not finish within the time budget")).toBe(true);
    expect(run.breaking.map((f) => f.scenario).sort()).toEqual(
      ["controlnet", "headshot", "image-to-image", "job-fails", "text-to-image", "upscale"].sort(),
    );
  });
});
