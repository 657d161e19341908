/**
 * The development certificate of `--https`: a self-signed X.509 certificate for `localhost`, `127.0.0.1` and
 * `::1`, made with node:crypto alone (no openssl binary, no download, no dependency). The DER encoder below
 * covers exactly what one certificate needs: a P-256 key, ECDSA with SHA-256, an end-entity certificate
 * (`CA:FALSE`, server authentication only) valid for one year. Being no CA, a leaked key can impersonate only
 * these loopback names, never sign for another site.
 *
 * The certificate and its key are cached in a user-level directory (`~/.nhub/emulator/` by default) so a
 * certificate the user trusted (`NODE_EXTRA_CA_CERTS`, a system store) stays trusted across restarts; a cached
 * one is replaced when it expires within a day, does not match its key, or cannot be read.
 */
import {
  createHash,
  createPrivateKey,
  generateKeyPairSync,
  randomBytes,
  sign,
  X509Certificate,
} from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";

/** A certificate and its private key, PEM, with where they are stored. */
export interface DevCertificate {
  readonly cert: string;
  readonly key: string;
  /** The certificate file: what `NODE_EXTRA_CA_CERTS` should name. */
  readonly certPath: string;
  readonly keyPath: string;
  /** Whether this start made it (false: read from the cache). */
  readonly created: boolean;
}

/** The file names inside the certificate directory. */
export const DEV_CERT_FILE = "dev-cert.pem";
const DEV_KEY_FILE = "dev-key.pem";
const DAY_MS = 86_400_000;

/** `~/.nhub/emulator`: where the development certificate is cached unless a directory is given. */
export function defaultCertDir(): string {
  return join(homedir(), ".nhub", "emulator");
}

function length(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v & 0xff);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function tlv(tag: number, ...content: Buffer[]): Buffer {
  const body = Buffer.concat(content);
  return Buffer.concat([Buffer.from([tag]), length(body.length), body]);
}

const seq = (...content: Buffer[]) => tlv(0x30, ...content);

function oid(dotted: string): Buffer {
  const [a, b, ...rest] = dotted.split(".").map(Number);
  const bytes = [a! * 40 + b!];
  for (const n of rest) {
    const chunk = [n & 0x7f];
    for (let v = Math.floor(n / 128); v > 0; v = Math.floor(v / 128)) chunk.unshift(0x80 | (v & 0x7f));
    bytes.push(...chunk);
  }
  return tlv(0x06, Buffer.from(bytes));
}

/** UTCTime (YYMMDDHHMMSSZ), which X.509 requires for dates before 2050. */
function utcTime(date: Date): Buffer {
  const iso = date.toISOString();
  const text = `${iso.slice(2, 4)}${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(11, 13)}${iso.slice(14, 16)}${iso.slice(17, 19)}Z`;
  return tlv(0x17, Buffer.from(text, "ascii"));
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return seq(oid(id), ...(critical ? [tlv(0x01, Buffer.from([0xff]))] : []), tlv(0x04, value));
}

const ECDSA_SHA256 = "1.2.840.10045.4.3.2";
const COMMON_NAME = "nhub emulator development certificate (localhost)";

/** Makes a fresh self-signed certificate and key (PEM) for the loopback names, valid from now for a year. */
export function createDevCertificate(now = new Date()): { cert: string; key: string } {
  const { privateKey, publicKey } = generateKeyPairSync("ec", { namedCurve: "prime256v1" });
  const spki = publicKey.export({ type: "spki", format: "der" });
  const serial = randomBytes(16);
  serial[0] = (serial[0]! & 0x7f) | 0x01; // positive and without a leading zero byte
  const name = seq(tlv(0x31, seq(oid("2.5.4.3"), tlv(0x0c, Buffer.from(COMMON_NAME, "utf8")))));
  const notBefore = new Date(now.getTime() - 60_000); // a minute of slack for clocks that differ a little
  const notAfter = new Date(now.getTime() + 365 * DAY_MS);
  const san = seq(
    tlv(0x82, Buffer.from("localhost", "ascii")),
    tlv(0x87, Buffer.from([127, 0, 0, 1])),
    tlv(0x87, Buffer.from([...Array(15).fill(0), 1])),
  );
  // The key identifier OpenSSL computes the same way, so chain building pairs the certificate with itself.
  const keyId = createHash("sha1")
    .update(spki.subarray(spki.length - 65))
    .digest();
  const extensions = seq(
    extension("2.5.29.19", true, seq()), // basicConstraints: CA:FALSE
    extension("2.5.29.37", false, seq(oid("1.3.6.1.5.5.7.3.1"))), // extKeyUsage: serverAuth
    extension("2.5.29.17", false, san),
    extension("2.5.29.14", false, tlv(0x04, keyId)),
  );
  const tbs = seq(
    tlv(0xa0, tlv(0x02, Buffer.from([2]))), // version 3
    tlv(0x02, serial),
    seq(oid(ECDSA_SHA256)),
    name,
    seq(utcTime(notBefore), utcTime(notAfter)),
    name,
    spki,
    tlv(0xa3, extensions),
  );
  const signature = sign("sha256", tbs, privateKey);
  const der = seq(tbs, seq(oid(ECDSA_SHA256)), tlv(0x03, Buffer.from([0]), signature));
  const base64 = der.toString("base64").replace(/.{64}/g, "$&\n");
  return {
    cert: `-----BEGIN CERTIFICATE-----\n${base64.trimEnd()}\n-----END CERTIFICATE-----\n`,
    key: privateKey.export({ type: "pkcs8", format: "pem" }) as string,
  };
}

function usable(cert: string, key: string, now: Date): boolean {
  try {
    const x509 = new X509Certificate(cert);
    if (new Date(x509.validTo).getTime() - now.getTime() < DAY_MS) return false;
    const names = x509.subjectAltName ?? "";
    if (!names.includes("DNS:localhost") || !names.includes("IP Address:127.0.0.1")) return false;
    return x509.checkPrivateKey(createPrivateKey(key));
  } catch {
    return false;
  }
}

/**
 * The cached development certificate of `dir` (default {@link defaultCertDir}), made and stored (key readable
 * by the user only) when there is none or it is no longer usable.
 */
export function loadOrCreateDevCertificate(dir = defaultCertDir(), now = new Date()): DevCertificate {
  const certPath = join(dir, DEV_CERT_FILE);
  const keyPath = join(dir, DEV_KEY_FILE);
  if (existsSync(certPath) && existsSync(keyPath)) {
    const cert = readFileSync(certPath, "utf8");
    const key = readFileSync(keyPath, "utf8");
    if (usable(cert, key, now)) return { cert, key, certPath, keyPath, created: false };
  }
  const { cert, key } = createDevCertificate(now);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeFileSync(keyPath, key, { mode: 0o600 });
  chmodSync(keyPath, 0o600);
  writeFileSync(certPath, cert, { mode: 0o644 });
  return { cert, key, certPath, keyPath, created: true };
}
