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
 */
import type { FileStore } from "../core/file-store.js";
import { loadSharp, renderPlaceholder } from "../core/images.js";
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

/** Why a resource id cannot be used. */
export type ResourceProblem = "unknown" | "pending";

/** The resource index. */
export interface ResourceIndex {
  add(resource: Resource): Resource;
  get(id: string): Resource | undefined;
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

/** Creates the index over the file store (where ready uploads and results keep their bytes). */
export function createResourceIndex(files: FileStore, provider: string): ResourceIndex {
  const byId = new Map<string, Resource>();
  return {
    add(resource) {
      byId.set(resource.id, resource);
      return resource;
    },
    get: (id) => byId.get(id),
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
      return {
        id,
        width: r.width ?? 0,
        height: r.height ?? 0,
        format: r.format ?? "png",
        async bytes() {
          const b = await files.bytesOf(provider, path);
          if (!b) throw new Error(`resource ${id} lost its bytes`);
          return b;
        },
      };
    },
    deleteTenant(tenantKey) {
      for (const [id, r] of byId) if (r.tenantKey === tenantKey) byId.delete(id);
    },
    clear: () => byId.clear(),
    count: () => byId.size,
  };
}

/** The sentence for a resource id that cannot be used. */
export function resourceProblemText(id: string, problem: ResourceProblem): string {
  return problem === "pending"
    ? `resource ${id} has no image yet: PUT the bytes to its putUrl first`
    : `resource ${id} not found: upload it with POST /v1/resource/image and PUT the bytes to its putUrl`;
}
