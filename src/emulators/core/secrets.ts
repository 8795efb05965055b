/**
 * Secrets never leave the emulator in clear: keys are shown masked everywhere (the control plane,
 * the journal), and anything whose name says it is a secret is masked in what the journal shows.
 */
import { createHash } from "node:crypto";

/** Words that make a header, parameter or field a secret. */
const SECRET_WORD =
  /^(.*keys?|.*tokens?|.*secrets?|.*signature|sig|.*passwords?|passwd|pwd|auth|auths|authori[sz]ation|authentication|.*cookies?|credentials?)$/;

/**
 * True when a name (header, query parameter, body field) says its value is a secret: one of its
 * words is a key, token, secret, signature, password, auth or cookie (`x-api-key`, `accessToken`,
 * `oss_signature`, `Set-Cookie`). `keyword` or `author` are not.
 */
export function isSecretName(name: string): boolean {
  return name
    .split(/[^a-zA-Z0-9]+|(?<=[a-z0-9])(?=[A-Z])/)
    .some((word) => word !== "" && SECRET_WORD.test(word.toLowerCase()));
}

/**
 * A key as it may be shown: its first 4 characters (when it is long enough that they give little
 * away), an ellipsis, and 8 hex characters of its SHA-256, so two keys can be told apart.
 * @example
 * maskKey("ced695cfd83811eda5e286850d1dc848"); // "ced6…1c5e0a2b"
 */
export function maskKey(key: string): string {
  const hash = createHash("sha256").update(key).digest("hex").slice(0, 8);
  return `${key.length >= 12 ? key.slice(0, 4) : ""}…${hash}`;
}

/** True when `shown` is {@link maskKey} of `key`. */
export function isMaskOf(shown: string, key: string): boolean {
  return shown.includes("…") && maskKey(key) === shown;
}

/** Masks a secret value, keeping its scheme (`Bearer`, `Basic`) and TAMS's non-secret app id. */
export function redactSecret(value: string): string {
  const v = value.trim();
  const scheme = v.match(/^(Bearer|Basic|TAMS-SHA256-RSA)\s+/i)?.[0] ?? "";
  const rest = v.slice(scheme.length);
  if (/^TAMS-SHA256-RSA/i.test(scheme)) {
    // Keep app_id (not a secret), mask the signature.
    return scheme + rest.replace(/signature=[^,]+/i, "signature=***");
  }
  return rest === "" ? `${scheme}***` : scheme + maskKey(rest);
}

/** Masks secret values deep in a parsed JSON value (any value under a secret name). */
export function redactJson(value: unknown, depth = 0): unknown {
  if (value === null || typeof value !== "object") return value;
  if (depth > 64) return "[too deep]";
  if (Array.isArray(value)) return value.map((v) => redactJson(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    if (!isSecretName(k)) out[k] = redactJson(v, depth + 1);
    else out[k] = typeof v === "string" ? redactSecret(v) : v === null ? null : "***";
  }
  return out;
}

const decode = (s: string) => {
  try {
    return decodeURIComponent(s.replace(/\+/g, " "));
  } catch {
    return s;
  }
};

/**
 * Masks secret parameters in a query string or form body (`?api_key=…&n=1`), leaving everything
 * else exactly as it was sent.
 */
export function redactParams(text: string): string {
  const lead = text.startsWith("?") ? "?" : "";
  const body = text.slice(lead.length);
  if (body === "") return text;
  return (
    lead +
    body
      .split("&")
      .map((pair) => {
        const eq = pair.indexOf("=");
        if (eq < 0 || !isSecretName(decode(pair.slice(0, eq)))) return pair;
        return `${pair.slice(0, eq)}=${encodeURIComponent(redactSecret(decode(pair.slice(eq + 1))))}`;
      })
      .join("&")
  );
}

/**
 * Masks secrets in text that is not parseable as a whole (cut or broken JSON, plain text):
 * `"name": "value"` and `name=value` pairs under a secret name.
 */
export function redactText(text: string): string {
  return text
    .replace(
      /"([^"\\]{1,100})"(\s*:\s*)"((?:[^"\\]|\\.)*)"/g,
      (all, name: string, colon: string, value: string) =>
        isSecretName(name) ? `"${name}"${colon}"${redactSecret(value)}"` : all,
    )
    .replace(/([A-Za-z0-9_.-]{1,100})=([^&\s,;"]+)/g, (all, name: string, value: string) =>
      isSecretName(name) ? `${name}=${redactSecret(value)}` : all,
    );
}
