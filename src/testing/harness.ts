/**
 * The test helper without a test runner: one in-process emulator per test file, a fresh key per
 * test (its own tenant: balance, jobs, files, journal), optional interception of the real hosts,
 * and the clock, control plane and image metadata at hand. `useEmulators()` (vitest) wires these
 * four calls to hooks; other runners (node:test, Jest, mocha) call them from their own hooks.
 */
import { randomBytes } from "node:crypto";
import type { Interception, InterceptOptions } from "../connect/intercept.js";
import type { Clock } from "../emulators/core/clock.js";
import { readImageParams } from "../emulators/core/images.js";
import { createEmulators, type Emulators, type EmulatorsOptions } from "../emulators/create-emulators.js";

/** Options of {@link createTestEmulators}. */
export interface TestEmulatorsOptions extends EmulatorsOptions {
  /**
   * Answer this process's requests to the providers' real hosts in process while the file runs
   * (`true`, or interception options). Default false: call `emulators.fetch` or a base URL.
   */
  intercept?: boolean | InterceptOptions;
  /** Also listen on a port (127.0.0.1, a free one) for clients that need a base URL. Default false. */
  listen?: boolean;
}

/** What a test sees. */
export interface TestEmulators {
  /** The emulators (started in `start()`). */
  readonly emulators: Emulators;
  /** This test's API key: fresh for every test, so its balance and jobs are its own. */
  readonly key: string;
  /** The base URL when `listen: true` (e.g. `http://127.0.0.1:54321`). */
  readonly url: string;
  /** The emulated clock. */
  readonly clock: Clock;
  /** Moves emulated time forward (jobs progress, webhooks fire). */
  advance(ms: number): void;
  /** Calls the control plane: `control("/tenants/" + key)` is `GET /__emulator/tenants/<key>`. */
  control(path: string, init?: RequestInit): Promise<Response>;
  /** This test's balance (or another key's). */
  balance(key?: string): Promise<number>;
  /** Reads the parameters a generated image carries in its metadata. */
  readImageParams: typeof readImageParams;
  /** Before the file's tests (beforeAll). */
  start(): Promise<void>;
  /** Before each test (beforeEach): a fresh key, registered with the start credit (so strict keys accept it). */
  beginTest(): Promise<void>;
  /** After each test (afterEach): the test's tenant is dropped. */
  endTest(): void;
  /** After the file's tests (afterAll): interception restored, server closed. */
  stop(): Promise<void>;
}

/**
 * Builds the helper; call its `start`, `beginTest`, `endTest` and `stop` from your runner's hooks.
 * @example
 * // node:test
 * import { before, beforeEach, afterEach, after, test } from "node:test";
 * const emu = createTestEmulators({ intercept: true });
 * before(emu.start); beforeEach(emu.beginTest); afterEach(emu.endTest); after(emu.stop);
 * test("profile", async () => {
 *   const res = await fetch("https://api.aitubo.ai/api/user/profile", {
 *     headers: { authorization: `Bearer ${emu.key}` },
 *   });
 * });
 */
export function createTestEmulators(options: TestEmulatorsOptions = {}): TestEmulators {
  const { intercept, listen, ...emulatorOptions } = options;
  let emulators: Emulators | undefined;
  let interception: Interception | undefined;
  let closeListener: (() => Promise<void>) | undefined;
  let url: string | undefined;
  let key: string | undefined;
  const started = () => {
    if (!emulators)
      throw new Error(
        "imagegen-emulators: the emulators are not started (call start() in a before-all hook)",
      );
    return emulators;
  };

  const harness: TestEmulators = {
    get emulators() {
      return started();
    },
    get key() {
      if (!key)
        throw new Error("imagegen-emulators: no key outside a test (call beginTest() in a before-each hook)");
      return key;
    },
    get url() {
      if (!url) throw new Error("imagegen-emulators: not listening (pass { listen: true })");
      return url;
    },
    get clock() {
      return started().clock;
    },
    advance: (ms) => {
      started().clock.advance(ms);
    },
    control: (path, init = {}) => {
      const headers = new Headers(init.headers);
      // The control plane may need the admin token even in process.
      if (emulatorOptions.adminToken) headers.set("x-emulator-admin-token", emulatorOptions.adminToken);
      return started().fetch(`/__emulator${path.startsWith("/") ? path : `/${path}`}`, { ...init, headers });
    },
    async balance(of) {
      const res = await harness.control(`/tenants/${encodeURIComponent(of ?? harness.key)}`);
      return ((await res.json()) as { balance: number }).balance;
    },
    readImageParams,
    async start() {
      // A test file wants time to move only when it says so, or at once: never at wall speed.
      emulators = createEmulators({ clock: { mode: "instant" }, ...emulatorOptions });
      if (listen) {
        const listening = await emulators.listen({ port: 0, host: "127.0.0.1" });
        url = listening.url;
        closeListener = listening.close;
      }
      if (intercept) interception = emulators.interceptProviders(intercept === true ? {} : intercept);
    },
    async beginTest() {
      const emu = started();
      key = `test-${randomBytes(9).toString("base64url")}`;
      const res = await harness.control(`/tenants/${key}`, {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ balance: emu.settings.startCredit }),
      });
      if (!res.ok) throw new Error(`imagegen-emulators: cannot register the test's key: ${await res.text()}`);
    },
    endTest() {
      if (key) emulators?.reset(key);
      key = undefined;
    },
    async stop() {
      interception?.restore();
      interception = undefined;
      await closeListener?.();
      await emulators?.close();
      emulators = undefined;
      url = undefined;
    },
  };
  return harness;
}
