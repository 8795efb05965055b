/**
 * Walks the request and response types the official TAMS client declares (`tams-sdk`'s
 * `dist/index.d.ts`, generated from TAMS's own API description), parsed with the TypeScript
 * compiler API, and checks them against the emulator:
 * - every response field is present in the emulator's answers (jobs in every status, cancel, model,
 *   both upload answers, an error) or listed in the README's table "TAMS: official types not
 *   emulated" with a reason;
 * - every request field is a field of the emulator's request schema (accepted), or listed there as
 *   refused or ignored on purpose.
 * A field the next SDK version adds fails this test until it is emulated or listed.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import ts from "typescript";
import { afterAll, describe, expect, it } from "vitest";
import type { z } from "zod";
import { createJobSchema, createResourceSchema } from "../src/emulators/tams/schemas.js";
import { call, finishAll, tamsServer } from "../src/emulators/tams/test-kit.js";

const require = createRequire(import.meta.url);
// The package exports only `.` and `./package.json`: find the declarations beside its package.json.
const DTS = readFileSync(
  new URL("dist/index.d.ts", `file://${require.resolve("tams-sdk/package.json")}`),
  "utf8",
);
const README = readFileSync(new URL("../README.md", import.meta.url), "utf8");

// ---- the declarations ----

interface Member {
  name: string;
  /** The interface a field refers to (directly or as array items), if any. */
  ref?: string;
  array: boolean;
  /** `@min`, `@max`, `@format` from its JSDoc. */
  tags: Record<string, string>;
}

const source = ts.createSourceFile("index.d.ts", DTS, ts.ScriptTarget.Latest, true);
const interfaces = new Map<string, Member[]>();
/** Enum name → its member names, in declaration (proto) order. */
const enums = new Map<string, string[]>();
source.forEachChild((node) => {
  if (ts.isEnumDeclaration(node))
    enums.set(
      node.name.text,
      node.members.map((m) => m.name.getText(source)),
    );
  if (!ts.isInterfaceDeclaration(node)) return;
  const members: Member[] = [];
  for (const m of node.members) {
    // Index signatures (ProtobufAny's `[key: string]: any`) name no field.
    if (!ts.isPropertySignature(m) || !m.type) continue;
    const name = m.name.getText(source).replace(/^'|'$/g, "");
    let type = m.type;
    const array = ts.isArrayTypeNode(type);
    if (ts.isArrayTypeNode(type)) type = type.elementType;
    const ref = ts.isTypeReferenceNode(type) ? type.typeName.getText(source) : undefined;
    const tags: Record<string, string> = {};
    for (const tag of ts.getJSDocTags(m)) {
      const text = typeof tag.comment === "string" ? tag.comment.trim() : "";
      if (["min", "max", "format"].includes(tag.tagName.text)) tags[tag.tagName.text] = text;
    }
    members.push({ name, array, tags, ...(ref ? { ref } : {}) });
  }
  interfaces.set(node.name.text, members);
});

/** Every field path under an interface: `job.successInfo.images[].url`. */
function paths(root: string, prefix = "", seen: readonly string[] = []): string[] {
  const out: string[] = [];
  for (const m of interfaces.get(root) ?? []) {
    const path = `${prefix}${m.name}${m.array ? "[]" : ""}`;
    out.push(path);
    if (m.ref && interfaces.has(m.ref) && !seen.includes(m.ref))
      out.push(...paths(m.ref, `${path}.`, [...seen, root]));
  }
  return out;
}

/** Every field under an interface, with the interface that declares it. */
function fields(
  root: string,
  prefix = "",
  seen: readonly string[] = [],
): { path: string; owner: string; member: Member }[] {
  const out: { path: string; owner: string; member: Member }[] = [];
  for (const m of interfaces.get(root) ?? []) {
    const path = `${prefix}${m.name}${m.array ? "[]" : ""}`;
    out.push({ path, owner: root, member: m });
    if (m.ref && interfaces.has(m.ref) && !seen.includes(m.ref))
      out.push(...fields(m.ref, `${path}.`, [...seen, root]));
  }
  return out;
}

/** Paths present in a JSON answer, in the same notation. */
function observed(value: unknown, prefix = "", into = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    for (const item of value) observed(item, prefix, into);
  } else if (value && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      const path = `${prefix}${k}${Array.isArray(v) ? "[]" : ""}`;
      into.add(path);
      observed(v, `${path}.`, into);
    }
  }
  return into;
}

/** README rows `| Interface | path | status | reason |` of the "TAMS: official types not emulated" table. */
function readmeListed(): { root: string; path: string; status: string; reason: string }[] {
  const start = README.indexOf("TAMS: official types not emulated");
  expect(start, "README has the table 'TAMS: official types not emulated'").toBeGreaterThan(0);
  const rest = README.slice(start);
  const rows = rest.slice(0, rest.indexOf("\n#") > 0 ? rest.indexOf("\n#") : undefined);
  return rows
    .split("\n")
    .filter((l) => l.startsWith("| `"))
    .map((l) => {
      const [root, path, status, reason] = l
        .split("|")
        .slice(1, -1)
        .map((c) => c.trim().replace(/^`|`$/g, ""));
      return { root: root!, path: path!, status: status!, reason: reason! };
    });
}

