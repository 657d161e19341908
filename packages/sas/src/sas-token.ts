// Type only: node:crypto is loaded at run time through process.getBuiltinModule (below), so that runtimes
// without Node built-ins (Cloudflare Workers, Vercel Edge) can bundle this module for the WebCrypto signer.
import type * as NodeCrypto from "node:crypto";
import { redactSecrets } from "./redact";

/** What a SAS token is signed for. */
export interface SasTokenInit {
  /** The resource the token grants access to; the service accepts any `sr` that prefixes the request URL. */
  readonly resourceUri: string;
  /** The shared access rule name (`skn`). */
  readonly keyName: string;
  /** The shared access key, used as UTF-8 bytes (not base64-decoded), as the service does. */
  readonly key: string;
  /** Expiry as Unix seconds (`se`). */
  readonly expiresAt: number;
}

/** The fields of a parsed `SharedAccessSignature ...` token. `sig` is still URL-encoded, as on the wire. */
export interface SasTokenFields {
  readonly sr: string;
  readonly sig: string;
  readonly se: string;
  readonly skn: string;
}

/** The encoded resource and the exact string that is HMAC-signed, shared by signer and verifiers. */
export function sasStringToSign(
  resourceUri: string,
  expiresAt: number | string,
): { sr: string; text: string } {
  const sr = encodeURIComponent(resourceUri.toLowerCase());
  return { sr, text: `${sr}\n${expiresAt}` };
}

let nodeCrypto: typeof NodeCrypto | undefined;

/**
 * Node's crypto module, reached without a static import: a bundler for an edge runtime then finds no `node:`
 * import in this package, and the WebCrypto signer below works there unchanged.
 */
function loadNodeCrypto(): typeof NodeCrypto {
  nodeCrypto ??= (
    globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }
  ).process?.getBuiltinModule?.("node:crypto") as typeof NodeCrypto | undefined;
  if (nodeCrypto === undefined) {
    throw new Error("signSasToken needs Node 20.16+ crypto; elsewhere use signSasTokenAsync");
  }
  return nodeCrypto;
}

/** Base64 HMAC-SHA256 of `text` keyed by the UTF-8 bytes of `key` (not URL-encoded), with Node's crypto. */
export function hmacSha256Base64(key: string, text: string): string {
  return loadNodeCrypto().createHmac("sha256", key).update(text, "utf8").digest("base64");
}

/**
 * Base64 HMAC-SHA256 of `text` keyed by the UTF-8 bytes of `key`, with WebCrypto (`crypto.subtle`): the same
 * result as {@link hmacSha256Base64} on any runtime that has WebCrypto (Node, Deno, Bun, Cloudflare Workers,
 * Vercel Edge). WebCrypto refuses an empty key, so this rejects one with a `RangeError`.
 */
