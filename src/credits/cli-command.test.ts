import { describe, expect, it } from "vitest";
import { CREDITS_USAGE, runCreditsCommand } from "./cli-command.js";

/** Runs the command in-process with files from a map; returns exit code and output. */
async function run(argv: string[], files: Record<string, string> = {}, stdin = "") {
  let stdout = "";
  let stderr = "";
  const code = await runCreditsCommand(argv, {
    stdout: (s) => {
      stdout += s;
    },
    stderr: (s) => {
      stderr += s;
    },
    readStdin: async () => stdin,
    readFile: async (path) => {
      const text = files[path];
      if (text === undefined)
        throw Object.assign(new Error(`ENOENT: no such file, open '${path}'`), { code: "ENOENT" });
      return text;
    },
  });
  return { code, stdout, stderr };
}

const fourStage = JSON.stringify({
  stages: [
    { type: "INPUT_INITIALIZE", inputInitialize: { count: 1 } },
    { type: "DIFFUSION", diffusion: { width: 960, height: 540, steps: 20 } },
    { type: "IMAGE_TO_UPSCALER", image_to_upscaler: { hr_scale: 2, hr_second_pass_steps: 30 } },
    { type: "IMAGE_TO_ADETAILER", image_to_adetailer: { args: [{ ad_use_steps: true }] } },
  ],
});

describe("credits command", () => {
  it("prints the total and a breakdown table", async () => {
    const r = await run(["tams", "job.json"], { "job.json": fourStage });
    expect(r).toMatchObject({ code: 0, stderr: "" });
    expect(r.stdout).toMatch(/^tams: 4\.80 credits\n/);
    expect(r.stdout).toMatch(/stages\[2\] IMAGE_TO_UPSCALER\s+2\.40\s+documented/);
    expect(r.stdout).toMatch(/\n\s+total\s+4\.80\n$/);
    expect(r.stdout).toContain(
      "= 1 * 1 * (CEIL(30 / 5) / 5) * CEIL(1920 * 1080 / 1024 / 1024 * 2) / 2 = 2.4",
    );
  });

  it("prints JSON with --json, reading stdin for -, and skips a leading 'credits'", async () => {
    const r = await run(["credits", "aitubo", "-", "--json"], {}, '{"prompt":"a cat","count":2}');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ provider: "aitubo", total: 20, items: [{ credits: 20 }] });
  });

  it("applies --endpoint, --price and --base-model", async () => {
    const flux = JSON.stringify({
      stages: [{ type: "DIFFUSION", diffusion: { width: 1, height: 1, steps: 20, sdModel: "77" } }],
    });
    const a = await run(["tams", "f.json", "--json", "--base-model", "77=FLUX.1"], { "f.json": flux });
    expect(JSON.parse(a.stdout).total).toBe(1.6);
    const b = await run(
      ["aithriving", "-", "--endpoint", "ultra", "--price", "ultra=15", "--json"],
      {},
      "{}",
    );
    expect(JSON.parse(b.stdout).total).toBe(15);
  });

  it("names the bad field and exits 2, without a stack trace", async () => {
    const r = await run(
      ["tams", "-"],
      {},
      '{"stages":[{"type":"DIFFUSION","diffusion":{"width":512,"height":512,"steps":"x"}}]}',
    );
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toBe(
      'error: invalid request: stages[0].diffusion.steps: must be an integer ≥ 1, got "x"\n',
    );
  });

  it.each([
    [[], "expected a provider and a request file"],
    [["nope", "x.json"], 'unknown provider "nope"'],
    [["tams", "missing.json"], "cannot read missing.json: ENOENT"],
    [["tams", "-", "--bogus"], "Unknown option '--bogus'"],
    [["aitubo", "-", "--price", "perImage"], "--price takes name=value"],
    [["aitubo", "-", "--price", "perImage=ten"], '--price perImage: "ten" is not a number'],
    [["aitubo", "-", "--price", "perImage=1.5"], "prices.perImage: must be a non-negative integer"],
    [["qolaba", "-", "--endpoint", "getImage"], "endpoint: must be one of getTextToImage, getImagetoImage"],
  ])("%j exits 2: %s", async (argv, message) => {
    const r = await run(argv, {}, "{}");
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("reports invalid JSON with its position", async () => {
    const r = await run(["tams", "-"], {}, "{bad");
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: stdin is not valid JSON: .*position 1/);
  });

  it("--help prints usage and exits 0", async () => {
    const r = await run(["--help"]);
    expect(r).toEqual({ code: 0, stdout: CREDITS_USAGE, stderr: "" });
  });
});
