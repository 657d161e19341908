/**
 * The credential forms a hub takes: one connection string, a token provider (short-lived SAS tokens minted
 * elsewhere, keys kept in a vault) and a pair of connection strings for zero-downtime key rotation. What the
 * constructor needs to check them; the token provider's own code is in `credentials.ts`, loaded on its first
 * request, so a hub built from a connection string never bundles it.
 */
import { ConnectionStringError, parseEndpoint } from "@nhub/sas";
import { ValidationError } from "./errors";
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
 * twice at once, and again at once when the hub answers 401 to the token it gave (a revoked token or a regenerated
 * key): a callback with a cache of its own should then fetch afresh. To make a failure retryable, throw an error
 * with `isRetryable: true`.
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
 * The hub name and options of a hub constructor's arguments: `(tokenCredential, options?)` carries its hub name
 * in the credential, `(connectionString, hubName, options?)` as the second argument. Both runtimes' hubs read
 * their overloads through this.
 */
export function hubArguments<O>(
  credential: HubCredential,
  hubNameOrOptions: string | O | undefined,
  maybeOptions: O | undefined,
): [hubName: string | undefined, options: O | undefined] {
  return isTokenCredential(credential)
    ? [undefined, hubNameOrOptions as O | undefined]
    : [hubNameOrOptions as string, maybeOptions];
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

/** Whether a 401's body says the token's signature did not verify: the key was regenerated or is wrong. */
export function isInvalidSignature(body: string): boolean {
  // The service's <Detail> says "InvalidSignature: The token has an invalid signature."; Service Bus's code for
  // it is 40103 ("Invalid authorization token signature").
  return /InvalidSignature|invalid (?:authorization token )?signature|\b40103\b/i.test(body);
}
