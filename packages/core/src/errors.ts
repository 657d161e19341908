/**
 * nhub's error hierarchy. Every class carries a `Symbol.for` marker so `X.isInstance(e)` works even when two
 * copies of `@nhub/core` are installed (where `instanceof` fails). No error ever holds a key, a signature or a
 * full SAS token: nhub puts none in a URL, `ServiceError` redacts and caps every piece of server text it keeps,
 * and messages quote a caller's input only through `quoteExcerpt`.
 */
import { redactSecrets } from "@nhub/sas";
import { boundServerText, MAX_EXCERPT_LENGTH } from "./excerpt";

const baseMarker = Symbol.for("nhub.error");

function hasMarker(value: unknown, marker: symbol): boolean {
  return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[marker] === true;
}

/** Options shared by every nhub error. */
export interface NhubErrorOptions {
  /** The underlying error, if any. */
  readonly cause?: unknown;
  /** Whether repeating the same request may succeed. Default false. */
  readonly isRetryable?: boolean;
}

/** The base of every error nhub throws or rejects with. */
export class NhubError extends Error {
  readonly [baseMarker] = true;
  override name = "NhubError";
  /** A stable machine-readable name of the error kind, e.g. `NHUB_VALIDATION`. */
  readonly code: string;
  /** Whether repeating the same request may succeed (a throttled or failed-over service, a reset socket). */
  readonly isRetryable: boolean;

  constructor(message: string, code = "NHUB_ERROR", options: NhubErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.isRetryable = options.isRetryable ?? false;
  }

  /** True for any nhub error, from any copy of the package. */
  static isInstance(error: unknown): error is NhubError {
    return hasMarker(error, baseMarker);
  }

  /** A plain object safe to log or serialise. */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = { name: this.name, code: this.code, message: this.message };
    for (const [k, v] of Object.entries(this)) if (v !== undefined && k !== "cause") out[k] = v;
    return out;
  }
}

const validationMarker = Symbol.for("nhub.error.validation");

/** Bad input, found before anything was sent. `field` names what is wrong and `rule` the rule it breaks. */
export class ValidationError extends NhubError {
  readonly [validationMarker] = true;
  override name = "ValidationError";
  /** Dotted path of the offending input, e.g. `tags`, `headers.apns-priority`, `payload.aps.alert`. */
  readonly field: string;
  /** Short machine-readable rule name, e.g. `max-length`, `required`, `xml-well-formed`. */
  readonly rule: string;

  constructor(field: string, rule: string, message: string, options: NhubErrorOptions = {}) {
    // A field path may hold a caller's object key: the message names at most the start of a long one.
    const named =
      field.length > 2 * MAX_EXCERPT_LENGTH ? `${field.slice(0, 2 * MAX_EXCERPT_LENGTH - 1)}…` : field;
    super(`${named}: ${message}`, "NHUB_VALIDATION", { ...options, isRetryable: false });
    this.field = field;
    this.rule = rule;
  }

  static override isInstance(error: unknown): error is ValidationError {
    return hasMarker(error, validationMarker);
  }
}

const serviceMarker = Symbol.for("nhub.error.service");

/** What the service said when it refused a request. */
export interface ServiceErrorInit {
  readonly statusCode: number;
  readonly method: string;
  /** The request URL; it never carries a token, nhub sends the token only in `Authorization`. */
  readonly url: string;
  readonly serviceCode?: string;
  readonly detail?: string;
  /**
   * The `TrackingId` response header. When it is absent or empty, the id is read from `detail` instead: older
   * answers carry it only there, as `...TrackingId:{id},TimeStamp:{time}`.
   */
  readonly trackingId?: string;
  readonly correlationId?: string;
  readonly retryAfterMs?: number;
  /**
   * Values the server must not be seen to echo, such as the hub's key: removed (verbatim, percent- or
   * base64-encoded) from every piece of server text the error keeps. Used only for that, never stored.
   */
  readonly secrets?: readonly string[];
}

// The service ends an error's detail with `TrackingId:{id},TimeStamp:{time}`; ids are GUIDs with suffixes such as
// `_G1` or `_M2CH3`, so only those characters are taken.
const TRACKING_ID_IN_DETAIL = /\bTrackingId:\s*([A-Za-z0-9][A-Za-z0-9_-]{0,127})(?![A-Za-z0-9_-])/;

