/**
 * AIThriving's documented response shape: `{code: 0 | -1, message, data: {image, seed}}`, the same
 * for every endpoint (synchronous; the image comes back base64).
 * @see ../shared/providers/docs/aithriving.txt "Response Body"
 */
import * as z from "zod";

/** A success: `code` 0, `message` "success", the image and its seed [doc]. */
export const aithrivingSuccessSchema = z.strictObject({
  code: z.literal([0, -1]),
  message: z.string(),
  data: z.strictObject({ image: z.string(), seed: z.number().int() }),
});

/** A failure: `code` -1 and the reason in `message` [doc]; `data` carries nothing a client reads. */
export const aithrivingFailureSchema = z.strictObject({
  code: z.literal([0, -1]),
  message: z.string(),
  data: z.unknown().optional(),
});

/** Parsed shapes. */
export type AithrivingSuccess = z.infer<typeof aithrivingSuccessSchema>;
