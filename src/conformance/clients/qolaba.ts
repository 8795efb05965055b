/**
 * A small typed Qolaba client over any `fetch`: every call is a JSON `POST` with
 * `Authorization: Bearer <key>`, answered in one envelope.
 * @see ../shared/providers/docs/qolaba-controlnet.txt
 * @example
 * const q = createQolabaClient({ baseUrl: "https://qolaba-server-b2b.up.railway.app/api/v1", key });
 * const { body } = await q.imageToImage({ app_id: "ap-1us0FK21Ach6eiWxo22is8", image: url, prompt: "a dog", celery: false });
 */
import { type ApiResponse, type ClientOptions, type Download, download, send } from "../http.js";
import type { QolabaEnvelope } from "../schemas/qolaba.js";

/** The Qolaba client. */
export interface QolabaClient {
  readonly options: ClientOptions;
  /** `POST /getTextToImage`. */
  textToImage(body: Record<string, unknown>): Promise<ApiResponse<QolabaEnvelope>>;
  /** `POST /getImagetoImage` (image-to-image and ControlNet). */
  imageToImage(body: Record<string, unknown>): Promise<ApiResponse<QolabaEnvelope>>;
  /** `POST /getImage`: a queued task's status. */
  getImage(id: string, refID?: string): Promise<ApiResponse<QolabaEnvelope>>;
  /** Downloads a result URL. */
  download(url: string): Promise<Download>;
}

/** Builds a Qolaba client. */
export function createQolabaClient(options: ClientOptions): QolabaClient {
  const headers = (): Record<string, string> =>
    options.key !== undefined ? { authorization: `Bearer ${options.key}` } : {};
  const post = (path: string, json: unknown) =>
    send<QolabaEnvelope>(options, { method: "POST", path, json, headers: headers() });
  return {
    options,
    textToImage: (body) => post("/getTextToImage", body),
    imageToImage: (body) => post("/getImagetoImage", body),
    getImage: (id, refID) => post("/getImage", refID === undefined ? { id } : { id, refID }),
    download: (url) => download(options, url),
  };
}
