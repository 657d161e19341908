/**
 * The token provider over a caller's callback (the `{ endpoint, hubName, token }` credential form): loaded by a
 * hub on its first request, so a hub built from a connection string neither runs nor bundles it. The forms
 * themselves are read in `credential-forms.ts`.
 */
import { parseSasToken, type TokenProvider } from "@nhub/sas";
import type { TokenCallback } from "./credential-forms";
import { CredentialError } from "./errors";
import { boundServerText } from "./excerpt";

export type {
  HubCredential,
  HubToken,
  HubTokenCredential,
  ResolvedCredential,
  TokenCallback,
} from "./credential-forms";

/**
 * `TOKEN_REFRESH_MARGIN_MS` of `credential-forms.ts`, restated (a test holds them equal): importing it would put
 * that module in a chunk of its own, shared with this lazy one, and the send bundle gzips larger in more pieces.
 */
export const REFRESH_MARGIN_MS = 5 * 60 * 1000;

/** Options of {@link createCallbackTokenProvider}. */
export interface CallbackTokenProviderOptions {
  readonly callback: TokenCallback;
  /** The hub's URL: passed to the callback, and what each token's `sr` must cover. */
  readonly audience: string;
  /** Clock in milliseconds, for tests. Default `Date.now`. */
  readonly now?: () => number;
}

/** A {@link TokenProvider} that can be told the service refused one of its tokens. */
export interface RefusableTokenProvider extends TokenProvider {
  /**
   * The service answered 401 to `token`: if it is still the cached one, it is dropped, so the next
   * {@link TokenProvider.getToken} asks the callback again instead of reusing a revoked token until its refresh time.
   */
  refuse(token: string): void;
}

/**
 * A {@link TokenProvider} over a caller's callback. The token is cached until `min(5 minutes, 10% of its
 * lifetime)` before it expires, so a cached token is returned synchronously and never expires in flight; then the
 * callback is asked again. Callers asking while a token is being fetched share that one fetch. A callback that
 * throws, or a token that is not a SAS token, has expired or is for another resource, rejects those callers with
 * a {@link CredentialError}; the next call asks again. A token the service refused ({@link
 * RefusableTokenProvider.refuse}) is dropped at once.
 */
export function createCallbackTokenProvider(options: CallbackTokenProviderOptions): RefusableTokenProvider {
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
            refreshAtMs = checked.expiresAtMs - Math.min(REFRESH_MARGIN_MS, lifetime / 10);
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
    refuse(refused) {
      if (refused === token) refreshAtMs = 0;
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
