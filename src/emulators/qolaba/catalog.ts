/**
 * Qolaba's app ids: which model each `app_id` selects, and which endpoint takes it.
 *
 * The three ControlNet ids are in the ControlNet doc [doc]; the rest are the public app table of
 * Qolaba's API backend (aumritThought/qolaba_modal_docs, `src/utils/Constants.py`, `app_dict`)
 * [backend]. An id outside this table is refused as the backend refuses it ("Given APP Id is not
 * available"); `providerOptions.qolaba.extraAppIds` adds more.
 */

/** What an app does. */
export type AppKind = "text-to-image" | "image-to-image" | "controlnet";

/** The ControlNet preprocessors the doc lists. */
export type ControlnetModel = "canny" | "depth" | "openpose";

/** One app. */
export interface QolabaApp {
  kind: AppKind;
  /** The backend's model name for it. */
  model: string;
  controlnet?: ControlnetModel;
}

/** [doc] The ControlNet app ids, all SDXL. */
export const CONTROLNET_APPS = {
  "ap-1us0FK21Ach6eiWxo22is8": {
    kind: "controlnet",
    model: "Canny_controlnet__image2image",
    controlnet: "canny",
  },
  "ap-WrXnJBXy23XpPh6IlH5tRX": {
    kind: "controlnet",
    model: "depth_controlnet__image2image",
    controlnet: "depth",
  },
  "ap-a1b2c3d4e5f6g7h8i9j0kq": {
    kind: "controlnet",
    model: "Openpose_controlnet__image2image",
    controlnet: "openpose",
  },
} as const satisfies Record<string, QolabaApp>;

/** [backend] Text-to-image and image-to-image app ids. */
export const GENERATION_APPS = {
  "ap-JOsvgUBfInC2UQnz0FQFkG": { kind: "text-to-image", model: "sdxl_turbo_text2image" },
  "ap-PZYd1Bb5QH57Rw4BF0dPA4": { kind: "text-to-image", model: "pixela_text2image" },
  "ap-VbAWaTpRHAcfqywOmcjN2y": { kind: "text-to-image", model: "cartoon_text2image" },
  "ap-7vTmulaxjyiCzQEj1BOOvJ": { kind: "text-to-image", model: "anime_text2image" },
  "ap-uU4Xo4z6KgFHFjW9gnAl3q": { kind: "text-to-image", model: "realistic_text2image" },
  "ap-oDVXRQ7bCaWW05O52P1mlA": { kind: "text-to-image", model: "SDXL_text2image" },
  "ap-Xm3pLZVdE8gY4WbR1TcSjQ": { kind: "text-to-image", model: "SDXL3_text2image" },
  "ap-Jf2aKs8dPqXzRb1Yv6hN7L": { kind: "image-to-image", model: "sdxl_turbo_image2image" },
  "ap-vcbg1l7bBuScbDuUOk3Shl": { kind: "image-to-image", model: "pixela_image2image" },
  "ap-Rgtph3LFS9rRT5X7XREazo": { kind: "image-to-image", model: "cartoon_image2image" },
  "ap-Zj2zfXKq52zvpib7jGqYFp": { kind: "image-to-image", model: "anime_image2image" },
  "ap-nM68b4WwQ6VzdNwwXBrOHE": { kind: "image-to-image", model: "realistic_image2image" },
  "ap-eRSyl0imzrUrbvgdAYwDTl": { kind: "image-to-image", model: "SDXL_image2image" },
  "ap-F7gH2jPzV5xQ8eT3kLb9Yn": { kind: "image-to-image", model: "SDXL3_image2image" },
} as const satisfies Record<string, QolabaApp>;

/** Every app id the emulator knows. */
export const QOLABA_APPS: Readonly<Record<string, QolabaApp>> = { ...GENERATION_APPS, ...CONTROLNET_APPS };

/** The app kinds each endpoint serves. */
export const ENDPOINT_KINDS = {
  getTextToImage: ["text-to-image"],
  getImagetoImage: ["image-to-image", "controlnet"],
} as const satisfies Record<string, readonly AppKind[]>;

/** The app for an id on an endpoint, or `undefined` when the endpoint does not serve it. */
export function findApp(
  appId: string,
  endpoint: keyof typeof ENDPOINT_KINDS,
  extra: Readonly<Record<string, QolabaApp>> = {},
): QolabaApp | undefined {
  // Own keys only: an app id of "constructor" names no app.
  const app = Object.hasOwn(QOLABA_APPS, appId)
    ? QOLABA_APPS[appId]
    : Object.hasOwn(extra, appId)
      ? extra[appId]
      : undefined;
  if (!app) return undefined;
  return (ENDPOINT_KINDS[endpoint] as readonly AppKind[]).includes(app.kind) ? app : undefined;
}
