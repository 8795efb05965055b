/**
 * Keeping a server's state in a {@link StateStore}: every request that can change state is
 * recorded, and a restarted server replays them, in order, each at the emulated instant it was
 * first handled.
 *
 * Why requests and not a dump of the stores: every provider's state (jobs, uploads, results whose
 * bytes are rendered from a recipe, TAMS resources, idempotency indexes, scheduled refunds and
 * webhooks) is rebuilt by the same code that built it the first time, so no provider writes a
 * serializer and a new provider is kept without doing anything. What makes a replay give the same
 * state:
 * - ids come from the server's seed (kept in the directory), and the clock is held still while a
 *   request changes state, so a replay at the recorded instant reads the same time;
 * - state-changing requests run one at a time until they answer or wait on the clock, so their
 *   changes happen in the order they are recorded;
 * - the fault rules' actions that fired are recorded and replayed, not matched again;
 * - nothing leaves the process during a replay (webhooks are skipped).
 */
import type { Clock } from "./clock.js";
import type { Change, StateStore } from "./state-dir.js";

/** Methods whose requests are recorded (reads never change what is kept). */
const READ_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
/** Headers not recorded: the transport's own, and the admin token (never written to disk). */
const SKIPPED_HEADERS = new Set([
  "content-length",
  "connection",
  "keep-alive",
  "transfer-encoding",
  "x-emulator-admin-token",
]);
/**
 * How often the store is synced and the clock saved, in wall ms: a wall-clock timer on purpose, since
 * what a SIGKILL can lose is bounded in real seconds whatever the emulated clock does.
 */
const SYNC_MS = 1000;

/** What a request's fault middleware reads and writes (see `provider-middleware.ts`). */
export interface FaultRecord {
  /** Replaying: the actions to apply instead of matching the rules. */
  replay?: readonly unknown[];
  /** Recording: the actions the rules matched. */
  matched?: readonly unknown[];
}

/** A fetch-like app: `(request, env) => response`. */
// biome-ignore lint/suspicious/noExplicitAny: the env is the app's own (Node bindings), passed through
export type AppFetch = (request: Request, env?: any) => Response | Promise<Response>;

/** Options of {@link createRecorder}. */
export interface RecorderOptions {
  store: StateStore;
  clock: Clock;
  /** The app that answers a recorded change's `app` (`""` = the main server). */
  appFor(app: string): AppFetch;
  /** Per-request fault records, shared with the provider middleware. */
  faults: WeakMap<Request, FaultRecord>;
  /** Largest body recorded; a longer one is passed through unrecorded (the body limit refuses it). */
  maxBodyBytes: number;
  log(line: string): void;
}

/** Records and replays a server's state-changing requests. */
export interface Recorder {
  /** Handles a request for `app`, recording it when it can change state. */
  handle(app: string, request: Request, env?: unknown): Promise<Response>;
  /** Replays what the store held; resolves with the number of changes replayed. */
  replay(): Promise<number>;
  /** True while replaying (the admin token is not asked of recorded control requests). */
  readonly replaying: boolean;
  /** Saves the clock, syncs and closes the store. */
  close(): void;
}

/** Reads a body, stopping once it is longer than `max` bytes (`complete: false`). */
async function readBounded(request: Request, max: number): Promise<{ bytes: Buffer; complete: boolean }> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body) {
    for await (const chunk of request.body as unknown as AsyncIterable<Uint8Array>) {
      size += chunk.byteLength;
      chunks.push(chunk);
      if (size > max) return { bytes: Buffer.concat(chunks), complete: false };
    }
  }
  return { bytes: Buffer.concat(chunks), complete: true };
}

/**
 * Creates the recorder of a server.
 * @example
 * const recorder = createRecorder({ store, clock, appFor, faults, maxBodyBytes, log });
 * await recorder.replay();
 * serve({ fetch: (req, env) => recorder.handle("", req, env) });
 */
