import { describe, expect, it } from "vitest";
import { describeError, RequestTimeout, withTimeout } from "./http.js";

describe("describeError", () => {
  it("names the network cause fetch hides (code and message)", () => {
    const tls = Object.assign(new Error("self-signed certificate"), { code: "DEPTH_ZERO_SELF_SIGNED_CERT" });
    expect(describeError(new TypeError("fetch failed", { cause: tls }))).toBe(
      "fetch failed: DEPTH_ZERO_SELF_SIGNED_CERT (self-signed certificate)",
    );
    const dns = Object.assign(new Error("getaddrinfo ENOTFOUND api.aitubo.ai"), { code: "ENOTFOUND" });
    expect(describeError(new TypeError("fetch failed", { cause: dns }))).toBe(
      "fetch failed: getaddrinfo ENOTFOUND api.aitubo.ai",
    );
  });

  it("is the message alone when there is no cause", () => {
    expect(describeError(new Error("boom"))).toBe("boom");
    expect(describeError("text")).toBe("text");
  });
});

describe("withTimeout", () => {
  it("gives up after the time with a RequestTimeout naming the URL", async () => {
    const never = withTimeout(
      (_input, init) =>
        new Promise((_resolve, reject) =>
          init?.signal?.addEventListener("abort", () => reject(init.signal!.reason)),
        ),
      30,
    );
    const err = await never("http://127.0.0.1:9/x").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RequestTimeout);
    expect((err as RequestTimeout).code).toBe("ETIMEDOUT");
    expect(describeError(err)).toMatch(/^timeout: no answer within 30 ms from http:\/\/127\.0\.0\.1:9\/x/);
  });
});
