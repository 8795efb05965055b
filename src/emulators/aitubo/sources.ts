/**
 * Resolving the image a request names (`imagePath`, `image`, `maskImage`): a path in the
 * emulator's store, an emulator URL, or any other URL, which is never fetched (offline) and
 * becomes a deterministic placeholder instead.
 */
import { droppedUploadImage, renderPlaceholder } from "../core/images.js";
import type { EmulatorContext } from "../core/provider.js";
import { AITUBO, type AituboContext } from "./context.js";
import { DOC_UPLOAD_SIZE, docExampleFile } from "./doc-examples.js";
import { aituboError } from "./errors.js";

/** A resolved input image. */
export interface ImageSource {
  /** The path in the store, when it is one of ours. */
  path?: string;
  /** How the request named it. */
  ref: string;
  /** Bytes of the image (rendered on demand). */
  bytes(): Promise<Buffer>;
  /** Known size, when the store has it. */
  width?: number;
  height?: number;
}

/** The store path an absolute URL points at, if it names a file we hold. */
function storePathOf(ctx: AituboContext, c: EmulatorContext, url: URL): string | undefined {
  const candidates = [url.pathname.replace(/^\/+/, "")];
  const own = new URL(`${c.get("providerBase")}/file/`);
  if (url.pathname.startsWith(own.pathname)) candidates.unshift(url.pathname.slice(own.pathname.length));
  // A real Aitubo file URL (https://file.aitubo.ai/<path>) for a path we also hold.
  return candidates.find((p) => docExampleFile(p) || ctx.core.files.stat(AITUBO, p));
}

/**
 * Resolves an image reference; a relative path that is not in the store is a 400 naming `field`.
 * @example
 * const src = resolveImage(ctx, c, "imagePath", body.imagePath);
 */
export function resolveImage(
  ctx: AituboContext,
  c: EmulatorContext,
  field: string,
  ref: string,
): ImageSource {
  let url: URL | undefined;
  if (/^https?:\/\//i.test(ref)) {
    try {
      url = new URL(ref);
    } catch {
      aituboError("INVALID_ARGUMENT", `${field} is not a valid URL`);
    }
  }
  const path = url ? storePathOf(ctx, c, url) : ref.replace(/^\/+/, "");
  const documented = path === undefined ? undefined : docExampleFile(path);
  if (path !== undefined && documented) return { path, ref, ...DOC_UPLOAD_SIZE, bytes: documented };
  if (path !== undefined) {
    const found = ctx.core.files.stat(AITUBO, path);
    // [inferred] An upload is its owner's: another key's upload path is unknown to this key, as on
    // the real service, where upload paths are per account. Results are public URLs and stay usable.
    const stat = found?.kind === "upload" && found.tenantKey !== c.get("tenantKey") ? undefined : found;
    if (!stat)
      aituboError(
        "INVALID_ARGUMENT",
        `${field}: no uploaded image at ${path} (upload it with /api/job/upload-image)`,
      );
    // Numbers only in the closure: holding the record would keep an evicted upload's bytes alive.
    const width = stat.meta?.width as number | undefined;
    const height = stat.meta?.height as number | undefined;
    return {
      path,
      ref,
      width,
      height,
      bytes: async () =>
        (await ctx.core.files.bytesOf(AITUBO, path)) ??
        // [inferred] The upload budget dropped the bytes after a job took them: its render starts
        // from a placeholder saying so, rather than from nothing (or failing).
        droppedUploadImage(path, width, height),
    };
  }
  // [inferred] Offline by design: a remote image is not fetched; a placeholder stands in for it.
  return {
    ref,
    bytes: () =>
      renderPlaceholder({
        width: 512,
        height: 512,
        format: "png",
        seed: ref,
        prompt: `remote image (not fetched): ${ref}`,
        jobId: "source",
      }),
  };
}
