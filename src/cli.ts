#!/usr/bin/env node
/**
 * The command line: `serve`, `credits`, `conform`. Thin: each command lives in its own module and
 * is imported only when asked for, so `serve` starts without loading the conformance suite.
 */
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";

const USAGE = `Usage: imagegen-emulators <command> [options]

Commands:
  serve      serve every emulator on one port (default http://127.0.0.1:4000)
  credits    print what a request costs: imagegen-emulators credits <provider> <request.json | ->
  conform    run the conformance scenarios against the emulators, a server, or the live APIs
  env        print the shell lines that send HTTPS through the emulator's proxy (serve --proxy)
  ca         print where the local CA is and how to trust and remove it

Run a command with --help for its options; imagegen-emulators --version prints the version.`;

/** The package's version, read from its package.json (dist/bin/ or src/ are two levels down). */
function version(): string {
  for (const rel of ["../../package.json", "../package.json"]) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), "utf8")) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === "imagegen-emulators" && pkg.version) return pkg.version;
    } catch {
      // try the next place
    }
  }
  return "unknown";
}

const io = {
  stdout: (s: string) => process.stdout.write(s.endsWith("\n") ? s : `${s}\n`),
  stderr: (s: string) => process.stderr.write(s.endsWith("\n") ? s : `${s}\n`),
};

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case "serve": {
      const { runServeCommand } = await import("./emulators/serve-command.js");
      return runServeCommand(rest, io);
    }
    case "credits": {
      const { runCreditsCommand } = await import("./credits/cli-command.js");
      return runCreditsCommand(rest, { ...io, readStdin, readFile: (p) => readFile(p, "utf8") });
    }
    case "conform": {
      const { runConformCommand } = await import("./conformance/cli-command.js");
      return runConformCommand(rest, io);
    }
    case "env": {
      const { runEnvCommand } = await import("./connect/env-command.js");
      return runEnvCommand(rest, io);
    }
    case "ca": {
      const { runCaCommand } = await import("./connect/env-command.js");
      return runCaCommand(rest, io);
    }
    case "-v":
    case "--version":
    case "version":
      io.stdout(`imagegen-emulators ${version()}`);
      return 0;
    case undefined:
    case "-h":
    case "--help":
    case "help":
      io.stdout(USAGE);
      return command === undefined ? 2 : 0;
    default:
      io.stderr(`imagegen-emulators: unknown command ${JSON.stringify(command)}\n\n${USAGE}`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    // Commands answer their own errors; anything here is a bug, said in one line.
    process.stderr.write(
      `imagegen-emulators: internal error: ${err instanceof Error ? err.message : String(err)}\n`,
    );
    process.exitCode = 1;
  },
);
