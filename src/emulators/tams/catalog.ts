/**
 * TAMS catalogs: models (every id the doc shows, plus a faker-made catalog from a fixed seed),
 * workflow templates, and the resources the doc's examples refer to.
 *
 * faker is imported on the first catalog read, not at start-up; the same seed gives every server
 * (and every test run) the same catalog.
 */
import type { Faker } from "@faker-js/faker";
import { TAMS_DOC_TEMPLATES, type TamsTemplate } from "../../credits/index.js";

/** Model types in proto order [client]. */
export const MODEL_TYPES = [
  "DEFAULT",
  "CHECKPOINT",
  "TEXTUAL_INVERSION",
  "HYPERNETWORK",
  "AESTHETIC_GRADIENT",
  "LORA",
  "LOCON",
  "CONTROLNET",
  "POSES",
  "WILDCARDS",
  "OTHER",
  "LYCORIS",
] as const;

/** A model as `GET /v1/models/{id}` returns it (without the showcase URLs, which need the base URL). */
export interface TamsModel {
  id: string;
  name: string;
  description: string;
  baseModel: string;
  modelType: (typeof MODEL_TYPES)[number];
  projectName: string;
  /** How many showcase images it has (served by the emulator). */
  showcaseCount: number;
  /** Where the entry comes from. */
  source: "doc" | "faker";
}

/**
 * The models the doc names, with what the doc shows about each (the rest is inferred: names,
 * base models). 664602165660323756 is the checkpoint of the doc's 1024×1536 workflow, so SDXL.
 */
export const DOC_MODELS: readonly TamsModel[] = [
  doc("600423083519508503", "CHECKPOINT", "SD 1.5", "txt2img / img2img examples' checkpoint"),
  doc("681693017352010007", "CHECKPOINT", "SD 1.5", "inpaint example's checkpoint"),
  doc("613045163490732233", "CHECKPOINT", "SD 1.5", "LoRA example's checkpoint"),
  doc("664602165660323756", "CHECKPOINT", "SDXL 1.0", "workflow example's checkpoint"),
  doc("619225630271212879", "CONTROLNET", "SD 1.5", "model id example (ControlNet section)"),
  doc("661652545330040294", "LORA", "SD 1.5", "LoRA example"),
  doc("648628718430054626", "LORA", "SDXL 1.0", "workflow example's first LoRA"),
  doc("631627137633337321", "LORA", "SDXL 1.0", "workflow example's second LoRA"),
];

function doc(id: string, modelType: TamsModel["modelType"], baseModel: string, where: string): TamsModel {
  return {
    id,
    name: `${modelType === "LORA" ? "LoRA" : modelType === "CONTROLNET" ? "ControlNet" : "Checkpoint"} ${id.slice(-4)}`,
    description: `Model ${id} from the TAMS docs (${where}).`,
    baseModel,
    modelType,
    projectName: `project-${id.slice(-6)}`,
    showcaseCount: 1,
    source: "doc",
  };
}

/** How many faker-made models the catalog holds. */
export const FAKER_MODEL_COUNT = 40;

const FAKER_SEED = 20240115;

/** The catalog: models by id, templates by id. */
export interface TamsCatalog {
  models: ReadonlyMap<string, TamsModel>;
  templates: Readonly<Record<string, TamsTemplate>>;
}

let catalog: Promise<TamsCatalog> | undefined;

/** The catalog, built on first use. */
export function loadCatalog(): Promise<TamsCatalog> {
  // The English locale alone (as Aitubo's catalog): the package's root loads every locale (~170 ms,
  // ~24 MB on the first TAMS request). Seeded and used synchronously, so sharing it is safe.
  catalog ??= import("@faker-js/faker/locale/en").then(({ faker }) => buildCatalog(faker));
  return catalog;
}

function buildCatalog(faker: Faker): TamsCatalog {
  faker.seed(FAKER_SEED);
  const models = new Map<string, TamsModel>(DOC_MODELS.map((m) => [m.id, m]));
  const types: TamsModel["modelType"][] = [
    "CHECKPOINT",
    "CHECKPOINT",
    "LORA",
    "LORA",
    "CONTROLNET",
    "TEXTUAL_INVERSION",
  ];
  const bases = ["SD 1.5", "SDXL 1.0", "FLUX.1", "Pony"];
  while (models.size < DOC_MODELS.length + FAKER_MODEL_COUNT) {
    const id = faker.string.numeric({ length: 18, allowLeadingZeros: false });
    const modelType = faker.helpers.arrayElement(types);
    const name = `${faker.word.adjective()} ${faker.word.noun()}`.replace(/\b\w/g, (ch) => ch.toUpperCase());
    models.set(id, {
      id,
      name,
      description: faker.lorem.sentence(),
      baseModel: faker.helpers.arrayElement(bases),
      modelType,
      projectName: faker.internet.username().toLowerCase(),
      showcaseCount: faker.number.int({ min: 1, max: 3 }),
      source: "faker",
    });
  }
  return { models, templates: TEMPLATES };
}

/**
 * Workflow templates: the doc's template 676018193025756628 (graph shared with the credits module,
 * so check, create and the estimate agree).
 */
export const TEMPLATES: Readonly<Record<string, TamsTemplate>> = TAMS_DOC_TEMPLATES;

/** A resource the doc's examples use, available to every key so the examples run verbatim. */
export interface DocResource {
  id: string;
  width: number;
  height: number;
  format: "png" | "jpeg";
  /** What it stands for in the doc. */
  role: string;
  /** A mask: white ellipse (the region to redraw) on black. */
  mask?: { cx: number; cy: number; rx: number; ry: number };
}

/**
 * The uploaded images the doc's requests refer to. Their pixels are placeholders (inferred); sizes
 * follow the doc: the inpaint source and its JPEG mask are both 512×768 ("the resolution of the
 * mask image should be exactly the same as that of the original image").
 */
export const DOC_RESOURCES: Readonly<Record<string, DocResource>> = {
  "f204c24a-52dc-4cf4-930a-9b8f73969414": {
    id: "f204c24a-52dc-4cf4-930a-9b8f73969414",
    width: 512,
    height: 512,
    format: "png",
    role: "img2img input image",
  },
  "67f8de0b-4949-4f88-abb4-cf57b16459da": {
    id: "67f8de0b-4949-4f88-abb4-cf57b16459da",
    width: 512,
    height: 768,
    format: "png",
    role: "inpaint source image",
  },
  "48203af7-6b07-4f1c-8506-f3f545613653": {
    id: "48203af7-6b07-4f1c-8506-f3f545613653",
    width: 512,
    height: 768,
    format: "jpeg",
    role: "inpaint mask (the face)",
    mask: { cx: 256, cy: 230, rx: 90, ry: 110 },
  },
  "f29036b4-ff7b-4394-8c26-aabc1bdae008": {
    id: "f29036b4-ff7b-4394-8c26-aabc1bdae008",
    width: 512,
    height: 768,
    format: "png",
    role: "workflow template input image",
  },
};
