/**
 * Files: upload, segmentation, and serving every path the API hands out under `/file/`.
 */
import { Hono } from "hono";
import { fileResponse } from "../core/file-store.js";
import { CONTENT_TYPES, cutoutImage, renderPlaceholder, validateImage } from "../core/images.js";
import type { EmulatorEnv } from "../core/provider.js";
import { decodeFilePath } from "../core/url-path.js";
import { AITUBO, type AituboContext, fileDomain, jsonBody, requireTenant } from "./context.js";
import { docExampleFile } from "./doc-examples.js";
import { aituboError } from "./errors.js";
import { segmentSchema } from "./schemas.js";
import { resolveImage } from "./sources.js";

const EXTENSIONS: Record<string, string> = { jpeg: "jpg", png: "png", webp: "webp", gif: "gif" };

/** The file routes. */
export function fileRoutes(ctx: AituboContext): Hono<EmulatorEnv> {
  const app = new Hono<EmulatorEnv>();
  const { core } = ctx;

  app.post("/api/job/upload-image", async (c) => {
    const tenant = requireTenant(ctx, c);
    if (!/multipart\/form-data/i.test(c.req.header("content-type") ?? "")) {
      aituboError("INVALID_ARGUMENT", "Content-Type must be multipart/form-data with an `image` file");
    }
    let form: Record<string, unknown>;
    try {
      form = await c.req.parseBody();
    } catch {
      aituboError("INVALID_ARGUMENT", "the multipart body could not be read");
    }
    const file = form.image;
    if (!(file instanceof File))
      aituboError("INVALID_ARGUMENT", "image is required (a file field named `image`)");
    const bytes = new Uint8Array(await file.arrayBuffer());
    const checked = await validateImage(bytes, core.settings.imageLimits);
    if (!checked.ok) aituboError("INVALID_ARGUMENT", `image: ${checked.rejection.message}`);
    const { info } = checked;
    const ext = EXTENSIONS[info.format] ?? info.format;
    const path = `images/tmp/${ctx.ids.xid(core.clock.now())}.${ext}`;
    core.files.putUpload({
      provider: AITUBO,
      path,
      tenantKey: tenant.key,
      contentType: (CONTENT_TYPES as Record<string, string>)[info.format] ?? "application/octet-stream",
      createdAt: core.clock.now(),
      bytes: Buffer.from(bytes),
      meta: { width: info.width, height: info.height, format: info.format },
    });
    return c.json({ code: 0, data: { path } });
  });

  // [doc] returns "URL of the image after segmentating": an absolute URL of a PNG cut-out.
  app.post("/api/art/segment", async (c) => {
    const tenant = requireTenant(ctx, c);
    const body = await jsonBody(c, segmentSchema);
    const source = resolveImage(ctx, c, "image", body.image);
    const path = `images/segment/${ctx.ids.xid(core.clock.now())}.png`;
    core.files.putResult({
      provider: AITUBO,
      path,
      tenantKey: tenant.key,
      contentType: CONTENT_TYPES.png,
      createdAt: core.clock.now(),
      render: async () => cutoutImage(await source.bytes()),
    });
    return c.json({ code: 0, data: { image: `${fileDomain(c)}${path}` } });
  });

  app.get("/file/*", async (c) => {
    const raw = c.req.path.slice(c.req.path.indexOf("/file/") + "/file/".length);
    const path = decodeFilePath(raw);
    // A malformed escape names no file that could exist.
    if (path === undefined) aituboError("NOT_FOUND", `no file at ${raw}`);
    const res = fileResponse(await core.files.read(AITUBO, path));
    if (res) return res;
    const documented = docExampleFile(path);
    if (documented)
      return new Response(new Uint8Array(await documented()), { headers: { "content-type": "image/png" } });
    // Catalog assets (model covers, icons, transform samples) exist for every path the catalog names.
    if (/^assets\/[\w./-]+\.(jpg|png)$/.test(path)) {
      const bytes = await renderPlaceholder({
        width: 256,
        height: 256,
        format: "jpeg",
        seed: path,
        prompt: path,
        jobId: "asset",
      });
      return new Response(new Uint8Array(bytes), { headers: { "content-type": "image/jpeg" } });
    }
    aituboError("NOT_FOUND", `no file at ${path}`);
  });

  return app;
}
