/**
 * Files the emulators serve: uploads (bytes kept while the server runs) and results (a recipe
 * rendered on first fetch, cached within a byte budget, re-rendered identically if evicted).
 *
 * Files are addressed by provider and the relative path the provider uses
 * (`images/art/<job>/<name>.png` for Aitubo), and served under the provider's prefix.
 */
import { type ByteCache, createByteCache } from "./byte-cache.js";

/** A file's bytes and type. */
export interface FileBody {
  bytes: Buffer;
  contentType: string;
}

/** A stored file. */
export interface StoredFile {
  provider: string;
  path: string;
  tenantKey: string;
  kind: "upload" | "result";
  contentType: string;
  createdAt: number;
  /** After this emulated time the file answers as expired (provider URLs that expire). */
  expiresAt?: number;
  /** Uploads: the bytes. */
  bytes?: Buffer;
  /** Results: how to make the bytes; deterministic, so eviction loses nothing. */
  render?: () => Promise<Buffer>;
  /** Anything the provider wants to remember (size, art id...). */
  meta?: Record<string, unknown>;
}

/** The outcome of reading a file. */
export type ReadResult =
  | { status: "ok"; file: StoredFile; body: FileBody }
  | { status: "missing" }
  | { status: "expired" };

/** The file store. */
export interface FileStore {
  putUpload(file: Omit<StoredFile, "kind" | "render"> & { bytes: Buffer }): StoredFile;
  putResult(file: Omit<StoredFile, "kind" | "bytes"> & { render: () => Promise<Buffer> }): StoredFile;
  /** The record, without rendering. */
  stat(provider: string, path: string): StoredFile | undefined;
  /** The bytes: an upload's, or a result rendered (once, then cached). */
  read(provider: string, path: string): Promise<ReadResult>;
  /** Bytes of a file regardless of expiry (providers reading their own results as inputs). */
  bytesOf(provider: string, path: string): Promise<Buffer | undefined>;
  list(provider?: string, tenantKey?: string): StoredFile[];
  deleteTenant(tenantKey: string): void;
  clear(): void;
  readonly cache: ByteCache;
}

/** Options for {@link createFileStore}. */
export interface FileStoreOptions {
  now: () => number;
  /** Byte budget of the rendered-image cache. Default 64 MiB. */
  cacheBytes?: number;
}

/** Creates the file store. */
export function createFileStore(options: FileStoreOptions): FileStore {
  const files = new Map<string, StoredFile>();
  const cache = createByteCache(options.cacheBytes ?? 64 * 1024 * 1024);
  // Concurrent first fetches of one result share one render.
  const rendering = new Map<string, Promise<Buffer>>();
  const keyOf = (provider: string, path: string) => `${provider}\0${path.replace(/^\/+/, "")}`;

  const bytesOf = async (provider: string, path: string): Promise<Buffer | undefined> => {
    const key = keyOf(provider, path);
    const file = files.get(key);
    if (!file) return undefined;
    if (file.bytes) return file.bytes;
    const cached = cache.get(key);
    if (cached) return cached;
    let pending = rendering.get(key);
    if (!pending) {
      pending = file.render!().finally(() => rendering.delete(key));
      rendering.set(key, pending);
    }
    const bytes = await pending;
    // The file may have been reset away while rendering: do not cache a ghost.
    if (files.get(key) === file) cache.set(key, bytes);
    return bytes;
  };

  return {
    putUpload(file) {
      const stored: StoredFile = { ...file, kind: "upload", path: file.path.replace(/^\/+/, "") };
      files.set(keyOf(file.provider, file.path), stored);
      return stored;
    },
    putResult(file) {
      const stored: StoredFile = { ...file, kind: "result", path: file.path.replace(/^\/+/, "") };
      const key = keyOf(file.provider, file.path);
      cache.delete(key);
      files.set(key, stored);
      return stored;
    },
    stat: (provider, path) => files.get(keyOf(provider, path)),
    async read(provider, path) {
      const file = files.get(keyOf(provider, path));
      if (!file) return { status: "missing" };
      if (file.expiresAt !== undefined && options.now() >= file.expiresAt) return { status: "expired" };
      const bytes = (await bytesOf(provider, path))!;
      return { status: "ok", file, body: { bytes, contentType: file.contentType } };
    },
    bytesOf,
    list: (provider, tenantKey) =>
      [...files.values()].filter(
        (f) => (!provider || f.provider === provider) && (!tenantKey || f.tenantKey === tenantKey),
      ),
    deleteTenant(tenantKey) {
      for (const [k, f] of files) {
        if (f.tenantKey === tenantKey) {
          files.delete(k);
          cache.delete(k);
        }
      }
    },
    clear() {
      files.clear();
      cache.clear();
    },
    cache,
  };
}

/**
 * The HTTP answer for a file read: the bytes with their type, or `undefined` when missing or
 * expired (the provider answers those in its own shape).
 */
export function fileResponse(result: ReadResult): Response | undefined {
  if (result.status !== "ok") return undefined;
  const { bytes, contentType } = result.body;
  // A view of the stored bytes, not a copy: the store never mutates them (and Buffers here are
  // never over a SharedArrayBuffer).
  return new Response(new Uint8Array(bytes.buffer as ArrayBuffer, bytes.byteOffset, bytes.byteLength), {
    status: 200,
    headers: {
      "content-type": contentType,
      "content-length": String(bytes.byteLength),
      // Results never change once made (renders are deterministic), so clients may cache them.
      "cache-control":
        result.file.kind === "result" ? "public, max-age=3600, immutable" : "private, max-age=60",
    },
  });
}