const isListed = (listed: ReturnType<typeof readmeListed>, root: string, path: string) =>
  listed.find((r) => r.root === root && (path === r.path || path.startsWith(`${r.path}.`)));

// ---- the emulator's request schemas ----

/** The zod schema one step inside optional/pipe/preprocess wrappers. */
function unwrap(schema: z.ZodType): z.ZodType {
  let s = schema as unknown as { def: Record<string, unknown> };
  for (;;) {
    const def = s.def;
    if (def.type === "optional" || def.type === "nullable") s = def.innerType as typeof s;
    // Into a message's preprocess (its output is the object), not into a field's own preprocess.
    else if (
      def.type === "pipe" &&
      ["object", "array", "optional"].includes((def.out as typeof s).def.type as string)
    )
      s = def.out as typeof s;
    else return s as unknown as z.ZodType;
  }
}

/** The schema of the field at `path` (`stages[].diffusion.controlnet.args[].mask`), if the schema reads it. */
function fieldSchema(schema: z.ZodType, path: string): z.ZodType | undefined {
  let s = unwrap(schema) as unknown as { def: Record<string, unknown> };
  for (const part of path.split(".")) {
    const name = part.replace(/\[\]$/, "");
    if (s.def.type !== "object") return undefined;
    const shape = s.def.shape as Record<string, z.ZodType>;
    if (!(name in shape)) return undefined;
    s = unwrap(shape[name]!) as unknown as typeof s;
    if (part.endsWith("[]")) {
      if (s.def.type !== "array") return undefined;
      s = unwrap(s.def.element as z.ZodType) as unknown as typeof s;
    }
  }
  return s as unknown as z.ZodType;
}

/** Whether the schema reads the field at `path`. */
const schemaHas = (schema: z.ZodType, path: string) => fieldSchema(schema, path) !== undefined;

// ---- the emulator's answers ----

const server = tamsServer();
afterAll(() => server.close());

const model = "600423083519508503";
const stages = (prompt: string) => [
  { type: "INPUT_INITIALIZE", inputInitialize: { seed: 3, count: 2 } },
  {
    type: "DIFFUSION",
    diffusion: { width: 512, height: 512, prompts: [{ text: prompt }], steps: 20, sdModel: model },
  },
  {
    type: "IMAGE_TO_UPSCALER",
    imageToUpscaler: { hrUpscaler: "Lanczos", hrScale: 2, hrSecondPassSteps: 10 },
  },
];

async function answers(): Promise<Record<string, Set<string>>> {
  const key = "types-walker";
  const seen: Record<string, Set<string>> = {};
  const add = (root: string, body: unknown) => {
    seen[root] ??= new Set();
    observed(body, "", seen[root]);
  };
  const create = async (requestId: string, prompt: string) => {
    const res = await call(server, "POST", "/v1/jobs", key, { requestId, stages: stages(prompt) });
    add("TamsApiCreateJobResponse", res.body);
    return res.body.job.id as string;
  };
  const ok = await create("ok", "a harbour");
  const failing = await create("fail", "emu:fail");
  const canceled = await create("cancel", "a field");
  add("TamsApiCancelJobResponse", (await call(server, "DELETE", `/v1/jobs/${canceled}`, key)).body);
  for (let i = 0; i < 600; i++) {
    const statuses = new Set<string>();
    for (const id of [ok, failing, canceled]) {
      const body = (await call(server, "GET", `/v1/jobs/${id}`, key)).body;
      add("TamsApiGetJobResponse", body);
      statuses.add(body.job.status);
    }
    if (!statuses.has("WAITING") && !statuses.has("RUNNING")) break;
    server.clock.advance(250);
  }
  finishAll(server);
  add("TamsApiGetModelResponse", (await call(server, "GET", `/v1/models/${model}`, key)).body);
  add(
    "TamsApiCreateResourceImageResponse",
    (await call(server, "POST", "/v1/resource/image", key, { expireSec: "60", term: 1 })).body,
  );
  add(
    "TamsApiCreateResourceImageSTSResponse",
    (await call(server, "POST", "/v1/resource/image/sts", key, { expireSec: "60", term: 1 })).body,
  );
  add(
    "GooglerpcStatus",
    (await call(server, "POST", "/v1/jobs", key, { requestId: "bad", stages: [{ type: 9 }] })).body,
  );
  return seen;
}

const RESPONSES = [
  "TamsApiCreateJobResponse",
  "TamsApiGetJobResponse",
  "TamsApiCancelJobResponse",
  "TamsApiGetModelResponse",
  "TamsApiCreateResourceImageResponse",
  "TamsApiCreateResourceImageSTSResponse",
  "GooglerpcStatus",
];

