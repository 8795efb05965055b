/**
 * Reading AIThriving request bodies: JSON for the generate endpoints (form data tolerated), and
 * multipart for the endpoints that take files. Anything unreadable becomes AIThriving's own error.
 */

import { type ImageInfo, type ImageLimits, validateImage } from "../core/images.js";
import type { EmulatorContext } from "../core/provider.js";
import { parseJsonText } from "../core/validation.js";
import { AITHRIVING_MESSAGES, aithrivingError } from "./errors.js";
import { formFields } from "./schemas.js";

/** A body as fields (numbers already numbers) and the files it carried, by field name. */
export interface ReadBody {
  fields: Record<string, unknown>;
  files: Map<string, File>;
}

const isForm = (type: string | undefined) => /multipart\/form-data|x-www-form-urlencoded/i.test(type ?? "");

/** A value that is an uploaded file (Hono gives `File` for file parts). */
function isFile(value: unknown): value is File {
  return typeof value === "object" && value !== null && "arrayBuffer" in value && "size" in value;
}

async function readForm(c: EmulatorContext): Promise<ReadBody> {
  let form: Record<string, unknown>;
  try {
    form = await c.req.parseBody();
  } catch {
    aithrivingError("INVALID_PARAMETER", AITHRIVING_MESSAGES.notMultipart);
  }
  const files = new Map<string, File>();
  for (const [name, value] of Object.entries(form)) if (isFile(value)) files.set(name, value);
  return { fields: formFields(form), files };
}

/**
 * A JSON endpoint's body. The doc's endpoints take JSON; form data is accepted too, since the
 * upstream Stability endpoints behind sd3/ultra/core take multipart [inferred].
 */
export async function readJsonBody(c: EmulatorContext): Promise<ReadBody> {
  if (isForm(c.req.header("content-type"))) return readForm(c);
  const text = await c.req.text();
  const parsed = parseJsonText(text);
  if (!parsed.ok)
    aithrivingError(
      "INVALID_PARAMETER",
      parsed.tooDeep ? `request body ${parsed.problem}` : AITHRIVING_MESSAGES.notJson,
    );
  const value = parsed.value;
  if (typeof value !== "object" || value === null || Array.isArray(value))
    aithrivingError("INVALID_PARAMETER", AITHRIVING_MESSAGES.notAnObject);
  return { fields: value as Record<string, unknown>, files: new Map() };
}

/** A multipart endpoint's body; anything else is refused. */
export async function readMultipartBody(c: EmulatorContext): Promise<ReadBody> {
  if (!/multipart\/form-data/i.test(c.req.header("content-type") ?? ""))
    aithrivingError("INVALID_PARAMETER", AITHRIVING_MESSAGES.notMultipart);
  return readForm(c);
}

/** An uploaded image: its bytes and what sharp read from them. */
export interface UploadedImage {
  bytes: Buffer;
  info: ImageInfo;
}

/**
 * The image file in `field`, checked to be a readable image within limits. A text value where a
 * file belongs, a missing file or a file that is not an image is the caller's error, named.
 */
export async function requireImage(
  body: ReadBody,
  field: string,
  limits: ImageLimits,
): Promise<UploadedImage> {
  const file = body.files.get(field);
  if (!file) {
    const asText = body.fields[field];
    aithrivingError(
      "INVALID_PARAMETER",
      asText === undefined ? AITHRIVING_MESSAGES.missingFile(field) : AITHRIVING_MESSAGES.notAFile(field),
    );
  }
  const bytes = Buffer.from(await file.arrayBuffer());
  const checked = await validateImage(bytes, limits);
  if (!checked.ok)
    aithrivingError("INVALID_PARAMETER", AITHRIVING_MESSAGES.badImage(field, checked.rejection.message));
  return { bytes, info: checked.info };
}
