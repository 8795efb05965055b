/**
 * The `credits` command: `credits <provider> <request.json | -> [--json]`. Reads a request body
 * exactly as the provider's API takes it, prints what it costs (total, then one line per item with
 * its formula and inputs), or the estimate as JSON. The lead wires it into `src/cli.ts`.
 */
import { parseArgs } from "node:util";
import { isCreditsInputError } from "./errors.js";
import { CREDIT_ENDPOINTS, CREDIT_PROVIDERS, estimate } from "./estimate.js";
import type { CreditEstimate, CreditProvider } from "./types.js";

/** The I/O the command needs, injected so tests run it in-process. */
export interface CreditsCommandIo {
  stdout: (s: string) => void;
  stderr: (s: string) => void;
  readStdin: () => Promise<string>;
  readFile: (path: string) => Promise<string>;
}

/** Exit codes: 0 priced, 2 bad usage or a request that cannot be priced, 1 an internal error. */
export const CREDITS_EXIT = { ok: 0, internal: 1, invalid: 2 } as const;

/** The command's help text. */
export const CREDITS_USAGE = `Usage: imagegen-emulators credits <provider> <request.json | -> [options]

Prints what a request costs: the total and a breakdown with each item's formula.
The request is the JSON body the provider's API takes (- reads it from stdin):
  aitubo      a /api/job/create, /api/job/upscale or /api/transform/create-headshot body
  tams        {"stages": [...]} (or a bare stages array), {"params": {...}} for a workflow,
              or {"templateId", "fields"} for a workflow template
  aithriving  the body of one /api/generate/* or /api/edit/* call (form fields as JSON)
  qolaba      a /getTextToImage or /getImagetoImage body

Options:
  --json                   print the estimate as JSON
  --endpoint <name>        the endpoint, when the body does not make it clear:
${CREDIT_PROVIDERS.map((p) => `                             ${p}: ${CREDIT_ENDPOINTS[p].join(", ")}`).join("\n")}
  --price <name=value>     override a price of the provider's table (repeatable),
                           e.g. --price perImage=12 (aitubo), --price ultra=15 (aithriving)
  --base-model <id=base>   TAMS: the base model of a model id (repeatable),
                           e.g. --base-model 757279507095956705=FLUX.1 (FLUX costs double)
  -h, --help               show this help
`;

class UsageError extends Error {
  constructor(
    message: string,
    readonly showUsage = true,
  ) {
    super(message);
  }
}

function parsePairs(values: string[] | undefined, flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values ?? []) {
    const eq = v.indexOf("=");
    if (eq <= 0 || eq === v.length - 1) throw new UsageError(`${flag} takes name=value, got "${v}"`);
    out[v.slice(0, eq)] = v.slice(eq + 1);
  }
  return out;
}

function parsePrices(values: string[] | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, text] of Object.entries(parsePairs(values, "--price"))) {
    const n = Number(text);
    if (!Number.isFinite(n) || text.trim() === "")
      throw new UsageError(`--price ${name}: "${text}" is not a number`);
    out[name] = n;
  }
  return out;
}

/** `0.8` → `0.80`: every amount is a whole number of hundredths, so this is exact. */
const money = (n: number) => n.toFixed(2);

