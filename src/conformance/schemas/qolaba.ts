/**
 * Qolaba's documented envelope, the same for every answer, success or error:
 * `{time_required, error, error_data, input, output, app_id, task_id, status}`.
 * @see ../shared/providers/docs/qolaba-controlnet.txt and ../shared/providers/NOTES.md "Qolaba" [doc][backend]
 */
import * as z from "zod";

/** Task status words [doc]. */
export const QOLABA_STATUSES = ["PENDING", "SUCCESS", "FAILED"] as const;

/** One field problem of a 422 [backend]. */
const fieldError = z.strictObject({ field: z.string(), message: z.string(), type: z.string() });

/** The envelope. */
export const qolabaEnvelopeSchema = z.strictObject({
  time_required: z.strictObject({ startup_time: z.number().optional(), runtime: z.number().optional() }),
  error: z.string().nullable(),
  error_data: z.union([z.string(), z.strictObject({ errors: z.array(fieldError) })]).nullable(),
  input: z.record(z.string(), z.unknown()),
  output: z.strictObject({
    result: z.array(z.string()).optional(),
    Has_NSFW_Content: z.array(z.boolean()).optional(),
  }),
  app_id: z.string().nullable(),
  task_id: z.string().nullable(),
  status: z.enum(QOLABA_STATUSES),
});

/** A parsed envelope. */
export type QolabaEnvelope = z.infer<typeof qolabaEnvelopeSchema>;
