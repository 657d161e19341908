/** The options a hub and each of its calls take, and their checks. */
import {
  ConnectionStringError,
  type ConnectionStringParts,
  parseConnectionString,
  type SasTokenProviderOptions,
  type TokenProvider,
} from "@nhub/sas";
import type { DeviceHandle } from "./device-handle";
import type { RequestChannels } from "./diagnostics";
import { ValidationError } from "./errors";
import type { Logger, LogLevel } from "./log";
import { checkBoolean, checkInteger, checkMs, checkSignal } from "./option-checks";
import { checkRetryOptions, type RetryOptions } from "./retry";
import type { TagExpression } from "./tags";
import type { PoolStats, Transport } from "./transport";

export type { Logger, LogLevel } from "./log";

/** Default deadline of one request attempt, from its start until the answer's body is read in full. */
export const DEFAULT_TIMEOUT_MS = 30_000;

/** Options every {@link NotificationHubBase} takes, whatever its runtime. */
export interface NotificationHubBaseOptions {
  /**
   * Debug mode, as in the Python sample: every tag or broadcast send becomes a test send (`test=true`, so the
   * answer lists the registrations reached) and each request and response is dumped to the logger at debug
   * level, redacted (no key, no signature, in headers or bodies). Without a logger the dump goes to `console.error`.
   */
  readonly debug?: boolean;
  /**
   * A whole transport to send through, replacing the runtime's default (undici on Node, `fetch` on the edge
   * entry); see {@link Transport} and `createFetchTransport`. nhub closes it with the hub.
   */
  readonly transport?: Transport;
  /**
   * Deadline of each request attempt, from its start until the answer's body is read in full (headers and body
   * alike, so a body that trickles forever times out too): whole milliseconds from 1 to 2^31-1. Default 30 000 ms.
   */
  readonly timeoutMs?: number;
  /**
   * Most bytes of an answer's body nhub reads; past it the request rejects with `ResponseTooLargeError` (not
   * retried) and its connection is dropped, so one request's memory stays bounded. A positive whole number.
   * Default: the transport's limit, `DEFAULT_MAX_RESPONSE_BYTES` (8 MiB) for nhub's own transports, which holds
   * the largest answer the service gives (a page of 100 registrations) with room to spare.
   */
  readonly maxResponseBytes?: number;
  /** Retry policy for every request of this hub; `false` turns retries off. Default {@link DEFAULT_RETRY}. */
  readonly retry?: RetryOptions | false;
  /**
   * Where to log: `console`, a pino logger, anything with `debug`/`info`/`warn`/`error` methods taking a
   * message string. Retries go to `warn`, requests that fail for good to `error`, one line per request attempt
   * (and the dumps of debug mode) to `debug`; nothing is logged at `info` today. Every line is redacted: no key,
   * no signature.
   */
  readonly logger?: Logger;
  /** The least severe level logged. Default `"warn"`, or `"debug"` with `debug: true`. */
  readonly logLevel?: LogLevel;
  /**
   * Lifetime of each SAS token, a whole number of seconds from 301 to 31 536 000 (a year). Default 3600 s; nhub
   * re-signs 5 minutes before expiry. Not used by a hub built from a token provider, whose tokens say when they
   * expire (checked all the same).
   */
  readonly tokenTtlSeconds?: number;
}

/**
 * What a runtime supplies to a {@link NotificationHubBase}: the transport to use when the options give none, a
 * token provider, and optionally the channels to publish request events on.
 */
export interface HubRuntime {
  /** Creates the default transport for the namespace's origin (`https://ns.servicebus.windows.net`). */
  transport(origin: string): Transport;
  /** Creates the caching SAS token provider. */
  tokens(options: SasTokenProviderOptions): TokenProvider;
  /** Where request events go (the `nhub:request:*` channels of `DIAGNOSTICS_CHANNELS`); none by default. */
  readonly channels?: RequestChannels;
}

/** What a hub has done so far, and its connection pool now; see {@link NotificationHubBase.stats}. */
export interface HubStats {
  /** Requests started: sends, schedules, cancels, reads and `hub.request` calls, however many attempts each took. */
  readonly requests: number;
  /** Attempts repeated after a retryable failure. */
  readonly retries: number;
  /**
   * Requests that failed for good, after any retries: a service error, a connection failure, a timeout (not
   * the caller's aborts, nor requests refused by a closed hub).
   */
  readonly failures: number;
  /** Requests in flight now, retry waits included. */
  readonly inFlight: number;
  /** The transport's pool (undici's `Pool.stats`), or `undefined` when the transport cannot see one (fetch). */
  readonly pool: PoolStats | undefined;
}

