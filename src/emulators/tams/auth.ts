/**
 * TAMS's two auth schemes [doc][client]:
 * 1. `Authorization: Bearer <token>`: the token is the tenant.
 * 2. `Authorization: TAMS-SHA256-RSA app_id=<id>,nonce_str=<nonce>,timestamp=<unix s>,signature=<b64>`:
 *    the app id is the tenant; when the app's public key is registered, the signature (RSA PKCS#1
 *    v1.5, SHA-256) is verified over `METHOD\nPATH_WITH_QUERY\nTIMESTAMP\nNONCE\nBODY`.
 * The nonce's format is never checked: official clients send md5 hex, sha256 hex, uuid hex or random hex.
 */
import { createPublicKey, type KeyObject, verify } from "node:crypto";

/** A parsed Authorization header. */
export type TamsAuth =
  | { scheme: "bearer"; token: string }
  | { scheme: "rsa"; appId: string; nonce: string; timestamp: string; signature: string }
  | { scheme: "invalid"; problem: string };

/** The RSA scheme's name, as clients write it. */
export const RSA_SCHEME = "TAMS-SHA256-RSA";

/**
 * Parses an Authorization header; `undefined` when there is none.
 * @example parseAuthorization("Bearer abc") // { scheme: "bearer", token: "abc" }
 */
export function parseAuthorization(header: string | undefined): TamsAuth | undefined {
  if (header === undefined || header.trim() === "") return undefined;
  const text = header.trim();
  const space = text.indexOf(" ");
  const scheme = space < 0 ? text : text.slice(0, space);
  const rest = space < 0 ? "" : text.slice(space + 1).trim();
  if (scheme.toLowerCase() === "bearer") {
    return rest
      ? { scheme: "bearer", token: rest }
      : { scheme: "invalid", problem: "the Bearer token is empty" };
  }
  if (scheme.toUpperCase() !== RSA_SCHEME) {
    return {
      scheme: "invalid",
      problem: `unknown Authorization scheme "${scheme}"; use Bearer or ${RSA_SCHEME}`,
    };
  }
  const params = new Map<string, string>();
  for (const part of rest.split(",")) {
    const eq = part.indexOf("=");
    if (eq > 0) params.set(part.slice(0, eq).trim().toLowerCase(), part.slice(eq + 1).trim());
  }
  const appId = params.get("app_id") ?? params.get("appid");
  const nonce = params.get("nonce_str");
  const timestamp = params.get("timestamp");
  const signature = params.get("signature");
  const missing = [
    ["app_id", appId],
    ["nonce_str", nonce],
    ["timestamp", timestamp],
    ["signature", signature],
  ].filter(([, v]) => !v);
  if (missing.length > 0) {
    return {
      scheme: "invalid",
      problem: `${RSA_SCHEME} header lacks ${missing.map(([k]) => k).join(", ")}`,
    };
  }
  if (!/^\d{1,13}$/.test(timestamp!)) return { scheme: "invalid", problem: "timestamp must be unix seconds" };
  return { scheme: "rsa", appId: appId!, nonce: nonce!, timestamp: timestamp!, signature: signature! };
}

/** The tenant key a parsed header names. */
export function tenantKeyOf(auth: TamsAuth | undefined): string | undefined {
  if (!auth) return undefined;
  if (auth.scheme === "bearer") return auth.token;
  if (auth.scheme === "rsa") return auth.appId;
  return undefined;
}

/** The string TAMS signs. */
export function stringToSign(p: {
  method: string;
  pathWithQuery: string;
  timestamp: string;
  nonce: string;
  body: string;
}) {
  return `${p.method.toUpperCase()}\n${p.pathWithQuery}\n${p.timestamp}\n${p.nonce}\n${p.body}`;
}

/**
 * True when `signature` (base64) is a valid RSA-SHA256 signature by `key` of any of the candidate
 * paths: a client may sign the path relative to its base URL (`/v1/jobs`) or the full path the
 * emulator sees (`/tams/v1/jobs`).
 */
export function verifySignature(p: {
  key: KeyObject;
  method: string;
  paths: readonly string[];
  timestamp: string;
  nonce: string;
  body: string;
  signature: string;
}): boolean {
  const sig = Buffer.from(p.signature, "base64");
  if (sig.length === 0) return false;
  return p.paths.some((pathWithQuery) => {
    try {
      const data = Buffer.from(stringToSign({ ...p, pathWithQuery }), "utf8");
      return verify("RSA-SHA256", data, p.key, sig);
    } catch {
      return false;
    }
  });
}

/** Why a public key cannot be registered, or the key. */
export function parsePublicKey(pem: string): { ok: true; key: KeyObject } | { ok: false; problem: string } {
  let key: KeyObject;
  try {
    key = createPublicKey(pem);
  } catch {
    return { ok: false, problem: "is not a PEM public key" };
  }
  if (key.asymmetricKeyType !== "rsa") return { ok: false, problem: "must be an RSA key" };
  const bits = key.asymmetricKeyDetails?.modulusLength ?? 0;
  // [doc] the key pair must be at least 2048 bits.
  if (bits < 2048) return { ok: false, problem: `must be at least 2048 bits, got ${bits}` };
  return { ok: true, key };
}
