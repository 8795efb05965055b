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
  /** The job that made it: evicting the job deletes the file. */
  jobId?: string;
  /** Uploads: the bytes. */
  bytes?: Buffer;
  /**
   * Results: how to make the bytes; deterministic, so eviction loses nothing. Called with the file
   * itself, so one shared function can render every file from its `meta` (a closure per file costs
   * a few hundred bytes of contexts, per job, for as long as the job is kept).
   */
  render?: (file: StoredFile) => Promise<Buffer>;
  /** Anything the provider wants to remember (size, art id...). */
  meta?: Record<string, unknown>;
}

/** The outcome of reading a file. */
export type ReadResult =
  | { status: "ok"; file: StoredFile; body: FileBody }
  | { status: "missing" }
  | { status: "expired" };

/** Counts for the control plane, O(1). */
export interface FileStats {
  results: number;
  uploads: number;
  uploadBytes: number;
  cacheBytes: number;
  /** Uploads dropped to keep within the upload byte budget. */
  evictedUploads: number;
}

/** The file store. */
export interface FileStore {
  putUpload(file: Omit<StoredFile, "kind" | "render"> & { bytes: Buffer }): StoredFile;
  putResult(
    file: Omit<StoredFile, "kind" | "bytes"> & { render: (file: StoredFile) => Promise<Buffer> },
  ): StoredFile;
  /** The record, without rendering. */
  stat(provider: string, path: string): StoredFile | undefined;
  /** The bytes: an upload's, or a result rendered (once, then cached). */
  read(provider: string, path: string): Promise<ReadResult>;
  /** Bytes of a file regardless of expiry (providers reading their own results as inputs). */
  bytesOf(provider: string, path: string): Promise<Buffer | undefined>;
  /** Files, oldest first; by tenant this is O(the tenant's files), otherwise O(all files). */
  list(provider?: string, tenantKey?: string): StoredFile[];
  /** How many files a tenant has (all tenants without a key), O(1). */
  count(tenantKey?: string): number;
  stats(): FileStats;
  /** Deletes the files a job made (its results and uploads registered with its id). */
  deleteJob(provider: string, jobId: string): void;
  deleteTenant(tenantKey: string): void;
  clear(): void;
  readonly cache: ByteCache;
}

/**
 * What an upload's record costs beyond its bytes, charged against the upload budget: measured at
 * about 470 bytes of heap per upload, so 256 MiB of 90-byte uploads (2.9 million records) would
 * otherwise have held 1.6 GB.
 */
export const UPLOAD_RECORD_BYTES = 512;

/** Options for {@link createFileStore}. */
export interface FileStoreOptions {
  now: () => number;
  /** Byte budget of the rendered-image cache. Default 64 MiB. */
  cacheBytes?: number;
  /**
   * Byte budget of uploads, each charged its bytes plus {@link UPLOAD_RECORD_BYTES}: past it the
   * oldest uploads are dropped. Default: unbounded.
   */
  maxUploadBytes?: number;
  /**
   * Results no job owns (a synchronous answer's files, a segmentation cut-out) kept at most;
   * past it the oldest go. Results of jobs go with their job instead. Default: unbounded.
   */
  maxLooseResults?: number;
}

/**
 * Creates the file store.
 *
 * Indexed by provider and path (what a file URL names), by tenant (control plane, tenant reset) and
 * by job (eviction). Records are built field by field in one fixed shape: spreading the caller's
 * object gave each record a hidden class of its own (about 300 bytes per file).
 */
