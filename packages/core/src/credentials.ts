/**
 * The two credential forms a hub takes besides one connection string: a token provider (short-lived SAS tokens
 * minted elsewhere, keys kept in a vault) and a pair of connection strings for zero-downtime key rotation.
 */
import { ConnectionStringError, parseEndpoint, parseSasToken, type TokenProvider } from "@nhub/sas";
import { CredentialError, ValidationError } from "./errors";
import { boundServerText } from "./excerpt";
import { readConnectionString } from "./hub-options";

/** What a {@link TokenCallback} resolves with. */
export interface HubToken {
  /** A whole `SharedAccessSignature sr=...&sig=...&se=...&skn=...` token, as the `Authorization` header carries it. */
  readonly token: string;
  /**
   * When the token stops being valid: a `Date` or milliseconds since 1970 (`Date.getTime()`, as `expiresOnTimestamp`
   * of `@azure/core-auth`). Optional: the token's own `se` is used when it is absent, and when it is earlier.
   */
  readonly expiresOn?: Date | number;
}

/**
 * Mints a SAS token for `audience`, the hub's URL (`https://NS.servicebus.windows.net/HUB`): sign the token for
 * that URL or the namespace root. Called on the first request and again shortly before each token expires; never
 * twice at once. To make a failure retryable, throw an error with `isRetryable: true`.
 */
export type TokenCallback = (audience: string) => HubToken | Promise<HubToken>;

/** A hub's credential as a token provider: `new NotificationHub({ endpoint, hubName, token })`. */
export interface HubTokenCredential {
  /** The namespace endpoint, `sb://NS.servicebus.windows.net/` (`http://` only for loopback hosts). */
  readonly endpoint: string;
  /** The notification hub's name. */
  readonly hubName: string;
  /** Where tokens come from; see {@link TokenCallback}. */
  readonly token: TokenCallback;
}

/**
 * A hub's credential in any of its forms: a connection string, a `[primary, secondary]` pair of connection
 * strings of the same rule (switched on a 401 `InvalidSignature`), or a token provider.
 */
export type HubCredential = string | readonly [string, string] | HubTokenCredential;

/** A credential read and checked: the namespace, the secrets to keep out of text, and how to get tokens. */
export interface ResolvedCredential {
  readonly namespaceUrl: string;
  /** The keys (none for a token provider): known secrets for redaction. */
  readonly keys: readonly string[];
  /** The rule name and keys to sign with, primary first; absent for a token provider. */
  readonly signing?: { readonly keyName: string; readonly keys: readonly string[] };
  /** The token provider's callback; absent for connection strings. */
  readonly callback?: TokenCallback;
}

