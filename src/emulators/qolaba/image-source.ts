/**
 * The `image` of an image-to-image request. The emulator never goes to the network: a URL of one
 * of its own results is read from the file store; any other URL becomes a placeholder source,
 * the same for the same URL [inferred: offline by design; the fidelity table says so].
 */

import type { FileStore } from "../core/file-store.js";
import { type ImageLimits, renderPlaceholder, validateImage } from "../core/images.js";
import { decodeFilePath } from "../core/url-path.js";

/** The path of result files under the provider's base URL. */
export const FILES_PREFIX = "files/";

/** Size of the stand-in for an image the emulator does not fetch [inferred]. */
export const EXTERNAL_SOURCE_SIZE = { width: 1024, height: 1024 } as const;

/** An input image: bytes, size, and where it came from. */
export interface SourceImage {
  bytes: Buffer;
  width: number;
  height: number;
  origin: "emulator" | "placeholder";
}

/**
 * The path in the file store of an emulator URL, or `undefined` for any other URL. An emulator URL
 * whose escapes are malformed names no file: the empty path, which the store never holds.
 */
export function ownResultPath(url: string, providerBase: string): string | undefined {
  const base = new URL(`${providerBase.replace(/\/+$/, "")}/${FILES_PREFIX}`);
  const u = new URL(url);
  if (u.origin !== base.origin || !u.pathname.startsWith(base.pathname)) return undefined;
  return `${FILES_PREFIX}${decodeFilePath(u.pathname.slice(base.pathname.length)) ?? ""}`;
}

/** A deterministic stand-in for an image at a URL the emulator will not fetch. */
export function externalSource(url: string): Promise<Buffer> {
  return renderPlaceholder({
    ...EXTERNAL_SOURCE_SIZE,
    format: "png",
    seed: url,
    prompt: "reference image (not fetched: the emulator is offline)",
    jobId: "external",
    label: url.slice(0, 120),
    params: { sourceUrl: url },
  });
}

/**
 * Resolves `image`: own result → its bytes; other URL → placeholder; own URL with no file →
 * `undefined` (the caller answers the backend's "Image URL Error").
 */
export async function resolveSource(
  url: string,
  providerBase: string,
  files: FileStore,
  provider: string,
  limits: ImageLimits,
): Promise<SourceImage | undefined> {
  const path = ownResultPath(url, providerBase);
  if (path === undefined) {
    const bytes = await externalSource(url);
    return { bytes, ...EXTERNAL_SOURCE_SIZE, origin: "placeholder" };
  }
  const bytes = await files.bytesOf(provider, path);
  if (!bytes) return undefined;
  const checked = await validateImage(bytes, limits);
  if (!checked.ok) return undefined;
  return { bytes, width: checked.info.width, height: checked.info.height, origin: "emulator" };
}

/**
 * The size the backend gives an input image: each side to the nearest multiple of 64, then, if
 * it has more pixels than 1536×1536, the longer side to 1536 and the other scaled and floored to
 * 64 (`resize_image` in `src/utils/Globals.py`) [backend].
 */
export function backendImageSize(width: number, height: number): { width: number; height: number } {
  const w = Math.max(64, 64 * Math.round(width / 64));
  const h = Math.max(64, 64 * Math.round(height / 64));
  const MEAN = 1536;
  if (w * h <= MEAN * MEAN) return { width: w, height: h };
  if (h >= w) return { width: Math.max(64, Math.floor((w * MEAN) / h / 64) * 64), height: MEAN };
  return { width: MEAN, height: Math.max(64, Math.floor((h * MEAN) / w / 64) * 64) };
}
