/**
 * Runs one generated request and checks the properties every answer must have:
 * - no 5xx, except the ones a provider documents (listed below with the reason);
 * - a refusal is in the provider's own error shape;
 * - a refusal leaves nothing behind: no job, charge, file, tenant or fault (the control plane's
 *   state before and after);
 * - an accepted request's files render (fetched and decoded).
 * A failure is reported with the request as a `curl` line.
 */
import fc from "fast-check";
import sharp from "sharp";
import * as z from "zod";
import { QOLABA_ERRORS, QOLABA_MESSAGES } from "../../src/emulators/qolaba/errors.js";
import { type FuzzBody, headerText } from "./arbitraries.js";
import type { Fixtures, FuzzTarget } from "./fixtures.js";
import { type AuthStyle, type MiddlewareSpec, ROUTES, type RouteSpec, routeKey } from "./routes.js";

/** A request as sent. */
export interface FuzzRequest {
  method: string;
  /** Full path (with the provider prefix), percent-encoded. */
  path: string;
  query?: string;
  headers: [string, string][];
  body?: FuzzBody;
}

/** A registered route and its recipe. */
export interface FuzzRoute {
  /** `aitubo`, `tams`, ..., `control` or `server`. */
  scope: string;
  method: string;
  pattern: string;
  /** The URL prefix of the scope (`/aitubo`, or empty for the server's own routes). */
  prefix: string;
  spec: RouteSpec;
}

/**
 * 5xx answers a provider documents, by scope, with the reason. Anything else is a bug.
 */
export const DOCUMENTED_5XX: Record<
  string,
  { reason: string; allows(status: number, body: unknown): boolean }
> = {
  qolaba: {
    reason:
      "Qolaba's backend answers HTTP 500 for an invalid key, an unknown app id, an image URL it cannot read, " +
      "a failed generation, a task past its time limit and a credit shortfall (src/utils/Exceptions.py) " +
      "[backend]; any other 500 is a bug",
    allows: (status, body) => {
      if (status !== 500 || typeof body !== "object" || body === null) return false;
      const { error, error_data } = body as { error?: unknown; error_data?: unknown };
      return (
        error === QOLABA_ERRORS.IMAGE_FETCH ||
        error === QOLABA_ERRORS.GENERATION ||
        error === QOLABA_ERRORS.INSUFFICIENT_CREDITS ||
        (error === QOLABA_ERRORS.INVALID_KEY &&
          (
            [QOLABA_MESSAGES.invalidKey, QOLABA_MESSAGES.unknownApp, QOLABA_MESSAGES.timeLimit] as unknown[]
          ).includes(error_data))
      );
    },
  },
};

const aituboError = z
  .object({
    code: z
      .number()
      .int()
      .refine((c) => c !== 0),
    info: z.string().min(1),
    data: z.null(),
  })
  .strict();
const aithrivingError = z
  .object({ code: z.literal(-1), message: z.string().min(1), data: z.null() })
  .strict();
const tamsError = z
  .object({
    code: z.number().int().min(1).max(16),
    message: z.string().min(1),
    details: z
      .array(z.object({ "@type": z.string(), field: z.string(), message: z.string() }).strict())
      .optional(),
  })
  .strict();
const qolabaError = z
  .object({
    time_required: z.object({}).passthrough(),
    error: z.string().min(1),
    error_data: z.union([
      z.string(),
      z
        .object({
          errors: z
            .array(z.object({ field: z.string(), message: z.string(), type: z.string() }).strict())
            .min(1),
        })
        .strict(),
    ]),
    input: z.object({}).passthrough(),
    output: z.object({}).passthrough(),
    app_id: z.string().nullable(),
    task_id: z.string().nullable(),
    status: z.literal("FAILED"),
  })
  .strict();
const controlError = z
  .object({ error: z.object({ message: z.string().min(1), field: z.string().optional() }).strict() })
  .strict();
const OSS_XML =
  /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<Error>\n {2}<Code>\w+<\/Code>\n {2}<Message>[^<]*<\/Message>\n<\/Error>\n$/;

/** An answer, read once. */
interface Answer {
  status: number;
  type: string;
  bytes: Buffer;
  json: unknown;
}

/** True when the answer refuses the request (HTTP error, or a failure envelope on HTTP 200). */
function isRefusal(scope: string, a: Answer): boolean {
  if (a.status >= 400) return true;
  const body = a.json as Record<string, unknown> | undefined;
  if (!body || typeof body !== "object") return false;
  if (scope === "aitubo" || scope === "aithriving") return "code" in body && body.code !== 0;
  if (scope === "qolaba") return body.status === "FAILED";
  return false;
}

