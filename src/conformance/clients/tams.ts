/**
 * A small typed TensorArt TAMS client over any `fetch`, with Bearer auth or, given a `signer`, the
 * TAMS-SHA256-RSA scheme. Includes the two-step uploads: `POST /v1/resource/image`, then `PUT` the
 * bytes to `putUrl` with exactly the headers it returned; or `POST /v1/resource/image/sts`, then an
 * OSS form POST to `host`.
 * @see ../shared/providers/docs/tensorart-tams.txt
 * @example
 * const tams = createTamsClient({ baseUrl: "https://ap-east-1.tensorart.cloud", key });
 * const { body } = await tams.createJob({ requestId: crypto.randomUUID(), stages });
 * const job = await tams.getJob(body.job.id);
 */
import { createPrivateKey, type KeyObject, randomBytes, sign } from "node:crypto";
import { type ApiResponse, type ClientOptions, type Download, download, send } from "../http.js";
import type { TamsJob, TamsResource, TamsStsResource, TamsTemplate } from "../schemas/tams.js";

/** Builds an Authorization header for one request (method, path with query, exact body text). */
export type TamsSigner = (method: string, pathWithQuery: string, body: string) => string;

/**
 * TAMS-SHA256-RSA [doc][official types]: an RSA-SHA256 signature (base64) of
 * `METHOD\nPATH_WITH_QUERY\nTIMESTAMP\nNONCE\nBODY`, sent as
 * `TAMS-SHA256-RSA app_id=..,nonce_str=..,timestamp=..,signature=..`.
 * @example const signer = rsaSigner("my-app-id", privateKeyPem);
 */
export function rsaSigner(appId: string, privateKey: KeyObject | string): TamsSigner {
  const key = typeof privateKey === "string" ? createPrivateKey(privateKey) : privateKey;
  return (method, pathWithQuery, body) => {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const nonce = randomBytes(16).toString("hex");
    const data = `${method.toUpperCase()}\n${pathWithQuery}\n${timestamp}\n${nonce}\n${body}`;
    const signature = sign("RSA-SHA256", Buffer.from(data, "utf8"), key).toString("base64");
    return `TAMS-SHA256-RSA app_id=${appId},nonce_str=${nonce},timestamp=${timestamp},signature=${signature}`;
  };
}

/** The TAMS client's options: the shared ones, plus a signer that replaces Bearer auth. */
export interface TamsClientOptions extends ClientOptions {
  signer?: TamsSigner;
}

/** The TAMS client. */
export interface TamsClient {
  readonly options: ClientOptions;
  createJob(body: {
    requestId: string;
    stages: unknown[];
    notifyUrl?: string;
  }): Promise<ApiResponse<TamsJob>>;
  estimateCredits(body: { stages: unknown[] }): Promise<ApiResponse<{ credits: number }>>;
  getJob(id: string): Promise<ApiResponse<TamsJob>>;
  cancelJob(id: string): Promise<ApiResponse<{ jobId: string }>>;
  createWorkflowJob(body: {
    requestId: string;
    params: Record<string, unknown>;
  }): Promise<ApiResponse<TamsJob>>;
  checkWorkflow(body: {
    params: Record<string, unknown>;
  }): Promise<ApiResponse<{ valid: boolean; credits?: number }>>;
  getTemplate(templateId: string): Promise<ApiResponse<TamsTemplate>>;
  checkTemplate(body: {
    templateId: string;
    fields: unknown;
  }): Promise<ApiResponse<{ valid: boolean; credits?: number }>>;
  createTemplateJob(body: {
    requestId: string;
    templateId: string;
    fields: unknown;
  }): Promise<ApiResponse<TamsJob>>;
  getModel(modelId: string): Promise<ApiResponse<unknown>>;
  createResource(expireSec?: number): Promise<ApiResponse<TamsResource>>;
  /** `POST /v1/resource/image/sts`: temporary OSS credentials for a form upload. */
  createResourceSts(expireSec?: number): Promise<ApiResponse<TamsStsResource>>;
  /** Uploads bytes through STS: the credentials, then the OSS form POST to `host`. Returns both answers. */
  uploadImageSts(
    bytes: Uint8Array,
    contentType?: string,
  ): Promise<{ resource: ApiResponse<TamsStsResource>; post?: ApiResponse }>;
  /** Uploads bytes: creates the resource, then PUTs to its `putUrl`. Returns both answers. */
  uploadImage(
    bytes: Uint8Array,
    contentType?: string,
  ): Promise<{ resource: ApiResponse<TamsResource>; put?: ApiResponse }>;
  controlnetDetect(body: { controlnetModule?: string; resourceId?: string }): Promise<ApiResponse<unknown>>;
  img2prompt(body: { resourceId?: string; tagger?: string }): Promise<ApiResponse<{ prompts: string[] }>>;
  download(url: string): Promise<Download>;
}

