/** Headshot transforms: the catalog by tag, and a headshot job from an uploaded portrait. */
import { estimateAitubo } from "../../../credits/aitubo.js";
import { defineScenario } from "../../scenario.js";
import { type AituboTransformList, aituboTransformListSchema } from "../../schemas/aitubo.js";
import { type AituboCtx, balanceOf, checkCreated, expectImages, waitForJob } from "./helpers.js";
import { uploadSample } from "./image-to-image.js";

/** Lists the transforms; returns them flat, checked: one array per tag in `tags`, each item of its tag. */
async function transforms(ctx: AituboCtx): Promise<AituboTransformList["data"]["transform"][string]> {
  const res = await ctx.client.listTransforms();
  if (!ctx.check("transforms", aituboTransformListSchema, res)) return [];
  const { tags, transform } = (res.body as AituboTransformList).data;
  for (const tag of tags) {
    const items = transform[tag] ?? [];
    ctx.expect(items.length > 0 && items.every((t) => t.tag === tag), {
      path: `transforms: data.transform[${JSON.stringify(tag)}]`,
      expected: `transforms tagged ${tag}`,
      actual: items.length ? items.map((t) => t.tag).join(", ") : "(none)",
      message: "a listed tag has no transforms of its own",
    });
  }
  return Object.values(transform).flat();
}

export const transformList = defineScenario({
  name: "transform-list",
  provider: "aitubo",
  description:
    "GET /api/transform/list → domain, tags, and for each tag its transforms (id, image, art, cost, pro)",
  live: { status: "unverified" },
  cost: () => 0,
  async run(ctx) {
    await transforms(ctx);
  },
});

/** The headshot asked for: the doc's defaults, a square result. */
const SIZE = { width: 512, height: 512 } as const;

export const headshot = defineScenario({
  name: "headshot",
  provider: "aitubo",
  description:
    "upload → POST /api/transform/create-headshot (the first non-pro transform) → poll until 2 → one image at the asked size; consumedCredit = the transform's cost",
  live: { status: "unverified" },
  // Headshot prices are per transform (the list's `cost`); 10 is the inferred default in src/credits.
  cost: () => estimateAitubo("headshot", { imagePath: "p", transformId: "t" }).total,
  volatileKeys: { credit: "<balance>" },
  async run(ctx) {
    const list = await transforms(ctx);
    const transform = list.find((t) => !t.pro) ?? list[0];
    if (!transform) return ctx.abort("no transform in /api/transform/list");
    const imagePath = await uploadSample(ctx);
    const body = { imagePath, transformId: transform.id, ...SIZE };
    const before = await balanceOf(ctx);
    const id = checkCreated(
      ctx,
      "create",
      await ctx.client.createHeadshot(body),
      estimateAitubo("headshot", body, { headshot: transform.cost }),
      before,
    );
    await expectImages(ctx, await waitForJob(ctx, id), { count: 1, ...SIZE });
  },
});
