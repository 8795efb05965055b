/**
 * AIThriving: synchronous Stability-style generation and editing, the image returned as base64.
 * Mounted under `/aithriving`, so a client's base URL `https://www.aithriving.com` becomes
 * `http://127.0.0.1:4000/aithriving`.
 */
import { type ProviderDefinition, requestHeader } from "../core/provider.js";
import { aithrivingErrorResponse, codeForStatus } from "./errors.js";
import { createAithrivingRoutes } from "./routes.js";

/**
 * The API key as AIThriving reads it: the raw key in `Authorization` [doc examples]; a `Bearer `
 * prefix is tolerated.
 */
export function aithrivingKey(header: string | undefined): string | undefined {
  const key = header?.replace(/^Bearer\s+/i, "").trim();
  return key ? key : undefined;
}

/** The AIThriving provider. */
export const aithrivingProvider: ProviderDefinition = {
  name: "aithriving",
  title: "AIThriving",
  liveBaseUrl: "https://www.aithriving.com",
  // [doc] www.aithriving.com; the bare domain [inferred] redirects there on the live site.
  hosts: [{ host: "www.aithriving.com" }, { host: "aithriving.com" }],
  docs: "https://www.aithriving.com (API documentation pages of each app)",
  // [doc] The header table names `Authentication`; every example sends `Authorization`: both are
  // read, `Authorization` first when a request carries both.
  identify: (c) =>
    aithrivingKey(requestHeader(c, "authorization")) ?? aithrivingKey(requestHeader(c, "authentication")),
  create(ctx) {
    const routes = createAithrivingRoutes(ctx);
    return {
      app: routes.app,
      reset(key) {
        if (key === undefined) routes.reset();
      },
    };
  },
  renderError: ({ status, message }) => aithrivingErrorResponse(codeForStatus(status), message, status),
  // Every failure is HTTP 200 with code -1 [doc envelope, inferred status].
  isRefusal: (body) => typeof body === "object" && body !== null && (body as { code?: unknown }).code !== 0,
};
