/** Segmentation: POST /api/art/segment answers the URL of an image that decodes at the input's size. */
import { defineScenario } from "../../scenario.js";
import { aituboSegmentSchema } from "../../schemas/aitubo.js";
import { uploadSample } from "./image-to-image.js";

export default defineScenario({
  name: "segment",
  provider: "aitubo",
  description: "upload → POST /api/art/segment → data.image decodes, same size as the input [size inferred]",
  live: { status: "unverified" },
  // The doc prints no price for segmentation and src/credits has none: counted as free.
  cost: () => 0,
  volatileKeys: { credit: "<balance>" },
  async run(ctx) {
    const path = await uploadSample(ctx, 384, 256);
    const res = await ctx.client.segment(path);
    if (!ctx.check("segment", aituboSegmentSchema, res)) return;
    const url = (res.body as { data: { image: string } }).data.image;
    const file = await ctx.client.download("", url);
    await ctx.image("segment: data.image", file, { width: 384, height: 256 });
  },
});
