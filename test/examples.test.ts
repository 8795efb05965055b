/**
 * The Node examples in examples/ run as a user would run them (`node examples/...`), importing
 * the built package by its name. The curl and Python examples run in cli-connect.test.ts (they
 * need the proxy); the vitest example runs as part of the suite. Needs `npm run build` first.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";

const run = promisify(execFile);
const cwd = new URL("..", import.meta.url);

describe("examples", () => {
  it("fetch-intercepted.mjs: Node's fetch to api.aitubo.ai with no base URL, the file host followed, another host refused", async () => {
    const { stdout } = await run(process.execPath, ["examples/fetch-intercepted.mjs"], { cwd });
    expect(stdout).toMatch(/^job [0-9a-f]{24} status 2$/m);
    expect(stdout).toMatch(/^https:\/\/file\.aitubo\.ai\/images\/art\/\S+\.png image\/png \d+ bytes$/m);
    expect(stdout).toMatch(/^refused: imagegen-emulators: refused a request to api\.openai\.com/m);
  });

  it("tams-sdk-intercepted.mjs: the official SDK unmodified, uploadFile and a job", async () => {
    const { stdout } = await run(process.execPath, ["examples/tams-sdk-intercepted.mjs"], { cwd });
    expect(stdout).toMatch(/^uploaded [0-9a-f-]{36}$/m);
    expect(stdout).toMatch(/^job \d+ SUCCESS https:\/\/ap-east-1\.tensorart\.cloud\/files\/\S+$/m);
  });

  it("node-test.mjs: the plain helper under node:test", async () => {
    const { stdout } = await run(
      process.execPath,
      ["--test", "--test-reporter=tap", "examples/node-test.mjs"],
      { cwd },
    );
    expect(stdout).toMatch(/^# pass 2$/m);
    expect(stdout).toMatch(/^# fail 0$/m);
  });
});
