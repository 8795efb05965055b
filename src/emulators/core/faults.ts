/**
 * Faults on demand: rules that match requests (by provider, route, key, n-th call, probability)
 * and inject latency, an HTTP error in the provider's body, a 429 with Retry-After, a dropped
 * connection, or a job that fails or hangs. Magic prompt words do the same for one request.
 */
import * as z from "zod";
import { seededRandom } from "./images.js";
import { describeProblem, firstProblem } from "./validation.js";

/** What a fault does. */
export const faultActionSchema = z.discriminatedUnion("type", [
  z.object({ type: z.literal("latency"), ms: z.number().int().min(0).max(600_000) }).strict(),
  z
    .object({
      type: z.literal("error"),
      status: z.number().int().min(400).max(599),
      message: z.string().max(2000).optional(),
    })
    .strict(),
  z
    .object({ type: z.literal("rate-limit"), retryAfter: z.number().int().min(0).max(3600).default(1) })
    .strict(),
  z.object({ type: z.literal("drop") }).strict(),
  z.object({ type: z.literal("fail-job"), reason: z.string().max(2000).optional() }).strict(),
  z.object({ type: z.literal("hang-job") }).strict(),
  z.object({ type: z.literal("slow-job"), factor: z.number().min(1).max(1000).default(10) }).strict(),
  z.object({ type: z.literal("nsfw") }).strict(),
]);

/** A fault action. */
export type FaultAction = z.infer<typeof faultActionSchema>;

/** A rule: which requests, how often, what happens. */
export const faultRuleSchema = z
  .object({
    id: z.string().max(200).optional(),
    provider: z.string().max(50).optional(),
    /** `"POST /api/job/create"`, `"/v1/jobs/*"` or `"GET *"`; path relative to the provider prefix. */
    route: z.string().max(500).optional(),
    key: z.string().max(500).optional(),
    /** Fire only on the n-th matching call (1-based). */
    nth: z.number().int().min(1).optional(),
    /** Fire at most this many times. */
    times: z.number().int().min(1).optional(),
    probability: z.number().min(0).max(1).optional(),
    action: faultActionSchema,
  })
  .strict();

/** A fault rule as given by a user. */
export type FaultRuleInput = z.input<typeof faultRuleSchema>;
/** A validated fault rule. */
export type FaultRule = z.infer<typeof faultRuleSchema>;

/** Rules one configuration may hold. */
const MAX_RULES = 1000;

/** The body of `PUT /__emulator/faults`. */
export const faultConfigSchema = z
  .object({
    rules: z.array(faultRuleSchema).max(MAX_RULES),
    /** Seed for probabilistic rules, so a flaky run can be replayed. */
    seed: z.union([z.string().max(200), z.number()]).optional(),
  })
  .strict();

/** A fault configuration, read from JSON: the rules and the seed, or what is wrong, naming the field. */
export type ParsedFaultConfig =
  | { ok: true; rules: FaultRule[]; seed?: string | number }
  | { ok: false; field: string; message: string };

/**
 * Reads a fault configuration (an array of rules, or `{rules, seed}`) rule by rule, so a problem
 * names its rule: `rules[2].action.status must be >= 400`. One reading for `serve --faults` and
 * `PUT /__emulator/faults`.
 * @example parseFaultConfig([{ route: "POST *", action: { type: "drop" } }])
 */
export function parseFaultConfig(json: unknown): ParsedFaultConfig {
  const fail = (field: string, message: string): ParsedFaultConfig => ({
    ok: false,
    field,
    message: field ? describeProblem({ field, message }) : `the fault configuration ${message}`,
  });
  let rules: unknown = json;
  let seed: string | number | undefined;
  if (!Array.isArray(json)) {
    if (json === null || typeof json !== "object")
      return fail("", "must be an array of rules or an object {rules, seed}");
    const config = faultConfigSchema.omit({ rules: true }).extend({ rules: z.unknown() }).safeParse(json);
    if (!config.success) return fail(...problemOf(config.error));
    rules = config.data.rules;
    seed = config.data.seed;
    if (!Array.isArray(rules)) return fail("rules", rules === undefined ? "is required" : "must be an array");
  }
  const list = rules as unknown[];
  if (list.length > MAX_RULES) return fail("rules", `must have at most ${MAX_RULES} items`);
  const parsed: FaultRule[] = [];
  for (const [i, rule] of list.entries()) {
    const result = faultRuleSchema.safeParse(rule);
    if (!result.success) {
      const [field, message] = problemOf(result.error);
      return fail(field ? `rules[${i}].${field}` : `rules[${i}]`, message);
    }
    parsed.push(result.data);
  }
  return { ok: true, rules: parsed, ...(seed !== undefined ? { seed } : {}) };
}

const problemOf = (error: z.ZodError): [string, string] => {
  const p = firstProblem(error);
  return [p.field, p.message];
};

/** What a request is, for matching. */
export interface RequestFacts {
  provider: string;
  method: string;
  /** Path relative to the provider prefix, starting with `/`. */
  path: string;
  key?: string;
}

