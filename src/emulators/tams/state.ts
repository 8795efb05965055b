/**
 * The TAMS provider's state beyond what the core keeps: resources, registered app keys, the
 * rate-limit windows, job ids, and the options the lead wires from the CLI.
 */
import type { KeyObject } from "node:crypto";
import type { ProviderContext } from "../core/provider.js";
import { uuidFrom } from "../core/random.js";
import { type Tenant, tenantScope } from "../core/tenants.js";
import { parsePublicKey } from "./auth.js";
import { createKeyQueue, type KeyQueue } from "./jobs.js";
import { createResourceIndex, type ResourceIndex } from "./resources.js";
import { createWebhooks, type Webhooks } from "./webhooks.js";

/** Options of the TAMS emulator (`providerOptions.tams`). */
export interface TamsOptions {
  /** Enforce TAMS's 5 requests/s per app. Default off. */
  rateLimit?: boolean;
  /** Hosts webhooks may call besides loopback. */
  allowWebhookHosts?: string[];
  /** App id → RSA public key (PEM); requests signed by these apps are verified. */
  appPublicKeys?: Record<string, string>;
  /** How long result URLs work, in seconds. Default 3600 (inferred). */
  resultTtlSec?: number;
}

/** Requests per second per app [doc]. */
export const RATE_LIMIT_PER_SECOND = 5;

/** Per-tenant TAMS state. */
export interface TenantState {
  /** requestId → job id: the same requestId returns the same job [doc]. */
  requests: Map<string, string>;
  /** The key's jobs, run one at a time in order. */
  queue: KeyQueue;
}

/** Everything the routes share. */
export interface TamsState {
  readonly ctx: ProviderContext;
  readonly options: Required<Pick<TamsOptions, "rateLimit" | "resultTtlSec">> & {
    allowWebhookHosts: string[];
  };
  readonly resources: ResourceIndex;
  readonly appKeys: Map<string, KeyObject>;
  readonly rateWindows: Map<string, number[]>;
  readonly webhooks: Webhooks;
  /** A new uint64 job id, as a decimal string. */
  nextJobId(): string;
  /** A new uuid (resource and output ids): random per start, reproducible with the server's seed. */
  uuid(): string;
  tenantState(tenant: Tenant): TenantState;
  /** Re-reads the configured app keys (start and full reset). */
  loadAppKeys(): void;
}

/** Snowflake-style ids: emulated ms since this epoch, shifted, plus a sequence. */
const ID_EPOCH = 1_288_834_974_657n;

/** Reads options leniently: wrong types are ignored with a log line, never a crash. */
export function readOptions(raw: Record<string, unknown>, log: (line: string) => void): TamsOptions {
  const out: TamsOptions = {};
  if (typeof raw.rateLimit === "boolean") out.rateLimit = raw.rateLimit;
  if (Array.isArray(raw.allowWebhookHosts))
    out.allowWebhookHosts = raw.allowWebhookHosts.filter((h) => typeof h === "string");
  if (raw.appPublicKeys && typeof raw.appPublicKeys === "object")
    out.appPublicKeys = Object.fromEntries(
      Object.entries(raw.appPublicKeys as Record<string, unknown>).filter(([, v]) => typeof v === "string"),
    ) as Record<string, string>;
  if (typeof raw.resultTtlSec === "number" && raw.resultTtlSec > 0) out.resultTtlSec = raw.resultTtlSec;
  for (const k of Object.keys(raw))
    if (!["rateLimit", "allowWebhookHosts", "appPublicKeys", "resultTtlSec"].includes(k))
      log(`unknown option ${k} ignored`);
  return out;
}

/** Creates the state. */
export function createTamsState(ctx: ProviderContext): TamsState {
  const options = readOptions(ctx.options, ctx.log);
  const appKeys = new Map<string, KeyObject>();
  const random = ctx.random("ids");
  // The sequence part starts at a random point, as a real node's would: two starts in one
  // millisecond never hand out the same job id (the server's seed makes it reproducible).
  let seq: bigint | undefined;
  const state: TamsState = {
    ctx,
    options: {
      rateLimit: options.rateLimit ?? false,
      resultTtlSec: options.resultTtlSec ?? 3600,
      allowWebhookHosts: options.allowWebhookHosts ?? [],
    },
    // Uploads and detect maps: as many as the jobs kept (--max-jobs), their bytes within --max-upload-mb.
    resources: createResourceIndex(ctx.files, ctx.name, { maxLoose: ctx.jobs.maxJobs }),
    appKeys,
    rateWindows: new Map(),
    webhooks: createWebhooks({ clock: ctx.clock, allowHosts: options.allowWebhookHosts ?? [], log: ctx.log }),
    nextJobId() {
      const ms = BigInt(Math.max(0, Math.floor(ctx.clock.now()))) - ID_EPOCH;
      seq = ((seq ?? BigInt(Math.floor(random() * 0x400000))) + 1n) & 0x3fffffn;
      return ((ms << 22n) | seq).toString();
    },
    uuid: () => uuidFrom(random),
    tenantState: (tenant) =>
      tenantScope(tenant, ctx.name, () => ({ requests: new Map(), queue: createKeyQueue() })),
    loadAppKeys() {
      appKeys.clear();
      for (const [appId, pem] of Object.entries(options.appPublicKeys ?? {})) {
        const parsed = parsePublicKey(pem);
        if (parsed.ok) appKeys.set(appId, parsed.key);
        else ctx.log(`appPublicKeys.${appId} ${parsed.problem}; ignored`);
      }
    },
  };
  state.loadAppKeys();
  return state;
}
