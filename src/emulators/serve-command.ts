/**
 * `imagegen-emulators serve`: parses and validates flags, starts every emulator on one port,
 * prints a banner with each provider's base URL, and shuts down gracefully on SIGINT/SIGTERM.
 */
import { readFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { accessLogLine, LOG_LEVELS, type LogLevel } from "./access-log.js";
import type { ClockMode } from "./core/clock.js";
import { parseFaultConfig } from "./core/faults.js";
import { StateDirError } from "./core/state-dir.js";
import { createEmulators, type Emulators } from "./create-emulators.js";
import { PROVIDERS } from "./registry.js";

/** Where the command writes. */
export interface ServeIo {
  stdout(s: string): void;
  stderr(s: string): void;
}

/** The usage text. */
export const SERVE_USAGE = `Usage: imagegen-emulators serve [options]

Serves every emulator on one port: http://HOST:PORT/<provider> (${PROVIDERS.map((p) => p.name).join(", ")}),
and the control plane at http://HOST:PORT/__emulator.

  --port N                    port (default $PORT, else 4000; 0 picks a free one and prints its URL)
  --host H                    host to bind (default $HOST, else 127.0.0.1); off loopback the control plane
                              needs an admin token
  --admin-token T             token /__emulator/* requires ("Authorization: Bearer T" or
                              "x-emulator-admin-token: T"); generated and printed when --host is
                              not loopback and none is given
  --clock MODE                realtime (default) | instant | manual
  --speed N                   realtime only: emulated ms per wall ms (default 1)
  --start-credit N            balance of a key the first time it is seen (default 100000)
  --seed N                    seed of the ids the real services make random (task ids, uuids);
                              random per start unless given: the same seed replays a run
  --strict-keys               reject keys that were not registered (--key or PUT /__emulator/tenants/:key)
  --key KEY=BALANCE           register a key with a balance (repeatable)
  --providers a,b             serve only these providers
  --provider-port NAME=PORT   also serve one provider at the root of its own port (repeatable)
  --faults FILE               fault rules to start with (JSON: an array of rules, or {rules, seed})
  --rate-limit                TAMS: enforce 5 requests/s per app, as TAMS documents
  --allow-webhook-host H      TAMS: deliver webhooks to this non-loopback host too (repeatable)
  --max-jobs N                jobs kept; past it the oldest finished ones are evicted (default 100000)
  --max-tenants N             keys kept; past it the least recently active unregistered one goes (default 10000)
  --max-upload-mb N           MiB of uploads kept; past it the oldest go (default 256)
  --journal-mb N              MiB of request journal kept; past it the oldest entries go (default 64)
  --state-dir DIR             keep tenants, balances, jobs, uploads and results in DIR across
                              restarts (created if missing; see the README's Reliability section)
  --proxy                     also answer as an HTTP(S) forward proxy: CONNECT to a provider's real
                              host (api.aitubo.ai, *.tensorart.cloud, ...) is answered by the
                              emulator with a certificate from the local CA; other hosts get 403
  --proxy-passthrough         with --proxy: tunnel other hosts instead of refusing them
  --tls                       serve HTTPS, with a certificate for 127.0.0.1, localhost and the real
                              hosts, signed by the local CA
  --ca-dir DIR                the local CA's directory (default: ${"$"}XDG_CONFIG_HOME/imagegen-emulators/ca)
  --host-for NAME=HOST        emulate provider NAME on HOST too (repeatable; e.g. qolaba=api.example.com)
  --log-level L               silent | info (default: one line per request) | debug (adds bodies, redacted)
  --quiet                     no banner, no log lines (with --port 0 the URL is still printed)
  -h, --help                  this text`;

class UsageError extends Error {}

const CLOCK_MODES: readonly ClockMode[] = ["realtime", "instant", "manual"];

function number(flag: string, value: string | undefined, check: (n: number) => boolean, what: string) {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || !check(n)) {
    throw new UsageError(`${flag} expects ${what}, got ${JSON.stringify(value)}`);
  }
  return n;
}

function pairs(flag: string, values: readonly string[] | undefined, parseValue: (v: string) => number) {
  const out: Record<string, number> = {};
  for (const v of values ?? []) {
    const eq = v.lastIndexOf("=");
    if (eq <= 0) throw new UsageError(`${flag} expects NAME=VALUE, got ${JSON.stringify(v)}`);
    out[v.slice(0, eq)] = parseValue(v.slice(eq + 1));
  }
  return out;
}

