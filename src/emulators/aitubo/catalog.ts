/**
 * Aitubo's catalogs: models, ControlNet types, and headshot transforms.
 *
 * Every id the docs show is here with its documented fields; the rest is made once by faker from
 * a fixed seed, so two servers (and two test runs) list the same catalog. faker is imported on the
 * first catalog read, not at start-up.
 */
import type { Faker } from "@faker-js/faker";

/** A model as `/api/model/list` returns it ([doc] fields + the [client] fields NOTES lists). */
export interface AituboModel {
  id: string;
  name: string;
  username: string;
  desc: string;
  cover: string;
  isFavourite: boolean;
  controlNet: boolean;
  categoryNames: string[];
  styleNames: string[];
  arts: { path: string; artId: string }[];
  kind: "checkpoint" | "lora";
  baseModel: "sd_1.5" | "sdxl_1.0";
  options: { triggers: string[]; defaultModel: string; alpha: number; width: number; height: number };
  order: number;
  nsfw: boolean;
  free: boolean;
  createdAt: string;
  /** Not in responses: platform or community listing. */
  type: "platform" | "community";
}

/** A ControlNet type from `/api/job/models`. */
export interface ControlModel {
  id: string;
  name: string;
  cname: string;
  icon: string;
}

/** A headshot transform from `/api/transform/list`. */
export interface Transform {
  id: string;
  name: string;
  image: string;
  art: string;
  cost: number;
  pro: boolean;
  tag: string;
}

/** [doc] The ControlNet types the create endpoint accepts as `controlModel`. */
export const CONTROL_MODELS: readonly ControlModel[] = [
  { id: "canny", name: "canny", cname: "边缘检测", icon: "assets/template/control_canny.jpg" },
  { id: "scribble", name: "scribble", cname: "涂鸦", icon: "assets/template/control_scribble.jpg" },
  { id: "openpose", name: "openpose", cname: "姿势", icon: "assets/template/control_openpose.jpg" },
  { id: "mlsd", name: "mlsd", cname: "直线检测", icon: "assets/template/control_mlsd.jpg" },
  { id: "hed", name: "hed", cname: "软边缘", icon: "assets/template/control_hed.jpg" },
  { id: "seg", name: "seg", cname: "语义分割", icon: "assets/template/control_seg.jpg" },
  { id: "depth", name: "depth", cname: "深度", icon: "assets/template/control_depth.jpg" },
  { id: "normal", name: "normal", cname: "法线", icon: "assets/template/control_normal.jpg" },
];

/** The ids the docs show, with their documented fields. */
const DOC_MODELS: Pick<AituboModel, "id" | "name" | "username" | "desc" | "controlNet">[] = [
  {
    id: "6426f9c60ca4651b98b91a6d",
    name: "ConceptCanvas",
    username: "Aitubo",
    desc: "A model that creates concept scenes with a European thick paint or CG style.",
    controlNet: false,
  },
  {
    id: "642b977d2f2842537c09fe41",
    name: "DreamShaper",
    username: "Aitubo",
    desc: "A model that can generate multiple styles of scenes, characters, and game assets.",
    controlNet: true,
  },
];

const CATEGORIES = ["Character", "Scene", "Anime", "Realistic", "Game", "Illustration"];
const STYLES = ["Oil painting", "CG", "Watercolor", "Photographic", "Cartoon", "Pixel"];
const TRANSFORM_TAGS = ["Business", "Fantasy", "Vintage", "Anime"];

/** Everything the catalog holds. */
export interface AituboCatalog {
  models: AituboModel[];
  transforms: Transform[];
  tags: string[];
}

const SEED = 20230411;

function objectIdFrom(f: Faker): string {
  return f.string.hexadecimal({ length: 24, casing: "lower", prefix: "" });
}

function makeModel(f: Faker, base: Partial<AituboModel>, order: number): AituboModel {
  const id = base.id ?? objectIdFrom(f);
  const kind = base.kind ?? (f.number.int({ min: 0, max: 3 }) === 0 ? "lora" : "checkpoint");
  const baseModel = base.baseModel ?? (f.datatype.boolean() ? "sdxl_1.0" : "sd_1.5");
  const side = baseModel === "sdxl_1.0" ? 1024 : 512;
  return {
    id,
    name: base.name ?? `${f.word.adjective()}${f.word.noun()}`.replace(/^\w/, (ch) => ch.toUpperCase()),
    username: base.username ?? f.internet.username(),
    desc: base.desc ?? f.lorem.sentence({ min: 8, max: 14 }),
    cover: `assets/model/${id}/cover.jpg`,
    isFavourite: false,
    controlNet: base.controlNet ?? (kind === "checkpoint" && f.datatype.boolean()),
    categoryNames: f.helpers.arrayElements(CATEGORIES, { min: 1, max: 2 }),
    styleNames: f.helpers.arrayElements(STYLES, { min: 1, max: 2 }),
    arts: Array.from({ length: 2 }, () => {
      const artId = objectIdFrom(f);
      return { path: `images/art/${id}/${artId}.jpg`, artId };
    }),
    kind,
    baseModel,
    options: {
      triggers: kind === "lora" ? [f.word.noun()] : [],
      defaultModel: kind === "lora" ? DOC_MODELS[1]!.id : "",
      alpha: kind === "lora" ? 0.8 : 1,
      width: side,
      height: side,
    },
    order,
    nsfw: false,
    free: f.datatype.boolean({ probability: 0.7 }),
    createdAt: f.date.between({ from: "2023-03-01T00:00:00Z", to: "2024-06-01T00:00:00Z" }).toISOString(),
    type: base.type ?? (f.datatype.boolean({ probability: 0.4 }) ? "platform" : "community"),
  };
}

