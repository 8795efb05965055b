/**
 * Helpers for AIThriving's tests: a server in instant mode, requests as a client sends them, and
 * images to upload. Not part of the build's public surface.
 */
import sharp from "sharp";
import { createEmulatorServer, type EmulatorServer, type EmulatorServerOptions } from "../core/server.js";
import { aithrivingProvider } from "./index.js";

/** A server with AIThriving alone, on an instant clock unless told otherwise. */
export function aithrivingServer(options: EmulatorServerOptions = {}): EmulatorServer {
  // A fixed seed: random seeds and ids (and so images) are the same on every test run.
  return createEmulatorServer([aithrivingProvider], { clock: { mode: "instant" }, seed: 1, ...options });
}

/** What a test sends. */
export interface Call {
  path: string;
  key?: string | null;
  json?: unknown;
  /** Raw text body (sent as JSON content type). */
  text?: string;
  form?: Record<string, string>;
  files?: Record<string, Buffer>;
}

/** Sends a call the way the doc's Python example does: raw key in Authorization. */
export function send(server: EmulatorServer, call: Call): Promise<Response> {
  const headers: Record<string, string> = {};
  const key = call.key === undefined ? "test-key" : call.key;
  if (key !== null) headers.authorization = key;
  let body: BodyInit | undefined;
  if (call.form || call.files) {
    const fd = new FormData();
    for (const [k, v] of Object.entries(call.form ?? {})) fd.append(k, v);
    for (const [k, v] of Object.entries(call.files ?? {}))
      fd.append(k, new Blob([new Uint8Array(v)]), `${k}.png`);
    body = fd;
  } else if (call.text !== undefined || call.json !== undefined) {
    headers["content-type"] = "application/json";
    body = call.text ?? JSON.stringify(call.json);
  }
  return server.fetch(`/aithriving${call.path}`, { method: "POST", headers, body });
}

/** An image with detail everywhere (a gradient and noise), so any change to a region shows. */
export async function makeImage(
  width: number,
  height: number,
  format: "png" | "jpeg" = "png",
): Promise<Buffer> {
  const raw = Buffer.alloc(width * height * 3);
  let s = 12345;
  for (let i = 0; i < width * height; i++) {
    s = (s * 1103515245 + 12345) & 0x7fffffff;
    const x = i % width;
    const y = Math.floor(i / width);
    raw[i * 3] = (x * 255) / width;
    raw[i * 3 + 1] = (y * 255) / height;
    raw[i * 3 + 2] = s & 0xff;
  }
  const img = sharp(raw, { raw: { width, height, channels: 3 } });
  return format === "png" ? img.png().toBuffer() : img.jpeg({ quality: 95 }).toBuffer();
}

/** The masked rectangle of {@link makeMask}: the middle half of each side. */
export function maskRect(width: number, height: number) {
  return {
    left: Math.floor(width / 4),
    top: Math.floor(height / 4),
    right: Math.floor((3 * width) / 4),
    bottom: Math.floor((3 * height) / 4),
  };
}

/** A black mask with a white rectangle in the middle (white = edit here). */
export async function makeMask(width: number, height: number): Promise<Buffer> {
  const r = maskRect(width, height);
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="#000"/><rect x="${r.left}" y="${r.top}" width="${r.right - r.left}" height="${r.bottom - r.top}" fill="#fff"/></svg>`;
  return sharp(Buffer.from(svg)).png().toBuffer();
}

/** RGB pixels of an image, for region comparisons. */
export async function rgb(image: Buffer): Promise<{ data: Buffer; width: number; height: number }> {
  const { data, info } = await sharp(image).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { data, width: info.width, height: info.height };
}

/** Counts pixels that differ inside and outside a rectangle. */
export async function diffByRegion(
  a: Buffer,
  b: Buffer,
  rect: { left: number; top: number; right: number; bottom: number },
): Promise<{ inside: number; outside: number }> {
  const pa = await rgb(a);
  const pb = await rgb(b);
  let inside = 0;
  let outside = 0;
  for (let y = 0; y < pa.height; y++) {
    for (let x = 0; x < pa.width; x++) {
      const i = (y * pa.width + x) * 3;
      const same =
        pa.data[i] === pb.data[i] && pa.data[i + 1] === pb.data[i + 1] && pa.data[i + 2] === pb.data[i + 2];
      if (same) continue;
      if (x >= rect.left && x < rect.right && y >= rect.top && y < rect.bottom) inside++;
      else outside++;
    }
  }
  return { inside, outside };
}

/** Format and size of a base64 image. */
export async function describeBase64(b64: string) {
  const bytes = Buffer.from(b64, "base64");
  const meta = await sharp(bytes).metadata();
  return { bytes, format: meta.format, width: meta.width, height: meta.height };
}