/** The tracking id written in an error body's `<Detail>` text, e.g. `...TrackingId:{id},TimeStamp:...`. */
export function trackingIdFromDetail(detail: string | undefined): string | undefined {
  return detail === undefined ? undefined : TRACKING_ID_IN_DETAIL.exec(detail)?.[1];
}

/**
 * A non-success HTTP answer from the hub (4xx or 5xx). Every piece of server text it keeps (`serviceCode`,
 * `detail`, `trackingId`, `correlationId`) has SAS signatures, `SharedAccessKey` values and the init's
 * `secrets` redacted and is at most 500 characters, so `message`, `stack`, `JSON.stringify` and `util.inspect`
 * of the error show neither a secret nor a huge body.
 */
export class ServiceError extends NhubError {
  readonly [serviceMarker] = true;
  override name = "ServiceError";
  /** The HTTP status, e.g. 401, 403, 429. */
  readonly statusCode: number;
  /** The `<Code>` of the service's XML error body, when it sent one. */
  readonly serviceCode?: string;
  /** The `<Detail>` of the service's XML error body (or the start of a plain-text body): its own explanation. */
  readonly detail?: string;
  /**
   * The request's tracking id, to quote to Azure support: the `TrackingId` response header, or, on answers
   * without one, the `TrackingId:` the service wrote in the error body's `<Detail>`.
   */
  readonly trackingId?: string;
  /** The `x-ms-correlation-request-id` response header. */
  readonly correlationId?: string;
  /** How long the service asked us to wait (`Retry-After` / `retry-after-ms`), in milliseconds. */
  readonly retryAfterMs?: number;
  readonly method: string;
  readonly url: string;

  constructor(init: ServiceErrorInit) {
    const secrets = init.secrets ?? [];
    const bound = (text: string | undefined) =>
      typeof text === "string" ? boundServerText(text, secrets) : undefined;
    const detail = bound(init.detail);
    // Older answers carry no TrackingId header: the service wrote the id in the detail instead.
    const trackingId = bound(init.trackingId || trackingIdFromDetail(init.detail)) || undefined;
    // nhub builds the URL (no token goes in it); redacted in case a caller's id held one, but never cut.
    const url = redactSecrets(String(init.url), secrets);
    const what = detail ? `: ${detail}` : "";
    // A detail that already names the id (the service writes it there) is not followed by it a second time.
    const track = trackingId && !detail?.includes(trackingId) ? ` (TrackingId ${trackingId})` : "";
    super(`${init.method} ${url} failed with ${init.statusCode}${what}${track}`, "NHUB_SERVICE", {
      isRetryable: isRetryableStatus(init.statusCode),
    });
    this.statusCode = init.statusCode;
    this.serviceCode = bound(init.serviceCode);
    this.detail = detail;
    this.trackingId = trackingId;
    this.correlationId = bound(init.correlationId);
    this.retryAfterMs = init.retryAfterMs;
    this.method = init.method;
    this.url = url;
  }

  static override isInstance(error: unknown): error is ServiceError {
    return hasMarker(error, serviceMarker);
  }
}

/** Statuses worth repeating: timeouts, throttling and transient server faults. 501/505 never change. */
export function isRetryableStatus(status: number): boolean {
  return (
    status === 408 || status === 429 || status === 500 || status === 502 || status === 503 || status === 504
  );
}

const connectionMarker = Symbol.for("nhub.error.connection");

/** The request never got an answer: refused, reset or dropped connection. It may or may not have arrived. */
export class ConnectionError extends NhubError {
  readonly [connectionMarker] = true;
  override name = "ConnectionError";
  constructor(message: string, options: NhubErrorOptions = {}) {
    super(message, "NHUB_CONNECTION", { isRetryable: true, ...options });
  }
  static override isInstance(error: unknown): error is ConnectionError {
    return hasMarker(error, connectionMarker);
  }
}

const timeoutMarker = Symbol.for("nhub.error.timeout");

/** The service did not answer within the timeout. The request may still have been processed. */
export class TimeoutError extends NhubError {
  readonly [timeoutMarker] = true;
  override name = "TimeoutError";
  constructor(message: string, options: NhubErrorOptions = {}) {
    super(message, "NHUB_TIMEOUT", { isRetryable: true, ...options });
  }
  static override isInstance(error: unknown): error is TimeoutError {
    return hasMarker(error, timeoutMarker);
  }
}

