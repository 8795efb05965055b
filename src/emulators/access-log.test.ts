import { describe, expect, it } from "vitest";
import { accessLogLine } from "./access-log.js";
import { maskKey } from "./core/secrets.js";
import { createEmulators } from "./create-emulators.js";

describe("access log", () => {
  it("one line per provider request; debug adds the bodies, secrets redacted as the journal does", async () => {
    const lines: { info: string[]; debug: string[] } = { info: [], debug: [] };
    const emulators = createEmulators({
      clock: { mode: "instant" },
      onExchange: (x) => {
        lines.info.push(accessLogLine(x, "info", new Date(0)));
        lines.debug.push(accessLogLine(x, "debug", new Date(0)));
      },
    });
    await emulators.fetch("/tams/v1/resource/image", {
      method: "POST",
      headers: { authorization: "Bearer log-test-key-9876", "content-type": "application/json" },
      body: JSON.stringify({ expireSec: 60, apiKey: "do-not-print-me" }),
    });
    await emulators.fetch("/__emulator/state"); // the control plane is not a provider request
    expect(lines.info).toHaveLength(1);
    // The tenant shows as /state and the journal show it (maskKey), never in clear.
    expect(lines.info[0]).toMatch(
      /^1970-01-01T00:00:00\.000Z tams POST \/v1\/resource\/image \d{3} [\d.]+ms (\S+)$/,
    );
    expect(lines.info[0]!.endsWith(` ${maskKey("log-test-key-9876")}`)).toBe(true);
    const debug = lines.debug[0]!.split("\n");
    expect(debug[0]).toBe(lines.info[0]);
    expect(debug[1]).toMatch(/^ {2}> /);
    expect(debug[1]).toContain('"expireSec":60');
    expect(debug[2]).toMatch(/^ {2}< /);
    expect(lines.debug[0]).not.toContain("do-not-print-me");
    expect(lines.debug[0]).not.toContain("log-test-key-9876");
    await emulators.close();
  });
});
