/**
 * Aitubo's documented response shapes, as strict zod schemas (unknown fields surface as info).
 * Required fields are the doc's "required: yes"; fields seen only in official clients are optional.
 * @see ../shared/providers/docs/aitubo.txt and ../shared/providers/NOTES.md "Aitubo"
 */
import * as z from "zod";

const int = () => z.number().int();

/** `0 -> not ready; 1 -> processing; 2 -> success; 3 -> failure` [doc]. */
export const AITUBO_JOB_STATUS = { NOT_READY: 0, PROCESSING: 1, SUCCESS: 2, FAILURE: 3 } as const;

/** The envelope every answer shares: `code` 0 = success, 1000 = not enough credit [doc]. */
const envelope = <T extends z.ZodType>(data: T) =>
  z.strictObject({ code: int(), info: z.string().optional(), data });

/** Any failure: the envelope with a non-zero code; `data` carries nothing a client reads. */
export const aituboErrorSchema = z.strictObject({
  code: int(),
  info: z.string().optional(),
  data: z.unknown().optional(),
});

/** `GET /api/model/list` [doc] plus the fields clients read [client]. */
export const aituboModelListSchema = envelope(
  z.strictObject({
    domain: z.string(),
    total: int(),
    models: z.array(
      z.strictObject({
        id: z.string(),
        name: z.string(),
        username: z.string(),
        desc: z.string(),
        cover: z.string(),
        isFavourite: z.boolean(),
        controlNet: z.boolean(),
        categoryNames: z.array(z.string()).optional(),
        styleNames: z.array(z.string()).optional(),
        arts: z.array(z.strictObject({ path: z.string(), artId: z.string() })).optional(),
        kind: z.string().optional(),
        baseModel: z.string().optional(),
        options: z
          .strictObject({
            triggers: z.array(z.string()).optional(),
            defaultModel: z.string().optional(),
            alpha: z.number().optional(),
            width: int().optional(),
            height: int().optional(),
          })
          .optional(),
        order: int().optional(),
        nsfw: z.boolean().optional(),
        free: z.boolean().optional(),
        createdAt: z.string().optional(),
      }),
    ),
  }),
);

/** `GET /api/job/models`: the ControlNet categories [doc]. */
export const aituboControlModelsSchema = envelope(
  z.strictObject({
    domain: z.string(),
    models: z.array(
      z.strictObject({ id: z.string(), name: z.string(), cname: z.string(), icon: z.string() }),
    ),
  }),
);

/** `POST /api/job/upload-image` [doc]. */
export const aituboUploadSchema = envelope(z.strictObject({ path: z.string().optional() }).optional());

/** `POST /api/job/create` and `/api/job/upscale` [doc]; `subCredit` [client]. */
export const aituboCreateSchema = envelope(
  z.strictObject({
    id: z.string(),
    credit: int(),
    consumedCredit: int(),
    subCredit: int().optional(),
  }),
);

/** `GET /api/job/get` [doc]; `result.code` and `result.data.nsfws` [client]. */
export const aituboJobSchema = envelope(
  z.strictObject({
    id: z.string(),
    createAt: z.string(),
    status: z.literal([0, 1, 2, 3]),
    result: z
      .strictObject({
        code: int().optional(),
        info: z.string().optional(),
        data: z
          .strictObject({
            images: z.array(z.string()).optional(),
            artIds: z.array(z.string()).optional(),
            domain: z.string().optional(),
            nsfws: z.array(z.boolean()).optional(),
          })
          .nullish(),
      })
      .nullish(),
    // The doc's example echoes more arguments than its table lists; all are optional.
    args: z
      .looseObject({
        prompt: z.string().optional(),
        negativePrompt: z.string().optional(),
        model: z.string().optional(),
        modelId: z.string().optional(),
        strength: z.number().optional(),
        width: int().optional(),
        height: int().optional(),
        count: int().optional(),
        steps: int().optional(),
      })
      .optional(),
  }),
);

/** `GET /api/job/list` [doc]; `total` as the model list has it [inferred]. */
export const aituboJobListSchema = envelope(
  z.strictObject({
    domain: z.string(),
    total: int().optional(),
    jobs: z.array(
      z.strictObject({
        id: z.string(),
        createdAt: z.string(),
        args: z.looseObject({
          prompt: z.string(),
          negativePrompt: z.string(),
          strength: z.number(),
          width: int(),
          height: int(),
          count: int(),
          steps: int(),
        }),
        arts: z.array(
          z.strictObject({
            id: z.string(),
            images: z.array(z.strictObject({ spec: z.string(), path: z.string(), size: int() })),
          }),
        ),
      }),
    ),
  }),
);

/** `POST /api/art/segment` [doc]. */
export const aituboSegmentSchema = envelope(z.strictObject({ image: z.string() }));

/** `GET /api/user/profile` [doc] (the table's unnamed string row is taken to be `email`). */
export const aituboProfileSchema = envelope(
  z.strictObject({
    name: z.string(),
    email: z.string().optional(),
    avatar: z.string(),
    phone: z.string(),
    credit: int(),
    displayNSFW: z.boolean(),
    discord: z.boolean(),
  }),
);

/** `GET /api/transform/list` [doc]: transforms keyed by tag. */
export const aituboTransformListSchema = envelope(
  z.strictObject({
    domain: z.string(),
    tags: z.array(z.string()),
    transform: z.record(
      z.string(),
      z.array(
        z.strictObject({
          id: z.string(),
          name: z.string(),
          image: z.string(),
          art: z.string(),
          cost: z.number(),
          pro: z.boolean(),
          tag: z.string(),
        }),
      ),
    ),
  }),
);

/** Parsed shapes, for the client's return types. */
export type AituboModelList = z.infer<typeof aituboModelListSchema>;
export type AituboControlModels = z.infer<typeof aituboControlModelsSchema>;
export type AituboUpload = z.infer<typeof aituboUploadSchema>;
export type AituboCreate = z.infer<typeof aituboCreateSchema>;
export type AituboJob = z.infer<typeof aituboJobSchema>;
export type AituboJobList = z.infer<typeof aituboJobListSchema>;
export type AituboSegment = z.infer<typeof aituboSegmentSchema>;
export type AituboProfile = z.infer<typeof aituboProfileSchema>;
export type AituboTransformList = z.infer<typeof aituboTransformListSchema>;
