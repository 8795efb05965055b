/**
 * Image checks: a downloaded result decodes (sharp) and has the requested width, height and
 * format. Pixels are never compared: live and emulator images differ by design.
 */
import sharp from "sharp";
import { describeValue, type Finding } from "../findings.js";

/** What an image must be; unset properties are not checked. */
export interface ExpectedImage {
  width?: number;
  height?: number;
  /** `png`, `jpeg` (also for `jpg`) or `webp`. */
  format?: string;
}

/** The properties of a decoded image. */
export interface ImageProperties {
  width: number;
  height: number;
  format: string;
  hasAlpha: boolean;
}

const canonicalFormat = (f: string) => (f.toLowerCase() === "jpg" ? "jpeg" : f.toLowerCase());

/** Decodes an image's header; `undefined` when it is not an image sharp can read. */
export async function imageProperties(bytes: Uint8Array): Promise<ImageProperties | undefined> {
  try {
    const meta = await sharp(bytes).metadata();
    if (!meta.width || !meta.height || !meta.format) return undefined;
    return { width: meta.width, height: meta.height, format: meta.format, hasAlpha: meta.hasAlpha ?? false };
  } catch {
    return undefined;
  }
}

/**
 * Checks one downloaded image against what was asked.
 * @param path where the image came from, e.g. `poll: data.result.data.images[0]`.
 */
export async function checkImage(
  path: string,
  bytes: Uint8Array,
  expected: ExpectedImage,
): Promise<{ findings: Finding[]; properties?: ImageProperties }> {
  const properties = await imageProperties(bytes);
  if (!properties) {
    return {
      findings: [
        {
          check: "image",
          severity: "breaking",
          path,
          expected: "a decodable image",
          actual: `${bytes.length} bytes that do not decode`,
          message: "result is not an image",
        },
      ],
    };
  }
  const findings: Finding[] = [];
  const compare = (what: string, want: unknown, got: unknown) => {
    if (want === undefined || want === got) return;
    findings.push({
      check: "image",
      severity: "breaking",
      path: `${path} (${what})`,
      expected: describeValue(want),
      actual: describeValue(got),
      message: `image ${what} differs from the request`,
    });
  };
  compare("width", expected.width, properties.width);
  compare("height", expected.height, properties.height);
  compare("format", expected.format && canonicalFormat(expected.format), canonicalFormat(properties.format));
  return { findings, properties };
}