/** Why a refusal is not in its scope's error shape, or undefined. */
function shapeProblem(scope: string, path: string, a: Answer): string | undefined {
  const tamsStorage = scope === "tams" && /^\/tams\/(upload\/|oss\/?$|files\/)/.test(path);
  if (tamsStorage) {
    if (a.status === 200 && a.json !== undefined) return undefined;
    return a.type === "application/xml" && OSS_XML.test(a.bytes.toString("utf8"))
      ? undefined
      : `not OSS XML: ${a.type} ${a.bytes.toString("utf8").slice(0, 200)}`;
  }
  const schema =
    { aitubo: aituboError, aithriving: aithrivingError, tams: tamsError, qolaba: qolabaError }[scope] ??
    controlError;
  const parsed = schema.safeParse(a.json);
  return parsed.success
    ? undefined
    : `not the ${scope} error shape (${parsed.error.issues[0]?.path.join(".")}: ${parsed.error.issues[0]?.message}): ${a.bytes.toString("utf8").slice(0, 300)}`;
}

/** What a refusal must not change: jobs, balances, files, tenants, faults, TAMS resources. */
async function snapshot(t: FuzzTarget): Promise<string> {
  const state = (await (await t.server.fetch("/__emulator/state")).json()) as {
    providers: unknown;
    tenants: { requests?: number }[];
    files: { count: number };
    faults: { rule: unknown }[];
  };
  return JSON.stringify({
    providers: state.providers,
    tenants: state.tenants.map(({ requests: _, ...t }) => t),
    files: state.files.count,
    faults: state.faults.map((f) => f.rule),
  });
}

/** The Authorization headers a request may carry, for a route that reads keys one way. */
export function authHeaders(style: AuthStyle, f: Fixtures): fc.Arbitrary<[string, string][]> {
  const scheme = (k: string) => (style === "raw" ? k : `Bearer ${k}`);
  const freshKey = fc.stringMatching(/^[a-z0-9]{1,24}$/).map((s) => `fz-${s}`);
  return fc.oneof(
    {
      weight: style === "none" ? 1 : 12,
      arbitrary: fc.constant<[string, string][]>([["authorization", scheme(f.key)]]),
    },
    { weight: 2, arbitrary: freshKey.map((k): [string, string][] => [["authorization", scheme(k)]]) },
    { weight: 1, arbitrary: fc.constant<[string, string][]>([["authorization", scheme(f.poorKey)]]) },
    { weight: 2, arbitrary: fc.constant<[string, string][]>([]) },
    {
      weight: 2,
      arbitrary: fc
        .oneof(
          headerText,
          fc.constantFrom(
            "Bearer",
            "Bearer ",
            "Basic dXNlcjpwYXNz",
            "bearer  x",
            `Bearer ${"k".repeat(10_000)}`,
            "TAMS-SHA256-RSA app_id=a",
          ),
        )
        .map((v): [string, string][] => (v ? [["authorization", v]] : [])),
    },
    {
      weight: 1,
      arbitrary: fc.constant<[string, string][]>([
        ["authorization", scheme(f.key)],
        ["authorization", scheme("fz-second")],
      ]),
    },
  );
}

/** Requests for a route: its recipe's parts, with headers. */
export function requests(route: FuzzRoute, f: Fixtures): fc.Arbitrary<FuzzRequest> {
  return fc
    .tuple(
      route.spec.parts(f),
      authHeaders(route.spec.auth, f),
      fc.option(fc.tuple(headerText, headerText), { freq: 5 }),
    )
    .map(([parts, auth, extra]) => ({
      method: route.method,
      path: `${route.prefix}${parts.path}`,
      ...(parts.query ? { query: parts.query } : {}),
      headers: [
        ...auth,
        ...(parts.body?.contentType
          ? ([["content-type", parts.body.contentType]] as [string, string][])
          : []),
        ...(extra &&
        /^[a-z-]+$/i.test(extra[0]) &&
        !/^(host|content-length|transfer-encoding|connection)$/i.test(extra[0])
          ? ([[`x-${extra[0]}`, extra[1]]] as [string, string][])
          : []),
      ],
      ...(parts.body ? { body: parts.body } : {}),
    }));
}

