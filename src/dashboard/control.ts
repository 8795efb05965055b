/**
 * What the dashboard reads, and only through the control plane's own routes (in process), so every
 * number on a page is one a script can get with `curl`.
 */
import type { ClockState } from "../emulators/core/clock.js";
import type { LedgerEntry } from "../emulators/core/credit-ledger.js";
import type { FaultRule } from "../emulators/core/faults.js";
import type { JobPhase } from "../emulators/core/job-engine.js";
import type { JournalEntry } from "../emulators/core/journal.js";
import type { JobRequest } from "../emulators/core/provider.js";
import type { UiHost } from "../emulators/core/server.js";

/** A result file as `/__emulator/jobs` lists it. */
export interface ResultFile {
  path: string;
  contentType: string;
  url: string;
  width?: number;
  height?: number;
  bytes?: number;
}

/** A job row. */
export interface JobSummary {
  id: string;
  provider: string;
  tenantKey: string;
  phase: JobPhase;
  status: string;
  progress: number;
  createdAt: string;
  finishedAt?: string;
  results: ResultFile[];
}

/** One job in full. */
export interface JobDetail extends JobSummary {
  history: { phase: JobPhase; status: string; at: string }[];
  failure?: string;
  hangs?: boolean;
  request: JobRequest | null;
  requests: { total: number; entries: JournalEntry[] };
}

/** A tenant row. */
export interface TenantRow {
  key: string;
  registered: boolean;
  balance: number;
  jobs: number;
}

/** A tenant in full, as `GET /__emulator/tenants/:key` answers. */
export interface TenantDetail {
  key: string;
  registered: boolean;
  balance: number;
  ledger: LedgerEntry[];
  jobs: number;
  files: { provider: string; path: string; kind: "upload" | "result" }[];
}

/** A fault rule with its counters. */
export interface LiveRule {
  rule: FaultRule;
  seen: number;
  fired: number;
}

/** A paged answer. */
export interface Page {
  total: number;
  offset: number;
  limit: number;
}

/** Typed reads of the control plane for one page request. */
export interface ControlReader {
  clock(): Promise<ClockState>;
  jobs(query: Record<string, string | number | undefined>): Promise<Page & { jobs: JobSummary[] }>;
  jobCounts(key?: string): Promise<Record<string, Record<JobPhase, number>>>;
  job(provider: string, id: string): Promise<JobDetail | undefined>;
  tenants(query: Record<string, string | number | undefined>): Promise<Page & { tenants: TenantRow[] }>;
  tenant(key: string): Promise<TenantDetail | undefined>;
  faults(): Promise<LiveRule[]>;
  journal(query: Record<string, string | number | undefined>): Promise<Page & { requests: JournalEntry[] }>;
}

/** A query string from the set values of `query`. */
export function queryString(query: Record<string, string | number | undefined>): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== "") params.set(k, String(v));
  const s = params.toString();
  return s ? `?${s}` : "";
}

/** An error the control plane answered, carried to the page. */
export class ControlError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * A reader over the host's in-process control plane. `headers` are the browser's, passed on so
 * whatever guards the control plane guards the UI the same way.
 */
export function controlReader(host: UiHost, headers: Headers): ControlReader {
  const get = async <T>(path: string, missingOk = false): Promise<T | undefined> => {
    const res = await host.control(path, { headers });
    if (missingOk && res.status === 404) return undefined;
    const body = (await res.json()) as T & { error?: { message: string } };
    if (!res.ok) throw new ControlError(res.status, body.error?.message ?? `HTTP ${res.status}`);
    return body;
  };
  const must = async <T>(path: string) => (await get<T>(path))!;
  return {
    clock: () => must("/clock"),
    jobs: (q) => must(`/jobs${queryString(q)}`),
    jobCounts: async (key) =>
      (
        await must<{ counts: Record<string, Record<JobPhase, number>> }>(
          `/jobs/counts${queryString({ key })}`,
        )
      ).counts,
    job: (provider, id) =>
      get(`/jobs/${encodeURIComponent(provider)}/${encodeURIComponent(id)}`, true) as Promise<
        JobDetail | undefined
      >,
    tenants: (q) => must(`/tenants${queryString(q)}`),
    tenant: (key) => get(`/tenants/${encodeURIComponent(key)}`, true) as Promise<TenantDetail | undefined>,
    faults: async () => (await must<{ rules: LiveRule[] }>("/faults")).rules,
    journal: (q) => must(`/journal${queryString(q)}`),
  };
}
