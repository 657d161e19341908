/**
 * The hub client itself, runtime-neutral: URL building, headers, send, retries, logging, diagnostics and stats.
 * It imports no Node built-in and no undici: each entry point (`hub.ts` for Node, `edge-hub.ts` for fetch and
 * WebCrypto) subclasses it with the transport and token signer its runtime has.
 */
import {
  ConnectionStringError,
  parseConnectionString,
  redactSecrets,
  type SasTokenProviderOptions,
  type TokenProvider,
} from "@nhub/sas";
import { type DeviceHandle, setDeviceHandleHeaders } from "./device-handle";
import type { RequestChannels } from "./diagnostics";
import type { DirectBatchOptions, DirectBatchResult } from "./direct-batch";
import { AbortError, ClosedError, type NhubError, ServiceError, ValidationError } from "./errors";
import { quoteExcerpt } from "./excerpt";
import { createLog, type HubLog, type Logger, type LogLevel } from "./log";
import { assertHeaders, assertHeaderValue, assertNotification, type Notification } from "./notification";
import { assertNotificationId, notificationIdFromLocation } from "./notification-id";
import { checkBoolean, checkInteger, checkMs, checkSignal } from "./option-checks";
import { type NotificationOutcome, parseErrorBody, parseNotificationOutcome } from "./outcome";
import { type NotificationOutcomeDetails, parseNotificationOutcomeDetails } from "./outcome-details";
import { assertPathSegment, assertRequestPath, encodePathSegment } from "./path-segment";
import { checkMaxResponseBytes } from "./response-limit";
import {
  checkRetryOptions,
  DEFAULT_RETRY,
  parseRetryAfter,
  type ResolvedRetry,
  type RetryListener,
  type RetryOptions,
  resolveRetry,
  retryAfter,
} from "./retry";
import { type ScheduleNotificationOptions, scheduleTimeHeader } from "./scheduled-notification";
import { type TagExpression, toTagExpression } from "./tags";
import type { PoolStats, Transport, TransportRequest, TransportResponse } from "./transport";

export type { Logger, LogLevel } from "./log";

/** The REST API version nhub speaks. */
export const API_VERSION = "2020-06";

/** Default deadline of one request attempt, from its start until the answer's body is read in full. */
export const DEFAULT_TIMEOUT_MS = 30_000;

/**
 * The range of `tokenTtlSeconds`. The token is re-signed 300 s before it expires, so it must live longer than
 * that; a year is far beyond any reason to keep one token.
 */
const TOKEN_TTL_SECONDS = { min: 301, max: 365 * 24 * 60 * 60 } as const;

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
   * re-signs 5 minutes before expiry.
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

/** Options of a request that sends no notification (cancel, outcome details, feedback container). */
export interface OperationOptions {
  /** Cancels the request, including any wait before a retry. */
  readonly signal?: AbortSignal;
  /** Retry policy for this request only; `false` sends exactly once. */
  readonly retry?: RetryOptions | false;
  /** Timeout for this request only. */
  readonly timeoutMs?: number;
}

/** What the hub answered to a send. */
export interface SendResult {
  /** The HTTP status, 201 for an accepted send. */
  readonly status: number;
  /**
   * The notification id: the last path segment of the `Location` header (`messages/{id}`, a direct batch's
   * `messages/$batch/{id}`, `schedulednotifications/{id}`), Standard tier only. Absent when there is no
   * `Location` or it names no notification.
   */
  readonly notificationId?: string;
  /** The `Location` header: the URL of the notification's outcome details (Standard tier only). */
  readonly location?: string;
  /** The `TrackingId` header: quote it to Azure support. */
  readonly trackingId?: string;
  /** The `x-ms-correlation-request-id` header. */
  readonly correlationId?: string;
  /** The parsed `NotificationOutcome` of a test send. */
  readonly outcome?: NotificationOutcome;
}

