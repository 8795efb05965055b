/**
 * An undici dispatcher that answers some requests in process and hands the rest to another
 * dispatcher. Node's own `fetch` (and the `undici` package) look the global dispatcher up on every
 * request, under `Symbol.for("undici.globalDispatcher.1")`, so installing one there also catches
 * clients that kept a reference to `fetch` before it was installed (the official `tams-sdk` does,
 * through node-fetch-native). No `undici` import: a dispatcher is anything with `dispatch(opts,
 * handler)`, and the handler is driven through whichever of undici's two handler APIs it speaks.
 */
import { EventEmitter } from "node:events";

/** Where undici keeps the process-wide dispatcher (the same key in Node's copy and the npm package's). */
export const GLOBAL_DISPATCHER = Symbol.for("undici.globalDispatcher.1");

/** The part of undici's dispatch options we read. */
interface DispatchOptions {
  origin?: string | URL;
  path: string;
  method: string;
  headers?:
    | Record<string, string | string[] | undefined>
    | (string | Buffer)[]
    | Iterable<[string, string]>
    | null;
  body?: unknown;
}

/** The handler methods of undici 6 (Node 20's fetch) and of undici 7's newer API. */
interface DispatchHandler {
  onConnect?(abort: (err?: Error) => void): void;
  onHeaders?(status: number, raw: Buffer[], resume: () => void, statusText: string): boolean | undefined;
  onData?(chunk: Buffer): boolean | undefined;
  onComplete?(trailers: Buffer[] | null): void;
  onError?(err: Error): void;
  onRequestStart?(controller: unknown, context: unknown): void;
  onResponseStart?(
    controller: unknown,
    status: number,
    headers: Record<string, string | string[]>,
    statusText: string,
  ): void;
  onResponseData?(controller: unknown, chunk: Buffer): void;
  onResponseEnd?(controller: unknown, trailers: Record<string, string>): void;
  onResponseError?(controller: unknown, err: Error): void;
}

/** Something with undici's dispatch method. */
export interface DispatcherLike {
  dispatch(opts: unknown, handler: unknown): boolean;
}

/** What to do with a request: answer it in process, pass it on, or fail it with this error. */
export type Route = "emulate" | "pass" | Error;

/** Options of {@link createEmulatorDispatcher}. */
export interface EmulatorDispatcherOptions {
  /** Decides per request URL. */
  route(url: URL): Route;
  /** Answers a request in process. */
  answer(request: Request): Promise<Response>;
  /** Where passed requests go (read on each request). */
  next(): DispatcherLike | undefined;
}

const headerPairs = (headers: DispatchOptions["headers"]): [string, string][] => {
  if (!headers) return [];
  if (Array.isArray(headers)) {
    const out: [string, string][] = [];
    for (let i = 0; i + 1 < headers.length; i += 2) out.push([String(headers[i]), String(headers[i + 1])]);
    return out;
  }
  if (typeof (headers as Iterable<unknown>)[Symbol.iterator] === "function")
    return [...(headers as Iterable<[string, string]>)].map(([k, v]) => [k, String(v)]);
  return Object.entries(headers as Record<string, string | string[] | undefined>).flatMap(([k, v]) =>
    v === undefined ? [] : Array.isArray(v) ? v.map((x) => [k, x] as [string, string]) : [[k, String(v)]],
  );
};

/** Reads a dispatch body (string, bytes, a stream or an async iterable of chunks) into bytes. */
async function readBody(body: unknown): Promise<Uint8Array | undefined> {
  if (body === undefined || body === null) return undefined;
  if (typeof body === "string") return Buffer.from(body);
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (body instanceof Blob) return new Uint8Array(await body.arrayBuffer());
  if (typeof (body as AsyncIterable<unknown>)[Symbol.asyncIterator] === "function") {
    const chunks: Buffer[] = [];
    for await (const chunk of body as AsyncIterable<string | Uint8Array>) chunks.push(Buffer.from(chunk));
    return Buffer.concat(chunks);
  }
  if (body instanceof FormData || body instanceof URLSearchParams)
    return new Uint8Array(await new Response(body).arrayBuffer());
  throw new TypeError(`cannot read a request body of type ${Object.prototype.toString.call(body)}`);
}

/** Drives an undici handler with a Response, through either handler API. */
async function deliver(handler: DispatchHandler, res: Response, isAborted: () => boolean): Promise<void> {
  const controller = { abort() {}, pause() {}, resume() {}, aborted: false, paused: false };
  const pairs: [string, string][] = [];
  res.headers.forEach((value, name) => {
    if (name !== "set-cookie") pairs.push([name, value]);
  });
  for (const cookie of res.headers.getSetCookie()) pairs.push(["set-cookie", cookie]);
  if (handler.onHeaders) {
    handler.onHeaders(
      res.status,
      pairs.flatMap(([k, v]) => [Buffer.from(k), Buffer.from(v)]),
      () => {},
      res.statusText,
    );
  } else {
    const headers: Record<string, string | string[]> = {};
    for (const [k, v] of pairs) {
      const had = headers[k];
      headers[k] = had === undefined ? v : Array.isArray(had) ? [...had, v] : [had, v];
    }
    handler.onResponseStart?.(controller, res.status, headers, res.statusText);
  }
  // The emulator's answers are in memory already: one chunk costs less than walking a stream.
  const buf = Buffer.from(await res.arrayBuffer());
  if (isAborted()) return;
  if (buf.length) {
    if (handler.onData) handler.onData(buf);
    else handler.onResponseData?.(controller, buf);
  }
  if (isAborted()) return;
  if (handler.onComplete) handler.onComplete([]);
  else handler.onResponseEnd?.(controller, {});
}

const fail = (handler: DispatchHandler, err: Error) => {
  if (handler.onError) handler.onError(err);
  else handler.onResponseError?.({ aborted: true }, err);
};

/**
 * Builds the dispatcher.
 * @example
 * const dispatcher = createEmulatorDispatcher({ route, answer: emulators.fetch, next: () => previous });
 * globalThis[GLOBAL_DISPATCHER] = dispatcher;
 */
export function createEmulatorDispatcher(options: EmulatorDispatcherOptions): DispatcherLike & EventEmitter {
  const dispatcher = Object.assign(new EventEmitter(), {
    dispatch(opts: DispatchOptions, handler: DispatchHandler): boolean {
      const url = new URL(opts.path, opts.origin);
      const route = options.route(url);
      if (route === "pass") {
        const next = options.next();
        if (next) return next.dispatch(opts, handler);
        fail(handler, new Error(`imagegen-emulators: no dispatcher to pass ${url.host} through to`));
        return true;
      }
      let aborted = false;
      const abort = () => {
        aborted = true;
      };
      if (handler.onConnect) handler.onConnect(abort);
      else handler.onRequestStart?.({ abort, pause() {}, resume() {}, aborted: false, paused: false }, {});
      if (route instanceof Error) {
        fail(handler, route);
        return true;
      }
      (async () => {
        const body = await readBody(opts.body);
        const request = new Request(url, {
          method: opts.method,
          headers: headerPairs(opts.headers),
          body: opts.method === "GET" || opts.method === "HEAD" ? undefined : (body as BodyInit | undefined),
        });
        const res = await options.answer(request);
        if (!aborted) await deliver(handler, res, () => aborted);
      })().catch((err: unknown) => {
        if (!aborted) fail(handler, err instanceof Error ? err : new Error(String(err)));
      });
      return true;
    },
    close: async () => {},
    destroy: async () => {},
  });
  return dispatcher;
}
