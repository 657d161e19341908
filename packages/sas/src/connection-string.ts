/** The parts of a Notification Hubs connection string that nhub uses. */
export interface ConnectionStringParts {
  /** The `Endpoint` value exactly as written, e.g. `sb://myns.servicebus.windows.net/`. */
  readonly endpoint: string;
  /**
   * The namespace root as an HTTP(S) URL with a trailing slash: `sb://` becomes `https://`;
   * `http://` is kept only for loopback hosts (local emulators and tests).
   */
  readonly namespaceUrl: string;
  /** The `SharedAccessKeyName` (the rule name), e.g. `DefaultFullSharedAccessSignature`. */
  readonly sharedAccessKeyName: string;
  /** The `SharedAccessKey`, used as-is (UTF-8, not base64-decoded) as the HMAC key. */
  readonly sharedAccessKey: string;
}

/** Thrown by {@link parseConnectionString}; `field` names the part at fault and `rule` the broken rule. */
export class ConnectionStringError extends Error {
  override readonly name = "ConnectionStringError";
  constructor(
    message: string,
    /** The connection-string key (or `connectionString` for the whole string) that is wrong. */
    readonly field: string,
    /** A short machine-readable name of the rule, e.g. `required`, `no-whitespace`, `scheme`. */
    readonly rule: string,
  ) {
    super(message);
  }
}

const REQUIRED = ["Endpoint", "SharedAccessKeyName", "SharedAccessKey"] as const;
const KNOWN_KEYS: readonly string[] = [...REQUIRED, "EntityPath"];

/**
 * `key` when it is a connection-string key name nhub knows, else `undefined`: an unknown key may be a fragment
 * of a pasted secret, so messages name its part number instead of quoting it.
 */
function knownKey(key: string): string | undefined {
  return KNOWN_KEYS.includes(key) ? key : undefined;
}

const HOST_LABEL = /^[A-Za-z0-9_-]{1,63}$/;

/**
 * Whether `hostname` (as `URL.hostname` gives it) is a DNS name of letters, digits, `-` and `_` in dot-separated
 * labels of at most 63 characters (253 in all), an IPv4 address or a bracketed IPv6 address.
 */
function isHostName(hostname: string): boolean {
  if (hostname.startsWith("[")) return /^\[[0-9A-Fa-f:.]+\]$/.test(hostname);
  const name = hostname.endsWith(".") ? hostname.slice(0, -1) : hostname;
  return name.length > 0 && name.length <= 253 && name.split(".").every((label) => HOST_LABEL.test(label));
}

/** True for hosts that never leave the machine, where plain `http://` is acceptable. */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h === "::1" || /^127(\.\d{1,3}){3}$/.test(h);
}

/**
 * Parses `Endpoint=sb://NS.servicebus.windows.net/;SharedAccessKeyName=NAME;SharedAccessKey=KEY`.
 *
 * Parts are split on `;` and each at its first `=` (keys end in `=`); keys are case-sensitive and may come in
 * any order; empty parts and unknown keys (such as `EntityPath`) are ignored. Everything wrong is reported here,
 * never at first send, and no message quotes a value (not the key, not the Endpoint) or an unknown key name:
 * messages name the field and the rule.
 *
 * @throws {ConnectionStringError} naming the missing or malformed part.
 */
