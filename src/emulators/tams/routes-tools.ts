/**
 * Models and image tools: `GET /v1/models/{modelId}`, `POST /v1/controlnet/detect`,
 * `POST /v1/img2prompt`.
 */
import { Hono } from "hono";
import { int64Out } from "../../credits/protojson.js";
import { imageInfo, loadSharp } from "../core/images.js";
import type { EmulatorEnv } from "../core/provider.js";
import { loadCatalog } from "./catalog.js";
import { argumentError, notFound } from "./errors.js";
import { parseBody, tenantOf } from "./http.js";
import { isPreprocessor, PREPROCESSORS, preprocess } from "./preprocess.js";
import { type ResolvedImage, resourceProblemText } from "./resources.js";
import { detectSchema, img2promptSchema } from "./schemas.js";
import type { TamsState } from "./state.js";

/** The routes. */
export function toolRoutes(state: TamsState): Hono<EmulatorEnv> {
  const app = new Hono<EmulatorEnv>();
  const { ctx } = state;

  app.get("/v1/models/:modelId", async (c) => {
    tenantOf(c, state);
    const id = c.req.param("modelId");
    if (!/^\d{1,20}$/.test(id)) throw argumentError("modelId", `must be a uint64, got ${JSON.stringify(id)}`);
    const model = (await loadCatalog()).models.get(id);
    if (!model) throw notFound(`model ${id} not found`);
    const base = c.get("providerBase");
    return c.json({
      model: {
        id: model.id,
        name: model.name,
        description: model.description,
        baseModel: model.baseModel,
        modelType: model.modelType,
        showcaseImageUrls: Array.from(
          { length: model.showcaseCount },
          (_, n) => `${base}/files/showcase/${model.id}/${n}.png`,
        ),
        projectName: model.projectName,
      },
    });
  });

  /** A resource the caller may read, or TAMS's 404 (the doc lists 404 for these endpoints). */
  const image = (tenantKey: string, id: string): ResolvedImage => {
    const r = state.resources.resolve(tenantKey, id);
    if (typeof r === "string") throw notFound(resourceProblemText(id, r));
    return r;
  };

  app.post("/v1/controlnet/detect", async (c) => {
    const tenant = tenantOf(c, state);
    const body = await parseBody(c, detectSchema);
    if (!isPreprocessor(body.controlnetModule))
      throw argumentError(
        "controlnetModule",
        `unknown preprocessor ${JSON.stringify(body.controlnetModule)}; one of ${Object.keys(PREPROCESSORS).join(", ")}`,
      );
    const source = image(tenant.key, body.resourceId);
    const bytes = await preprocess(await source.bytes(), body.controlnetModule, source.id);
    const { width, height } = await imageInfo(bytes);
    const id = state.uuid();
    const path = `detect/${id}.png`;
    const now = ctx.clock.now();
    const expiresAt = now + state.options.resultTtlSec * 1000;
    ctx.files.putUpload({
      provider: ctx.name,
      path,
      tenantKey: tenant.key,
      contentType: "image/png",
      createdAt: now,
      expiresAt,
      bytes,
    });
    // The map is itself a resource: usable as a ControlNet input with preprocessor "none".
    state.resources.add({
      id,
      tenantKey: tenant.key,
      state: "ready",
      origin: "detect",
      path,
      width,
      height,
      format: "png",
    });
    const expires = Math.floor(expiresAt / 1000);
    // [inferred] the doc types `result` as an object only; it is shaped like a job's result image.
    return c.json({
      result: {
        id,
        url: `${c.get("providerBase")}/files/${path}?Expires=${expires}`,
        expiredIn: int64Out(expires),
        meta: { image: { format: "png", width, height } },
      },
    });
  });

  app.post("/v1/img2prompt", async (c) => {
    const tenant = tenantOf(c, state);
    const body = await parseBody(c, img2promptSchema);
    const source = image(tenant.key, body.resourceId);
    const traits = await describeImage(await source.bytes());
    // [doc] "If natural language generation is needed, provide tagger=llm."
    const prompt = body.tagger === "llm" ? sentenceOf(traits) : tagsOf(traits).join(", ");
    return c.json({ prompts: [prompt] });
  });

  return app;
}

/** What the emulator can tell about an image without a model. */
export interface ImageTraits {
  orientation: "portrait" | "landscape" | "square";
  colour: string;
  brightness: "bright" | "dark" | "balanced";
  saturation: "colorful" | "muted colors" | "monochrome";
  contrast: "high contrast" | "soft lighting";
  detail: "detailed" | "simple background";
}

const PALETTE: [string, [number, number, number]][] = [
  ["red", [200, 40, 40]],
  ["orange", [230, 140, 40]],
  ["yellow", [230, 210, 60]],
  ["green", [60, 160, 70]],
  ["cyan", [60, 190, 200]],
  ["blue", [50, 80, 200]],
  ["purple", [130, 60, 180]],
  ["pink", [230, 130, 180]],
  ["brown", [120, 80, 50]],
  ["white", [240, 240, 240]],
  ["grey", [128, 128, 128]],
  ["black", [15, 15, 15]],
];

/** Deterministic traits from pixel statistics. */
export async function describeImage(bytes: Buffer): Promise<ImageTraits> {
  const sharp = await loadSharp();
  const img = sharp(bytes).removeAlpha();
  const { width = 1, height = 1 } = await sharp(bytes).metadata();
  const stats = await img.stats();
  const [r = 0, g = 0, b = 0] = stats.channels.map((ch) => ch.mean);
  const spread = stats.channels.reduce((s, ch) => s + ch.stdev, 0) / Math.max(1, stats.channels.length);
  const { dominant } = stats;
  const nearest = PALETTE.reduce(
    (best, entry) => {
      const d =
        (entry[1][0] - dominant.r) ** 2 + (entry[1][1] - dominant.g) ** 2 + (entry[1][2] - dominant.b) ** 2;
      return d < best.d ? { name: entry[0], d } : best;
    },
    { name: "grey", d: Number.POSITIVE_INFINITY },
  ).name;
  const luma = 0.299 * r + 0.587 * g + 0.114 * b;
  const chroma = Math.max(r, g, b) - Math.min(r, g, b);
  return {
    orientation: width > height * 1.1 ? "landscape" : height > width * 1.1 ? "portrait" : "square",
    colour: nearest,
    brightness: luma > 170 ? "bright" : luma < 80 ? "dark" : "balanced",
    saturation: chroma > 60 ? "colorful" : chroma > 15 ? "muted colors" : "monochrome",
    contrast: spread > 60 ? "high contrast" : "soft lighting",
    detail: stats.entropy > 6 ? "detailed" : "simple background",
  };
}

/** Tagger-style tags. */
export function tagsOf(t: ImageTraits): string[] {
  return [
    t.orientation,
    `${t.colour} theme`,
    ...(t.brightness === "balanced" ? [] : [t.brightness]),
    t.saturation,
    t.contrast,
    t.detail,
    "no humans",
  ];
}

/** A caption sentence (`tagger=llm`). */
export function sentenceOf(t: ImageTraits): string {
  const light = t.brightness === "balanced" ? "evenly lit" : t.brightness;
  return `A ${light}, ${t.saturation} ${t.orientation} image dominated by ${t.colour} tones, with ${t.contrast} and a ${t.detail === "detailed" ? "richly detailed composition" : "simple background"}.`;
}