/** Options of one send. */
export interface SendOptions {
  /**
   * Who receives it: a tag expression (`"sports && !politics"`), a built {@link TagExpression}
   * (`and("sports", not("politics"))`, sent fully parenthesised), or a set of tags sent to anyone with any of
   * them (`new Set(["a", "b"])` becomes `a || b`; at most 20 items, read no further). Omit to broadcast to every
   * registration.
   */
  readonly tags?: string | Iterable<string> | TagExpression;
  /**
   * Direct send to this one device, registered or not (`direct=true`): a push service handle, or a browser
   * push subscription `{ endpoint, p256dh, auth }`. Cannot be combined with `tags` or `test`.
   */
  readonly deviceHandle?: DeviceHandle;
  /** Send as a test send: the answer lists up to 10 registrations reached. Tag and broadcast sends only. */
  readonly test?: boolean;
  /** Cancels the send, including any wait before a retry. */
  readonly signal?: AbortSignal;
  /** Extra platform headers for this send only; the same rules as a notification's own headers apply. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Retry policy for this send only; `false` sends exactly once. */
  readonly retry?: RetryOptions | false;
  /** Timeout for this send only. */
  readonly timeoutMs?: number;
}

/**
 * Per-call options every operation that sends no notification takes as its last argument: core's (cancel,
 * outcome details, feedback container) and those of `@nhub/installations`, which re-exports this type.
 */
export interface OperationOptions {
  /** Cancels the operation, including any wait before a retry. */
  readonly signal?: AbortSignal;
  /** Retry policy for this call only; `false` sends exactly once. */
  readonly retry?: RetryOptions | false;
  /** Timeout of each request of this call, in milliseconds (whole, from 1 to 2^31-1). */
  readonly timeoutMs?: number;
}

/**
 * The range of `tokenTtlSeconds`. The token is re-signed 300 s before it expires, so it must live longer than
 * that; a year is far beyond any reason to keep one token.
 */
const TOKEN_TTL_SECONDS = { min: 301, max: 365 * 24 * 60 * 60 } as const;

/**
 * Checks the hub options that need no runtime to read: the timeout, the token lifetime, debug, the logger and a
 * given transport. The retry policy, the response limit and the log level are checked where they are read.
 *
 * @throws {ValidationError} naming the option.
 */
export function checkHubOptions(options: NotificationHubBaseOptions): void {
  checkMs(options.timeoutMs, "timeoutMs", 1);
  checkInteger(
    options.tokenTtlSeconds,
    "tokenTtlSeconds",
    TOKEN_TTL_SECONDS.min,
    TOKEN_TTL_SECONDS.max,
    " of seconds",
  );
  checkBoolean(options.debug, "debug");
  if (options.logger !== undefined && (options.logger === null || typeof options.logger !== "object")) {
    throw new ValidationError("logger", "type", "logger must be an object with debug/warn/error methods");
  }
  if (
    options.transport !== undefined &&
    typeof (options.transport as Partial<Transport> | null)?.request !== "function"
  ) {
    throw new ValidationError("transport", "type", "transport must be an object with a request method");
  }
}

/**
 * Checks the options every request takes, before its first attempt: a bad timeout would otherwise reach the
 * transport's timers, and a bad per-call retry policy would surface only after a first failure.
 *
 * @throws {ValidationError} naming the option.
 */
export function checkCallOptions(options: {
  readonly signal?: AbortSignal | undefined;
  readonly retry?: RetryOptions | false | undefined;
  readonly timeoutMs?: number | undefined;
}): void {
  if (options.signal !== undefined) checkSignal(options.signal);
  if (options.timeoutMs !== undefined) checkMs(options.timeoutMs, "timeoutMs", 1);
  if (options.retry !== undefined) checkRetryOptions(options.retry);
}

/**
 * Reads a hub's connection string, as a {@link ValidationError} naming the part at fault
 * (`connectionString.SharedAccessKey`) when it is malformed.
 *
 * @throws {ValidationError}
 */
export function readConnectionString(connectionString: string): ConnectionStringParts {
  try {
    return parseConnectionString(connectionString);
  } catch (error) {
    if (error instanceof ConnectionStringError) {
      const field =
        error.field === "connectionString" ? "connectionString" : `connectionString.${error.field}`;
      throw new ValidationError(field, error.rule, error.message);
    }
    throw error;
  }
}
