/** Runs `conform` in process and reads its JSON report: what the drift tests assert on. */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { runConformCommand } from "../src/conformance/cli-command.js";
import type { Finding } from "../src/conformance/findings.js";
import type { RunResult } from "../src/conformance/run.js";

/** What one `conform` invocation produced. */
export interface ConformRun {
  code: number;
  stdout: string;
  stderr: string;
  report: RunResult;
  /** Every breaking finding, tagged with its scenario. */
  breaking: (Finding & { scenario: string })[];
}

/** Runs `conform` with `args` as given; returns its exit code and what it printed. */
export async function command(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const code = await runConformCommand(args, {
    stdout: (s) => {
      stdout += `${s}\n`;
    },
    stderr: (s) => {
      stderr += `${s}\n`;
    },
  });
  return { code, stdout, stderr };
}

/** Runs `conform` with `args` plus `--json` to a temporary file, and parses the report. */
export async function conform(args: string[]): Promise<ConformRun> {
  const dir = await mkdtemp(join(tmpdir(), "conform-"));
  const json = join(dir, "report.json");
  let stdout = "";
  let stderr = "";
  try {
    const code = await runConformCommand([...args, "--json", json], {
      stdout: (s) => {
        stdout += `${s}\n`;
      },
      stderr: (s) => {
        stderr += `${s}\n`;
      },
    });
    const report = JSON.parse(await readFile(json, "utf8")) as RunResult;
    const breaking = report.results.flatMap((r) =>
      r.findings.filter((f) => f.severity === "breaking").map((f) => ({ ...f, scenario: r.scenario })),
    );
    return { code, stdout, stderr, report, breaking };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
