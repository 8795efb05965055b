/**
 * Helpers for Qolaba's tests: a server, calls as a client makes them, and reading results back.
 * Not part of the build's public surface.
 */
import sharp from "sharp";
import { createEmulatorServer, type EmulatorServer, type EmulatorServerOptions } from "../core/server.js";
import type { QolabaEnvelope } from "./errors.js";
import { qolabaProvider } from "./index.js";

/** Canny ControlNet [doc]. */
export const CANNY = "ap-1us0FK21Ach6eiWxo22is8";
/** Depth ControlNet [doc]. */
export const DEPTH = "ap-WrXnJBXy23XpPh6IlH5tRX";
/** Pose ControlNet [doc]. */
export const POSE = "ap-a1b2c3d4e5f6g7h8i9j0kq";
/** A text-to-image app (SDXL) [backend]. */
export const SDXL_T2I = "ap-oDVXRQ7bCaWW05O52P1mlA";
/** An image-to-image app (SDXL) [backend]. */
export const SDXL_I2I = "ap-eRSyl0imzrUrbvgdAYwDTl";

/**
 * A server with Qolaba alone, on an instant clock unless told otherwise, with a fixed seed: task
 * ids are random per start otherwise, and images (the canny test's edges) depend on them.
 */
export function qolabaServer(options: EmulatorServerOptions = {}): EmulatorServer {
  return createEmulatorServer([qolabaProvider], { clock: { mode: "instant" }, seed: 1, ...options });
}

/** A valid text-to-image body. */
export const T2I = {
  app_id: SDXL_T2I,
  prompt: "a lighthouse at dusk",
  height: 512,
  width: 768,
  num_inference_steps: 20,
  guidance_scale: 7.5,
  batch: 2,
} as const;

/** POSTs JSON with `Authorization: Bearer <key>` (or the header given; `null` for none). */
export async function call(
  server: EmulatorServer,
  path: string,
  body: unknown,
  auth: string | null = "Bearer test-key",
): Promise<{ status: number; body: QolabaEnvelope }> {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (auth !== null) headers.authorization = auth;
  const res = await server.fetch(`/qolaba${path}`, {
    method: "POST",
    headers,
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as QolabaEnvelope };
}

/** The result URLs of a SUCCESS envelope. */
export function resultUrls(body: QolabaEnvelope): string[] {
  return "result" in body.output ? body.output.result : [];
}

/** Fetches a result URL in process and reads its format and size. */
export async function fetchImage(server: EmulatorServer, url: string) {
  const res = await server.fetch(url);
  if (res.status !== 200) throw new Error(`GET ${url}: HTTP ${res.status}`);
  const bytes = Buffer.from(await res.arrayBuffer());
  const meta = await sharp(bytes).metadata();
  return {
    bytes,
    contentType: res.headers.get("content-type"),
    format: meta.format,
    width: meta.width,
    height: meta.height,
  };
}

/** A tenant's balance and job count, from the control plane. */
export async function tenantState(server: EmulatorServer, key = "test-key") {
  const res = await server.fetch(`/__emulator/tenants/${encodeURIComponent(key)}`);
  if (res.status === 404) return { balance: Number.NaN, jobs: 0, files: 0, exists: false };
  const t = (await res.json()) as { balance: number; jobs: number; files: unknown[] };
  return { balance: t.balance, jobs: t.jobs, files: t.files.length, exists: true };
}
