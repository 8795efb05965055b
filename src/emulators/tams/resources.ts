/**
 * Resources: the image ids TAMS takes wherever an input image goes (`imageResourceId`,
 * `inputImageResourceId`, `maskImageResourceId`, a template's `fieldValue`).
 *
 * A resource is an upload (`POST /v1/resource/image`, then a PUT of the bytes to its `putUrl`), a
 * result image of a finished job (its `id`), a ControlNet detect result, or one of the doc's own
 * example ids (every key can use those, so the doc's requests run verbatim).
 *
 * The index is global because the PUT to a `putUrl` carries no key (it is a presigned URL); each
 * entry remembers its tenant, and a tenant can only use its own.
 *
 * Bounded: a job's result resources go when the job is evicted; uploads and detect maps (no job
 * owns them) are kept up to a count, the oldest going first, and their bytes within the file
 * store's upload budget. A resource whose bytes that budget dropped is forgotten on its next use.
 */
import type { FileStore } from "../core/file-store.js";
import { droppedUploadImage, loadSharp, renderPlaceholder } from "../core/images.js";
import { DOC_RESOURCES, type DocResource } from "./catalog.js";

/** One resource. */
export interface Resource {
  id: string;
  tenantKey: string;
  /** `pending`: announced, bytes not PUT yet. */
  state: "pending" | "ready";
  origin: "upload" | "result" | "detect";
  /** Path in the file store once ready. */
  path?: string;
  width?: number;
  height?: number;
  format?: string;
  /** Pending uploads: the putUrl stops working at this emulated time. */
  putExpiresAt?: number;
}

/** A usable image: its size and a way to get its bytes. */
export interface ResolvedImage {
  id: string;
  width: number;
  height: number;
  format: string;
  bytes(): Promise<Buffer>;
}

/** Why a resource id cannot be used: never issued (or evicted), not PUT yet, or its bytes dropped. */
export type ResourceProblem = "unknown" | "pending" | "dropped";

/** The resource index. */
export interface ResourceIndex {
  add(resource: Resource): Resource;
  get(id: string): Resource | undefined;
  /** Forgets one resource (a result of an evicted job). */
  delete(id: string): void;
  /** An image the tenant may use, or why not. */
  resolve(tenantKey: string, id: string): ResolvedImage | ResourceProblem;
  deleteTenant(tenantKey: string): void;
  clear(): void;
  count(): number;
}

const docBytes = new Map<string, Promise<Buffer>>();

/** The bytes of a doc resource: a deterministic placeholder (or a mask), rendered once. */
export function docResourceBytes(r: DocResource): Promise<Buffer> {
  let p = docBytes.get(r.id);
  if (!p) {
    p = renderDocResource(r);
    docBytes.set(r.id, p);
  }
  return p;
}

async function renderDocResource(r: DocResource): Promise<Buffer> {
  const sharp = await loadSharp();
  if (r.mask) {
    const { cx, cy, rx, ry } = r.mask;
    const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${r.width}" height="${r.height}"><rect width="100%" height="100%" fill="#000"/><ellipse cx="${cx}" cy="${cy}" rx="${rx}" ry="${ry}" fill="#fff"/></svg>`;
    return sharp(Buffer.from(svg)).flatten().jpeg({ quality: 95 }).toBuffer();
  }
  return renderPlaceholder({
    width: r.width,
    height: r.height,
    format: r.format,
    seed: r.id,
    prompt: `TAMS doc resource: ${r.role}`,
    jobId: r.id,
  });
}

/** Options of {@link createResourceIndex}. */
export interface ResourceIndexOptions {
  /** Uploads and detect maps kept (announced or ready); past it the oldest go. Default: unbounded. */
  maxLoose?: number;
}

/** Creates the index over the file store (where ready uploads and results keep their bytes). */
export function createResourceIndex(
  files: FileStore,
  provider: string,
  options: ResourceIndexOptions = {},
): ResourceIndex {
  const byId = new Map<string, Resource>();
  // Ids of resources no job owns, oldest first (a Set keeps insertion order and deletes in O(1)).
  const loose = new Set<string>();
  const maxLoose = options.maxLoose ?? Number.POSITIVE_INFINITY;
  const forget = (id: string) => {
    byId.delete(id);
    loose.delete(id);
  };
  return {
    add(resource) {
      byId.set(resource.id, resource);
      if (resource.origin !== "result" && !loose.has(resource.id)) {
        loose.add(resource.id);
        if (loose.size > maxLoose) forget(loose.values().next().value!);
      }
      return resource;
    },
    get: (id) => byId.get(id),
    delete: forget,
    resolve(tenantKey, id) {
      // Own keys only: an id of "__proto__" is no doc resource.
      const docResource = Object.hasOwn(DOC_RESOURCES, id) ? DOC_RESOURCES[id] : undefined;
      if (docResource) {
        return {
          id,
          width: docResource.width,
          height: docResource.height,
          format: docResource.format,
          bytes: () => docResourceBytes(docResource),
        };
      }
      const r = byId.get(id);
      // Another tenant's resource is as unknown as a made-up id: ids do not leak across keys.
      if (!r || r.tenantKey !== tenantKey) return "unknown";
      if (r.state !== "ready" || !r.path) return "pending";
      const path = r.path;
      // The upload budget dropped its bytes (results go with their job, so this is an upload or a map).
      if (!files.stat(provider, path)) {
        forget(id);
        return "dropped";
      }
      return {
        id,
        width: r.width ?? 0,
        height: r.height ?? 0,
        format: r.format ?? "png",
        async bytes() {
          const b = await files.bytesOf(provider, path);
          if (b) return b;
          // [inferred] The upload budget dropped the bytes after a job took the resource: the job's
          // render gets a placeholder in their place, said on the image, rather than failing (a 500).
          return droppedUploadImage(`resource ${id}`, r.width, r.height);
        },
      };
    },
    deleteTenant(tenantKey) {
      for (const [id, r] of byId) if (r.tenantKey === tenantKey) forget(id);
    },
    clear() {
      byId.clear();
      loose.clear();
    },
    count: () => byId.size,
  };
}

/** The sentence for a resource id that cannot be used. */
export function resourceProblemText(id: string, problem: ResourceProblem): string {
  if (problem === "pending") return `resource ${id} has no image yet: PUT the bytes to its putUrl first`;
  // [inferred] the emulator's own limit (--max-upload-mb): said as such, so nobody hunts for a bug.
  if (problem === "dropped")
    return `resource ${id} is no longer stored: the emulator dropped its bytes to stay within its upload budget (--max-upload-mb); upload it again`;
  return `resource ${id} not found: upload it with POST /v1/resource/image and PUT the bytes to its putUrl`;
}