function build(f: Faker): AituboCatalog {
  const models: AituboModel[] = DOC_MODELS.map((m, i) =>
    makeModel(f, { ...m, type: "platform", kind: "checkpoint", baseModel: "sd_1.5" }, i + 1),
  );
  for (let i = 0; i < 46; i++) models.push(makeModel(f, {}, models.length + 1));
  const transforms: Transform[] = TRANSFORM_TAGS.flatMap((tag) =>
    Array.from({ length: 3 }, () => {
      const id = objectIdFrom(f);
      return {
        id,
        name: `${tag} ${f.word.noun()}`,
        image: `assets/transform/${id}/origin.jpg`,
        art: `assets/transform/${id}/art.jpg`,
        cost: f.helpers.arrayElement([10, 20, 30]),
        pro: f.datatype.boolean({ probability: 0.3 }),
        tag,
      };
    }),
  );
  return { models, transforms, tags: TRANSFORM_TAGS };
}

let catalog: Promise<AituboCatalog> | undefined;
let fakerInstance: Faker | undefined;

/** The catalog, built on first use (the same every time). */
export function loadCatalog(): Promise<AituboCatalog> {
  // The en-only entry loads in a fraction of the time of the full package. Seeding the shared
  // instance is safe: build() runs synchronously right after, so nothing interleaves.
  catalog ??= import("@faker-js/faker/locale/en").then(({ faker }) => {
    fakerInstance = faker;
    faker.seed(SEED);
    return build(faker);
  });
  return catalog;
}

/** [client] The shape of a real model id: a 24-hex MongoDB ObjectId (`657d044d91ee83b5d3c5894e`). */
export const MODEL_ID_PATTERN = /^[0-9a-f]{24}$/i;

/**
 * [inferred] The model a create runs on when `modelId` is omitted (public clients, the Go SDK's own
 * test among them, send a prompt alone): the doc's DreamShaper, a platform model that supports
 * ControlNet, so the doc's ControlNet example (no `modelId`) runs on it too.
 */
export const DEFAULT_MODEL_ID = DOC_MODELS[1]!.id;

const unlisted = new Map<string, AituboModel>();

/**
 * A model of the real id shape that the catalog lacks: real clients hard-code ids from the live
 * catalog [client], which the emulator cannot know. It is made by faker seeded from the id, so the
 * same id is always the same model; it supports ControlNet, since the live model might [inferred].
 * Call after {@link loadCatalog} has resolved.
 */
export function unlistedModel(id: string): AituboModel {
  const key = id.toLowerCase();
  let model = unlisted.get(key);
  if (!model) {
    const f = fakerInstance!;
    // 96 bits of id → three 32-bit seed words.
    f.seed([0, 8, 16].map((i) => Number.parseInt(key.slice(i, i + 8), 16)));
    model = makeModel(f, { id: key, type: "community", kind: "checkpoint", controlNet: true }, 0);
    // A bounded memo: the model is a pure function of the id, so dropping it loses nothing.
    if (unlisted.size >= 1000) unlisted.clear();
    unlisted.set(key, model);
  }
  return model;
}

/**
 * The model a create names: the default when absent, the catalog's when listed, an unlisted model
 * for any other well-formed id; `undefined` for a malformed id (the caller refuses it).
 */
export function resolveModel(c: AituboCatalog, modelId: string | undefined): AituboModel | undefined {
  const id = modelId ?? DEFAULT_MODEL_ID;
  const listed = c.models.find((m) => m.id === id.toLowerCase());
  if (listed) return listed;
  return MODEL_ID_PATTERN.test(id) ? unlistedModel(id) : undefined;
}

/** Query filters of `/api/model/list` ([doc] type; [client] kind, name, baseModel). */
export interface ModelQuery {
  type?: "platform" | "community" | "used";
  kind?: "checkpoint" | "lora";
  name?: string;
  baseModel?: "sd_1.5" | "sdxl_1.0";
}

/** Filters models; `used` means models this tenant has generated with. */
export function filterModels(models: AituboModel[], q: ModelQuery, used: ReadonlySet<string>): AituboModel[] {
  return models.filter(
    (m) =>
      (!q.type || (q.type === "used" ? used.has(m.id) : m.type === q.type)) &&
      (!q.kind || m.kind === q.kind) &&
      (!q.baseModel || m.baseModel === q.baseModel) &&
      (!q.name || m.name.toLowerCase().includes(q.name.toLowerCase())),
  );
}
