/**
 * Recording and comparing (LocalStack's snapshots): `--record` writes a scenario's normalized
 * responses to `fixtures/<provider>/recorded/<scenario>.json`; later runs are compared with it,
 * JSON path by JSON path. Recordings are only ever written here, and never hold a key or an
 * Authorization header (only statuses and bodies are kept, and keys are scrubbed again on write).
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { describeValue, type Finding, jsonType } from "./findings.js";
import { labelled, type PathSegment } from "./json-path.js";

/** One normalized response of a scenario. */
export interface Snapshot {
  label: string;
  value: unknown;
}

/** A recording file. */
export interface Recording {
  provider: string;
  scenario: string;
  /** Where it was recorded: `live` or an http base URL's kind (never the key). */
  target: string;
  recordedAt: string;
  snapshots: Record<string, unknown>;
}

/** Where a scenario's recording lives under a fixtures directory. */
export function recordingPath(fixturesDir: string, provider: string, scenario: string): string {
  return join(fixturesDir, provider, "recorded", `${scenario}.json`);
}

/** Reads a recording; `undefined` when there is none. */
export async function readRecording(file: string): Promise<Recording | undefined> {
  try {
    return JSON.parse(await readFile(file, "utf8")) as Recording;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
}

/** Removes anything that looks like credentials, whatever the normalizers did. */
function scrubSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s) out = out.split(s).join("<api-key>");
  return out
    .replace(/("authorization"\s*:\s*)"[^"]*"/gi, '$1"<redacted>"')
    .replace(/Bearer [\w.~+/=-]+/g, "Bearer <api-key>");
}

/** Writes a recording (creating folders). `secrets` are scrubbed from the text before it is written. */
export async function writeRecording(
  file: string,
  recording: Recording,
  secrets: readonly string[],
): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, `${scrubSecrets(JSON.stringify(recording, null, 2), secrets)}\n`, "utf8");
}

/** Builds a recording from a run's snapshots. */
export function toRecording(
  provider: string,
  scenario: string,
  target: string,
  snapshots: readonly Snapshot[],
): Recording {
  return {
    provider,
    scenario,
    target,
    recordedAt: new Date().toISOString(),
    snapshots: Object.fromEntries(snapshots.map((s) => [s.label, s.value])),
  };
}

/** Diffs two JSON values; `expected` is the recording. Missing, type and value changes break; extra fields are info. */
function diff(expected: unknown, actual: unknown, label: string, segs: PathSegment[], out: Finding[]): void {
  const at = labelled(label, segs);
  const push = (severity: Finding["severity"], message: string, exp: unknown, act: unknown): void => {
    out.push({
      check: "snapshot",
      severity,
      path: at,
      expected: describeValue(exp),
      actual: describeValue(act),
      message,
    });
  };
  if (expected === undefined && actual !== undefined) {
    push("info", "field not in the recording", expected, actual);
    return;
  }
  if (actual === undefined) {
    push("breaking", "recorded field is missing", expected, actual);
    return;
  }
  if (jsonType(expected) !== jsonType(actual)) {
    out.push({
      check: "snapshot",
      severity: "breaking",
      path: at,
      expected: `${jsonType(expected)} ${describeValue(expected)}`,
      actual: `${jsonType(actual)} ${describeValue(actual)}`,
      message: "type differs from the recording",
    });
    return;
  }
  if (Array.isArray(expected) && Array.isArray(actual)) {
    if (expected.length !== actual.length)
      push("breaking", "array length differs from the recording", expected, actual);
    for (let i = 0; i < Math.min(expected.length, actual.length); i++)
      diff(expected[i], actual[i], label, [...segs, i], out);
    return;
  }
  if (expected !== null && typeof expected === "object") {
    const e = expected as Record<string, unknown>;
    const a = actual as Record<string, unknown>;
    for (const k of new Set([...Object.keys(e), ...Object.keys(a)]))
      diff(e[k], a[k], label, [...segs, k], out);
    return;
  }
  if (expected !== actual) push("breaking", "value differs from the recording", expected, actual);
}

/**
 * Compares a run's snapshots with a recording. A label recorded but not seen, or seen but not
 * recorded, is reported too (the scenario took another path).
 */
export function compareWithRecording(recording: Recording, snapshots: readonly Snapshot[]): Finding[] {
  const out: Finding[] = [];
  const current = new Map(snapshots.map((s) => [s.label, s.value]));
  for (const [label, value] of Object.entries(recording.snapshots)) {
    if (!current.has(label)) {
      out.push({
        check: "snapshot",
        severity: "breaking",
        path: label,
        expected: "a response (recorded)",
        actual: "(not seen in this run)",
        message: "recorded response was not produced",
      });
      continue;
    }
    diff(value, current.get(label), label, [], out);
  }
  for (const label of current.keys()) {
    if (!(label in recording.snapshots))
      out.push({
        check: "snapshot",
        severity: "info",
        path: label,
        expected: "(not recorded)",
        actual: "a response",
        message: "response not in the recording",
      });
  }
  return out;
}
