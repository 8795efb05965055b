/**
 * Files the doc's examples name, present for every key so the examples run verbatim (as TAMS's
 * documented resource ids are).
 */
import { renderPlaceholder } from "../core/images.js";

/** [doc] The Image2Image example's `imagePath`. */
export const DOC_UPLOAD_PATH = "images/tmp/cgqi1jntuq4000800040.png";

/** [inferred] Its size: the doc's default job size. */
export const DOC_UPLOAD_SIZE = { width: 512, height: 512 } as const;

/** The bytes of a documented file, or `undefined` when `path` is not one. Deterministic. */
export function docExampleFile(path: string): (() => Promise<Buffer>) | undefined {
  if (path !== DOC_UPLOAD_PATH) return undefined;
  return () =>
    renderPlaceholder({
      ...DOC_UPLOAD_SIZE,
      format: "png",
      seed: path,
      prompt: "the doc's Image2Image example upload",
      jobId: "doc-example",
    });
}
