/**
 * The providers' real hosts. A request to a real host (`https://api.aitubo.ai/api/user/profile`)
 * is the same request as one to `/<provider>` on the emulator (`/aitubo/api/user/profile`); the
 * provider answers it at its root, so the URLs it hands out are built from the origin the client
 * used and name the real host. Interception and the HTTPS proxy read this table.
 */
import type { EmulatorContext } from "./provider.js";

/** A real host a provider answers for. */
export interface HostRoute {
  /** A hostname (`api.aitubo.ai`) or `*.` and a domain for any subdomain (`*.tensorart.cloud`). */
  host: string;
  /**
   * Where this host's paths live in the provider, when not at its root: Aitubo's file host serves
   * `https://file.aitubo.ai/<path>`, which the emulator serves at `/file/<path>`. Default: the root.
   */
  path?: string;
}

/** A host matched to its provider. */
export interface HostMatch {
  provider: string;
  route: HostRoute;
}

/** The host table of one emulator server. */
export interface HostTable {
  /** The provider answering for a hostname (no port), if any. */
  match(hostname: string): HostMatch | undefined;
  /** Adds a host for a provider (a hostname, `*.domain`, or a {@link HostRoute}). */
  add(provider: string, host: string | HostRoute): void;
  /** A provider's routes (declared, then added). */
  routesOf(provider: string): readonly HostRoute[];
  /** Every route, for banners, `env` and the README. */
  list(): { provider: string; host: string; path: string }[];
}

/** Lowercases a host and checks it is a hostname or `*.domain`; throws a message naming it. */
export function normalizeHost(host: string): string {
  const h = host.trim().toLowerCase().replace(/\.$/, "");
  if (!/^(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)*$/.test(h))
    throw new Error(
      `not a hostname: ${JSON.stringify(host)} (expected e.g. api.example.com or *.example.com)`,
    );
  return h;
}

/**
 * Builds a host table from each provider's declared hosts plus extra ones.
 * @example
 * const hosts = createHostTable({ aitubo: [{ host: "api.aitubo.ai" }] });
 * hosts.match("api.aitubo.ai"); // { provider: "aitubo", route: { host: "api.aitubo.ai" } }
 */
export function createHostTable(declared: Record<string, readonly (string | HostRoute)[]>): HostTable {
  const exact = new Map<string, HostMatch>();
  const wildcards: { suffix: string; match: HostMatch }[] = [];
  const byProvider = new Map<string, HostRoute[]>();

  const add = (provider: string, host: string | HostRoute) => {
    const given = typeof host === "string" ? { host } : host;
    const route: HostRoute = { host: normalizeHost(given.host), path: given.path?.replace(/\/+$/, "") || "" };
    const owner = exact.get(route.host) ?? wildcards.find((w) => `*${w.suffix}` === route.host)?.match;
    if (owner && owner.provider !== provider)
      throw new Error(`host ${route.host} already belongs to provider ${owner.provider}`);
    if (owner) return;
    const match = { provider, route };
    if (route.host.startsWith("*.")) wildcards.push({ suffix: route.host.slice(1), match });
    else exact.set(route.host, match);
    byProvider.set(provider, [...(byProvider.get(provider) ?? []), route]);
  };
  for (const [provider, hosts] of Object.entries(declared)) for (const h of hosts) add(provider, h);

  return {
    match(hostname) {
      const h = hostname.toLowerCase();
      const hit = exact.get(h);
      if (hit) return hit;
      for (const w of wildcards) if (h.endsWith(w.suffix) && h.length > w.suffix.length) return w.match;
      return undefined;
    },
    add,
    routesOf: (provider) => byProvider.get(provider) ?? [],
    list: () =>
      [...byProvider].flatMap(([provider, routes]) =>
        routes.map((r) => ({ provider, host: r.host, path: r.path ?? "" })),
      ),
  };
}

/**
 * The hostname of an absolute URL (no port, no brackets), by string work: this runs on every
 * request the server receives.
 */
export function hostnameOf(url: string): string {
  const start = url.indexOf("//") + 2;
  let end = url.indexOf("/", start);
  if (end < 0) end = url.length;
  const authority = url.slice(url.lastIndexOf("@", end) + 1 || start, end);
  if (authority.startsWith("[")) return authority.slice(1, authority.indexOf("]"));
  const colon = authority.indexOf(":");
  return colon < 0 ? authority : authority.slice(0, colon);
}

/**
 * An absolute URL for a provider path (`/file/images/x.png`), as the client should see it: on a
 * real host, the host that serves that path (`https://file.aitubo.ai/images/x.png`); otherwise
 * under the emulator's base URL for this request (`http://127.0.0.1:4000/aitubo/file/images/x.png`).
 */
export function publicUrl(c: EmulatorContext, path: string): string {
  const base = c.get("providerBase");
  const routes = c.get("hostRoutes");
  if (routes) {
    for (const r of routes) {
      if (r.path && !r.host.startsWith("*.") && (path === r.path || path.startsWith(`${r.path}/`))) {
        return `${base.slice(0, base.indexOf("//") + 2)}${r.host}${path.slice(r.path.length) || "/"}`;
      }
    }
  }
  return `${base}${path}`;
}