const REQUESTS: [string, z.ZodType][] = [
  ["TamsApiCreateJobRequest", createJobSchema],
  ["TamsApiCreateResourceImageRequest", createResourceSchema],
  ["TamsApiCreateResourceImageSTSRequest", createResourceSchema],
];

describe("tams-sdk's declared types against the emulator", () => {
  it("parses the declarations: every response and request root is there", () => {
    for (const root of [...RESPONSES, ...REQUESTS.map(([r]) => r)])
      expect(interfaces.has(root), root).toBe(true);
    expect(paths("TamsApiGetJobResponse")).toContain("job.runningInfo.stages[].processingImages[].progress");
    expect(enums.has("TamsApiStageTypeT")).toBe(true);
  });

  it("answers every declared response field, or the README says why not", async () => {
    const seen = await answers();
    const listed = readmeListed();
    const missing: string[] = [];
    for (const root of RESPONSES)
      for (const path of paths(root))
        if (!seen[root]?.has(path) && !isListed(listed, root, path)) missing.push(`${root}: ${path}`);
    expect(missing).toEqual([]);
    // A row for a field the emulator does answer is stale.
    const stale = listed.filter((r) => r.status === "not answered" && seen[r.root]?.has(r.path));
    expect(stale).toEqual([]);
    for (const r of listed) expect(r.reason.length, `${r.root} ${r.path} has a reason`).toBeGreaterThan(10);
  });

  it("reads every declared request field, or the README lists it as refused or ignored on purpose", () => {
    const listed = readmeListed();
    const missing: string[] = [];
    for (const [root, schema] of REQUESTS)
      for (const path of paths(root))
        if (!schemaHas(schema, path) && !isListed(listed, root, path)) missing.push(`${root}: ${path}`);
    expect(missing).toEqual([]);
    expect(schemaHas(createJobSchema, "stages[].diffusion.controlnet.args[].mask")).toBe(true);
    expect(schemaHas(createJobSchema, "stages[].diffusion.nope")).toBe(false);
  });

  it("applies every @min, @max and @format the request types declare, or the README says why not", () => {
    const listed = readmeListed();
    const disagree: string[] = [];
    const probed = new Set<string>();
    for (const [root, schema] of REQUESTS)
      for (const { path, owner, member } of fields(root)) {
        const { min, max, format } = member.tags;
        const id = `${owner}.${member.name}`;
        if ((min === undefined && max === undefined && format === undefined) || probed.has(id)) continue;
        probed.add(id);
        const leaf = fieldSchema(schema, path);
        if (!leaf) continue; // the field itself is checked (or listed) above
        const accepts = (v: unknown) => leaf.safeParse(v).success;
        const lo = min === undefined ? undefined : Number(min);
        const hi = max === undefined ? undefined : Number(max);
        const problems: string[] = [];
        if (lo !== undefined && (!accepts(lo) || accepts(lo - 1))) problems.push(`@min ${lo}`);
        if (hi !== undefined && (!accepts(hi) || accepts(hi + 1))) problems.push(`@max ${hi}`);
        const v = Math.min(hi ?? Number.POSITIVE_INFINITY, Math.max(lo ?? 1, 1));
        if (format && /^u?int(32|64)$/.test(format) && (!accepts(String(v)) || accepts(v + 0.5)))
          problems.push(`@format ${format}`);
        if (format && /^(float|double)$/.test(format) && !accepts(String(v)))
          problems.push(`@format ${format}`);
        if (problems.length === 0) continue;
        const row = listed.find((r) => r.root === owner && r.path === member.name);
        if (!row || !problems.every((p) => row.status.includes(p.split(" ")[0]!)))
          disagree.push(`${id} (${path}): ${problems.join(", ")}`);
      }
    expect(disagree).toEqual([]);
    // The probe is real: cfgScale's @max 35 is among the bounds it checked.
    expect(probed.has("TamsApiDiffusionInput.cfgScale")).toBe(true);
  });

  it("takes every enum value the request types declare, by name and by its number in proto order", () => {
    const checked: string[] = [];
    for (const [root, schema] of REQUESTS)
      for (const { path, member } of fields(root)) {
        const names = member.ref ? enums.get(member.ref) : undefined;
        const leaf = names && fieldSchema(schema, path);
        if (!names || !leaf) continue;
        names.forEach((name, number) => {
          expect(leaf.safeParse(name).data, `${path} = ${name}`).toBe(name);
          expect(leaf.safeParse(number).data, `${path} = ${number}`).toBe(name);
        });
        expect(leaf.safeParse("NOT_A_VALUE").success).toBe(false);
        checked.push(path);
      }
    expect(checked).toEqual(
      expect.arrayContaining([
        "stages[].type",
        "stages[].imageToInpaint.resizeMode",
        "stages[].imageToInpaint.inpaintingFill",
      ]),
    );
  });
});