/** A request to the hub's REST API, for packages that add operations (installations, registrations, jobs). */
export interface HubRequest {
  readonly method: TransportRequest["method"];
  /** Path below the hub, starting with `/`, e.g. `/installations/abc`. `api-version` is added for you. */
  readonly path: string;
  /** Extra query parameters. */
  readonly query?: Readonly<Record<string, string | undefined>>;
  readonly headers?: Readonly<Record<string, string>>;
  /** The body's `Content-Type`, e.g. `application/json-patch+json`; required with a body. */
  readonly contentType?: string;
  readonly body?: string | Uint8Array;
  readonly signal?: AbortSignal;
  readonly retry?: RetryOptions | false;
  readonly timeoutMs?: number;
  /** Most bytes of the answer's body to read, for this request only (a large feed page); see the hub's option. */
  readonly maxResponseBytes?: number;
}

const HUB_NAME_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9._/-]{0,258}[A-Za-z0-9])?$/;

/**
 * Checks a hub name against the service's rules: 1-260 characters of letters, digits, `.`, `-`, `_` and `/`,
 * starting and ending with a letter or digit. A `/` separates path segments (`team/alerts`), and each segment
 * passes the path segment rule ({@link assertPathSegment}): none is empty, `.` or `..`.
 *
 * @throws {ValidationError} with field `hubName`.
 */
export function assertHubName(hubName: string): void {
  if (typeof hubName !== "string" || hubName.length === 0) {
    throw new ValidationError("hubName", "required", "a hub name is required");
  }
  if (hubName.length > 260) {
    throw new ValidationError(
      "hubName",
      "max-length",
      `the hub name is ${hubName.length} characters; the limit is 260`,
    );
  }
  if (!HUB_NAME_PATTERN.test(hubName) || hubName.includes("//")) {
    throw new ValidationError(
      "hubName",
      "characters",
      `${quoteExcerpt(hubName)} is not a valid hub name: use letters, digits, ".", "-", "_" and "/", starting and ending with a letter or digit`,
    );
  }
  for (const segment of hubName.split("/")) assertPathSegment(segment, "hubName");
}

let observer: typeof import("./request-observer") | undefined;

const consoleLogger: Logger = { debug: (m) => console.error(m), warn: (m) => console.error(m) };

/** The request fields `#execute` and `#attempt` pass along. */
interface HubCall {
  method: TransportRequest["method"];
  path: string;
  headers: Record<string, string>;
  body?: string | Uint8Array;
}

/**
 * The runtime-neutral hub: everything `NotificationHub` does, given a {@link HubRuntime}. Use `NotificationHub`
 * from `@nhub/core` (Node: undici, Node's crypto, `diagnostics_channel`) or from `@nhub/core/edge` (fetch,
 * WebCrypto); both extend this class, so a function typed with either accepts both.
 */
export class NotificationHubBase {
  /** The hub's name. */
  readonly hubName: string;
  /** The namespace root, e.g. `https://myns.servicebus.windows.net/`. */
  readonly namespaceUrl: string;
  /** The hub's URL, e.g. `https://myns.servicebus.windows.net/myhub`. */
  readonly hubUrl: string;

  readonly #origin: string;
  readonly #basePath: string;
  readonly #sendPath: string;
  readonly #testSendPath: string;
  readonly #directPath: string;
  readonly #tokens: TokenProvider;
  readonly #transport: Transport;
  readonly #retry: ResolvedRetry;
  readonly #timeoutMs: number;
  /** `undefined` leaves each request to the transport's own limit. */
  readonly #maxResponseBytes: number | undefined;
  readonly #debug: boolean;
  readonly #log: HubLog;
  /** What no error, log line or dump of this hub may show (its key): handed to each redaction, never shown. */
  readonly #secrets: readonly string[];
  /** Whether every attempt takes the observed path (timing, debug lines, dumps), whoever subscribes. */
  readonly #observeAll: boolean;
  readonly #channels: RequestChannels | undefined;
  readonly #onRetry: RetryListener;
  readonly #destroyed = new AbortController();
  #requests = 0;
  #retries = 0;
  #failures = 0;
  #closed = false;
  #active = 0;
  #drained: (() => void) | undefined;
  #idle: Promise<void> | undefined;

