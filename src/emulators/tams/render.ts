/**
 * Renders a planned stage job's output: runs each step on the previous step's image, so an
 * upscale really resizes, an inpaint changes only the masked region, and img2img and ControlNet
 * start from the uploaded image. Deterministic: the same plan, index and seed give the same bytes.
 */
import {
  animatedPlaceholder,
  inpaintPlaceholder,
  loadSharp,
  maskedComposite,
  renderPlaceholder,
  resizeImage,
} from "../core/images.js";
import { sizeBound } from "../core/promised-size.js";
import { preprocess } from "./preprocess.js";
import type { StagePlan } from "./stages.js";

/** A face-ish region (an ellipse in the upper middle): where ADetailer redraws. */
function faceMask(width: number, height: number): Buffer {
  return Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="#000"/>` +
      `<ellipse cx="${width / 2}" cy="${height * 0.3}" rx="${width * 0.18}" ry="${height * 0.16}" fill="#fff"/></svg>`,
  );
}

/**
 * LayerDiffusion's result: the image with its background made transparent (the subject, an
 * ellipse filling most of the frame, stays opaque with a soft edge). Inferred rendering.
 */
async function cutout(img: Buffer): Promise<Buffer> {
  const sharp = await loadSharp();
  const { width = 512, height = 512 } = await sharp(img).metadata();
  const svg = Buffer.from(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><rect width="100%" height="100%" fill="#000"/>` +
      `<ellipse cx="${width / 2}" cy="${height / 2}" rx="${width * 0.36}" ry="${height * 0.42}" fill="#fff"/></svg>`,
  );
  const alpha = await sharp(svg).removeAlpha().blur(2).extractChannel(0).raw().toBuffer();
  // sharp applies removeAlpha after joinChannel in one pipeline: take the colour channels first.
  const rgb = await sharp(img).removeAlpha().raw().toBuffer();
  return sharp(rgb, { raw: { width, height, channels: 3 } })
    .joinChannel(alpha, { raw: { width, height, channels: 1 } })
    .png()
    .toBuffer();
}

/**
 * The size a stage job's image is promised if a read names its `FileSize` before it is rendered:
 * a bound from its size and format, the text its metadata carries (prompts, models, LoRAs), and
 * whether it starts from an input image (see `core/promised-size.ts`). Cheap: no text is encoded.
 */
export function stageSizeBound(plan: StagePlan): number {
  let chars = 256;
  let derived = plan.input !== undefined;
  for (const step of plan.steps) {
    if (step.kind === "diffusion") {
      chars += step.prompt.length + step.negativePrompt.length + step.sdModel.length + 64 * step.loras.length;
      if (step.control) derived = true;
    } else {
      if ("prompt" in step) chars += step.prompt.length;
      // Resize, upscale, ADetailer, inpaint and cut-out all work on an image.
      if (step.kind !== "video") derived = true;
    }
  }
  const { width, height, format } = plan.output;
  // Three UTF-8 bytes per UTF-16 unit at most.
  return sizeBound(width, height, format, chars * 3, derived);
}

/**
 * The bytes of output `index` (0-based) of a stage job.
 * @example const png = await renderStageOutput(plan, 0, "709385162603889157", 42);
 */
export async function renderStageOutput(
  plan: StagePlan,
  index: number,
  jobId: string,
  seed: number,
): Promise<Buffer> {
  const s = seed + index;
  let img: Buffer | undefined = plan.input ? await plan.input.bytes() : undefined;
  for (const step of plan.steps) {
    switch (step.kind) {
      case "diffusion": {
        const plain = img && step.keep > 0 ? img : undefined;
        let source = plain;
        let sourceWeight = step.keep;
        if (step.control) {
          source = await preprocess(await step.control.image.bytes(), step.control.preprocessor, `${s}`);
          sourceWeight = Math.min(0.9, 0.4 * step.control.weight);
        }
        const spec = {
          width: step.width,
          height: step.height,
          format: "png",
          seed: s,
          prompt: step.prompt,
          jobId,
          label: `TAMS · ${step.sdModel}${step.loras.length ? ` + ${step.loras.length} LoRA` : ""}`,
          params: {
            provider: "tams",
            stage: "DIFFUSION",
            index,
            sdModel: step.sdModel,
            steps: step.steps,
            sampler: step.sampler,
            negativePrompt: step.negativePrompt,
            loras: step.loras,
            controlnet: step.control?.preprocessor,
          },
        } as const;
        img = await renderPlaceholder({
          ...spec,
          ...(source && sourceWeight > 0 ? { source, sourceWeight } : {}),
        });
        if (step.control?.mask) {
          // The ControlNet acts only where its mask is white: elsewhere the image is drawn without it.
          const without = await renderPlaceholder({
            ...spec,
            ...(plain && step.keep > 0 ? { source: plain, sourceWeight: step.keep } : {}),
          });
          const sharp = await loadSharp();
          const mask = await sharp(await step.control.mask.bytes())
            .resize(step.width, step.height, { fit: "fill" })
            .greyscale()
            .png()
            .toBuffer();
          img = await maskedComposite(without, img, mask, "png");
        }
        break;
      }
      case "cutout":
        img = await cutout(img ?? (await blank(plan.output.width, plan.output.height, s, jobId)));
        break;
      case "resize":
      case "upscale":
        img = await resizeImage(
          img ?? (await blank(step.width, step.height, s, jobId)),
          step.width,
          step.height,
          "png",
        );
        break;
      case "adetailer": {
        const base = img ?? (await blank(step.width, step.height, s, jobId));
        const overlay = await renderPlaceholder({
          width: step.width,
          height: step.height,
          format: "png",
          seed: `${s}-adetailer`,
          prompt: step.prompt || `ADetailer ${step.models.join(", ")}`,
          jobId,
          // The face is redrawn; the image keeps its one caption.
          caption: false,
        });
        img = await maskedComposite(base, overlay, faceMask(step.width, step.height), "png");
        break;
      }
      case "inpaint": {
        const sharp = await loadSharp();
        const base = img ?? (await blank(512, 512, s, jobId));
        const { width = 512, height = 512 } = await sharp(base).metadata();
        let mask = step.mask ? await step.mask.bytes() : faceMask(width, height);
        let m = sharp(mask).greyscale();
        if (step.invert) m = m.negate();
        if (step.maskBlur > 0) m = m.blur(Math.max(0.3, step.maskBlur / 2));
        mask = await m.png().toBuffer();
        // Only the mask's white region changes; its caption is drawn inside it.
        img = await inpaintPlaceholder(base, mask, {
          width,
          height,
          format: "png",
          seed: `${s}-inpaint`,
          prompt: step.prompt,
          jobId,
          source: base,
          sourceWeight: 0.3,
        });
        break;
      }
      case "video":
        img = await animatedPlaceholder(
          {
            width: step.width,
            height: step.height,
            seed: s,
            prompt: step.prompt || "video",
            jobId,
            label: step.sdModel ? `TAMS video · ${step.sdModel}` : "TAMS video",
            ...(img ? { source: img, sourceWeight: 0.5 } : {}),
          },
          Math.min(step.frames, 24),
          "webp",
          step.delayMs,
        );
        break;
    }
  }
  return img ?? blank(plan.output.width, plan.output.height, s, jobId);
}

function blank(width: number, height: number, seed: number, jobId: string): Promise<Buffer> {
  return renderPlaceholder({ width, height, format: "png", seed, prompt: "", jobId });
}
