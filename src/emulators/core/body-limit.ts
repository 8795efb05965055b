/**
 * The request-size limit of every provider route, without taking @hono/node-server off its fast
 * path.
 *
 * Hono's own `bodyLimit` reads `c.req.raw.body` first, which makes @hono/node-server build a full
 * web `Request`, an `AbortController` and a `ReadableStream` over the socket for every POST (about
 * 15% of a job creation in a CPU profile). When the request came over Node's HTTP server with a
 * `Content-Length` and no `Transfer-Encoding`, Node itself guarantees the body is exactly that long,
 * so the header alone decides; a chunked upload, or a request made in process, still goes through
 * Hono's middleware, which counts the bytes as they stream.
 */
import type { MiddlewareHandler } from "hono";
import { bodyLimit as honoBodyLimit } from "hono/body-limit";
import type { EmulatorContext, EmulatorEnv } from "./provider.js";

/** Options of {@link bodyLimit}. */
export interface BodyLimitOptions {
  maxSize: number;
  /** The answer to a body over the limit (the provider's own 413). */
  onError(c: EmulatorContext): Response | Promise<Response>;
}

/**
 * Builds the body-limit middleware.
 * @example
 * app.on(["POST", "PUT"], "*", bodyLimit({ maxSize: 1024, onError: () => new Response(null, { status: 413 }) }));
 */
export function bodyLimit(options: BodyLimitOptions): MiddlewareHandler<EmulatorEnv> {
  const streaming = honoBodyLimit({ maxSize: options.maxSize, onError: options.onError });
  return async function emulatorBodyLimit(c, next) {
    const headers = c.env?.incoming?.headers;
    const length = headers?.["content-length"];
    if (length !== undefined && headers?.["transfer-encoding"] === undefined) {
      // Node's parser refused a malformed or repeated Content-Length before we got here.
      if (Number(length) > options.maxSize) return options.onError(c);
      await next();
      return;
    }
    return streaming(c, next);
  };
}