/** Parses the flags into emulator and listen options. Throws UsageError with a clear message. */
async function parse(argv: string[], env: NodeJS.ProcessEnv) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      port: { type: "string" },
      host: { type: "string" },
      "admin-token": { type: "string" },
      clock: { type: "string" },
      speed: { type: "string" },
      "start-credit": { type: "string" },
      "strict-keys": { type: "boolean" },
      seed: { type: "string" },
      key: { type: "string", multiple: true },
      providers: { type: "string" },
      "provider-port": { type: "string", multiple: true },
      faults: { type: "string" },
      "rate-limit": { type: "boolean" },
      "allow-webhook-host": { type: "string", multiple: true },
      "max-jobs": { type: "string" },
      "max-tenants": { type: "string" },
      "max-upload-mb": { type: "string" },
      "journal-mb": { type: "string" },
      proxy: { type: "boolean" },
      "proxy-passthrough": { type: "boolean" },
      tls: { type: "boolean" },
      "ca-dir": { type: "string" },
      "host-for": { type: "string", multiple: true },
      "log-level": { type: "string" },
      quiet: { type: "boolean" },
      "state-dir": { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  if (positionals.length) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
  const validPort = (n: number) => Number.isInteger(n) && n >= 0 && n <= 65535;
  const port =
    number("--port", values.port, validPort, "a port 0–65535") ??
    number("PORT", env.PORT || undefined, validPort, "a port 0–65535") ??
    4000;
  const logLevel = (values["log-level"] ?? (values.quiet ? "silent" : "info")) as LogLevel;
  if (!LOG_LEVELS.includes(logLevel))
    throw new UsageError(
      `--log-level expects one of ${LOG_LEVELS.join(", ")}, got ${JSON.stringify(values["log-level"])}`,
    );
  const hostFor: Record<string, string[]> = {};
  for (const v of values["host-for"] ?? []) {
    const eq = v.indexOf("=");
    if (eq <= 0) throw new UsageError(`--host-for expects NAME=HOST, got ${JSON.stringify(v)}`);
    const name = v.slice(0, eq);
    hostFor[name] = [...(hostFor[name] ?? []), v.slice(eq + 1)];
  }
  const clockMode = (values.clock ?? "realtime") as ClockMode;
  if (!CLOCK_MODES.includes(clockMode))
    throw new UsageError(
      `--clock expects one of ${CLOCK_MODES.join(", ")}, got ${JSON.stringify(values.clock)}`,
    );
  const speed = number("--speed", values.speed, (n) => n > 0 && n <= 1e6, "a number > 0");
  if (speed !== undefined && clockMode !== "realtime")
    throw new UsageError("--speed only applies to --clock realtime");
  const startCredit = number(
    "--start-credit",
    values["start-credit"],
    (n) => n >= 0 && n <= 1e12,
    "a number >= 0",
  );
  const known = PROVIDERS.map((p) => p.name);
  const providers = values.providers
    ?.split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  for (const p of providers ?? []) {
    if (!known.includes(p))
      throw new UsageError(`--providers: unknown provider ${JSON.stringify(p)}; known: ${known.join(", ")}`);
  }
  if (providers && providers.length === 0) throw new UsageError("--providers needs at least one provider");
  const keys = pairs("--key", values.key, (v) => {
    const n = number("--key", v, (x) => x >= 0, "KEY=BALANCE with a balance >= 0")!;
    return n;
  });
  const providerPorts = pairs(
    "--provider-port",
    values["provider-port"],
    (v) =>
      number(
        "--provider-port",
        v,
        (n) => Number.isInteger(n) && n > 0 && n <= 65535,
        "NAME=PORT with a port 1–65535",
      )!,
  );
  for (const name of Object.keys(hostFor)) {
    if (!(providers ?? known).includes(name))
      throw new UsageError(`--host-for: ${JSON.stringify(name)} is not a served provider`);
  }
  for (const name of Object.keys(providerPorts)) {
    if (!(providers ?? known).includes(name))
      throw new UsageError(`--provider-port: ${JSON.stringify(name)} is not a served provider`);
  }
  let faults: unknown[] | undefined;
  if (values.faults) {
    let text: string;
    try {
      text = await readFile(values.faults, "utf8");
    } catch {
      throw new UsageError(`--faults: cannot read ${values.faults}`);
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      throw new UsageError(`--faults: ${values.faults} is not valid JSON`);
    }
    const config = parseFaultConfig(json);
    if (!config.ok) throw new UsageError(`--faults: ${config.message}`);
    faults = config.rules;
  }
  const positiveInt = (n: number) => Number.isInteger(n) && n >= 1 && n <= 1e9;
  const mib = (flag: string, value: string | undefined) => {
    const n = number(flag, value, (x) => x > 0 && x <= 1e6, "a number of MiB > 0");
    return n === undefined ? undefined : Math.round(n * 1024 * 1024);
  };
  const limits = Object.fromEntries(
    Object.entries({
      maxJobs: number("--max-jobs", values["max-jobs"], positiveInt, "an integer >= 1"),
      maxTenants: number("--max-tenants", values["max-tenants"], positiveInt, "an integer >= 1"),
      maxUploadBytes: mib("--max-upload-mb", values["max-upload-mb"]),
      journalBytes: mib("--journal-mb", values["journal-mb"]),
    }).filter(([, v]) => v !== undefined),
  );
  const seed = number(
    "--seed",
    values.seed,
    (n) => Number.isInteger(n) && n >= 0 && n < 2 ** 31,
    "an integer 0–2147483647",
  );
  const adminToken = values["admin-token"];
  if (adminToken !== undefined && !/^[\x21-\x7e]{8,}$/.test(adminToken))
    throw new UsageError("--admin-token expects at least 8 printable characters, no spaces");
  return {
    help: values.help ?? false,
    quiet: values.quiet ?? false,
    logLevel,
    connect: {
      proxy: (values.proxy ?? false) || (values["proxy-passthrough"] ?? false),
      passthrough: values["proxy-passthrough"] ?? false,
      tls: values.tls ?? false,
      caDir: values["ca-dir"],
    },
    listen: { port, host: values.host ?? (env.HOST || "127.0.0.1"), providerPorts },
    emulators: {
      providers,
      clock: { mode: clockMode, speed },
      startCredit,
      strictKeys: values["strict-keys"] ?? false,
      keys,
      adminToken,
      seed,
      ...(values["state-dir"] !== undefined ? { stateDir: values["state-dir"] } : {}),
      hosts: hostFor,
      faults: faults as never,
      limits,
      providerOptions: {
        tams: {
          rateLimit: values["rate-limit"] ?? false,
          allowWebhookHosts: values["allow-webhook-host"] ?? [],
        },
      },
    },
  };
}

