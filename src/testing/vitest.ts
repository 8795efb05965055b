/**
 * `imagegen-emulators/vitest`: `useEmulators()` in a test file starts one in-process emulator for
 * the file, gives each test a fresh key (its own tenant), and resets and closes after. Hooks only:
 * nothing global outlives the file (interception, when asked for, is restored in afterAll).
 */
import { afterAll, afterEach, beforeAll, beforeEach } from "vitest";
import { createTestEmulators, type TestEmulators, type TestEmulatorsOptions } from "./harness.js";

export type { TestEmulators, TestEmulatorsOptions } from "./harness.js";

/**
 * Registers the hooks and returns the helper (read its fields inside tests).
 * @example
 * import { useEmulators } from "imagegen-emulators/vitest";
 * const emu = useEmulators({ intercept: true });
 * it("charges the job", async () => {
 *   await fetch("https://api.aitubo.ai/api/job/create", {
 *     method: "POST",
 *     headers: { authorization: `Bearer ${emu.key}`, "content-type": "application/json" },
 *     body: JSON.stringify({ prompt: "a cat", modelId: "642b977d2f2842537c09fe41" }),
 *   });
 *   expect(await emu.balance()).toBe(100000 - 40);
 * });
 */
export function useEmulators(options: TestEmulatorsOptions = {}): TestEmulators {
  const harness = createTestEmulators(options);
  beforeAll(() => harness.start());
  beforeEach(() => harness.beginTest());
  afterEach(() => harness.endTest());
  afterAll(() => harness.stop());
  return harness;
}