export function createFileStore(options: FileStoreOptions): FileStore {
  const files = new Map<string, Map<string, StoredFile>>();
  const byTenant = new Map<string, Set<StoredFile>>();
  const byJob = new Map<string, Map<string, StoredFile | StoredFile[]>>();
  // Uploads in arrival order, for the byte budget.
  const uploads = new Set<StoredFile>();
  // Results without a job, in arrival order, for their cap.
  const loose = new Set<StoredFile>();
  const maxLooseResults = options.maxLooseResults ?? Number.POSITIVE_INFINITY;
  let uploadBytes = 0;
  let evictedUploads = 0;
  let results = 0;
  const maxUploadBytes = options.maxUploadBytes ?? Number.POSITIVE_INFINITY;
  const cache = createByteCache(options.cacheBytes ?? 64 * 1024 * 1024);
  // Concurrent first fetches of one result share one render.
  const rendering = new Map<string, Promise<Buffer>>();
  const clean = (path: string) => (path.charCodeAt(0) === 47 ? path.replace(/^\/+/, "") : path);
  const cacheKey = (file: StoredFile) => `${file.provider}\0${file.path}`;
  const find = (provider: string, path: string) => files.get(provider)?.get(clean(path));

  const unlink = (file: StoredFile) => {
    const m = files.get(file.provider);
    if (m?.get(file.path) !== file) return;
    m.delete(file.path);
    const t = byTenant.get(file.tenantKey);
    t?.delete(file);
    if (t?.size === 0) byTenant.delete(file.tenantKey);
    if (file.jobId !== undefined) {
      const jobs = byJob.get(file.provider);
      const owned = jobs?.get(file.jobId);
      if (owned === file) jobs!.delete(file.jobId);
      else if (Array.isArray(owned)) {
        const rest = owned.filter((f) => f !== file);
        if (rest.length === 0) jobs!.delete(file.jobId);
        else jobs!.set(file.jobId, rest.length === 1 ? rest[0]! : rest);
      }
    }
    if (file.kind === "upload") {
      uploads.delete(file);
      uploadBytes -= file.bytes?.byteLength ?? 0;
    } else {
      results--;
      loose.delete(file);
      cache.delete(cacheKey(file));
    }
  };

  const link = (file: StoredFile) => {
    const existing = find(file.provider, file.path);
    if (existing) unlink(existing);
    let m = files.get(file.provider);
    if (!m) {
      m = new Map();
      files.set(file.provider, m);
    }
    m.set(file.path, file);
    let t = byTenant.get(file.tenantKey);
    if (!t) {
      t = new Set();
      byTenant.set(file.tenantKey, t);
    }
    t.add(file);
    if (file.jobId !== undefined) {
      let jobs = byJob.get(file.provider);
      if (!jobs) {
        jobs = new Map();
        byJob.set(file.provider, jobs);
      }
      const owned = jobs.get(file.jobId);
      jobs.set(
        file.jobId,
        owned === undefined ? file : Array.isArray(owned) ? [...owned, file] : [owned, file],
      );
    }
    if (file.kind === "upload") {
      uploads.add(file);
      uploadBytes += file.bytes?.byteLength ?? 0;
      // The oldest uploads go first; the one just stored stays even if it alone is over budget.
      for (const old of uploads) {
        if (uploadBytes + uploads.size * UPLOAD_RECORD_BYTES <= maxUploadBytes || old === file) break;
        unlink(old);
        evictedUploads++;
      }
    } else {
      results++;
      if (file.jobId === undefined) {
        loose.add(file);
        if (loose.size > maxLooseResults) unlink(loose.values().next().value!);
      }
    }
    return file;
  };

  /** One record shape for every file (see the factory's comment). */
  const record = (
    kind: StoredFile["kind"],
    f: Omit<StoredFile, "kind">,
    bytes: Buffer | undefined,
    render: StoredFile["render"],
  ): StoredFile => ({
    provider: f.provider,
    path: clean(f.path),
    tenantKey: f.tenantKey,
    kind,
    contentType: f.contentType,
    createdAt: f.createdAt,
    expiresAt: f.expiresAt,
    jobId: f.jobId,
    bytes,
    render,
    meta: f.meta,
  });

  const bytesOf = async (provider: string, path: string): Promise<Buffer | undefined> => {
    const file = find(provider, path);
    if (!file) return undefined;
    if (file.bytes) return file.bytes;
    const key = cacheKey(file);
    const cached = cache.get(key);
    if (cached) return cached;
    let pending = rendering.get(key);
    if (!pending) {
      pending = file.render!(file).finally(() => rendering.delete(key));
      rendering.set(key, pending);
    }
    const bytes = await pending;
    // The file may have been reset or evicted away while rendering: do not cache a ghost.
    if (find(provider, path) === file) cache.set(key, bytes);
    return bytes;
  };

  return {
    putUpload: (file) => link(record("upload", file, file.bytes, undefined)),
    putResult: (file) => link(record("result", file, undefined, file.render)),
    stat: find,
    async read(provider, path) {
      const file = find(provider, path);
      if (!file) return { status: "missing" };
      if (file.expiresAt !== undefined && options.now() >= file.expiresAt) return { status: "expired" };
      const bytes = await bytesOf(provider, path);
      // Evicted while rendering: as missing as if it had gone before.
      if (!bytes) return { status: "missing" };
      return { status: "ok", file, body: { bytes, contentType: file.contentType } };
    },
    bytesOf,
    list(provider, tenantKey) {
      const source =
        tenantKey !== undefined
          ? [...(byTenant.get(tenantKey) ?? [])]
          : [...files.values()].flatMap((m) => [...m.values()]);
      return provider ? source.filter((f) => f.provider === provider) : source;
    },
    count: (tenantKey) =>
      tenantKey !== undefined ? (byTenant.get(tenantKey)?.size ?? 0) : results + uploads.size,
    stats: () => ({
      results,
      uploads: uploads.size,
      uploadBytes,
      cacheBytes: cache.bytes,
      evictedUploads,
    }),
    deleteJob(provider, jobId) {
      const owned = byJob.get(provider)?.get(jobId);
      if (owned === undefined) return;
      for (const f of Array.isArray(owned) ? [...owned] : [owned]) unlink(f);
    },
    deleteTenant(tenantKey) {
      for (const f of [...(byTenant.get(tenantKey) ?? [])]) unlink(f);
    },
    clear() {
      files.clear();
      byTenant.clear();
      byJob.clear();
      uploads.clear();
      loose.clear();
      uploadBytes = 0;
      evictedUploads = 0;
      results = 0;
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
