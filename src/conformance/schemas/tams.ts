/**
 * TensorArt TAMS's documented response shapes. JSON follows protobuf's mapping: unset fields are
 * left out (so most fields are optional), 64-bit integers are strings (`id`, `expiredIn`,
 * `queueRank`), enums are written by name. Errors are google.rpc.Status.
 * @see ../shared/providers/docs/tensorart-tams.txt and ../shared/providers/NOTES.md "TensorArt TAMS"
 */
import * as z from "zod";

/** Job statuses [doc][client]; terminal are SUCCESS, FAILED, CANCELED. */
export const TAMS_JOB_STATUSES = [
  "DEFAULT",
  "CREATED",
  "PENDING",
  "RUNNING",
  "CANCELED",
  "SUCCESS",
  "FAILED",
  "WAITING",
] as const;

/** An int64 as protobuf writes it: a decimal string. */
const int64 = () => z.string().regex(/^-?\d+$/, "an int64 written as a decimal string");

/** A result or processing image [doc]. */
const resourceImage = z.strictObject({
  id: z.string(),
  url: z.string(),
  expiredIn: int64().optional(),
  meta: z
    .strictObject({
      image: z
        .strictObject({
          format: z.string().optional(),
          width: z.number().int().optional(),
          height: z.number().int().optional(),
        })
        .optional(),
    })
    .optional(),
});

/** A workflow node's output image [doc]. */
const outputImage = z.strictObject({
  filename: z.string(),
  type: z.string().optional(),
  height: z.number().int().optional(),
  width: z.number().int().optional(),
  format: z.string().optional(),
  imageResourceId: z.string().optional(),
});

/** A workflow run's progress [doc]. */
const workflowFinishItem = z.strictObject({
  status: z.enum(["DEFAULT", "INIT", "RUNNING", "SUCCESS", "FAILED"]).optional(),
  progress: z.number().optional(),
  step: z.number().optional(),
  id: z.string().optional(),
  ctime: z.string().optional(),
  mtime: z.string().optional(),
  nodes: z
    .record(
      z.string(),
      z.strictObject({
        id: z.string().optional(),
        status: z.string().optional(),
        process: z.number().optional(),
        outputUi: z.strictObject({ images: z.array(outputImage).optional() }).optional(),
      }),
    )
    .optional(),
  finishedNodes: z.record(z.string(), z.boolean()).optional(),
});

/** `stages[]` of runningInfo, successInfo and failedInfo [official types] `TamsApiStageInfo`. */
const stageInfo = z.strictObject({
  stageIndex: int64().optional(),
  processingImages: z
    .array(z.strictObject({ resourceImage: resourceImage.optional(), progress: z.number().int().optional() }))
    .optional(),
});

/** `successInfo.imageExifMetaMap`: image id → `{meta: {FileSize, ImageSize, MIMEType, Seed}}`, strings [public client]. */
const imageExifMetaMap = z.record(
  z.string(),
  z.strictObject({
    meta: z.strictObject({
      FileSize: z.string().optional(),
      ImageSize: z.string().optional(),
      MIMEType: z.string().optional(),
      Seed: z.string().optional(),
    }),
  }),
);

/** The job object [doc]. */
export const tamsJobObjectSchema = z.strictObject({
  id: int64(),
  status: z.enum(TAMS_JOB_STATUSES),
  credits: z.number().optional(),
  waitingInfo: z.strictObject({ queueRank: int64().optional(), queueLen: int64().optional() }).optional(),
  failedInfo: z
    .strictObject({
      reason: z.string().optional(),
      code: z.enum(["DEFAULT", "TRANSITORY_ERROR", "FATAL_ERROR"]).optional(),
      stages: z.array(stageInfo).optional(),
    })
    .optional(),
  runningInfo: z
    .strictObject({
      stages: z.array(stageInfo).optional(),
      workflowFinishItem: workflowFinishItem.optional(),
    })
    .optional(),
  successInfo: z
    .strictObject({
      images: z.array(resourceImage).optional(),
      videos: z.array(resourceImage).optional(),
      stages: z.array(stageInfo).optional(),
      imageExifMetaMap: imageExifMetaMap.optional(),
      workflowFinishItem: workflowFinishItem.optional(),
    })
    .optional(),
});

/** `POST /v1/jobs`, `GET /v1/jobs/{id}`, the workflow and template creates: `{job}` [doc]. */
export const tamsJobSchema = z.strictObject({ job: tamsJobObjectSchema });

/** `DELETE /v1/jobs/{id}` [client]. */
export const tamsCancelSchema = z.strictObject({ jobId: int64() });

/** `POST /v1/jobs/credits` [doc]. */
export const tamsCreditsSchema = z.strictObject({ credits: z.number() });

/** `POST /v1/jobs/workflow/params/check` and `POST /v1/workflows/template/check` [doc]. */
export const tamsCheckSchema = z.strictObject({ valid: z.boolean(), credits: z.number().optional() });

/** `GET /v1/workflows/{templateId}` [doc]. */
export const tamsTemplateSchema = z.strictObject({
  templateId: int64(),
  name: z.string(),
  fields: z.strictObject({
    fieldAttrs: z.array(
      z.strictObject({
        nodeId: z.string(),
        fieldName: z.string(),
        fieldValue: z.unknown().optional(),
        // [public client] TensorArt's ComfyUI node reads these.
        nodeName: z.string().optional(),
        inputString: z.string().optional(),
      }),
    ),
  }),
});

/** `GET /v1/models/{modelId}` [client]. */
export const tamsModelSchema = z.strictObject({
  model: z.strictObject({
    id: int64(),
    name: z.string(),
    description: z.string().optional(),
    baseModel: z.string().optional(),
    modelType: z.string().optional(),
    showcaseImageUrls: z.array(z.string()).optional(),
    projectName: z.string().optional(),
  }),
});

/** `POST /v1/resource/image` [doc]. */
export const tamsResourceSchema = z.strictObject({
  resourceId: z.string(),
  putUrl: z.string(),
  headers: z.record(z.string(), z.string()),
});

/** `POST /v1/resource/image/sts` [official types]: OSS form-upload credentials, all strings. */
export const tamsStsResourceSchema = z.strictObject({
  resourceId: z.string(),
  accessId: z.string().optional(),
  signature: z.string().optional(),
  host: z.string(),
  expire: z.string().optional(),
  callback: z.string().optional(),
  filePath: z.string().optional(),
  policy: z.string().optional(),
  securityToken: z.string().optional(),
});

/** `POST /v1/controlnet/detect` [doc]: `result` is an object the docs do not detail. */
export const tamsDetectSchema = z.strictObject({ result: z.record(z.string(), z.unknown()) });

/** `POST /v1/img2prompt` [doc]. */
export const tamsImg2PromptSchema = z.strictObject({ prompts: z.array(z.string()) });

/** google.rpc.Status [doc]. */
export const tamsErrorSchema = z.strictObject({
  code: z.number().int(),
  message: z.string(),
  details: z.array(z.looseObject({ "@type": z.string() })).optional(),
});

/** Parsed shapes. */
export type TamsJob = z.infer<typeof tamsJobSchema>;
export type TamsResource = z.infer<typeof tamsResourceSchema>;
export type TamsStsResource = z.infer<typeof tamsStsResourceSchema>;
export type TamsTemplate = z.infer<typeof tamsTemplateSchema>;
