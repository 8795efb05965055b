/**
 * Regression: error messages that were not the provider's words. TAMS echoed V8's `JSON.parse`
 * text; the control plane echoed zod's default wording (`Invalid input: expected string, received
 * array`) instead of naming the field, and `PUT /__emulator/faults` said only "Invalid input" where
 * `serve --faults` named the rule and field.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { EmulatorServer } from "../../src/emulators/core/server.js";
import { createEmulators } from "../../src/emulators/create-emulators.js";
import { runServeCommand } from "../../src/emulators/serve-command.js";

let server: EmulatorServer;
afterEach(() => server?.close());

const send = (method: string, path: string, body: string, authorization?: string) =>
  server.fetch(path, {
    method,
    headers: { "content-type": "application/json", ...(authorization ? { authorization } : {}) },
    body,
  });

/** What `serve --faults FILE` prints for a rules file, without starting anything. */
async function serveFaultsError(rules: unknown): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "faults-"));
  const file = join(dir, "faults.json");
  writeFileSync(file, JSON.stringify(rules));
  let err = "";
  const stderr = (s: string) => {
    err += s;
  };
  const code = await runServeCommand(["--faults", file], { stdout: () => {}, stderr });
  expect(code).toBe(2);
  return err.split("\n")[0]!;
}

describe("errors in the provider's voice", () => {
  it("TAMS names the body as not JSON without the parser's own text", async () => {
    server = createEmulators({ clock: { mode: "instant" } });
    const res = await send("POST", "/tams/v1/jobs", '{"requestId": "a",', "Bearer k");
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body).toMatchObject({ code: 3, message: "body: is not valid JSON" });
    expect(JSON.stringify(body)).not.toMatch(/position|Unexpected|Expected/);
  });

  it("the control plane names the field in plain words", async () => {
    server = createEmulators({ clock: { mode: "manual" } });
    const advance = await send("POST", "/__emulator/clock/advance", JSON.stringify({ ms: [] }));
    expect(advance.status).toBe(400);
    expect((await advance.json()).error).toEqual({ message: "ms must be a number", field: "ms" });
    const tenant = await send("PUT", "/__emulator/tenants/k", JSON.stringify({ balance: "10" }));
    expect((await tenant.json()).error).toEqual({ message: "balance must be a number", field: "balance" });
    const reset = await send("POST", "/__emulator/reset", JSON.stringify({ key: ["a"] }));
    expect((await reset.json()).error).toEqual({ message: "key must be a string", field: "key" });
  });

  it.each([
    [[{ action: { type: "nope" } }]],
    [[{ route: "POST *", action: { type: "error", status: 200 } }]],
    [{ rules: [{ action: { type: "drop" } }, { route: 5, action: { type: "drop" } }] }],
    [{ rules: [{ action: { type: "latency", ms: 1, extra: true } }] }],
    [{ rulez: [] }],
  ])("PUT /__emulator/faults says what serve --faults says for %j", async (config) => {
    server = createEmulators({ clock: { mode: "instant" } });
    const res = await send("PUT", "/__emulator/faults", JSON.stringify(config));
    expect(res.status).toBe(400);
    const { error } = await res.json();
    expect(error.message).not.toMatch(/^Invalid input/);
    expect(`imagegen-emulators serve: --faults: ${error.message}`).toBe(await serveFaultsError(config));
  });
});
