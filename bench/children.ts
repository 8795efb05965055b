/**
 * Child processes of the benchmark: spawning the servers under test and the load generator, and
 * making sure none of them outlives the run, even when the run fails or is interrupted.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { fileURLToPath } from "node:url";

/** The built CLI, as `npm start` runs it (compiled JavaScript, not tsx). */
export const CLI = fileURLToPath(new URL("../dist/bin/cli.js", import.meta.url));
/** The bare Hono server every figure is divided by. */
export const BASELINE = fileURLToPath(new URL("./baseline-server.mjs", import.meta.url));
/** The load generator's entry point (run under tsx in its own process). */
export const LOAD_GENERATOR = fileURLToPath(new URL("./load-generator.ts", import.meta.url));

/** Which server a figure is about. */
export type ServerKind = "emulator" | "baseline";

const live = new Set<ChildProcess>();

/** Spawns a child and remembers it, so {@link killAll} can end it whatever happens. */
export function track(child: ChildProcess): ChildProcess {
  live.add(child);
  child.once("exit", () => live.delete(child));
  return child;
}

/**
 * Spawns a server on 127.0.0.1:`port` the same way for both kinds: `node <script> ...`, no shell,
 * no npm, so the measured start-up is Node plus the server's own code and nothing else.
 */
export function spawnServer(kind: ServerKind, port: number, extra: string[] = []): ChildProcess {
  const args =
    kind === "emulator"
      ? [
          CLI,
          "serve",
          "--port",
          String(port),
          "--host",
          "127.0.0.1",
          "--clock",
          "instant",
          "--quiet",
          ...extra,
        ]
      : [BASELINE, "--port", String(port)];
  return track(spawn(process.execPath, args, { stdio: ["ignore", "ignore", "inherit"] }));
}

/** Spawns a Node process running `args` with tsx loaded (for the TypeScript load generator). */
export function spawnTsx(args: string[], env: Record<string, string> = {}): ChildProcess {
  return track(
    spawn(process.execPath, ["--import", "tsx", ...args], {
      stdio: ["ignore", "pipe", "inherit"],
      env: { ...process.env, ...env },
    }),
  );
}

/** Ends one child: SIGTERM, then SIGKILL if it has not gone after `graceMs`. */
export async function stop(child: ChildProcess, graceMs = 2000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, "exit");
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await exited;
  clearTimeout(timer);
}

/** Ends every child still running. */
export async function killAll(): Promise<void> {
  await Promise.all([...live].map((c) => stop(c)));
}

// Last resort when the run dies before its `finally` (an uncaught error, Ctrl-C): SIGKILL is the
// only thing that can still be sent synchronously from an `exit` handler.
process.once("exit", () => {
  for (const c of live) c.kill("SIGKILL");
});
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void killAll().finally(() => process.exit(130));
  });
}