/** Every route of every provider (from each provider's own app) and of the server (control plane). */
export function discoverRoutes(
  t: FuzzTarget,
): { key: string; scope: string; method: string; pattern: string; prefix: string }[] {
  const out: { key: string; scope: string; method: string; pattern: string; prefix: string }[] = [];
  for (const [name, app] of t.apps) {
    for (const r of app.routes)
      out.push({
        key: routeKey(name, r.method, r.path),
        scope: name,
        method: r.method,
        pattern: r.path,
        prefix: `/${name}`,
      });
  }
  const delegates = new Set([...t.apps.keys()].flatMap((n) => [`/${n}`, `/${n}/*`]));
  for (const r of t.server.app.routes) {
    if (delegates.has(r.path)) continue;
    const scope = r.path.startsWith("/__emulator") ? "control" : "server";
    out.push({
      key: routeKey(scope, r.method, r.path),
      scope,
      method: r.method,
      pattern: r.path,
      prefix: "",
    });
  }
  // A route registered twice (a sub-app's routes appear once per registration) is one route.
  return [...new Map(out.map((r) => [r.key, r])).values()];
}

/** The routes with recipes, and what is missing either way. */
export function fuzzRoutes(t: FuzzTarget): { routes: FuzzRoute[]; uncovered: string[]; stale: string[] } {
  const found = discoverRoutes(t);
  const keys = new Set(found.map((r) => r.key));
  const routes: FuzzRoute[] = [];
  const uncovered: string[] = [];
  for (const r of found) {
    const spec = ROUTES[r.key] as RouteSpec | MiddlewareSpec | undefined;
    if (!spec) uncovered.push(r.key);
    else if (!("middleware" in spec)) routes.push({ ...r, spec });
  }
  return { routes, uncovered, stale: Object.keys(ROUTES).filter((k) => !keys.has(k)) };
}

/** The request as a `curl` line against a server on port 4000 (paste it and run it). */
export function toCurl(req: FuzzRequest): string {
  const q = (s: string) =>
    `$'${s.replace(/[\\']/g, (c) => `\\${c}`).replace(/[\x00-\x1f\x7f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`)}'`;
  const parts = [
    "curl -sS",
    `-X ${req.method}`,
    q(`http://127.0.0.1:4000${req.path}${req.query ? `?${req.query}` : ""}`),
  ];
  for (const [k, v] of req.headers) parts.push(`-H ${q(`${k}: ${v}`)}`);
  if (req.body) {
    const data = req.body.data;
    const bytes = typeof data === "string" ? Buffer.from(data) : Buffer.from(data);
    const printable = typeof data === "string" && bytes.length <= 2000 && !/[\ud800-\udfff]/.test(data);
    parts.push(
      printable ? `--data-binary ${q(data)}` : `--data-binary @<(base64 -d <<< ${bytes.toString("base64")})`,
    );
  }
  return parts.join(" ");
}

/** Sends a request in process, reading the answer once. */
async function send(t: FuzzTarget, req: FuzzRequest): Promise<Answer> {
  const headers = new Headers();
  for (const [k, v] of req.headers) headers.append(k, v);
  const res = await t.server.fetch(`http://localhost${req.path}${req.query ? `?${req.query}` : ""}`, {
    method: req.method,
    headers,
    ...(req.body && req.method !== "GET" && req.method !== "HEAD" ? { body: req.body.data as BodyInit } : {}),
  });
  const type = res.headers.get("content-type") ?? "";
  if (type.startsWith("text/event-stream")) {
    // An event stream never ends: its status and first event are the answer; then hang up.
    const reader = res.body!.getReader();
    const first = await reader.read();
    await reader.cancel();
    return { status: res.status, type, bytes: Buffer.from(first.value ?? []), json: undefined };
  }
  const bytes = Buffer.from(await res.arrayBuffer());
  let json: unknown;
  if (/json/.test(type)) {
    try {
      json = JSON.parse(bytes.toString("utf8"));
    } catch {
      json = undefined;
    }
  }
  return { status: res.status, type, bytes, json };
}

/** Why an image does not decode, or undefined. */
async function imageProblem(bytes: Buffer, what: string): Promise<string | undefined> {
  try {
    const meta = await sharp(bytes).metadata();
    return meta.width && meta.height ? undefined : `${what}: no size`;
  } catch (err) {
    return `${what} does not decode: ${(err as Error).message}`;
  }
}

