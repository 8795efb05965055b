/**
 * A small typed AIThriving client over any `fetch`. Every call is synchronous and answers the
 * image as base64; the key goes raw in `Authorization`, as the doc's examples send it.
 * @see ../shared/providers/docs/aithriving.txt and ../shared/providers/NOTES.md "AIThriving"
 * @example
 * const ai = createAithrivingClient({ baseUrl: "https://www.aithriving.com", key: process.env.AITHRIVING_API_KEY });
 * const { body } = await ai.textToImage({ prompt: "a cat", width: 512, height: 512, steps: 10 });
 * const png = Buffer.from(body.data.image, "base64");
 */
import { type ApiResponse, type ClientOptions, send } from "../http.js";
import type { AithrivingSuccess } from "../schemas/aithriving.js";

/** Form fields: strings or numbers (sent as text), and files. */
export type FormFields = Record<
  string,
  string | number | boolean | { bytes: Uint8Array; filename: string; type: string } | undefined
>;

/** The AIThriving client. */
export interface AithrivingClient {
  readonly options: ClientOptions;
  /** `POST /api/generate/basic/textToImage` (JSON). */
  textToImage(body: Record<string, unknown>): Promise<ApiResponse<AithrivingSuccess>>;
  /** `POST /api/generate/basic/imageToImage` (multipart, `init_image`). */
  imageToImage(fields: FormFields): Promise<ApiResponse<AithrivingSuccess>>;
  /** `POST /api/generate/sd3/textToImage` (JSON). */
  sd3(body: Record<string, unknown>): Promise<ApiResponse<AithrivingSuccess>>;
  /** `POST /api/generate/ultra` (JSON). */
  ultra(body: Record<string, unknown>): Promise<ApiResponse<AithrivingSuccess>>;
  /** `POST /api/generate/core` (JSON). */
  core(body: Record<string, unknown>): Promise<ApiResponse<AithrivingSuccess>>;
  /** `POST /api/edit/erase` (multipart: image, mask). */
  erase(fields: FormFields): Promise<ApiResponse<AithrivingSuccess>>;
  /** `POST /api/edit/inpaint` (multipart: image, mask, prompt). */
  inpaint(fields: FormFields): Promise<ApiResponse<AithrivingSuccess>>;
}

/** Builds multipart form data from fields. */
export function toFormData(fields: FormFields): FormData {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) continue;
    if (typeof v === "object") form.set(k, new Blob([new Uint8Array(v.bytes)], { type: v.type }), v.filename);
    else form.set(k, String(v));
  }
  return form;
}

/** Builds an AIThriving client. */
export function createAithrivingClient(options: ClientOptions): AithrivingClient {
  const headers = (): Record<string, string> =>
    options.key !== undefined ? { authorization: options.key } : {};
  const json = (path: string) => (body: Record<string, unknown>) =>
    send<AithrivingSuccess>(options, { method: "POST", path, json: body, headers: headers() });
  const multipart = (path: string) => (fields: FormFields) =>
    send<AithrivingSuccess>(options, { method: "POST", path, form: toFormData(fields), headers: headers() });
  return {
    options,
    textToImage: json("/api/generate/basic/textToImage"),
    imageToImage: multipart("/api/generate/basic/imageToImage"),
    sd3: json("/api/generate/sd3/textToImage"),
    ultra: json("/api/generate/ultra"),
    core: json("/api/generate/core"),
    erase: multipart("/api/edit/erase"),
    inpaint: multipart("/api/edit/inpaint"),
  };
}