export function createRecorder(options: RecorderOptions): Recorder {
  const { store, clock } = options;
  let replaying = false;
  // One state-changing request at a time, until it answers or waits on the clock.
  let turn: Promise<void> = Promise.resolve();

  const timer = setInterval(() => {
    try {
      store.sync();
      store.saveClock(clock.now());
    } catch (err) {
      options.log(`state directory: cannot save: ${(err as Error).message}`);
    }
  }, SYNC_MS);
  timer.unref?.();

  const handle = async (app: string, request: Request, env?: unknown): Promise<Response> => {
    const fetchApp = options.appFor(app);
    if (READ_METHODS.has(request.method)) return fetchApp(request, env);
    // A body declared too long is left for the body limit to refuse, unread; nothing to keep.
    if (Number(request.headers.get("content-length")) > options.maxBodyBytes) return fetchApp(request, env);
    const { bytes, complete } = await readBounded(request, options.maxBodyBytes);
    const copy = new Request(request.url, {
      method: request.method,
      headers: request.headers,
      ...(bytes.byteLength > 0 ? { body: new Uint8Array(bytes) } : {}),
    });
    if (!complete) return fetchApp(copy, env); // longer than the limit: refused, nothing to keep

    let unlock!: () => void;
    const previous = turn;
    turn = new Promise((resolve) => {
      unlock = resolve;
    });
    await previous;
    const record: FaultRecord = {};
    options.faults.set(copy, record);
    let change: Change | undefined;
    // The change is written when the request stops changing state: when it waits on the clock
    // (a synchronous provider answering after the run time) or when it answers, whichever is first.
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      try {
        if (change)
          store.append({ ...change, ...(record.matched?.length ? { faults: record.matched } : {}) });
      } finally {
        unlock();
      }
    };
    clock.advance(0); // work that came due runs first, as it will in a replay
    const release = clock.hold({ onThaw: finish });
    change = {
      at: clock.now(),
      app,
      method: request.method,
      url: request.url,
      headers: [...request.headers].filter(([name]) => !SKIPPED_HEADERS.has(name.toLowerCase())),
      ...(bytes.byteLength > 0 ? { body: bytes.toString("base64") } : {}),
    };
    try {
      return await fetchApp(copy, env);
    } finally {
      release();
      finish();
    }
  };

  return {
    handle,
    get replaying() {
      return replaying;
    },
    async replay() {
      const { changes, clockNow } = store.saved;
      if (changes.length === 0 && clockNow === undefined) return 0;
      // The clock's own time at start: where a clock that follows the wall would be now.
      const startedAt = clock.now();
      replaying = true;
      let failed = 0;
      try {
        for (const change of changes) {
          const release = clock.hold({ replay: true });
          try {
            clock.travelTo(change.at);
            const request = new Request(change.url, {
              method: change.method,
              headers: change.headers,
              ...(change.body ? { body: Buffer.from(change.body, "base64") } : {}),
            });
            options.faults.set(request, { replay: change.faults ?? [] });
            const res = await options.appFor(change.app)(request);
            await res.arrayBuffer().catch(() => undefined);
            if (res.status >= 500 && res.status !== 502 && res.status !== 503) failed++;
          } catch {
            failed++;
          } finally {
            release();
          }
        }
        // Emulated time resumes where it was saved; a clock that follows the wall never goes back.
        const last = changes.at(-1)?.at ?? clock.now();
        const saved = Math.max(clockNow ?? last, last);
        const release = clock.hold({ replay: true });
        clock.travelTo(clock.mode === "manual" ? saved : Math.max(saved, startedAt));
        release();
      } finally {
        replaying = false;
      }
      if (failed) options.log(`state directory: ${failed} recorded request(s) failed when replayed`);
      return changes.length;
    },
    close() {
      clearInterval(timer);
      try {
        store.saveClock(clock.now());
      } finally {
        store.close();
      }
    },
  };
}
