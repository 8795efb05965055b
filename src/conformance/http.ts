/**
 * The HTTP layer every client shares: one `fetch` (the target's), JSON or multipart bodies, and a
 * raw view of each answer (status, headers, parsed body) so checks can see exactly what came back.
 */

/** Any `fetch`: the global one, undici's, or the in-process emulator's. */
export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** One answer, as the checks see it. `body` is parsed JSON, or the text when it is not JSON. */
export interface ApiResponse<T = unknown> {
  method: string;
  /** The path relative to the client's base URL, with the query (no host, no key). */
  path: string;
  status: number;
  headers: Headers;
  body: T;
}

/** A downloaded file. */
export interface Download {
  url: string;
  status: number;
  contentType: string | undefined;
  bytes: Buffer;
}

/** What every provider client is built from. */
export interface ClientOptions {
  /** The provider's root, e.g. `https://api.aitubo.ai` or `http://127.0.0.1:4000/aitubo`. */
  baseUrl: string;
  /** The API key; `undefined` sends no Authorization header. */
  key?: string | undefined;
  /** Default: the global `fetch`. */
  fetch?: FetchLike;
  /** Called with every answer (the conformance recorder listens here). */
  onResponse?: (response: ApiResponse) => void;
}

/** A request relative to the base URL. */
export interface RequestSpec {
  method: "GET" | "POST" | "PUT" | "DELETE";
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  json?: unknown;
  form?: FormData;
  headers?: Record<string, string>;
}

/** Joins a base URL and a path without doubling or losing slashes. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, "")}/${path.replace(/^\/+/, "")}`;
}

/** Sends one request and reads the answer whole. */
export async function send<T = unknown>(options: ClientOptions, spec: RequestSpec): Promise<ApiResponse<T>> {
  const doFetch = options.fetch ?? fetch;
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(spec.query ?? {})) if (v !== undefined) params.set(k, String(v));
  const qs = params.toString();
  const relative = qs ? `${spec.path}?${qs}` : spec.path;
  const headers: Record<string, string> = { accept: "application/json", ...spec.headers };
  let body: BodyInit | undefined;
  if (spec.json !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(spec.json);
  } else if (spec.form) body = spec.form;
  const res = await doFetch(joinUrl(options.baseUrl, relative), { method: spec.method, headers, body });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // Not JSON: keep the text, the schema check will say so.
  }
  const answer: ApiResponse = {
    method: spec.method,
    path: relative,
    status: res.status,
    headers: res.headers,
    body: parsed,
  };
  options.onResponse?.(answer);
  return answer as ApiResponse<T>;
}

/** Downloads a file by absolute URL with the client's fetch (no key: result URLs are public). */
export async function download(options: ClientOptions, url: string): Promise<Download> {
  const res = await (options.fetch ?? fetch)(url);
  return {
    url,
    status: res.status,
    contentType: res.headers.get("content-type") ?? undefined,
    bytes: Buffer.from(await res.arrayBuffer()),
  };
}

/** An error code worth naming from a cause chain (`ECONNREFUSED`, `ENOTFOUND`, a TLS code...). */
function codeOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === "string" ? code : undefined;
}

/**
 * Says why a request failed, with the network cause `fetch` hides in `err.cause`
 * (`fetch failed` alone names nothing): `fetch failed: ECONNREFUSED (connect ECONNREFUSED 127.0.0.1:1)`.
 * @example describeError(new TypeError("fetch failed", { cause: { code: "ENOTFOUND", message: "getaddrinfo ENOTFOUND x" } }))
 */
export function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const parts = [err.message];
  let cause: unknown = err.cause;
  for (let depth = 0; cause !== undefined && cause !== null && depth < 4; depth++) {
    const code = codeOf(cause);
    const message = cause instanceof Error ? cause.message : typeof cause === "string" ? cause : "";
    const text = code && !message.includes(code) ? `${code} (${message})` : message || code;
    if (text && !parts.includes(text)) parts.push(text);
    cause = (cause as { cause?: unknown }).cause;
  }
  return parts.join(": ");
}

/** Thrown when a request gets no answer in time; `code` is `ETIMEDOUT` like Node's own. */
export class RequestTimeout extends Error {
  override readonly name = "RequestTimeout";
  readonly code = "ETIMEDOUT";
}

/**
 * Wraps a fetch so every request gives up after `ms` with a {@link RequestTimeout} naming the URL.
 * @example const f = withTimeout(fetch, 30_000);
 */
export function withTimeout(doFetch: FetchLike, ms: number): FetchLike {
  return async function fetchWithTimeout(input, init) {
    const signal = AbortSignal.timeout(ms);
    try {
      return await doFetch(input, { ...init, signal });
    } catch (err) {
      if (signal.aborted) {
        const url = input instanceof Request ? input.url : String(input);
        throw new RequestTimeout(`timeout: no answer within ${ms} ms from ${url}`, { cause: err });
      }
      throw err;
    }
  };
}