/** Strings in a value that are emulator file URLs. */
function fileUrls(value: unknown, out: string[] = []): string[] {
  if (typeof value === "string") {
    if (/^http:\/\/localhost\/[^?]*\/files?\//.test(value) && !/\/(upload|oss)\b/.test(value))
      out.push(value);
  } else if (value && typeof value === "object") for (const v of Object.values(value)) fileUrls(v, out);
  return out;
}

/** Fetches a URL and checks it is an image. */
async function fetchImage(t: FuzzTarget, url: string): Promise<string | undefined> {
  const res = await t.server.fetch(url);
  if (res.status !== 200) return `GET ${url} answered ${res.status}: ${(await res.text()).slice(0, 200)}`;
  return imageProblem(Buffer.from(await res.arrayBuffer()), `GET ${url}`);
}

/** The accepted request's files: found by following the job to its result, then fetched. */
async function resultsProblem(
  t: FuzzTarget,
  route: FuzzRoute,
  a: Answer,
  authorization: string,
): Promise<string | undefined> {
  // biome-ignore lint/suspicious/noExplicitAny: answers are read by field
  const body = a.json as any;
  let urls: string[] = [];
  switch (route.spec.results) {
    case undefined:
      return undefined;
    case "urls":
      urls = fileUrls(body);
      break;
    case "inline": {
      const images = [body?.data?.image, ...(body?.data?.images ?? [])].filter((v) => typeof v === "string");
      if (images.length === 0) return `accepted, but no image in ${a.bytes.toString("utf8").slice(0, 200)}`;
      for (const b64 of images) {
        const problem = await imageProblem(Buffer.from(b64, "base64"), "the inline image");
        if (problem) return problem;
      }
      return undefined;
    }
    case "aitubo-job": {
      const id = body?.data?.id;
      const res = await t.server.fetch(`/aitubo/api/job/get?id=${encodeURIComponent(id)}`);
      const job: typeof body = await res.json();
      const result = job?.data?.result?.data;
      if (job?.data?.status !== 2 && !result) return undefined; // failed on purpose (not our property)
      urls = (result?.images ?? []).map((p: string) => `${result.domain}${p}`);
      if (urls.length === 0)
        return `job ${id} succeeded without images: ${JSON.stringify(job).slice(0, 300)}`;
      break;
    }
    case "tams-job": {
      const id = body?.job?.id;
      const res = await t.server.fetch(`/tams/v1/jobs/${id}`, { headers: { authorization } });
      const job = ((await res.json()) as typeof body)?.job;
      if (job?.status !== "SUCCESS") return undefined;
      urls = [...(job.successInfo?.images ?? []), ...(job.successInfo?.videos ?? [])].map(
        (i: { url: string }) => i.url,
      );
      break;
    }
    case "qolaba-task": {
      let envelope = body;
      if (envelope?.status === "PENDING" && envelope.task_id) {
        const res = await t.server.fetch("/qolaba/getImage", {
          method: "POST",
          headers: { authorization, "content-type": "application/json" },
          body: JSON.stringify({ task_id: envelope.task_id }),
        });
        envelope = await res.json();
      }
      if (envelope?.status !== "SUCCESS") return undefined;
      urls = envelope.output?.result ?? [];
      break;
    }
  }
  for (const url of urls) {
    const problem = await fetchImage(t, url);
    if (problem) return problem;
  }
  return undefined;
}

/** How the requests checked so far were answered (what a run reports, so a weak generator shows). */
export const outcomes = { accepted: 0, refused: 0, documented5xx: 0 };

/**
 * Sends one request and checks every property; resolves with the problem, or undefined.
 * @example const problem = await checkRequest(target, route, req);
 */
export async function checkRequest(
  t: FuzzTarget,
  route: FuzzRoute,
  req: FuzzRequest,
): Promise<string | undefined> {
  const before = await snapshot(t);
  let a: Answer;
  try {
    a = await send(t, req);
  } catch (err) {
    return `the request failed: ${(err as Error).message}`;
  }
  if (a.status >= 500) {
    if (!DOCUMENTED_5XX[route.scope]?.allows(a.status, a.json))
      return `HTTP ${a.status} (undocumented): ${a.bytes.toString("utf8").slice(0, 300)}`;
    outcomes.documented5xx++;
  }
  if (isRefusal(route.scope, a)) {
    outcomes.refused++;
    // The path the server saw: the URL parser resolves `..` (so does curl, without --path-as-is).
    const seen = new URL(`http://localhost${req.path}`).pathname;
    const shape = shapeProblem(route.scope, seen, a);
    if (shape) return `HTTP ${a.status} ${shape}`;
    const after = await snapshot(t);
    if (after !== before)
      return `refused (HTTP ${a.status}), yet the state changed:\n  before ${before}\n  after  ${after}`;
    return undefined;
  }
  outcomes.accepted++;
  // Follow-up calls carry the accepted request's own Authorization (joined, as fetch joins duplicates).
  const authorization = req.headers
    .filter(([k]) => k === "authorization")
    .map(([, v]) => v)
    .join(", ");
  return resultsProblem(t, route, a, authorization);
}

/** A property over one route, failing with the problem and the request as curl. */
export function routeProperty(t: FuzzTarget, route: FuzzRoute) {
  return fc.asyncProperty(requests(route, t.fixtures), async (req) => {
    const problem = await checkRequest(t, route, req);
    if (problem)
      throw new Error(`${route.scope} ${route.method} ${route.pattern}: ${problem}\n${toCurl(req)}`);
  });
}
