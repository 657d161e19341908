import { createHmac } from "node:crypto";

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

/** Base64 HMAC-SHA256 of `text` keyed by the UTF-8 bytes of `key` (not URL-encoded). */
export function hmacSha256Base64(key: string, text: string): string {
  return createHmac("sha256", key).update(text, "utf8").digest("base64");
}

/**
 * Signs `SharedAccessSignature sr=<sr>&sig=<sig>&se=<expiry>&skn=<keyName>` with HMAC-SHA256, where
 * `sr = encodeURIComponent(lowercase(resourceUri))` and the signed text is `sr + "\n" + se`.
 */
export function signSasToken(init: SasTokenInit): string {
  if (!Number.isInteger(init.expiresAt) || init.expiresAt <= 0) {
    throw new RangeError("expiresAt must be a positive whole number of Unix seconds");
  }
  const { sr, text } = sasStringToSign(init.resourceUri, init.expiresAt);
  const sig = encodeURIComponent(hmacSha256Base64(init.key, text));
  return `SharedAccessSignature sr=${sr}&sig=${sig}&se=${init.expiresAt}&skn=${encodeURIComponent(init.keyName)}`;
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
 * debug dump without granting anything.
 */
export function redactSasToken(text: string): string {
  return text.replace(/([?&\s]sig=)[^&\s"'<]*/g, "$1<redacted>").replace(/^sig=[^&\s"'<]*/, "sig=<redacted>");
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
  /** Lifetime of each signed token. Default 3600 (one hour, as the official SDK). */
  readonly ttlSeconds?: number;
  /** Re-sign this long before expiry so a token never expires in flight. Default 300. */
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
  const ttl = options.ttlSeconds ?? 3600;
  const renewBefore = options.renewBeforeSeconds ?? 300;
  if (!(ttl > 0)) throw new RangeError("ttlSeconds must be positive");
  if (!(renewBefore >= 0 && renewBefore < ttl)) {
    throw new RangeError("renewBeforeSeconds must be at least 0 and less than ttlSeconds");
  }
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
