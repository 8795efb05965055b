/**
 * The local certificate authority: made on first use in a directory of its own (`ca.pem`, the
 * certificate anyone may read; `ca-key.pem`, mode 0600, which never leaves the directory), then
 * kept, so a trust step is done once. It signs short-lived certificates for the providers' hosts
 * (the HTTPS proxy) and for `serve --tls`; their keys live in memory only. ECDSA P-256 through
 * Node's WebCrypto and `@peculiar/x509`.
 */
import { randomBytes, webcrypto } from "node:crypto";
import { chmod, mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { isIP } from "node:net";
import { homedir, hostname } from "node:os";
import { join } from "node:path";
import { rootCertificates } from "node:tls";
import "./reflect-shim.js";
import * as x509 from "@peculiar/x509";

const crypto = webcrypto as unknown as Crypto;
x509.cryptoProvider.set(crypto);

const ALG = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;
const DAY = 24 * 60 * 60 * 1000;
/** Leaf certificates live 397 days at most (the limit browsers and Apple platforms enforce). */
const LEAF_DAYS = 397;

/** File names in the CA directory. */
export const CA_FILES = {
  cert: "ca.pem",
  key: "ca-key.pem",
  /** The system roots plus this CA: for tools whose variable replaces the roots (requests, curl). */
  bundle: "ca-bundle.pem",
} as const;

/** A certificate and its key, PEM. */
export interface KeyAndCert {
  key: string;
  cert: string;
}

/** The loaded CA. */
export interface LocalCa {
  readonly dir: string;
  /** Path of the CA certificate (what clients trust). */
  readonly certPath: string;
  /** Path of the system roots plus this CA. */
  readonly bundlePath: string;
  /** The CA certificate, PEM. */
  readonly certPem: string;
  /** True when this call made the CA (first use). */
  readonly created: boolean;
  /** A certificate for these DNS names and IPs, signed by the CA; its key is made here and kept in memory. */
  issue(names: readonly string[]): Promise<KeyAndCert>;
}

/**
 * Where the CA lives unless `--ca-dir` says otherwise: under the user's config directory
 * (`$XDG_CONFIG_HOME`, `%APPDATA%` on Windows, else `~/.config`).
 */
export function defaultCaDir(env: NodeJS.ProcessEnv = process.env): string {
  const base =
    env.XDG_CONFIG_HOME ||
    (process.platform === "win32" && env.APPDATA ? env.APPDATA : join(homedir(), ".config"));
  return join(base, "imagegen-emulators", "ca");
}

const pem = (label: string, der: ArrayBuffer) =>
  `-----BEGIN ${label}-----\n${Buffer.from(der)
    .toString("base64")
    .replace(/(.{64})/g, "$1\n")
    .replace(/\n$/, "")}\n-----END ${label}-----\n`;

const unpem = (text: string) =>
  Buffer.from(text.replace(/-----(BEGIN|END) [^-]+-----/g, "").replace(/\s+/g, ""), "base64");

const serial = () => {
  const bytes = randomBytes(16);
  bytes[0]! &= 0x7f; // positive
  return bytes.toString("hex");
};

const exists = (path: string) =>
  stat(path).then(
    () => true,
    () => false,
  );

/** Makes a new CA in `dir`. */
async function createCa(dir: string): Promise<void> {
  const keys = (await crypto.subtle.generateKey(ALG, true, ["sign", "verify"])) as CryptoKeyPair;
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=imagegen-emulators local CA (${hostname().replace(/[,=+"\\<>;]/g, "")}), O=imagegen-emulators`,
    notBefore: new Date(now - DAY),
    notAfter: new Date(now + 10 * 365 * DAY),
    keys,
    signingAlgorithm: ALG,
    extensions: [
      new x509.BasicConstraintsExtension(true, 0, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // The key first, created 0600 (never readable by others, even for a moment).
  await writeFile(
    join(dir, CA_FILES.key),
    pem("PRIVATE KEY", await crypto.subtle.exportKey("pkcs8", keys.privateKey)),
    {
      mode: 0o600,
    },
  );
  await chmod(join(dir, CA_FILES.key), 0o600);
  await writeFile(join(dir, CA_FILES.cert), cert.toString("pem"), { mode: 0o644 });
}

/**
 * Loads the CA from `dir`, making it first if it is not there.
 * @example
 * const ca = await loadCa(defaultCaDir());
 * const { key, cert } = await ca.issue(["api.aitubo.ai"]);
 */
export async function loadCa(dir: string = defaultCaDir()): Promise<LocalCa> {
  const certPath = join(dir, CA_FILES.cert);
  const keyPath = join(dir, CA_FILES.key);
  const created = !(await exists(keyPath));
  if (created) await createCa(dir);
  const certPem = await readFile(certPath, "utf8");
  const caCert = new x509.X509Certificate(certPem);
  const caKey = await crypto.subtle.importKey("pkcs8", unpem(await readFile(keyPath, "utf8")), ALG, false, [
    "sign",
  ]);
  const bundlePath = join(dir, CA_FILES.bundle);
  const bundle = `${rootCertificates.join("\n")}\n${certPem}`;
  if ((await readFile(bundlePath, "utf8").catch(() => "")) !== bundle)
    await writeFile(bundlePath, bundle, { mode: 0o644 });
  const authorityKeyId = await x509.AuthorityKeyIdentifierExtension.create(caCert.publicKey);

  return {
    dir,
    certPath,
    bundlePath,
    certPem,
    created,
    async issue(names) {
      const keys = (await crypto.subtle.generateKey(ALG, true, ["sign", "verify"])) as CryptoKeyPair;
      const now = Date.now();
      const first = names[0] ?? "localhost";
      const cert = await x509.X509CertificateGenerator.create({
        serialNumber: serial(),
        subject: `CN=${first.replace(/[,=+"\\<>;]/g, "")}`,
        issuer: caCert.subject,
        notBefore: new Date(now - DAY),
        notAfter: new Date(Math.min(now + LEAF_DAYS * DAY, caCert.notAfter.getTime())),
        publicKey: keys.publicKey,
        signingKey: caKey,
        signingAlgorithm: ALG,
        extensions: [
          new x509.BasicConstraintsExtension(false, undefined, true),
          new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
          new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
          new x509.SubjectAlternativeNameExtension(
            names.map((n) =>
              isIP(n) ? { type: "ip" as const, value: n } : { type: "dns" as const, value: n },
            ),
          ),
          authorityKeyId,
          await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
        ],
      });
      return {
        key: pem("PRIVATE KEY", await crypto.subtle.exportKey("pkcs8", keys.privateKey)),
        cert: cert.toString("pem"),
      };
    },
  };
}

/**
 * The names `serve --tls` puts in its certificate: loopback, the bound host, and every emulated
 * host (wildcards as wildcards), so `https://127.0.0.1:4000` and a real host mapped to the
 * emulator (e.g. in /etc/hosts) both verify.
 */
export function tlsNames(hosts: { list(): { host: string }[] }, bindHost: string): string[] {
  const names = ["localhost", "127.0.0.1", "::1"];
  if (bindHost && !["0.0.0.0", "::"].includes(bindHost)) names.push(bindHost);
  for (const { host } of hosts.list()) names.push(host);
  return [...new Set(names)];
}