export function parseConnectionString(connectionString: string): ConnectionStringParts {
  if (typeof connectionString !== "string" || connectionString.trim() === "") {
    throw new ConnectionStringError(
      "connection string is empty: expected Endpoint=sb://...;SharedAccessKeyName=...;SharedAccessKey=...",
      "connectionString",
      "required",
    );
  }
  const values = new Map<string, string>();
  // Outer whitespace is forgiven (a trailing newline from an env file is common); inner whitespace is not.
  const parts = connectionString.trim().split(";");
  for (const [index, part] of parts.entries()) {
    if (part === "") continue;
    const eq = part.indexOf("=");
    if (eq <= 0) {
      // The part itself is never shown: it may be a pasted key.
      throw new ConnectionStringError(
        `connection string part ${index + 1} is not KEY=VALUE (${eq === 0 ? "the key is empty" : 'no "="'})`,
        "connectionString",
        "key-value",
      );
    }
    const key = part.slice(0, eq);
    const value = part.slice(eq + 1);
    if (/\s/.test(key)) {
      const name = knownKey(key.trim());
      throw new ConnectionStringError(
        `connection string ${name ? `key ${name}` : `part ${index + 1}`} has whitespace in its key; remove the spaces around ";" and "="`,
        name ?? "connectionString",
        "no-whitespace",
      );
    }
    if (values.has(key)) {
      const name = knownKey(key);
      throw new ConnectionStringError(
        `connection string has ${name ?? `the key of part ${index + 1}`} more than once`,
        name ?? "connectionString",
        "duplicate",
      );
    }
    values.set(key, value);
  }
  for (const key of REQUIRED) {
    const value = values.get(key);
    if (value === undefined) {
      const nearMiss = [...values.keys()].find((k) => k.toLowerCase() === key.toLowerCase());
      throw new ConnectionStringError(
        nearMiss
          ? `connection string is missing ${key}: found "${nearMiss}", but keys are case-sensitive`
          : `connection string is missing ${key}`,
        key,
        "required",
      );
    }
    if (value === "")
      throw new ConnectionStringError(`connection string has an empty ${key}`, key, "required");
    if (/\s/.test(value)) {
      throw new ConnectionStringError(`connection string ${key} contains whitespace`, key, "no-whitespace");
    }
  }
  const endpoint = values.get("Endpoint")!;
  return {
    endpoint,
    namespaceUrl: toNamespaceUrl(endpoint),
    sharedAccessKeyName: values.get("SharedAccessKeyName")!,
    sharedAccessKey: values.get("SharedAccessKey")!,
  };
}

/**
 * Reads a namespace endpoint on its own (`sb://NS.servicebus.windows.net/`, or `http://` on loopback), by the
 * same rules as a connection string's `Endpoint`, and returns the namespace root as an HTTP(S) URL with a
 * trailing slash. For clients that take the endpoint and the credential apart, such as a token provider.
 *
 * @throws {ConnectionStringError} with field `Endpoint`; the message never quotes the value.
 */
export function parseEndpoint(endpoint: string): string {
  if (typeof endpoint !== "string" || endpoint.trim() === "") {
    throw new ConnectionStringError("Endpoint is empty", "Endpoint", "required");
  }
  if (/\s/.test(endpoint)) {
    throw new ConnectionStringError("Endpoint contains whitespace", "Endpoint", "no-whitespace");
  }
  return toNamespaceUrl(endpoint);
}

function toNamespaceUrl(endpoint: string): string {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new ConnectionStringError(
      "Endpoint is not a URL (expected sb://NAMESPACE.servicebus.windows.net/)",
      "Endpoint",
      "url",
    );
  }
  const scheme = url.protocol;
  if (scheme !== "sb:" && scheme !== "https:" && scheme !== "http:") {
    throw new ConnectionStringError(
      "Endpoint has a scheme other than sb://, https:// or http:// (use sb:// or https://)",
      "Endpoint",
      "scheme",
    );
  }
  if (url.hostname === "") throw new ConnectionStringError("Endpoint has no host", "Endpoint", "url");
  if (!isHostName(url.hostname)) {
    // sb:// is not a scheme the URL parser knows, so it keeps the host as written ("a%2fb", "%C3%BF.com" pass
    // there): without this check the first send would fail as a retried connection error.
    throw new ConnectionStringError(
      `Endpoint host "${url.hostname}" is not a DNS name or IP address (expected NAMESPACE.servicebus.windows.net)`,
      "Endpoint",
      "host",
    );
  }
  if (scheme === "http:" && !isLoopbackHost(url.hostname)) {
    throw new ConnectionStringError(
      "Endpoint uses plain http:// to a host that is not loopback; http is allowed only for loopback hosts (127.0.0.1, ::1, localhost), use sb:// or https://",
      "Endpoint",
      "https-required",
    );
  }
  if (
    url.username ||
    url.password ||
    url.search ||
    url.hash ||
    (url.pathname !== "/" && url.pathname !== "")
  ) {
    throw new ConnectionStringError(
      "Endpoint must be the namespace root with no path, query or credentials (sb://NAMESPACE.servicebus.windows.net/)",
      "Endpoint",
      "namespace-root",
    );
  }
  const protocol = scheme === "http:" ? "http:" : "https:";
  return `${protocol}//${url.host}/`;
}
