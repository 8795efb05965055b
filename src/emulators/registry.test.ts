/**
 * Walks the registry so a provider cannot be half-added: each entry is complete, answers in its
 * own error shape, and has its section in the README.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { createEmulators } from "./create-emulators.js";
import { PROVIDERS } from "./registry.js";

const README = readFileSync(new URL("../../README.md", import.meta.url), "utf8");

describe.each(PROVIDERS.map((p) => [p.name, p] as const))("provider %s", (name, def) => {
  it("is complete: a url-safe unique name, a title, a live https base URL, docs", () => {
    expect(name).toMatch(/^[a-z][a-z0-9-]*$/);
    expect(PROVIDERS.filter((p) => p.name === name)).toHaveLength(1);
    expect(def.title.length).toBeGreaterThan(0);
    expect(def.liveBaseUrl).toMatch(/^https:\/\//);
    expect(def.docs.length).toBeGreaterThan(0);
  });

  it.each([
    400, 401, 403, 404, 429, 500, 503,
  ])("renders HTTP %i in its own shape (JSON, no stack)", async (status) => {
    const res = def.renderError({ status, message: "something specific", kind: "fault" });
    expect(res.status).toBe(status);
    const text = await res.text();
    expect(() => JSON.parse(text)).not.toThrow();
    expect(text).not.toMatch(/\bat .+:\d+:\d+/);
  });

  it("answers an unknown route with its own 404 shape", async () => {
    const emulators = createEmulators({ providers: [name], clock: { mode: "instant" } });
    const res = await emulators.fetch(`/${name}/definitely/not/a/route`);
    expect(res.status).toBe(404);
    const expected = await def.renderError({ status: 404, message: "x", kind: "not-found" }).json();
    expect(Object.keys(await res.json()).sort()).toEqual(Object.keys(expected).sort());
    await emulators.close();
  });

  it("has a README section with a fidelity table", () => {
    expect(README).toContain(`## ${def.title}`);
  });
});
