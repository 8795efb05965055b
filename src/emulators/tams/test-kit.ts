/**
 * Helpers for the TAMS tests: a manual-clock server with only TAMS, and JSON calls with a key.
 * Not used by the emulator itself.
 */
import { createEmulatorServer, type EmulatorServer, type EmulatorServerOptions } from "../core/server.js";
import { tamsProvider } from "./index.js";

/** A TAMS-only server on a manual clock. */
export function tamsServer(options: EmulatorServerOptions = {}): EmulatorServer {
  // A fixed seed: ids (and so images) are the same on every test run.
  return createEmulatorServer([tamsProvider], { clock: { mode: "manual" }, seed: 1, ...options });
}

/** A JSON answer. */
export interface JsonAnswer {
  status: number;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary response JSON
  body: any;
  headers: Headers;
}

/** Calls `/tams<path>` with `Authorization: Bearer <key>` and a JSON body (a string is sent as is). */
export async function call(
  server: EmulatorServer,
  method: string,
  path: string,
  key: string | undefined,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<JsonAnswer> {
  const res = await server.fetch(`/tams${path}`, {
    method,
    headers: {
      ...(key !== undefined ? { authorization: `Bearer ${key}` } : {}),
      ...(body !== undefined ? { "content-type": "application/json" } : {}),
      ...headers,
    },
    ...(body !== undefined ? { body: typeof body === "string" ? body : JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON (files, XML errors): keep the text
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

/**
 * A key's balance, from the control plane. A key without a tenant (never used, or used only by
 * refused requests, which leave no tenant) has the starting balance it would get on first use.
 */
export async function balanceOf(server: EmulatorServer, key: string): Promise<number> {
  const res = await server.fetch(`/__emulator/tenants/${encodeURIComponent(key)}`);
  if (res.status === 404) return server.settings.startCredit;
  return ((await res.json()) as { balance: number }).balance;
}

/** Runs the clock far enough for any job to finish. */
export function finishAll(server: EmulatorServer): void {
  server.clock.advance(10 * 60 * 1000);
}

/** Uploads bytes through `POST /v1/resource/image` + the PUT; returns the resource id. */
export async function upload(server: EmulatorServer, key: string, bytes: Buffer): Promise<string> {
  const created = await call(server, "POST", "/v1/resource/image", key, { expireSec: 3600 });
  const { resourceId, putUrl, headers } = created.body as {
    resourceId: string;
    putUrl: string;
    headers: Record<string, string>;
  };
  const url = new URL(putUrl);
  const put = await server.fetch(url.pathname + url.search, {
    method: "PUT",
    headers,
    body: new Uint8Array(bytes),
  });
  if (put.status !== 200) throw new Error(`upload failed: ${put.status} ${await put.text()}`);
  return resourceId;
}