/**
 * Runs `serve`. Resolves when the server has stopped (after a signal); returns the exit code.
 */
export async function runServeCommand(
  argv: string[],
  io: ServeIo,
  signals: NodeJS.EventEmitter = process,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number> {
  let opts: Awaited<ReturnType<typeof parse>>;
  try {
    opts = await parse(argv, env);
  } catch (err) {
    if (err instanceof UsageError || (err as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
      io.stderr(`imagegen-emulators serve: ${(err as Error).message}\n\n${SERVE_USAGE}\n`);
      return 2;
    }
    throw err;
  }
  if (opts.help) {
    io.stdout(`${SERVE_USAGE}\n`);
    return 0;
  }
  const log = opts.quiet ? undefined : (line: string) => io.stderr(`${line}\n`);
  const level = opts.logLevel;
  const onExchange =
    level === "silent"
      ? undefined
      : (exchange: Parameters<typeof accessLogLine>[0]) =>
          // The emulator's time, as the journal records it (a manual or sped-up clock shows as such).
          io.stderr(`${accessLogLine(exchange, level, new Date(emulators.clock.now()))}\n`);
  let emulators: ReturnType<typeof createEmulators>;
  try {
    emulators = createEmulators({ ...opts.emulators, log, onExchange });
  } catch (err) {
    if (err instanceof StateDirError) {
      io.stderr(`imagegen-emulators serve: --state-dir: ${err.message}\n`);
    } else {
      io.stderr(`imagegen-emulators serve: ${(err as Error).message}\n`);
    }
    return 2;
  }
  let restored = 0;
  let listening: Awaited<ReturnType<typeof emulators.listen>>;
  let connected: Awaited<ReturnType<typeof startConnect>>;
  try {
    restored = await emulators.restored;
    connected = await startConnect(opts.connect, emulators, opts.listen.host, log);
    listening = await emulators.listen({ ...opts.listen, tls: connected.tls });
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    io.stderr(
      `imagegen-emulators serve: cannot listen: ${e.code === "EADDRINUSE" ? `port ${opts.listen.port} is in use (try --port 0)` : e.message}\n`,
    );
    await emulators.close();
    return 1;
  }
  connected.attach(listening.server);
  if (!opts.quiet) {
    const clock = emulators.clock;
    const width = Math.max(...emulators.providers.map((p) => p.length), "dashboard".length) + 2;
    io.stdout(
      [
        `imagegen-emulators listening on ${listening.url}  (clock ${clock.mode}${clock.mode === "realtime" ? ` ×${clock.speed}` : ""}, start credit ${emulators.settings.startCredit}, seed ${emulators.settings.seed}${emulators.settings.strictKeys ? ", strict keys" : ""})`,
        ...emulators.providers.map((p) => `  ${p.padEnd(width)}${listening.urls[p]}`),
        `  ${"control".padEnd(width)}${listening.url}/__emulator`,
        // With a token, the dashboard's link carries it (the page moves it into a cookie at once).
        `  ${"dashboard".padEnd(width)}${listening.url}/__emulator/ui${listening.adminToken ? `?emulator_admin_token=${encodeURIComponent(listening.adminToken)}` : ""}`,
        ...(opts.emulators.stateDir
          ? [`  state kept in ${opts.emulators.stateDir} (${restored} change(s) restored)`]
          : []),
        ...connected.banner(listening.url),
        ...(listening.adminToken
          ? [
              listening.adminTokenGenerated
                ? `  the control plane is reachable off this machine: it needs the admin token ${listening.adminToken}`
                : "  the control plane needs the admin token (--admin-token)",
              `  (send "Authorization: Bearer <token>" or "x-emulator-admin-token: <token>")`,
            ]
          : []),
        "",
      ].join("\n"),
    );
  } else {
    // Scripts that asked for any port read the one they got: one line, even quiet.
    if (opts.listen.port === 0) io.stdout(`${listening.url}\n`);
    // Even quiet, a generated token must be said once, or nobody can use the control plane.
    if (listening.adminTokenGenerated) io.stdout(`admin token ${listening.adminToken}\n`);
  }
  await new Promise<void>((resolve) => {
    const stop = () => {
      signals.off("SIGINT", stop);
      signals.off("SIGTERM", stop);
      resolve();
    };
    signals.on("SIGINT", stop);
    signals.on("SIGTERM", stop);
  });
  await listening.close();
  await emulators.close();
  if (!opts.quiet) io.stderr("imagegen-emulators stopped\n");
  return 0;
}

/**
 * The connect options of `serve` (--proxy, --tls): loads the local CA when either is on (and only
 * then: @peculiar/x509 stays unloaded otherwise), issues the --tls certificate, and attaches the
 * proxy once the server listens.
 */
async function startConnect(
  options: { proxy: boolean; passthrough: boolean; tls: boolean; caDir: string | undefined },
  emulators: Emulators,
  bindHost: string,
  log: ((line: string) => void) | undefined,
) {
  const none = { tls: undefined, attach: () => {}, banner: () => [] as string[] };
  if (!options.proxy && !options.tls) return none;
  const { loadCa, tlsNames } = await import("../connect/ca.js");
  const ca = await loadCa(options.caDir);
  if (ca.created)
    log?.(`created a local CA in ${ca.dir} (see \`imagegen-emulators ca\` to trust or remove it)`);
  const tls = options.tls ? await ca.issue(tlsNames(emulators.hosts, bindHost)) : undefined;
  const { attachProxy } = await import("../connect/proxy.js");
  return {
    tls,
    attach(server: import("node:http").Server) {
      if (options.proxy)
        attachProxy(server, { hosts: emulators.hosts, ca, passthrough: options.passthrough, log });
    },
    banner: (url: string) => [
      ...(options.proxy
        ? [
            `  proxy    HTTPS_PROXY=${url} for ${emulators.hosts
              .list()
              .map((h) => h.host)
              .join(", ")}${options.passthrough ? "; other hosts tunnelled" : "; other hosts refused"}`,
          ]
        : []),
      `  CA       ${ca.certPath} (\`imagegen-emulators env\` prints the variables to use it)`,
    ],
  };
}
