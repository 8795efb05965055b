/**
 * The state directory (`serve --state-dir DIR`): the one store a server keeps its state in, as
 * plain files.
 *
 * - `format.json`: the format version and the settings the state was made under (written once,
 *   atomically: temp file, fsync, rename).
 * - `changes.jsonl`: every request that could change state, one JSON line each, appended before
 *   its answer leaves (so a killed process loses nothing the OS has; an fsync runs at most a
 *   second later, so a power cut loses at most that second). Only the last line can be torn by a
 *   kill; it is cut on open.
 * - `clock.json`: the emulated time, rewritten atomically every second and at close.
 *
 * What a change means is the server's business (see `persistence.ts`); this module only keeps
 * them in order.
 */
import {
  closeSync,
  existsSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";

/** The version of the directory's layout and records; bumped on any incompatible change. */
export const STATE_FORMAT = 1;

const FORMAT_FILE = "format.json";
const CHANGES_FILE = "changes.jsonl";
const CLOCK_FILE = "clock.json";

/** One recorded request. */
export interface Change {
  /** Emulated time when it was handled. */
  at: number;
  /** Which app answered it: `""` for the main server, a provider's name for its own port. */
  app: string;
  method: string;
  url: string;
  headers: [string, string][];
  /** The body, base64. */
  body?: string;
  /** The fault rules' actions that fired for it (replayed as they were, not matched again). */
  faults?: readonly unknown[];
}

/** What a directory held when opened. */
export interface SavedState {
  /** The settings it was made under. */
  settings: Record<string, unknown>;
  changes: Change[];
  /** The emulated time last saved, if any. */
  clockNow?: number;
}

/** The store: append changes, save the clock, start over. */
export interface StateStore {
  readonly dir: string;
  /** What the directory held when opened (empty for a new one). */
  readonly saved: SavedState;
  /** Appends a change; in the OS's hands when this returns. */
  append(change: Change): void;
  /** Records the emulated time (atomically). */
  saveClock(now: number): void;
  /** Drops every change (a full reset left nothing to keep). */
  clear(): void;
  /** Flushes to disk now (what the one-second timer does). */
  sync(): void;
  /** Syncs and closes; the store is unusable after. */
  close(): void;
}

/** A directory that cannot be used, with a message a user can act on. */
export class StateDirError extends Error {}

/** Writes a file atomically: a temp file, fsync, rename over the old one. */
function writeAtomic(path: string, text: string): void {
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, "w", 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

/** Reads the changes, cutting a torn last line (a kill mid-write) off the file. */
function readChanges(path: string): Change[] {
  if (!existsSync(path)) return [];
  const buf = readFileSync(path);
  const changes: Change[] = [];
  let start = 0;
  let good = 0;
  while (start < buf.length) {
    const end = buf.indexOf(0x0a, start);
    if (end < 0) break; // no newline: the tail was being written when the process died
    const line = buf.subarray(start, end).toString("utf8");
    try {
      changes.push(JSON.parse(line) as Change);
    } catch {
      if (buf.indexOf(0x0a, end + 1) >= 0)
        throw new StateDirError(
          `${path}: line ${changes.length + 1} is not readable; the file was edited or damaged`,
        );
      break;
    }
    start = end + 1;
    good = start;
  }
  if (good < buf.length) {
    const fd = openSync(path, "r+");
    try {
      ftruncateSync(fd, good);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }
  return changes;
}

/** The settings a state directory was made under, if it is one (nothing is checked or written). */
export function storedSettings(dir: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, FORMAT_FILE), "utf8")).settings;
  } catch {
    return undefined;
  }
}

/**
 * Opens (or creates) a state directory for a server with these settings. Throws
 * {@link StateDirError} when the directory is not one, was written in another format, or was made
 * under other settings (replaying it under different ones would not give the same state).
 * @example
 * const store = openStateDir(".emulator-state", { clock: "realtime", seed: 7 });
 */
export function openStateDir(dir: string, settings: Record<string, unknown>): StateStore {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const formatPath = join(dir, FORMAT_FILE);
  let saved: SavedState;
  if (!existsSync(formatPath)) {
    const others = readdirSync(dir).filter((f) => !f.startsWith("."));
    if (others.length)
      throw new StateDirError(
        `${dir} is not an imagegen-emulators state directory (it has files but no ${FORMAT_FILE}); use an empty or new directory`,
      );
    writeAtomic(formatPath, `${JSON.stringify({ format: STATE_FORMAT, settings }, null, 2)}\n`);
    saved = { settings, changes: [] };
  } else {
    let format: { format?: unknown; settings?: Record<string, unknown> };
    try {
      format = JSON.parse(readFileSync(formatPath, "utf8"));
    } catch {
      throw new StateDirError(`${formatPath} is not readable JSON; use a new directory`);
    }
    if (format.format !== STATE_FORMAT)
      throw new StateDirError(
        `${dir} was written in state format ${JSON.stringify(format.format)}, and this version reads format ${STATE_FORMAT} only; start with the version that wrote it, or a new directory`,
      );
    const stored = format.settings ?? {};
    const differ = Object.keys({ ...stored, ...settings }).filter(
      (k) => JSON.stringify(stored[k]) !== JSON.stringify(settings[k]),
    );
    if (differ.length)
      throw new StateDirError(
        `${dir} was made with other settings (${differ
          .map((k) => `${k}: ${JSON.stringify(stored[k])} then, ${JSON.stringify(settings[k])} now`)
          .join("; ")}); start with the same ones, or a new directory`,
      );
    let clockNow: number | undefined;
    try {
      clockNow = JSON.parse(readFileSync(join(dir, CLOCK_FILE), "utf8")).now;
    } catch {
      clockNow = undefined;
    }
    saved = {
      settings: stored,
      changes: readChanges(join(dir, CHANGES_FILE)),
      ...(typeof clockNow === "number" ? { clockNow } : {}),
    };
  }
  const fd = openSync(join(dir, CHANGES_FILE), "a", 0o600);
  let dirty = false;
  let open = true;
  return {
    dir,
    saved,
    append(change) {
      writeSync(fd, `${JSON.stringify(change)}\n`);
      dirty = true;
    },
    saveClock(now) {
      writeAtomic(join(dir, CLOCK_FILE), `${JSON.stringify({ now, iso: new Date(now).toISOString() })}\n`);
    },
    clear() {
      ftruncateSync(fd, 0);
      fsyncSync(fd);
      dirty = false;
    },
    sync() {
      if (dirty && open) fsyncSync(fd);
      dirty = false;
    },
    close() {
      if (!open) return;
      if (dirty) fsyncSync(fd);
      open = false;
      closeSync(fd);
    },
  };
}
