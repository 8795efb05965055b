/**
 * Qolaba: text-to-image, image-to-image and ControlNet behind one envelope, with Celery-queued
 * tasks. Mounted under `/qolaba` (and `/qolaba/api/v1`); the docs print no base URL.
 */
import { type ProviderDefinition, requestHeader } from "../core/provider.js";
import { errorForStatus, QOLABA_MESSAGES, qolabaErrorResponse } from "./errors.js";
import { createQolabaRoutes } from "./routes.js";

/** The API key as Qolaba reads it: `Authorization: Bearer <key>` [doc]; anything else is no key. */
export function qolabaKey(header: string | undefined): string | undefined {
  const m = /^Bearer\s+(\S.*)$/i.exec(header?.trim() ?? "");
  return m ? m[1]!.trim() : undefined;
}

/** The Qolaba provider. */
export const qolabaProvider: ProviderDefinition = {
  name: "qolaba",
  title: "Qolaba",
  // [inferred] the B2B API's host; the docs print none. Configure the live target's base URL.
  liveBaseUrl: "https://qolaba-server-b2b.up.railway.app/api/v1",
  // [inferred] the same host; its `/api/v1` paths are served as under `/qolaba/api/v1`. Add yours
  // with `serve --host-for qolaba=HOST` or `createEmulators({ hosts: { qolaba: [HOST] } })`.
  hosts: [{ host: "qolaba-server-b2b.up.railway.app" }],
  docs: "https://docs.qolaba.ai",
  identify: (c) => qolabaKey(requestHeader(c, "authorization")),
  create(ctx) {
    const routes = createQolabaRoutes(ctx);
    return {
      app: routes.app,
      // For the dashboard: the words /getImage answers [doc]; a queued or running task is PENDING.
      inspect: {
        statusWords: {
          queued: "PENDING",
          running: "PENDING",
          succeeded: "SUCCESS",
          failed: "FAILED",
          canceled: "FAILED",
        },
      },
      reset(key) {
        if (key === undefined) routes.reset();
      },
    };
  },
  // A task that fails is still answered in the envelope; FAILED refuses the request.
  isRefusal: (body) =>
    typeof body === "object" && body !== null && (body as { status?: unknown }).status === "FAILED",
  renderError: ({ status, message, kind }) => {
    const name = errorForStatus(status);
    // An unknown route is FastAPI's "Not Found"; anything else carries the core's message.
    const data = kind === "not-found" ? QOLABA_MESSAGES.notFound : message;
    return qolabaErrorResponse(name, data, {}, status);
  },
};
