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
        let source = img && step.keep > 0 ? img : undefined;
        let sourceWeight = step.keep;
        if (step.control) {
          source = await preprocess(await step.control.image.bytes(), step.control.preprocessor, `${s}`);
          sourceWeight = Math.min(0.9, 0.4 * step.control.weight);
        }
        img = await renderPlaceholder({
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
          ...(source && sourceWeight > 0 ? { source, sourceWeight } : {}),
        });
        break;
      }
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
        );
        break;
    }
  }
  return img ?? blank(plan.output.width, plan.output.height, s, jobId);
}

function blank(width: number, height: number, seed: number, jobId: string): Promise<Buffer> {
  return renderPlaceholder({ width, height, format: "png", seed, prompt: "", jobId });
}