/** Renders an estimate as the readable table. */
export function formatEstimate(e: CreditEstimate, endpoint?: string): string {
  const rows = e.items.map((l, i) => ({
    n: String(i + 1),
    item: l.item,
    credits: money(l.credits),
    source: l.source,
  }));
  const wItem = Math.max(4, ...rows.map((r) => r.item.length), "total".length);
  const wCredits = Math.max(7, ...rows.map((r) => r.credits.length), money(e.total).length);
  const wN = Math.max(1, ...rows.map((r) => r.n.length));
  const pad = (s: string, w: number) => s.padEnd(w);
  const lines = [
    `${e.provider}${endpoint ? ` ${endpoint}` : ""}: ${money(e.total)} credits`,
    "",
    `${pad("#", wN)}  ${pad("item", wItem)}  ${"credits".padStart(wCredits)}  source`,
  ];
  e.items.forEach((l, i) => {
    const r = rows[i]!;
    lines.push(`${pad(r.n, wN)}  ${pad(r.item, wItem)}  ${r.credits.padStart(wCredits)}  ${r.source}`);
    const indent = " ".repeat(wN + 2);
    lines.push(`${indent}${l.formula}`);
    const inputs = Object.entries(l.inputs).map(([k, v]) => `${k}=${v}`);
    if (inputs.length > 0) lines.push(`${indent}inputs: ${inputs.join(", ")}`);
  });
  if (e.items.length === 0) lines.push(`${" ".repeat(wN + 2)}(nothing billable in this request)`);
  lines.push(`${pad("", wN)}  ${pad("total", wItem)}  ${money(e.total).padStart(wCredits)}`);
  return `${lines.join("\n")}\n`;
}

/**
 * Runs `credits <provider> <request.json | -> [--json] [--endpoint e] [--price k=v] [--base-model id=base]`.
 * `argv` is what follows `credits` (a leading `"credits"` is skipped too). Returns the exit code;
 * never throws and never prints a stack trace.
 * @example await runCreditsCommand(["tams", "job.json", "--json"], io) // 0, JSON on io.stdout
 */
export async function runCreditsCommand(argv: string[], io: CreditsCommandIo): Promise<number> {
  const args = argv[0] === "credits" ? argv.slice(1) : argv;
  let json = false;
  try {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      strict: true,
      options: {
        json: { type: "boolean" },
        endpoint: { type: "string" },
        price: { type: "string", multiple: true },
        "base-model": { type: "string", multiple: true },
        help: { type: "boolean", short: "h" },
      },
    });
    json = values.json === true;
    if (values.help) {
      io.stdout(CREDITS_USAGE);
      return CREDITS_EXIT.ok;
    }
    const [provider, source, ...extra] = positionals;
    if (!provider || !source) throw new UsageError("expected a provider and a request file (or - for stdin)");
    if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
    if (!(CREDIT_PROVIDERS as readonly string[]).includes(provider)) {
      throw new UsageError(`unknown provider "${provider}": one of ${CREDIT_PROVIDERS.join(", ")}`);
    }
    const prices = parsePrices(values.price);
    const baseModels = parsePairs(values["base-model"], "--base-model");

    let text: string;
    try {
      text = source === "-" ? await io.readStdin() : await io.readFile(source);
    } catch (e) {
      const reason = e instanceof Error ? ((e as NodeJS.ErrnoException).code ?? e.message) : String(e);
      throw new UsageError(`cannot read ${source === "-" ? "stdin" : source}: ${reason}`, false);
    }
    let request: unknown;
    try {
      request = JSON.parse(text);
    } catch (e) {
      throw new UsageError(
        `${source === "-" ? "stdin" : source} is not valid JSON: ${(e as Error).message}`,
        false,
      );
    }

    const result = estimate(provider as CreditProvider, request, {
      ...(values.endpoint ? { endpoint: values.endpoint } : {}),
      ...(Object.keys(prices).length > 0 ? { prices } : {}),
      tams: { baseModelOf: (id) => baseModels[id] },
    });
    io.stdout(json ? `${JSON.stringify(result, null, 2)}\n` : formatEstimate(result, values.endpoint));
    return CREDITS_EXIT.ok;
  } catch (e) {
    if (isCreditsInputError(e)) {
      io.stderr(`error: invalid request: ${e.message}\n`);
      return CREDITS_EXIT.invalid;
    }
    if (e instanceof UsageError || (e as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      const usage = e instanceof UsageError && !e.showUsage ? "" : `\n${CREDITS_USAGE}`;
      io.stderr(`error: ${(e as Error).message}\n${usage}`);
      return CREDITS_EXIT.invalid;
    }
    io.stderr(
      `error: internal error while pricing the request: ${e instanceof Error ? e.message : String(e)}\n`,
    );
    return CREDITS_EXIT.internal;
  }
}