/** Whether `value` is the token-provider form of a credential. */
export function isTokenCredential(value: unknown): value is HubTokenCredential {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Reads a credential in any of its forms.
 *
 * @throws {ValidationError} naming the part at fault: `connectionString.*`, `connectionString[1].*` (and the rule
 * `same-rule` when the pair's endpoints or rule names differ, `distinct` when their keys are the same),
 * `credential.endpoint`, `credential.token`.
 */
export function resolveCredential(credential: unknown): ResolvedCredential {
  if (Array.isArray(credential)) {
    if (credential.length !== 2) {
      throw new ValidationError(
        "connectionString",
        "pair",
        "give one connection string, or two ([primary, secondary]) of the same rule for key rotation",
      );
    }
    const parts = credential.map((cs: unknown, i) => {
      try {
        return readConnectionString(cs as string);
      } catch (error) {
        if (!ValidationError.isInstance(error)) throw error;
        const field = error.field.replace(/^connectionString/, `connectionString[${i}]`);
        throw new ValidationError(field, error.rule, error.message.slice(error.field.length + 2));
      }
    });
    const [primary, secondary] = parts as [(typeof parts)[0], (typeof parts)[0]];
    // Both keys must open the same hub with the same rights: a switch must change the signature, nothing else.
    if (
      primary.namespaceUrl !== secondary.namespaceUrl ||
      primary.sharedAccessKeyName !== secondary.sharedAccessKeyName
    ) {
      throw new ValidationError(
        "connectionString[1]",
        "same-rule",
        "the secondary connection string must have the same Endpoint and SharedAccessKeyName as the primary (the two keys of one rule)",
      );
    }
    if (primary.sharedAccessKey === secondary.sharedAccessKey) {
      throw new ValidationError(
        "connectionString[1]",
        "distinct",
        "the secondary connection string has the same SharedAccessKey as the primary",
      );
    }
    const keys = [primary.sharedAccessKey, secondary.sharedAccessKey];
    return {
      namespaceUrl: primary.namespaceUrl,
      keys,
      signing: { keyName: primary.sharedAccessKeyName, keys },
    };
  }
  if (isTokenCredential(credential)) {
    let namespaceUrl: string;
    try {
      namespaceUrl = parseEndpoint(credential.endpoint);
    } catch (error) {
      if (error instanceof ConnectionStringError)
        throw new ValidationError("credential.endpoint", error.rule, error.message);
      throw error;
    }
    if (typeof credential.token !== "function") {
      throw new ValidationError(
        "credential.token",
        "type",
        "token must be a function (audience) => ({ token, expiresOn })",
      );
    }
    return { namespaceUrl, keys: [], callback: credential.token };
  }
  const parts = readConnectionString(credential as string);
  return {
    namespaceUrl: parts.namespaceUrl,
    keys: [parts.sharedAccessKey],
    signing: { keyName: parts.sharedAccessKeyName, keys: [parts.sharedAccessKey] },
  };
}

/** Longest a token is refreshed before it expires. */
export const TOKEN_REFRESH_MARGIN_MS = 5 * 60 * 1000;

/** Options of {@link createCallbackTokenProvider}. */
export interface CallbackTokenProviderOptions {
  readonly callback: TokenCallback;
  /** The hub's URL: passed to the callback, and what each token's `sr` must cover. */
  readonly audience: string;
  /** Clock in milliseconds, for tests. Default `Date.now`. */
  readonly now?: () => number;
}

/**
 * A {@link TokenProvider} over a caller's callback. The token is cached until `min(5 minutes, 10% of its
 * lifetime)` before it expires, so a cached token is returned synchronously and never expires in flight; then the
 * callback is asked again. Callers asking while a token is being fetched share that one fetch. A callback that
 * throws, or a token that is not a SAS token, has expired or is for another resource, rejects those callers with
 * a {@link CredentialError}; the next call asks again.
 */
export function createCallbackTokenProvider(options: CallbackTokenProviderOptions): TokenProvider {
  const { callback, audience } = options;
  const now = options.now ?? Date.now;
  let token = "";
  let refreshAtMs = 0;
  let pending: Promise<string> | undefined;
  return {
    getToken() {
      if (now() < refreshAtMs) return token;
      pending ??= Promise.resolve()
        .then(() => callback(audience))
        .then(
          (result) => {
            const fetchedAt = now();
            const checked = checkToken(result, audience, fetchedAt);
            token = checked.token;
            const lifetime = checked.expiresAtMs - fetchedAt;
            refreshAtMs = checked.expiresAtMs - Math.min(TOKEN_REFRESH_MARGIN_MS, lifetime / 10);
            pending = undefined;
            return token;
          },
          (error: unknown) => {
            pending = undefined;
            throw CredentialError.isInstance(error) ? error : providerFailure(error);
          },
        );
      return pending;
    },
  };
}

function providerFailure(error: unknown): CredentialError {
  const message = error instanceof Error ? error.message : String(error);
  // The provider's own message may quote what it fetched: redacted and bounded as server text is.
  return new CredentialError("provider-failed", `the token provider failed: ${boundServerText(message)}`, {
    cause: error,
    isRetryable: (error as { isRetryable?: unknown } | null)?.isRetryable === true,
  });
}

// A header value: visible ASCII and spaces only, so a token can never split or smuggle a header.
const HEADER_SAFE = /^[\x20-\x7e]+$/;

/** Checks what the callback resolved with; the messages never quote the token. */
function checkToken(
  result: unknown,
  audience: string,
  nowMs: number,
): { token: string; expiresAtMs: number } {
  const malformed = (why: string) =>
    new CredentialError("malformed-token", `the token provider returned ${why}`);
  if (typeof result !== "object" || result === null) throw malformed("no { token, expiresOn } object");
  const { token, expiresOn } = result as { token?: unknown; expiresOn?: unknown };
  if (typeof token !== "string") throw malformed("a token that is not a string");
  const fields = HEADER_SAFE.test(token) ? parseSasToken(token) : undefined;
  if (fields === undefined) {
    throw malformed(
      "a token that is not a SAS token (SharedAccessSignature with sr, sig, se and skn; visible ASCII only)",
    );
  }
  const se = /^\d{1,15}$/.test(fields.se) ? Number(fields.se) * 1000 : Number.NaN;
  if (Number.isNaN(se)) throw malformed("a token whose se is not Unix seconds");
  let expiresAtMs = se;
  if (expiresOn !== undefined) {
    const at = expiresOn instanceof Date ? expiresOn.getTime() : expiresOn;
    if (typeof at !== "number" || !Number.isFinite(at)) {
      throw malformed("an expiresOn that is neither a valid Date nor milliseconds since 1970");
    }
    expiresAtMs = Math.min(at, se);
  }
  if (expiresAtMs <= nowMs) {
    throw new CredentialError(
      "expired-token",
      `the token provider returned a token that expired at ${new Date(expiresAtMs).toISOString()}${
        expiresAtMs < 1e11 ? " (expiresOn looks like Unix seconds: give milliseconds or a Date)" : ""
      }`,
    );
  }
  let resource: string;
  try {
    resource = decodeURIComponent(fields.sr);
  } catch {
    throw malformed("a token whose sr is not valid percent-encoding");
  }
  if (!coversUrl(resource, audience)) {
    throw new CredentialError(
      "wrong-audience",
      `the token provider returned a token for ${JSON.stringify(boundServerText(resource))}, which does not cover the hub ${audience}`,
    );
  }
  return { token, expiresAtMs };
}

/** Whether a token for `resource` is accepted for `url`: a case-insensitive prefix ending at a path boundary. */
function coversUrl(resource: string, url: string): boolean {
  const r = resource.toLowerCase().replace(/^[a-z]+:\/\//, "");
  const u = url.toLowerCase().replace(/^[a-z]+:\/\//, "");
  if (!u.startsWith(r)) return false;
  return r.endsWith("/") || u.length === r.length || u[r.length] === "/";
}

/** Whether a 401's body says the token's signature did not verify: the key was regenerated or is wrong. */
export function isInvalidSignature(body: string): boolean {
  // The service's <Detail> says "InvalidSignature: The token has an invalid signature."; Service Bus's code for
  // it is 40103 ("Invalid authorization token signature").
  return /InvalidSignature|invalid (?:authorization token )?signature|\b40103\b/i.test(body);
}