/** Builds a TAMS client. */
export function createTamsClient(options: TamsClientOptions): TamsClient {
  const auth = (method = "GET", path = "", body = ""): Record<string, string> => {
    if (options.signer) return { authorization: options.signer(method, path, body) };
    return options.key !== undefined ? { authorization: `Bearer ${options.key}` } : {};
  };
  // The body is signed exactly as `send` serialises it (JSON.stringify of the same value).
  const post = <T>(path: string, json: unknown) =>
    send<T>(options, { method: "POST", path, json, headers: auth("POST", path, JSON.stringify(json) ?? "") });
  const get = <T>(path: string) => send<T>(options, { method: "GET", path, headers: auth("GET", path) });
  const raw = async (res: Response, path: string, method: string): Promise<ApiResponse> => {
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // Object storage may answer plain text or XML.
    }
    return { method, path, status: res.status, headers: res.headers, body };
  };
  const client: TamsClient = {
    options,
    createJob: (body) => post("/v1/jobs", body),
    estimateCredits: (body) => post("/v1/jobs/credits", body),
    getJob: (id) => get(`/v1/jobs/${encodeURIComponent(id)}`),
    cancelJob: (id) => {
      const path = `/v1/jobs/${encodeURIComponent(id)}`;
      return send(options, { method: "DELETE", path, headers: auth("DELETE", path) });
    },
    createWorkflowJob: (body) => post("/v1/jobs/workflow", body),
    checkWorkflow: (body) => post("/v1/jobs/workflow/params/check", body),
    getTemplate: (id) => get(`/v1/workflows/${encodeURIComponent(id)}`),
    checkTemplate: (body) => post("/v1/workflows/template/check", body),
    createTemplateJob: (body) => post("/v1/jobs/workflow/template", body),
    getModel: (id) => get(`/v1/models/${encodeURIComponent(id)}`),
    createResource: (expireSec = 3600) => post("/v1/resource/image", { expireSec }),
    createResourceSts: (expireSec = 3600) => post("/v1/resource/image/sts", { expireSec }),
    async uploadImageSts(bytes, contentType = "image/png") {
      const resource = await client.createResourceSts();
      const sts = resource.body as Partial<TamsStsResource> | undefined;
      if (resource.status !== 200 || typeof sts?.host !== "string") return { resource };
      // Aliyun OSS's PostObject form [public client]: key, the policy and its signature, the token, then the file last.
      const form = new FormData();
      form.set("key", sts.filePath ?? sts.resourceId ?? "");
      form.set("OSSAccessKeyId", sts.accessId ?? "");
      form.set("policy", sts.policy ?? "");
      form.set("Signature", sts.signature ?? "");
      form.set("x-oss-security-token", sts.securityToken ?? "");
      form.set("success_action_status", "200");
      if (sts.callback) form.set("callback", sts.callback);
      form.set("file", new Blob([new Uint8Array(bytes)], { type: contentType }), "image.png");
      const res = await (options.fetch ?? fetch)(sts.host, { method: "POST", body: form });
      return { resource, post: await raw(res, "(sts host)", "POST") };
    },
    async uploadImage(bytes, contentType = "image/png") {
      const resource = await client.createResource();
      const target = resource.body as Partial<TamsResource> | undefined;
      if (resource.status !== 200 || typeof target?.putUrl !== "string") return { resource };
      // The putUrl is absolute (object storage); the client's fetch reaches it, no key is sent.
      // The answer's headers win; the content type is only a fallback when they name none.
      const res = await (options.fetch ?? fetch)(target.putUrl, {
        method: "PUT",
        headers: { "content-type": contentType, ...(target.headers ?? {}) },
        body: new Uint8Array(bytes),
      });
      return { resource, put: await raw(res, "(putUrl)", "PUT") };
    },
    controlnetDetect: (body) => post("/v1/controlnet/detect", body),
    img2prompt: (body) => post("/v1/img2prompt", body),
    download: (url) => download(options, url),
  };
  return client;
}
