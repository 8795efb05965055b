/**
 * A small typed TensorArt TAMS client over any `fetch`, with Bearer auth (the RSA signature scheme
 * is for users to add through `fetch`). Includes the two-step upload: `POST /v1/resource/image`,
 * then `PUT` the bytes to `putUrl` with exactly the headers it returned.
 * @see ../shared/providers/docs/tensorart-tams.txt
 * @example
 * const tams = createTamsClient({ baseUrl: "https://ap-east-1.tensorart.cloud", key });
 * const { body } = await tams.createJob({ requestId: crypto.randomUUID(), stages });
 * const job = await tams.getJob(body.job.id);
 */
import { type ApiResponse, type ClientOptions, type Download, download, send } from "../http.js";
import type { TamsJob, TamsResource, TamsTemplate } from "../schemas/tams.js";

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
export function createTamsClient(options: ClientOptions): TamsClient {
  const auth = (): Record<string, string> =>
    options.key !== undefined ? { authorization: `Bearer ${options.key}` } : {};
  const post = <T>(path: string, json: unknown) =>
    send<T>(options, { method: "POST", path, json, headers: auth() });
  const get = <T>(path: string) => send<T>(options, { method: "GET", path, headers: auth() });
  const client: TamsClient = {
    options,
    createJob: (body) => post("/v1/jobs", body),
    estimateCredits: (body) => post("/v1/jobs/credits", body),
    getJob: (id) => get(`/v1/jobs/${encodeURIComponent(id)}`),
    cancelJob: (id) =>
      send(options, { method: "DELETE", path: `/v1/jobs/${encodeURIComponent(id)}`, headers: auth() }),
    createWorkflowJob: (body) => post("/v1/jobs/workflow", body),
    checkWorkflow: (body) => post("/v1/jobs/workflow/params/check", body),
    getTemplate: (id) => get(`/v1/workflows/${encodeURIComponent(id)}`),
    checkTemplate: (body) => post("/v1/workflows/template/check", body),
    createTemplateJob: (body) => post("/v1/jobs/workflow/template", body),
    getModel: (id) => get(`/v1/models/${encodeURIComponent(id)}`),
    createResource: (expireSec = 3600) => post("/v1/resource/image", { expireSec }),
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
      const text = await res.text();
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // Some storage answers plain text.
      }
      return {
        resource,
        put: { method: "PUT", path: "(putUrl)", status: res.status, headers: res.headers, body },
      };
    },
    controlnetDetect: (body) => post("/v1/controlnet/detect", body),
    img2prompt: (body) => post("/v1/img2prompt", body),
    download: (url) => download(options, url),
  };
  return client;
}
