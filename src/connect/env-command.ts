/**
 * `imagegen-emulators env` and `imagegen-emulators ca`: the shell lines that send a process's
 * HTTPS through the emulator's proxy and trust the local CA, and where the CA is with how to trust
 * and remove it. Both make the CA on first use, so the paths they print exist.
 */
import { X509Certificate } from "node:crypto";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { CA_FILES, defaultCaDir, loadCa } from "./ca.js";

/** Where the commands write. */
export interface CommandIo {
  stdout(s: string): void;
  stderr(s: string): void;
}

export const ENV_USAGE = `Usage: imagegen-emulators env [options]

Prints shell lines that route a process's HTTP(S) through the emulator's proxy and trust its CA:
  eval "$(imagegen-emulators env)"      then run curl, Python requests, Go, ... unchanged
Start the proxy first: imagegen-emulators serve --proxy

  --port N       the proxy's port (default $PORT, else 4000)
  --host H       the proxy's host (default 127.0.0.1)
  --ca-dir DIR   the local CA's directory (default ${defaultCaDir()})
  -h, --help     this text`;

export const CA_USAGE = `Usage: imagegen-emulators ca [options]

Prints where the local CA is (made on first use) and how to trust and remove it.

  --ca-dir DIR   the CA's directory (default ${defaultCaDir()})
  --path         print only the CA certificate's path
  -h, --help     this text`;

/** Quotes a value for POSIX shells. */
const sh = (value: string) => `'${value.replace(/'/g, `'\\''`)}'`;

/** Runs `env`; returns the exit code. */
export async function runEnvCommand(argv: string[], io: CommandIo, env = process.env): Promise<number> {
  let values: { port?: string; host?: string; "ca-dir"?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        port: { type: "string" },
        host: { type: "string" },
        "ca-dir": { type: "string" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (err) {
    io.stderr(`imagegen-emulators env: ${(err as Error).message}\n\n${ENV_USAGE}\n`);
    return 2;
  }
  if (values.help) {
    io.stdout(`${ENV_USAGE}\n`);
    return 0;
  }
  const port = values.port ?? (env.PORT || "4000");
  if (!/^\d{1,5}$/.test(port) || Number(port) < 1 || Number(port) > 65535) {
    io.stderr(`imagegen-emulators env: --port expects a port 1–65535, got ${JSON.stringify(port)}\n`);
    return 2;
  }
  const host = values.host ?? "127.0.0.1";
  const ca = await loadCa(values["ca-dir"] ?? defaultCaDir(env));
  const proxy = `http://${host.includes(":") ? `[${host}]` : host}:${port}`;
  const noProxy = "localhost,127.0.0.1,::1";
  const lines: [string, string][] = [
    ["HTTPS_PROXY", proxy],
    ["HTTP_PROXY", proxy],
    ["NO_PROXY", noProxy],
    // curl reads only the lowercase http_proxy; most tools read either.
    ["https_proxy", proxy],
    ["http_proxy", proxy],
    ["no_proxy", noProxy],
    // Node adds this to its roots; the others replace the roots, so they get the bundle
    // (the system's roots plus this CA) and other hosts still verify under --proxy-passthrough.
    ["NODE_EXTRA_CA_CERTS", ca.certPath],
    ["REQUESTS_CA_BUNDLE", ca.bundlePath],
    ["SSL_CERT_FILE", ca.bundlePath],
    ["CURL_CA_BUNDLE", ca.bundlePath],
  ];
  io.stdout(
    [
      `# imagegen-emulators: HTTPS to the providers' hosts goes to the emulator's proxy at ${proxy}`,
      `# (imagegen-emulators serve --proxy --port ${port}); use: eval "$(imagegen-emulators env)"`,
      ...lines.map(([k, v]) => `export ${k}=${sh(v)}`),
      "",
    ].join("\n"),
  );
  return 0;
}

/** Runs `ca`; returns the exit code. */
export async function runCaCommand(argv: string[], io: CommandIo, env = process.env): Promise<number> {
  let values: { "ca-dir"?: string; path?: boolean; help?: boolean };
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        "ca-dir": { type: "string" },
        path: { type: "boolean" },
        help: { type: "boolean", short: "h" },
      },
    }));
  } catch (err) {
    io.stderr(`imagegen-emulators ca: ${(err as Error).message}\n\n${CA_USAGE}\n`);
    return 2;
  }
  if (values.help) {
    io.stdout(`${CA_USAGE}\n`);
    return 0;
  }
  const ca = await loadCa(values["ca-dir"] ?? defaultCaDir(env));
  if (values.path) {
    io.stdout(`${ca.certPath}\n`);
    return 0;
  }
  const cert = new X509Certificate(ca.certPem);
  const cn = /CN=([^\n,]+)/.exec(cert.subject)?.[1] ?? "imagegen-emulators local CA";
  const keyPath = join(ca.dir, CA_FILES.key);
  io.stdout(
    [
      `Local CA certificate: ${ca.certPath}${ca.created ? "  (made now)" : ""}`,
      `  subject ${cn}; valid until ${cert.validTo}; SHA-256 ${cert.fingerprint256}`,
      `  its key: ${keyPath} (mode 0600; it never leaves this directory)`,
      `  system roots + this CA: ${ca.bundlePath}`,
      "",
      "It signs certificates for the providers' hosts (serve --proxy) and for serve --tls. It is for",
      "this machine only. Nothing trusts it until you say so:",
      `  one shell:       eval "$(imagegen-emulators env)"   (NODE_EXTRA_CA_CERTS, REQUESTS_CA_BUNDLE, ...)`,
      `  curl:            curl --cacert ${sh(ca.certPath)} ...`,
      "  Debian/Ubuntu:   sudo cp " +
        sh(ca.certPath) +
        " /usr/local/share/ca-certificates/imagegen-emulators.crt && sudo update-ca-certificates",
      `  macOS:           sudo security add-trusted-cert -d -r trustRoot -k /Library/Keychains/System.keychain ${sh(ca.certPath)}`,
      "",
      "To remove it:",
      "  Debian/Ubuntu:   sudo rm /usr/local/share/ca-certificates/imagegen-emulators.crt && sudo update-ca-certificates --fresh",
      `  macOS:           sudo security delete-certificate -c ${sh(cn)} /Library/Keychains/System.keychain`,
      `  then:            rm -rf ${sh(ca.dir)}   (a new CA is made on next use)`,
      "",
    ].join("\n"),
  );
  return 0;
}