  /**
   * @param connectionString `Endpoint=sb://...;SharedAccessKeyName=...;SharedAccessKey=...`
   * @param hubName the notification hub's name
   * @param runtime the default transport, the token signer and the diagnostics channels
   * @throws {ValidationError} for a malformed connection string or hub name, or an option out of its range or of
   * the wrong type (`timeoutMs`, `maxResponseBytes`, `tokenTtlSeconds`, `retry.*`, `debug`, `logLevel`...);
   * nothing is sent.
   */
  constructor(
    connectionString: string,
    hubName: string,
    options: NotificationHubBaseOptions,
    runtime: HubRuntime,
  ) {
    let parts: ReturnType<typeof parseConnectionString>;
    try {
      parts = parseConnectionString(connectionString);
    } catch (error) {
      if (error instanceof ConnectionStringError) {
        const field =
          error.field === "connectionString" ? "connectionString" : `connectionString.${error.field}`;
        throw new ValidationError(field, error.rule, error.message);
      }
      throw error;
    }
    assertHubName(hubName);
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
    this.hubName = hubName;
    this.namespaceUrl = parts.namespaceUrl;
    this.hubUrl = parts.namespaceUrl + hubName;
    this.#origin = parts.namespaceUrl.slice(0, -1);
    this.#basePath = `/${hubName}`;
    this.#sendPath = `${this.#basePath}/messages/?api-version=${API_VERSION}`;
    this.#testSendPath = `${this.#sendPath}&test=true`;
    this.#directPath = `${this.#sendPath}&direct=true`;
    // Signed for this hub only (as the Python sample does), so a leaked token opens no other hub.
    this.#tokens = runtime.tokens({
      resourceUri: this.hubUrl,
      keyName: parts.sharedAccessKeyName,
      key: parts.sharedAccessKey,
      ttlSeconds: options.tokenTtlSeconds,
    });
    this.#retry = resolveRetry(DEFAULT_RETRY, options.retry);
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#maxResponseBytes =
      options.maxResponseBytes === undefined ? undefined : checkMaxResponseBytes(options.maxResponseBytes);
    this.#debug = options.debug ?? false;
    this.#secrets = [parts.sharedAccessKey];
    this.#log = createLog(
      options.logger ?? (this.#debug ? consoleLogger : undefined),
      options.logLevel ?? (this.#debug ? "debug" : "warn"),
      parts.sharedAccessKey,
    );
    this.#observeAll = this.#debug || this.#log.debug !== undefined;
    this.#channels = runtime.channels;
    this.#onRetry = ({ attempt, delayMs, error }) => {
      this.#retries++;
      this.#log.warn?.(`nhub: ${this.hubName}: retry ${attempt} in ${delayMs} ms after ${error.message}`);
    };
    // Last, so nothing above can throw after a pool was opened.
    this.#transport = options.transport ?? runtime.transport(this.#origin);
  }

  /** Whether {@link close} or {@link destroy} has been called. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * Counters of this hub (requests, retries, failures, in flight) and its connection pool now: undici's
   * `Pool.stats` (`connected`, `free`, `pending`, `queued`, `running`, `size`), or `undefined` for transports
   * that cannot see a pool, such as fetch. A fresh snapshot on every read.
   */
  get stats(): HubStats {
    return {
      requests: this.#requests,
      retries: this.#retries,
      failures: this.#failures,
      inFlight: this.#active,
      pool: this.#transport.stats?.(),
    };
  }

  /**
   * Sends a notification to the devices matching `options.tags`, or to every device when no tags are given.
   * Everything is checked before the request leaves; a send either resolves with the hub's answer or rejects
   * with a typed {@link NhubError}.
   */
  async send(notification: Notification, options: SendOptions = {}): Promise<SendResult> {
    assertNotification(notification);
    checkBoolean(options.test, "test");
    const tags = toTagExpression(options.tags);
    if (options.headers !== undefined) assertHeaders(options.headers);
    const headers = notificationHeaders(notification, options.headers);
    let test = false;
    let path: string;
    if (options.deviceHandle !== undefined) {
      if (tags !== undefined || options.test) {
        throw new ValidationError(
          tags !== undefined ? "tags" : "test",
          "conflict",
          "a direct send (deviceHandle) goes to one device: it takes neither tags nor test",
        );
      }
      setDeviceHandleHeaders(headers, options.deviceHandle);
      path = this.#directPath;
    } else {
      if (tags !== undefined) headers["ServiceBusNotification-Tags"] = tags;
      test = options.test ?? this.#debug;
      path = test ? this.#testSendPath : this.#sendPath;
    }
    const res = await this.#execute({ method: "POST", path, headers, body: notification.body }, options);
    return toSendResult(res, test ? await parseNotificationOutcome(res.body) : undefined);
  }

  /**
   * Sends one notification directly to many device handles: `POST messages/$batch?direct=true`, a
   * `multipart/mixed` body per chunk of at most 1000 handles, `concurrency` chunks in flight. Resolves with
   * every chunk's outcome, in order; a failed chunk does not fail the batch. Rejects only for bad input (no
   * handles, an empty or CR/LF handle, `chunkSize` outside 1-1000) or a signal aborted before the start.
   */
  async sendDirectBatch(
    notification: Notification,
    handles: Iterable<string>,
    options: DirectBatchOptions = {},
  ): Promise<DirectBatchResult> {
    assertNotification(notification);
    // Checked here, not per chunk: a bad option must reject the batch, not fail every chunk.
    checkCallOptions(options);
    const headers = notificationHeaders(notification);
    const path = `${this.#basePath}/messages/$batch?api-version=${API_VERSION}&direct=true`;
    const { sendDirectBatch } = await import("./direct-batch-send");
    return sendDirectBatch(notification, handles, options, async (contentType, body) =>
      toSendResult(
        await this.#execute(
          { method: "POST", path, headers: { ...headers, "Content-Type": contentType }, body },
          options,
        ),
      ),
    );
  }

  /**
   * Schedules a notification for `scheduledTime` (Standard tier): at most 7 days ahead, sent to `options.tags`
   * or broadcast. The result's `notificationId` is what {@link cancelScheduledNotification} takes.
   */
  async scheduleNotification(
    notification: Notification,
    scheduledTime: Date,
    options: ScheduleNotificationOptions = {},
  ): Promise<SendResult> {
    assertNotification(notification);
    const at = scheduleTimeHeader(scheduledTime);
    const tags = toTagExpression(options.tags);
    const headers = notificationHeaders(notification);
    headers["ServiceBusNotification-ScheduleTime"] = at;
    if (tags !== undefined) headers["ServiceBusNotification-Tags"] = tags;
    const path = `${this.#basePath}/schedulednotifications/?api-version=${API_VERSION}`;
    return toSendResult(
      await this.#execute({ method: "POST", path, headers, body: notification.body }, options),
    );
  }

  /** Cancels a scheduled notification: `DELETE schedulednotifications/{id}`. */
  async cancelScheduledNotification(
    notificationId: string,
    options: OperationOptions = {},
  ): Promise<SendResult> {
    return toSendResult(await this.#call("DELETE", "/schedulednotifications/", notificationId, options));
  }

  /**
   * Reads a notification's per-message telemetry (`GET messages/{id}`, Standard tier). The hub answers 404
   * until it has processed the notification; {@link waitForNotificationOutcome} polls through that.
   */
  async getNotificationOutcomeDetails(
    notificationId: string,
    options: OperationOptions = {},
  ): Promise<NotificationOutcomeDetails> {
    return parseNotificationOutcomeDetails(
      (await this.#call("GET", "/messages/", notificationId, options)).body,
    );
  }

  /** The URL of the Azure Storage container holding the hub's push service feedback (`GET feedbackcontainer`). */
  async getFeedbackContainerUrl(options: OperationOptions = {}): Promise<string> {
    return (await this.#call("GET", "/feedbackcontainer", undefined, options)).body.trim();
  }

  /**
   * Sends a signed request to a path below the hub and returns the answer; a non-2xx answer rejects with
   * {@link ServiceError}. This is how packages such as `@nhub/installations` add operations without
   * growing core.
   */
  async request(req: HubRequest): Promise<TransportResponse> {
    assertRequestPath(req.path);
    if (req.headers !== undefined) assertHeaders(req.headers);
    let query = `api-version=${API_VERSION}`;
    for (const [k, v] of Object.entries(req.query ?? {})) {
      if (v !== undefined) query += `&${encodeURIComponent(k)}=${encodeURIComponent(v)}`;
    }
    const headers: Record<string, string> = { ...req.headers, "x-ms-version": API_VERSION };
    if (req.body !== undefined) {
      if (!req.contentType) {
        throw new ValidationError("contentType", "required", "a request with a body needs a Content-Type");
      }
      assertHeaderValue(req.contentType, "contentType");
      headers["Content-Type"] = req.contentType;
    }
    return this.#execute(
      { method: req.method, path: `${this.#basePath}${req.path}?${query}`, headers, body: req.body },
      req,
    );
  }

  /** Stops taking sends, waits for those in flight (retries included), then closes the connections. */
  async close(): Promise<void> {
    this.#closed = true;
    // Shared by every caller, so closing twice (or closing while closing) is harmless.
    if (this.#active > 0) {
      this.#idle ??= new Promise<void>((resolve) => {
        this.#drained = resolve;
      });
      await this.#idle;
    }
    await this.#transport.close();
  }

  /** Stops at once: sends in flight and their retry waits reject, and the connections are dropped. */
  async destroy(): Promise<void> {
    this.#closed = true;
    this.#destroyed.abort();
    await this.#transport.destroy();
  }

  /** Shows what the hub is without its credentials. */
  toJSON(): { hubName: string; hubUrl: string } {
    return { hubName: this.hubName, hubUrl: this.hubUrl };
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return `NotificationHub { hubName: '${this.hubName}', hubUrl: '${this.hubUrl}'${this.#closed ? ", closed" : ""} }`;
  }

  /** A request without a body, below the hub; `id` is checked and percent-encoded onto the path. */
  #call(
    method: "GET" | "DELETE",
    path: string,
    id: string | undefined,
    options: OperationOptions,
  ): Promise<TransportResponse> {
    if (id !== undefined) {
      assertNotificationId(id);
      path += encodePathSegment(id, "notificationId");
    }
    return this.#execute(
      {
        method,
        path: `${this.#basePath}${path}?api-version=${API_VERSION}`,
        headers: { "x-ms-version": API_VERSION },
      },
      options,
    );
  }

  async #execute(
    req: HubCall,
    options: {
      signal?: AbortSignal;
      retry?: RetryOptions | false;
      timeoutMs?: number;
      maxResponseBytes?: number;
    },
  ): Promise<TransportResponse> {
    checkCallOptions(options);
    if (this.#closed) throw new ClosedError();
    const signal = options.signal;
    if (signal?.aborted)
      throw new AbortError(`${req.method} ${req.path.split("?")[0]} was aborted before it was sent`);
    const limit =
      options.maxResponseBytes === undefined
        ? this.#maxResponseBytes
        : checkMaxResponseBytes(options.maxResponseBytes);
    this.#active++;
    this.#requests++;
    let attempt = 0;
    try {
      const timeoutMs = options.timeoutMs ?? this.#timeoutMs;
      try {
        // The first attempt inline: one async frame fewer on every send, which a busy process feels.
        const res = await this.#attempt(req, signal, timeoutMs, limit, ++attempt);
        if (res.status >= 200 && res.status < 300) return res;
        throw await this.#serviceError(req, res);
      } catch (error) {
        const retry = resolveRetry(this.#retry, options.retry);
        const run = async () => {
          const res = await this.#attempt(req, signal, timeoutMs, limit, ++attempt);
          if (res.status >= 200 && res.status < 300) return res;
          throw await this.#serviceError(req, res);
        };
        return await retryAfter(error, run, retry, [signal, this.#destroyed.signal], this.#onRetry);
      }
    } catch (error) {
      // An abort is the caller's choice and a closed hub the caller's doing: neither is a failure to report.
      const code = (error as NhubError).code;
      if (code !== "NHUB_ABORTED" && code !== "NHUB_CLOSED") {
        this.#failures++;
        this.#log.error?.(
          `nhub: ${this.hubName}: ${req.method} ${req.path.split("?")[0]} failed after ${attempt} attempt(s): ${(error as Error).message}`,
        );
      }
      throw error;
    } finally {
      if (--this.#active === 0 && this.#drained) this.#drained();
    }
  }

  /** Sends one attempt; resolves with whatever status came back (the caller tells success from failure). */
  #attempt(
    req: HubCall,
    signal: AbortSignal | undefined,
    timeoutMs: number,
    maxResponseBytes: number | undefined,
    attempt: number,
  ): Promise<TransportResponse> {
    if (this.#destroyed.signal.aborted) throw new ClosedError("the NotificationHub was destroyed");
    const token = this.#tokens.getToken();
    if (typeof token !== "string") {
      return token.then((t) => this.#request(req, t, signal, timeoutMs, maxResponseBytes, attempt));
    }
    return this.#request(req, token, signal, timeoutMs, maxResponseBytes, attempt);
  }

  #request(
    req: HubCall,
    token: string,
    signal: AbortSignal | undefined,
    timeoutMs: number,
    maxResponseBytes: number | undefined,
    attempt: number,
  ): Promise<TransportResponse> {
    // The call's headers are its own (built per request), so the token of this attempt is set in place.
    req.headers.Authorization = token;
    const request: TransportRequest = {
      method: req.method,
      origin: this.#origin,
      path: req.path,
      headers: req.headers,
      body: req.body,
      signal,
      timeoutMs,
      maxResponseBytes,
    };
    const channels = this.#channels;
    return this.#observeAll ||
      (channels !== undefined &&
        (channels.start.hasSubscribers || channels.finish.hasSubscribers || channels.error.hasSubscribers))
      ? this.#observed(request, attempt)
      : this.#transport.request(request);
  }

  /** The typed error for a response outside 2xx, with the service's code and detail from its body. */
  async #serviceError(req: HubCall, res: TransportResponse): Promise<ServiceError> {
    const { code, detail } = await parseErrorBody(res.body);
    return new ServiceError({
      statusCode: res.status,
      method: req.method,
      url: this.#origin + req.path,
      serviceCode: code,
      detail,
      trackingId: res.headers["trackingid"],
      correlationId: res.headers["x-ms-correlation-request-id"],
      retryAfterMs: parseRetryAfter(res.headers),
      secrets: this.#secrets,
    });
  }

  /**
   * Sends an attempt someone watches (a diagnostics subscriber, the debug log, debug mode). The code that times,
   * publishes and dumps it is loaded on first use, so a plain send neither runs nor bundles it.
   */
  async #observed(request: TransportRequest, attempt: number): Promise<TransportResponse> {
    observer ??= await import("./request-observer");
    return observer.observeRequest(this.#transport, request, {
      hubName: this.hubName,
      attempt,
      channels: this.#channels,
      log: this.#log,
      dump: this.#debug,
      redact: (text) => redactSecrets(text, this.#secrets),
    });
  }
}

/**
 * Checks the options every request takes, before its first attempt: a bad timeout would otherwise reach the
 * transport's timers, and a bad per-call retry policy would surface only after a first failure.
 */
function checkCallOptions(options: {
  signal?: AbortSignal;
  retry?: RetryOptions | false;
  timeoutMs?: number;
}): void {
  if (options.signal !== undefined) checkSignal(options.signal);
  if (options.timeoutMs !== undefined) checkMs(options.timeoutMs, "timeoutMs", 1);
  if (options.retry !== undefined) checkRetryOptions(options.retry);
}

/** The headers every notification request carries: the platform's, then core's own. */
function notificationHeaders(
  notification: Notification,
  override?: Readonly<Record<string, string>>,
): Record<string, string> {
  return {
    ...(override === undefined ? notification.headers : mergeHeaders(notification.headers, override)),
    "Content-Type": notification.contentType,
    "ServiceBusNotification-Format": notification.format,
    "x-ms-version": API_VERSION,
  };
}

/** Per-call headers replace a notification's header of the same name in any letter case, so none is sent twice. */
function mergeHeaders(
  base: Readonly<Record<string, string>> | undefined,
  override: Readonly<Record<string, string>>,
): Record<string, string> {
  const overridden = new Set(Object.keys(override).map((k) => k.toLowerCase()));
  const merged: Record<string, string> = {};
  for (const [k, v] of Object.entries(base ?? {})) if (!overridden.has(k.toLowerCase())) merged[k] = v;
  return Object.assign(merged, override);
}

function toSendResult(res: TransportResponse, outcome?: NotificationOutcome): SendResult {
  const location = res.headers["location"];
  const id = location ? notificationIdFromLocation(location) : undefined;
  const result: { -readonly [K in keyof SendResult]: SendResult[K] } = { status: res.status };
  if (id !== undefined) result.notificationId = id;
  if (location !== undefined) result.location = location;
  if (res.headers["trackingid"] !== undefined) result.trackingId = res.headers["trackingid"];
  const correlationId = res.headers["x-ms-correlation-request-id"];
  if (correlationId !== undefined) result.correlationId = correlationId;
  if (outcome !== undefined) result.outcome = outcome;
  return result;
}
