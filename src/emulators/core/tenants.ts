/**
 * Tenants: all state is kept per API key, so each test isolates itself by using its own key.
 *
 * An unknown key gets the starting balance the first time it is seen, unless the store is strict,
 * in which case only registered keys resolve and the provider answers with its own auth error.
 */
import { type CreditLedger, createCreditLedger, type LedgerEntry } from "./credit-ledger.js";
import type { EventBus } from "./events.js";

/** One API key's world. */
export interface Tenant {
  readonly key: string;
  /** Registered through the control plane or options (as opposed to made up on first sight). */
  registered: boolean;
  readonly createdAt: number;
  readonly ledger: CreditLedger;
  /** Provider-owned per-tenant state (an idempotency index, a favourites list...), by provider name. */
  readonly scopes: Map<string, unknown>;
}

/** Options for {@link createTenantStore}. */
export interface TenantStoreOptions {
  startCredit: number;
  strictKeys: boolean;
  now: () => number;
  /**
   * Most tenants kept: past it the least recently active tenant that was made up on first sight
   * (not registered) is evicted, with everything it owns. Default: unbounded.
   */
  maxTenants?: number;
  /** Called with each evicted tenant's key, so the server drops its jobs, files and journal. */
  onEvict?: (key: string) => void;
  /** Where balance changes are published (`credits.charged`, `credits.refunded`, `credits.set`). */
  events?: EventBus;
}

const EVENT_OF_KIND = {
  charge: "credits.charged",
  refund: "credits.refunded",
  set: "credits.set",
} as const satisfies Record<LedgerEntry["kind"], string>;

/** The tenants of one emulator server. */
export interface TenantStore {
  readonly strict: boolean;
  /** The tenant for a key, creating it unless the store is strict. `undefined` means "reject". */
  resolve(key: string): Tenant | undefined;
  /** The tenant for a key, if it exists; never creates. */
  peek(key: string): Tenant | undefined;
  /** Registers (or updates) a key; registered keys pass strict mode. */
  register(key: string, balance?: number): Tenant;
  /** Every tenant, least recently active first. */
  list(): Tenant[];
  /** How many tenants there are. */
  readonly size: number;
  delete(key: string): boolean;
  clear(): void;
}

/**
 * Provider state for one tenant, created on first use.
 * @example
 * const idempotency = tenantScope(tenant, "tams", () => new Map<string, string>());
 */
export function tenantScope<T>(tenant: Tenant, provider: string, init: () => T): T {
  let value = tenant.scopes.get(provider) as T | undefined;
  if (value === undefined) {
    value = init();
    tenant.scopes.set(provider, value);
  }
  return value;
}

/** Creates the tenant store. */
export function createTenantStore(options: TenantStoreOptions): TenantStore {
  // In order of last activity: a tenant is moved to the end each time it is resolved.
  const tenants = new Map<string, Tenant>();
  const maxTenants = options.maxTenants ?? Number.POSITIVE_INFINITY;
  /** Evicts the least recently active unregistered tenant (a bounded look from the oldest). */
  const evictIdle = (keep: Tenant) => {
    let looked = 0;
    for (const t of tenants.values()) {
      if (looked++ >= 64) return;
      if (t.registered || t === keep) continue;
      tenants.delete(t.key);
      options.onEvict?.(t.key);
      return;
    }
  };
  /** The tenant last in `tenants` (the most recently active), when known. */
  let latest: Tenant | undefined;
  const make = (key: string, registered: boolean, balance: number): Tenant => {
    const tenant: Tenant = {
      key,
      registered,
      createdAt: options.now(),
      // The event is built only while someone listens: a charge is on every create's path.
      ledger: createCreditLedger(balance, options.now, (entry) => {
        if (!options.events?.listening) return;
        options.events.publish({
          type: EVENT_OF_KIND[entry.kind],
          at: entry.at,
          tenantKey: key,
          amount: entry.amount,
          balance: entry.balanceAfter,
          memo: entry.memo,
        });
      }),
      scopes: new Map(),
    };
    tenants.set(key, tenant);
    latest = tenant;
    if (tenants.size > maxTenants) evictIdle(tenant);
    return tenant;
  };
  return {
    strict: options.strictKeys,
    resolve(key) {
      const found = tenants.get(key);
      if (found) {
        if (!found.registered && options.strictKeys) return undefined;
        // Most recently active last (what eviction reads): two Map operations, unless it already is
        // (a client sends one key request after request).
        if (found !== latest) {
          tenants.delete(key);
          tenants.set(key, found);
          latest = found;
        }
        return found;
      }
      if (options.strictKeys) return undefined;
      return make(key, false, options.startCredit);
    },
    peek: (key) => tenants.get(key),
    register(key, balance) {
      const found = tenants.get(key);
      if (found) {
        found.registered = true;
        if (balance !== undefined) found.ledger.set(balance);
        return found;
      }
      return make(key, true, balance ?? options.startCredit);
    },
    list: () => [...tenants.values()],
    get size() {
      return tenants.size;
    },
    delete: (key) => tenants.delete(key),
    clear: () => {
      tenants.clear();
      latest = undefined;
    },
  };
}
