/**
 * A small typed Aitubo client over any `fetch`: the documented endpoints, nothing more. Answers
 * come back raw ({@link ApiResponse}) so callers can check the envelope's `code` themselves.
 * @see ../shared/providers/docs/aitubo.txt
 * @example
 * const aitubo = createAituboClient({ baseUrl: "https://api.aitubo.ai", key: process.env.AITUBO_API_KEY });
 * const { body } = await aitubo.createJob({ prompt: "A cat sleeps on the plane", modelId, count: 1 });
 * const job = await aitubo.getJob(body.data.id);
 */
import { type ApiResponse, type ClientOptions, type Download, download, send } from "../http.js";
import type {
  AituboControlModels,
  AituboCreate,
  AituboJob,
  AituboJobList,
  AituboModelList,
  AituboProfile,
  AituboSegment,
  AituboTransformList,
  AituboUpload,
} from "../schemas/aitubo.js";

/** The body of `POST /api/job/create` [doc], plus fields real clients send [client]. */
export interface AituboCreateBody {
  prompt?: string;
  modelId?: string;
  imagePath?: string;
  maskImage?: string;
  negativePrompt?: string;
  controlModel?: string;
  controlStrength?: number;
  controlFilter?: string;
  strength?: number;
  width?: number;
  height?: number;
  steps?: number;
  guidanceScale?: number;
  count?: number;
  seed?: number;
  [extra: string]: unknown;
}

/** The body of `POST /api/job/upscale` [doc]. */
export interface AituboUpscaleBody {
  imagePath: string;
  artId: string;
  upscaleFactor: number;
  model?: string;
  beauty?: boolean;
  [extra: string]: unknown;
}

/** The body of `POST /api/transform/create-headshot` [doc]. */
export interface AituboHeadshotBody {
  imagePath: string;
  transformId: string;
  width?: number;
  height?: number;
  keepHair?: boolean;
  keepPose?: boolean;
  [extra: string]: unknown;
}

/** The Aitubo client. */
export interface AituboClient {
  readonly options: ClientOptions;
  listModels(query?: {
    type?: string;
    pageIndex?: number;
    pageSize?: number;
  }): Promise<ApiResponse<AituboModelList>>;
  controlModels(): Promise<ApiResponse<AituboControlModels>>;
  uploadImage(bytes: Uint8Array, filename?: string, contentType?: string): Promise<ApiResponse<AituboUpload>>;
  createJob(body: AituboCreateBody): Promise<ApiResponse<AituboCreate>>;
  getJob(id: string): Promise<ApiResponse<AituboJob>>;
  listJobs(pageIndex?: number, pageSize?: number): Promise<ApiResponse<AituboJobList>>;
  upscale(body: AituboUpscaleBody): Promise<ApiResponse<AituboCreate>>;
  segment(image: string): Promise<ApiResponse<AituboSegment>>;
  profile(): Promise<ApiResponse<AituboProfile>>;
  /** `GET /api/transform/list`: the headshot transforms by tag. */
  listTransforms(): Promise<ApiResponse<AituboTransformList>>;
  /** `POST /api/transform/create-headshot`: a job, polled like any other. */
  createHeadshot(body: AituboHeadshotBody): Promise<ApiResponse<AituboCreate>>;
  /** Downloads a result: `domain` joined with a relative path, or an absolute URL as is. */
  download(domain: string, path: string): Promise<Download>;
}

/** Builds an Aitubo client. */
export function createAituboClient(options: ClientOptions): AituboClient {
  const auth = (): Record<string, string> =>
    options.key !== undefined ? { authorization: `Bearer ${options.key}` } : {};
  return {
    options,
    listModels: (query = {}) =>
      send(options, {
        method: "GET",
        path: "/api/model/list",
        query: { pageIndex: 1, pageSize: 20, ...query },
        headers: auth(),
      }),
    controlModels: () => send(options, { method: "GET", path: "/api/job/models", headers: auth() }),
    uploadImage: (bytes, filename = "image.png", contentType = "image/png") => {
      const form = new FormData();
      form.set("image", new Blob([new Uint8Array(bytes)], { type: contentType }), filename);
      return send(options, { method: "POST", path: "/api/job/upload-image", form, headers: auth() });
    },
    createJob: (body) =>
      send(options, { method: "POST", path: "/api/job/create", json: body, headers: auth() }),
    getJob: (id) => send(options, { method: "GET", path: "/api/job/get", query: { id }, headers: auth() }),
    listJobs: (pageIndex = 1, pageSize = 10) =>
      send(options, {
        method: "GET",
        path: "/api/job/list",
        query: { pageIndex, pageSize },
        headers: auth(),
      }),
    upscale: (body) =>
      send(options, { method: "POST", path: "/api/job/upscale", json: body, headers: auth() }),
    segment: (image) =>
      send(options, { method: "POST", path: "/api/art/segment", json: { image }, headers: auth() }),
    profile: () => send(options, { method: "GET", path: "/api/user/profile", headers: auth() }),
    listTransforms: () => send(options, { method: "GET", path: "/api/transform/list", headers: auth() }),
    createHeadshot: (body) =>
      send(options, { method: "POST", path: "/api/transform/create-headshot", json: body, headers: auth() }),
    download: (domain, path) =>
      download(
        options,
        /^https?:\/\//.test(path) ? path : `${domain.replace(/\/+$/, "")}/${path.replace(/^\/+/, "")}`,
      ),
  };
}
