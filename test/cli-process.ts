/**
 * The built CLI as a child process, for the tests that run it over a real port (127.0.0.1, port 0).
 */
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The built CLI (`npm run build` makes it). */
export const CLI = fileURLToPath(new URL("../dist/bin/cli.js", import.meta.url));

/** A started `serve`: the process, the base URL from its banner, and everything it printed so far. */
export interface StartedCli {
  child: ChildProcess;
  url: string;
  output: () => string;
}

/**
 * Starts `serve --port 0 ...args` and resolves with the base URL its banner names (the banner is
 * written in one piece, so every line of it is in `output()` by then).
 * @example
 * const { child, url } = await startCli(["--clock", "manual"]);
 */
export async function startCli(args: string[], timeoutMs = 20_000): Promise<StartedCli> {
  const child = spawn(process.execPath, [CLI, "serve", "--port", "0", ...args], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout!.on("data", (d) => {
    out += d;
  });
  child.stderr!.on("data", (d) => {
    out += d;
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no banner: ${out}`)), timeoutMs);
    child.stdout!.on("data", () => {
      const m = out.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    child.once("exit", (code) => reject(new Error(`exited ${code}: ${out}`)));
  });
  return { child, url, output: () => out };
}
