/**
 * Uploads and files: `POST /v1/resource/image` (→ `resourceId`, `putUrl`, `headers`), the `PUT` to
 * the `putUrl`, `POST /v1/resource/image/sts` with its form upload, and the result files.
 *
 * The putUrl, the STS host and result URLs stand for TAMS's object storage (Aliyun OSS), so those
 * routes answer as OSS does: no key (the URL is the credential), XML errors, 403 once expired.
 */
import { createHmac } from "node:crypto";
import { Hono } from "hono";
import { fileResponse } from "../core/file-store.js";
import { CONTENT_TYPES, renderPlaceholder, validateImage } from "../core/images.js";
import type { EmulatorContext, EmulatorEnv } from "../core/provider.js";
import { decodeFilePath } from "../core/url-path.js";
import { loadCatalog } from "./catalog.js";
import { ossErrorResponse } from "./errors.js";
import { parseBody, tenantOf } from "./http.js";
import { createResourceSchema } from "./schemas.js";
import type { TamsState } from "./state.js";

/** How long a putUrl works when `expireSec` is not given (inferred). */
export const DEFAULT_EXPIRE_SEC = 3600;

/** The headers the client sends with its PUT. */
export const PUT_HEADERS = { "Content-Type": "application/octet-stream" } as const;

/** An OSS-style XML error (what a client of the storage host sees). */
const ossError = (status: 400 | 403 | 404, code: string, message: string): Response =>
  ossErrorResponse(status, message, code);

/** The routes. `api` needs the key; `storage` stands for the object store and does not. */
export function resourceRoutes(state: TamsState): { api: Hono<EmulatorEnv>; storage: Hono<EmulatorEnv> } {
  const api = new Hono<EmulatorEnv>();
  const storage = new Hono<EmulatorEnv>();
  const { ctx } = state;

  const announce = async (c: EmulatorContext) => {
    const tenant = tenantOf(c, state);
    const body = await parseBody(c, createResourceSchema);
    const seconds = body.expireSec && body.expireSec > 0 ? body.expireSec : DEFAULT_EXPIRE_SEC;
    const id = state.uuid();
    const expiresAt = ctx.clock.now() + seconds * 1000;
    state.resources.add({
      id,
      tenantKey: tenant.key,
      state: "pending",
      origin: "upload",
      putExpiresAt: expiresAt,
    });
    return { id, expiresAt, base: c.get("providerBase") };
  };

  api.post("/v1/resource/image", async (c) => {
    const { id, expiresAt, base } = await announce(c);
    return c.json({
      resourceId: id,
      putUrl: `${base}/upload/${id}?Expires=${Math.floor(expiresAt / 1000)}`,
      headers: PUT_HEADERS,
    });
  });

  api.post("/v1/resource/image/sts", async (c) => {
    const { id, expiresAt, base } = await announce(c);
    const expire = String(Math.floor(expiresAt / 1000));
    const policy = Buffer.from(
      JSON.stringify({ expiration: new Date(expiresAt).toISOString(), conditions: [["eq", "$key", id]] }),
    ).toString("base64");
    // Fake but well-formed OSS credentials: the form POST to `host` needs only `key` and `file`.
    return c.json({
      resourceId: id,
      accessId: "STS.EMULATOR",
      signature: createHmac("sha1", "emulator").update(policy).digest("base64"),
      host: `${base}/oss`,
      expire,
      callback: "",
      filePath: id,
      policy,
      securityToken: "emulator-security-token",
    });
  });

  /** Stores bytes for a pending (or re-uploaded) resource; OSS answers for the storage routes. */
  const store = async (id: string, bytes: Uint8Array): Promise<Response | undefined> => {
    const r = state.resources.get(id);
    if (r?.origin !== "upload")
      return ossError(404, "NoSuchUpload", `no upload with id ${id}; call POST /v1/resource/image first`);
    if (r.putExpiresAt !== undefined && ctx.clock.now() >= r.putExpiresAt)
      return ossError(403, "AccessDenied", "Request has expired.");
    const checked = await validateImage(bytes, ctx.settings.imageLimits);
    if (!checked.ok)
      return ossError(400, "InvalidArgument", `not an acceptable image: ${checked.rejection.message}`);
    const { format, width, height } = checked.info;
    const path = `uploads/${id}`;
    ctx.files.putUpload({
      provider: ctx.name,
      path,
      tenantKey: r.tenantKey,
      contentType: (CONTENT_TYPES as Record<string, string>)[format] ?? `image/${format}`,
      createdAt: ctx.clock.now(),
      bytes: Buffer.from(bytes),
      meta: { width, height, format },
    });
    state.resources.add({ ...r, state: "ready", path, width, height, format });
    return undefined;
  };

  storage.put("/upload/:resourceId", async (c) => {
    const bytes = new Uint8Array(await c.req.arrayBuffer());
    const failed = await store(c.req.param("resourceId"), bytes);
    // [client] one official client requires exactly this JSON; others want HTTP 200.
    return failed ?? c.json({ Status: "OK" });
  });

  storage.post("/oss", async (c) => {
    let form: Record<string, unknown>;
    try {
      form = await c.req.parseBody();
    } catch {
      return ossError(400, "InvalidArgument", "the body must be multipart/form-data with key and file");
    }
    const key = form.key;
    const file = form.file;
    if (typeof key !== "string" || !(file instanceof Blob))
      return ossError(400, "InvalidArgument", "the form needs a key field and a file field");
    const failed = await store(key, new Uint8Array(await file.arrayBuffer()));
    return failed ?? c.json({ Status: "OK" });
  });

  storage.get("/files/showcase/:modelId/:name", async (c) => {
    const model = (await loadCatalog()).models.get(c.req.param("modelId"));
    const n = Number.parseInt(c.req.param("name"), 10);
    if (!model || !(n >= 0 && n < model.showcaseCount))
      return ossError(404, "NoSuchKey", "The specified key does not exist.");
    const bytes = await renderPlaceholder({
      width: 512,
      height: 768,
      format: "png",
      seed: `${model.id}-${n}`,
      prompt: `${model.name} showcase ${n + 1}`,
      jobId: model.id,
      label: `${model.modelType} · ${model.baseModel}`,
    });
    return new Response(new Uint8Array(bytes), { headers: { "content-type": "image/png" } });
  });

  storage.get("/files/*", async (c) => {
    const path = decodeFilePath(c.req.path.slice(c.req.path.indexOf("/files/") + "/files/".length));
    // A malformed escape names no key that could exist.
    if (path === undefined) return ossError(404, "NoSuchKey", "The specified key does not exist.");
    const result = await ctx.files.read(ctx.name, path);
    if (result.status === "expired") return ossError(403, "AccessDenied", "Request has expired.");
    return fileResponse(result) ?? ossError(404, "NoSuchKey", "The specified key does not exist.");
  });

  return { api, storage };
}