/** A rule with its counters. */
interface LiveRule {
  rule: FaultRule;
  seen: number;
  fired: number;
}

/** The fault rules of one server. */
export interface FaultSet {
  set(rules: FaultRule[], seed?: string | number): void;
  /** Appends one rule; the others keep their counters. */
  add(rule: FaultRule): void;
  /** Removes the rule at `index` (as {@link list} orders them); false when there is none. */
  remove(index: number): boolean;
  clear(): void;
  list(): { rule: FaultRule; seen: number; fired: number }[];
  /** The actions that fire for this request (counters advance). */
  match(facts: RequestFacts): readonly FaultAction[];
}

const globToRegex = (glob: string) =>
  new RegExp(`^${glob.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`);

/** True when a rule's route pattern covers the request. */
export function routeMatches(pattern: string | undefined, method: string, path: string): boolean {
  if (!pattern) return true;
  const [first, ...rest] = pattern.trim().split(/\s+/);
  const hasMethod = rest.length > 0;
  const m = hasMethod ? first! : "*";
  const p = hasMethod ? rest.join(" ") : first!;
  if (m !== "*" && m.toUpperCase() !== method.toUpperCase()) return false;
  const norm = (s: string) => (s.startsWith("/") ? s : `/${s}`);
  return globToRegex(norm(p)).test(norm(path));
}

/** What {@link FaultSet.match} answers when nothing fires (shared: callers never mutate it). */
export const NO_ACTIONS: readonly FaultAction[] = Object.freeze([]);

/** Creates an empty fault set. */
export function createFaultSet(): FaultSet {
  let rules: LiveRule[] = [];
  let rand = seededRandom("faults");
  return {
    set(next, seed = "faults") {
      rules = next.map((rule) => ({ rule, seen: 0, fired: 0 }));
      rand = seededRandom(String(seed));
    },
    add(rule) {
      rules = [...rules, { rule, seen: 0, fired: 0 }];
    },
    remove(index) {
      if (!Number.isInteger(index) || index < 0 || index >= rules.length) return false;
      rules = rules.filter((_, i) => i !== index);
      return true;
    },
    clear() {
      rules = [];
    },
    list: () => rules.map((r) => ({ ...r })),
    match(facts) {
      // The common case, on every request: no rules at all.
      if (rules.length === 0) return NO_ACTIONS;
      const fired: FaultAction[] = [];
      for (const live of rules) {
        const { rule } = live;
        if (rule.provider && rule.provider !== facts.provider) continue;
        if (rule.key && rule.key !== facts.key) continue;
        if (!routeMatches(rule.route, facts.method, facts.path)) continue;
        live.seen++;
        if (rule.nth !== undefined && live.seen !== rule.nth) continue;
        if (rule.times !== undefined && live.fired >= rule.times) continue;
        if (rule.probability !== undefined && rand() >= rule.probability) continue;
        live.fired++;
        fired.push(rule.action);
      }
      return fired;
    },
  };
}

/** The magic words, documented in the README. */
export const MAGIC_WORDS = {
  "emu:fail": "the job fails",
  "emu:hang": "the job never finishes (until canceled)",
  "emu:slow": "the job takes 10× as long",
  "emu:nsfw": "results are flagged NSFW where the provider reports it",
  "emu:error": "the request answers HTTP 500 in the provider's error shape",
  "emu:error-<status>": "the request answers that HTTP status (400–599) in the provider's error shape",
  "emu:ratelimit": "the request answers 429 with Retry-After: 1",
  "emu:drop": "the connection is dropped without an answer",
  "emu:latency-<ms>": "the answer is delayed by that many wall-clock ms",
} as const;

const MAGIC_RE = /emu:(fail|hang|slow|nsfw|error(?:-(\d{3}))?|ratelimit|drop|latency-(\d{1,6}))\b/g;

/** The actions magic words in a request body ask for. */
export function magicActions(body: string): FaultAction[] {
  const out: FaultAction[] = [];
  // Nearly every body has no magic word: a plain search says so faster than the regex's iterator.
  if (!body.includes("emu:")) return out;
  for (const m of body.matchAll(MAGIC_RE)) {
    const word = m[1]!;
    if (word === "fail") out.push({ type: "fail-job", reason: "failed on purpose (magic prompt emu:fail)" });
    else if (word === "hang") out.push({ type: "hang-job" });
    else if (word === "slow") out.push({ type: "slow-job", factor: 10 });
    else if (word === "nsfw") out.push({ type: "nsfw" });
    else if (word === "ratelimit") out.push({ type: "rate-limit", retryAfter: 1 });
    else if (word === "drop") out.push({ type: "drop" });
    else if (word.startsWith("latency-")) out.push({ type: "latency", ms: Number(m[3]) });
    else {
      const status = m[2] ? Number(m[2]) : 500;
      if (status >= 400 && status <= 599)
        out.push({ type: "error", status, message: "error on purpose (magic prompt)" });
    }
  }
  return out;
}