const abortMarker = Symbol.for("nhub.error.abort");

/** The caller's `AbortSignal` fired; nothing more will be attempted. */
export class AbortError extends NhubError {
  readonly [abortMarker] = true;
  override name = "AbortError";
  constructor(message = "the operation was aborted", options: NhubErrorOptions = {}) {
    super(message, "NHUB_ABORTED", { ...options, isRetryable: false });
  }
  static override isInstance(error: unknown): error is AbortError {
    return hasMarker(error, abortMarker);
  }
}

const closedMarker = Symbol.for("nhub.error.closed");

/** The hub was closed; create a new one to send again. */
export class ClosedError extends NhubError {
  readonly [closedMarker] = true;
  override name = "ClosedError";
  constructor(message = "the NotificationHub is closed") {
    super(message, "NHUB_CLOSED");
  }
  static override isInstance(error: unknown): error is ClosedError {
    return hasMarker(error, closedMarker);
  }
}

const tooLargeMarker = Symbol.for("nhub.error.response-too-large");

/** What {@link ResponseTooLargeError} knows about the answer it stopped reading. */
export interface ResponseTooLargeErrorInit {
  readonly method: string;
  /** The request path without its query. */
  readonly path: string;
  /** The `maxResponseBytes` in force, in bytes. */
  readonly limit: number;
  /** The answer's HTTP status, when its headers had arrived. */
  readonly statusCode?: number;
  /** The `Content-Length` the answer declared, when it declared one. */
  readonly contentLength?: number;
}

/**
 * The answer's body is longer than `maxResponseBytes`: nhub stopped reading it, dropped the connection (it is not
 * reused) and released what it had read. Never retried, since the same request gets the same answer.
 */
export class ResponseTooLargeError extends NhubError {
  readonly [tooLargeMarker] = true;
  override name = "ResponseTooLargeError";
  /** The `maxResponseBytes` in force, in bytes. */
  readonly limit: number;
  /** The answer's HTTP status, when its headers had arrived. */
  readonly statusCode?: number;
  /** The `Content-Length` the answer declared, when it declared one. */
  readonly contentLength?: number;

  constructor(init: ResponseTooLargeErrorInit, options: Pick<NhubErrorOptions, "cause"> = {}) {
    const status = init.statusCode === undefined ? "" : ` ${init.statusCode}`;
    const declared = init.contentLength === undefined ? "" : ` (Content-Length ${init.contentLength})`;
    super(
      `${init.method} ${init.path} answered${status} with a body over the ${init.limit}-byte limit${declared}; raise maxResponseBytes to accept it`,
      "NHUB_RESPONSE_TOO_LARGE",
      { ...options, isRetryable: false },
    );
    this.limit = init.limit;
    this.statusCode = init.statusCode;
    this.contentLength = init.contentLength;
  }

  static override isInstance(error: unknown): error is ResponseTooLargeError {
    return hasMarker(error, tooLargeMarker);
  }
}

const credentialMarker = Symbol.for("nhub.error.credential");

/** Why a hub built from a token provider has no token to send with; see {@link CredentialError}. */
export type CredentialErrorReason =
  | "provider-failed"
  | "malformed-token"
  | "expired-token"
  | "wrong-audience";

/**
 * A hub built from a token provider has no usable token: the provider threw or rejected (`provider-failed`), or
 * what it returned is not a SAS token (`malformed-token`), has already expired (`expired-token`) or is for a
 * resource that does not cover the hub (`wrong-audience`). Nothing was sent. Retryable only when the provider's
 * own error says so with `isRetryable: true`; the message never quotes the token.
 */
export class CredentialError extends NhubError {
  readonly [credentialMarker] = true;
  override name = "CredentialError";
  /** What went wrong, as a stable machine-readable name. */
  readonly reason: CredentialErrorReason;

  constructor(reason: CredentialErrorReason, message: string, options: NhubErrorOptions = {}) {
    super(message, "NHUB_CREDENTIAL", options);
    this.reason = reason;
  }

  static override isInstance(error: unknown): error is CredentialError {
    return hasMarker(error, credentialMarker);
  }
}
