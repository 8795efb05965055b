/**
 * The control plane's admin token. On a loopback bind the control plane stays open (only this
 * machine can reach it); on any other bind it can reset state, set balances and inject faults for
 * anyone on the network, so a token is required: the one the user gave, or one generated at start.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { MiddlewareHandler } from "hono";

/** The header that carries the token besides `Authorization: Bearer`. */
export const ADMIN_TOKEN_HEADER = "x-emulator-admin-token";
/** The cookie and query parameter that carry it for a browser (the dashboard, server-sent events). */
export const ADMIN_TOKEN_PARAM = "emulator_admin_token";

/** True for a host only this machine can reach: `127.0.0.0/8`, `::1`, `localhost`. */
export function isLoopbackHost(host: string): boolean {
  const h = host
    .trim()
    .toLowerCase()
    .replace(/^\[|\]$/g, "");
  return (
    h === "localhost" ||
    h.endsWith(".localhost") ||
    /^127(\.\d{1,3}){3}$/.test(h) ||
    h === "::1" ||
    h === "::ffff:127.0.0.1"
  );
}

/** What guards the control plane for one bind. */
export interface AdminTokenPolicy {
  /** The token to require, or `undefined` when the control plane is open. */
  token: string | undefined;
  /** True when the token was made here (the caller prints it). */
  generated: boolean;
}

/**
 * The policy for a bind: a configured token is always required; without one, a loopback bind is
 * open and any other bind gets a generated token.
 * @example
 * adminTokenPolicy("0.0.0.0", undefined); // { token: "k3…", generated: true }
 * adminTokenPolicy("127.0.0.1", undefined); // { token: undefined, generated: false }
 */
export function adminTokenPolicy(host: string, configured: string | undefined): AdminTokenPolicy {
  if (configured) return { token: configured, generated: false };
  if (isLoopbackHost(host)) return { token: undefined, generated: false };
  return { token: randomBytes(24).toString("base64url"), generated: true };
}

const digest = (s: string) => createHash("sha256").update(s).digest();

/** Constant-time comparison (of digests, so lengths never leak either). */
function sameToken(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

/** The token a request offers: bearer, header, cookie or query parameter. */
function offeredToken(req: Request): string | undefined {
  const auth = req.headers.get("authorization");
  const bearer = auth?.match(/^Bearer\s+(.+)$/i)?.[1]?.trim();
  if (bearer) return bearer;
  const header = req.headers.get(ADMIN_TOKEN_HEADER)?.trim();
  if (header) return header;
  const cookie = req.headers
    .get("cookie")
    ?.split(";")
    .map((p) => p.trim().split("="))
    .find(([name]) => name === ADMIN_TOKEN_PARAM)?.[1];
  if (cookie) return decodeURIComponentSafe(cookie);
  const q = req.url.indexOf("?");
  if (q >= 0) return new URLSearchParams(req.url.slice(q + 1)).get(ADMIN_TOKEN_PARAM) ?? undefined;
  return undefined;
}

function decodeURIComponentSafe(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/**
 * Middleware that requires the token `current()` returns (read per request: `listen` may set it
 * after the app is built). No token means open.
 */
export function adminGuard(current: () => string | undefined): MiddlewareHandler {
  return async function emulatorAdminGuard(c, next) {
    const token = current();
    if (token === undefined) return next();
    const given = offeredToken(c.req.raw);
    if (given !== undefined && sameToken(given, token)) return next();
    return c.json(
      {
        error: {
          message: `the control plane needs the admin token: send "Authorization: Bearer <token>" or "${ADMIN_TOKEN_HEADER}: <token>" (the token is --admin-token, or the one printed at start-up)`,
        },
      },
      401,
      { "WWW-Authenticate": 'Bearer realm="imagegen-emulators control plane"' },
    );
  };
}