export async function hmacSha256Base64Async(key: string, text: string): Promise<string> {
  if (key === "") throw new RangeError("the key must not be empty");
  const subtle = globalThis.crypto?.subtle;
  if (subtle === undefined) {
    throw new Error("this runtime has no WebCrypto (crypto.subtle)");
  }
  const utf8 = new TextEncoder();
  const cryptoKey = await subtle.importKey(
    "raw",
    utf8.encode(key),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  const mac = new Uint8Array(await subtle.sign("HMAC", cryptoKey, utf8.encode(text)));
  let binary = "";
  for (const byte of mac) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function assertExpiry(expiresAt: number): void {
  // A safe integer, so `se` is written as digits (1e21 would print as "1e+21").
  if (!Number.isSafeInteger(expiresAt) || expiresAt <= 0) {
    throw new RangeError("expiresAt must be a positive whole number of Unix seconds");
  }
}

function formatSasToken(sr: string, signature: string, init: SasTokenInit): string {
  return `SharedAccessSignature sr=${sr}&sig=${encodeURIComponent(signature)}&se=${init.expiresAt}&skn=${encodeURIComponent(init.keyName)}`;
}

/**
 * Signs `SharedAccessSignature sr=<sr>&sig=<sig>&se=<expiry>&skn=<keyName>` with HMAC-SHA256, where
 * `sr = encodeURIComponent(lowercase(resourceUri))` and the signed text is `sr + "\n" + se`. Uses Node's crypto;
 * {@link signSasTokenAsync} is the WebCrypto twin for other runtimes.
 */
export function signSasToken(init: SasTokenInit): string {
  assertExpiry(init.expiresAt);
  const { sr, text } = sasStringToSign(init.resourceUri, init.expiresAt);
  return formatSasToken(sr, hmacSha256Base64(init.key, text), init);
}

/**
 * {@link signSasToken} with WebCrypto: the same token, byte for byte, on any runtime with `crypto.subtle` and no
 * Node built-ins (Cloudflare Workers, Vercel Edge, Deno, Bun). Rejects an empty key with a `RangeError`.
 */
export async function signSasTokenAsync(init: SasTokenInit): Promise<string> {
  assertExpiry(init.expiresAt);
  const { sr, text } = sasStringToSign(init.resourceUri, init.expiresAt);
  return formatSasToken(sr, await hmacSha256Base64Async(init.key, text), init);
}

/**
 * Splits a `SharedAccessSignature` token into its fields, or returns `undefined` when it is not one
 * (missing prefix or any of `sr`, `sig`, `se`, `skn`).
 */
export function parseSasToken(token: string): SasTokenFields | undefined {
  const prefix = "SharedAccessSignature ";
  if (typeof token !== "string" || !token.startsWith(prefix)) return undefined;
  const fields: Record<string, string> = {};
  for (const pair of token.slice(prefix.length).split("&")) {
    const eq = pair.indexOf("=");
    if (eq > 0) fields[pair.slice(0, eq)] = pair.slice(eq + 1);
  }
  const { sr, sig, se, skn } = fields;
  if (!sr || !sig || !se || !skn) return undefined;
  return { sr, sig, se, skn };
}

/**
 * Replaces the signature of every SAS token in `text` with `<redacted>`, so a token can be shown in a log or
 * debug dump without granting anything: the same redaction as {@link redactSecrets} without known secrets, so
 * percent-encoded (`sig%3D…`) and XML-escaped (`&amp;sig=…`) signatures and `SharedAccessKey=` values go too.
 * Idempotent: redacted text passes through unchanged.
 */
export function redactSasToken(text: string): string {
  return redactSecrets(text);
}

/** A source of valid tokens. `getToken` may return a cached token; callers must not cache it themselves. */
export interface TokenProvider {
  /** A token valid for at least the provider's renewal margin. */
  getToken(): string | Promise<string>;
}

/** Options of {@link createSasTokenProvider}. */
export interface SasTokenProviderOptions {
  readonly resourceUri: string;
  readonly keyName: string;
  readonly key: string;
  /**
   * Lifetime of each signed token, a whole number of seconds greater than `renewBeforeSeconds`. Default 3600 (one
   * hour, as the official SDK).
   */
  readonly ttlSeconds?: number;
  /** Re-sign this long before expiry so a token never expires in flight: whole seconds from 0. Default 300. */
  readonly renewBeforeSeconds?: number;
  /** Clock in milliseconds, for tests. Default `Date.now`. */
  readonly now?: () => number;
}

/** A {@link TokenProvider} that signs once per lifetime: one HMAC an hour, however many sends. */
export interface SasTokenProvider extends TokenProvider {
  getToken(): string;
  /** How many tokens this provider has signed (for tests and metrics). */
  readonly signedCount: number;
}

/**
 * Creates a caching SAS token provider. The key is held in a closure, never on a property, so the provider can
 * be logged, inspected or serialised without revealing it.
 */
export function createSasTokenProvider(options: SasTokenProviderOptions): SasTokenProvider {
  const { ttl, renewBefore } = lifetime(options);
  const now = options.now ?? Date.now;
  const { resourceUri, keyName, key } = options;
  let token = "";
  let renewAtMs = 0;
  let signedCount = 0;
  return {
    getToken() {
      const t = now();
      if (t >= renewAtMs) {
        const expiresAt = Math.floor(t / 1000) + ttl;
        token = signSasToken({ resourceUri, keyName, key, expiresAt });
        renewAtMs = (expiresAt - renewBefore) * 1000;
        signedCount++;
      }
      return token;
    },
    get signedCount() {
      return signedCount;
    },
  };
}

/**
 * The token lifetime and renewal margin, checked when the provider is created: whole seconds, so every `se` is a
 * whole number (a fractional one would fail the first signing, not the creation), and a margin shorter than the
 * lifetime, or every token would be due for renewal as soon as it was signed.
 */
function lifetime(options: SasTokenProviderOptions): { ttl: number; renewBefore: number } {
  const ttl = options.ttlSeconds ?? 3600;
  const renewBefore = options.renewBeforeSeconds ?? 300;
  if (!Number.isSafeInteger(ttl) || ttl <= 0) {
    throw new RangeError(`ttlSeconds must be a positive whole number of seconds, got ${ttl}`);
  }
  if (!Number.isSafeInteger(renewBefore) || renewBefore < 0 || renewBefore >= ttl) {
    throw new RangeError(
      `renewBeforeSeconds must be a whole number of seconds from 0 to ttlSeconds - 1 (${ttl - 1}), got ${renewBefore}`,
    );
  }
  return { ttl, renewBefore };
}

/** Options of {@link createAsyncSasTokenProvider}. */
export interface AsyncSasTokenProviderOptions extends SasTokenProviderOptions {
  /** How to sign one token. Default {@link signSasTokenAsync} (WebCrypto). */
  readonly sign?: (init: SasTokenInit) => string | Promise<string>;
}

/** A {@link TokenProvider} whose signer is asynchronous: the cached token comes back as a plain string. */
export interface AsyncSasTokenProvider extends TokenProvider {
  /** The cached token, or a promise of a fresh one when none is cached or it is due for renewal. */
  getToken(): string | Promise<string>;
  /** How many tokens this provider has signed (for tests and metrics). */
  readonly signedCount: number;
}

/**
 * Creates a caching SAS token provider that signs with WebCrypto (or any asynchronous `sign`), for runtimes
 * without Node's crypto. Like {@link createSasTokenProvider} it signs once per lifetime; between renewals
 * `getToken()` returns the cached token synchronously, so a send awaits nothing. Callers asking while a token
 * is being signed share that one signing; a failed signing rejects those callers and the next call tries again.
 * The key is held in a closure, never on a property.
 */
export function createAsyncSasTokenProvider(options: AsyncSasTokenProviderOptions): AsyncSasTokenProvider {
  const { ttl, renewBefore } = lifetime(options);
  const now = options.now ?? Date.now;
  const sign = options.sign ?? signSasTokenAsync;
  const { resourceUri, keyName, key } = options;
  let token = "";
  let renewAtMs = 0;
  let signedCount = 0;
  let signing: Promise<string> | undefined;
  return {
    getToken() {
      const t = now();
      if (t < renewAtMs) return token;
      if (signing === undefined) {
        const expiresAt = Math.floor(t / 1000) + ttl;
        signing = Promise.resolve()
          .then(() => sign({ resourceUri, keyName, key, expiresAt }))
          .then(
            (signed) => {
              token = signed;
              renewAtMs = (expiresAt - renewBefore) * 1000;
              signedCount++;
              signing = undefined;
              return signed;
            },
            (error: unknown) => {
              signing = undefined;
              throw error;
            },
          );
      }
      return signing;
    },
    get signedCount() {
      return signedCount;
    },
  };
}
