import { type HubCredential, isTokenCredential, resolveCredential } from "./credential-forms";
import { setDeviceHandleHeaders } from "./device-handle";
import type { DirectBatchOptions, DirectBatchResult } from "./direct-batch";
import { AbortError, ClosedError, type NhubError, ValidationError } from "./errors";
import { getFeedbackContainerUrl } from "./feedback";
import { assertHubName } from "./hub-name";
import {
  checkCallOptions,
  checkHubOptions,
  DEFAULT_TIMEOUT_MS,
  type HubRuntime,
  type HubStats,
  type Logger,
  type NotificationHubBaseOptions,
  type OperationOptions,
  type SendOptions,
} from "./hub-options";
import { createHubPipeline, type HubCounts } from "./hub-pipeline";
import {
  API_VERSION,
  type HubClient,
  type HubRequest,
  notificationHeaders,
  pipelineRequest,
  requestWithCoreHeaders,
} from "./hub-request";
import { hubTokens, keySwitchMessage } from "./hub-tokens";
import { createLog } from "./log";
import { assertHeaders, assertNotification, type Notification } from "./notification";
import { getNotificationOutcomeDetails } from "./notification-outcomes";
import { checkBoolean } from "./option-checks";
import { parseNotificationOutcome } from "./outcome";
import type { NotificationOutcomeDetails } from "./outcome-details";
import { assertRequestPath } from "./path-segment";
import { type Dispatch, describeRequest, type PipelineRequest } from "./pipeline";
import { checkMaxResponseBytes } from "./response-limit";
import { DEFAULT_RETRY, resolveRetry } from "./retry";
import {
  cancelScheduledNotification,
  type ScheduleNotificationOptions,
  scheduleNotification,
} from "./scheduled-notifications";
import { type SendResult, toSendResult } from "./send-result";
import { toTagExpression } from "./tags";
import type { Transport, TransportResponse } from "./transport";

const consoleLogger: Logger = { debug: (m) => console.error(m), warn: (m) => console.error(m) };

/**
 * The runtime-neutral hub: everything `NotificationHub` does, given a {@link HubRuntime}. Use `NotificationHub`
 * from `@nhub/core` (Node: undici, Node's crypto, `diagnostics_channel`) or from `@nhub/core/edge` (fetch,
 * WebCrypto); both extend this class, so a function typed with either accepts both.
 */
export class NotificationHubBase implements HubClient {
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
  readonly #transport: Transport;
  /** The pipeline every request of this hub goes through (`hub-pipeline.ts`). */
  readonly #dispatch: Dispatch;
  readonly #timeoutMs: number;
  /** `undefined` leaves each request to the transport's own limit. */
  readonly #maxResponseBytes: number | undefined;
  readonly #debug: boolean;
  readonly #destroyed = new AbortController();
  readonly #counts: HubCounts = { requests: 0, retries: 0, failures: 0, active: 0, drained: undefined };
  #closed = false;
  #idle: Promise<void> | undefined;

  /**
   * @param credential a connection string (`Endpoint=sb://...;SharedAccessKeyName=...;SharedAccessKey=...`), a
   * `[primary, secondary]` pair of connection strings of one rule for key rotation, or a token provider
   * (`{ endpoint, hubName, token }`); see {@link HubCredential}
   * @param hubName the notification hub's name (a token provider's own `hubName` is used when this is `undefined`)
   * @param runtime the default transport, the token signer and the diagnostics channels
   * @throws {ValidationError} for a malformed credential or hub name, or an option out of its range or of the
   * wrong type (`timeoutMs`, `maxResponseBytes`, `tokenTtlSeconds`, `retry.*`, `debug`, `logLevel`...); nothing
   * is sent.
   */
  constructor(
    credential: HubCredential,
    hubName: string | undefined,
    options: NotificationHubBaseOptions,
    runtime: HubRuntime,
  ) {
    const parts = resolveCredential(credential);
    const name = (hubName ?? (isTokenCredential(credential) ? credential.hubName : undefined)) as string;
    assertHubName(name);
    checkHubOptions(options);
    this.hubName = name;
    this.namespaceUrl = parts.namespaceUrl;
    this.hubUrl = parts.namespaceUrl + name;
    this.#origin = parts.namespaceUrl.slice(0, -1);
    this.#basePath = `/${name}`;
    this.#sendPath = `${this.#basePath}/messages/?api-version=${API_VERSION}`;
    this.#testSendPath = `${this.#sendPath}&test=true`;
    this.#directPath = `${this.#sendPath}&direct=true`;
    const retry = resolveRetry(DEFAULT_RETRY, options.retry);
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#maxResponseBytes =
      options.maxResponseBytes === undefined ? undefined : checkMaxResponseBytes(options.maxResponseBytes);
    this.#debug = options.debug ?? false;
    const log = createLog(
      options.logger ?? (this.#debug ? consoleLogger : undefined),
      options.logLevel ?? (this.#debug ? "debug" : "warn"),
      parts.keys,
    );
    const tokens = hubTokens(parts, this.hubUrl, options, runtime, (from, to) => {
      log.warn?.(keySwitchMessage(name, from, to));
    });
    // Last, so nothing above can throw after a pool was opened.
    this.#transport = options.transport ?? runtime.transport(this.#origin);
    this.#dispatch = createHubPipeline({
      hubName: name,
      transport: this.#transport,
      tokens,
      retry,
      secrets: parts.keys,
      log,
      debug: this.#debug,
      channels: runtime.channels,
      stop: this.#destroyed.signal,
      counts: this.#counts,
    });
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
      requests: this.#counts.requests,
      retries: this.#counts.retries,
      failures: this.#counts.failures,
      inFlight: this.#counts.active,
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
    const res = await this.#execute({
      operation: "send",
      method: "POST",
      origin: this.#origin,
      path,
      headers,
      body: notification.body,
      signal: options.signal,
      timeoutMs: options.timeoutMs ?? this.#timeoutMs,
      maxResponseBytes: this.#maxResponseBytes,
      retry: options.retry,
    });
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
    const { sendDirectBatch } = await import("./direct-batch-send");
    return sendDirectBatch(notification, handles, options, async (contentType, body) => {
      const { signal, retry, timeoutMs } = options;
      const request = {
        operation: "sendDirectBatch",
        method: "POST",
        path: "/messages/$batch",
        query: { direct: "true" },
      } as const;
      return toSendResult(
        await this[requestWithCoreHeaders]({
          ...request,
          headers,
          contentType,
          body,
          signal,
          retry,
          timeoutMs,
        }),
      );
    });
  }

  /** A shortcut to {@link scheduleNotification}`(hub, notification, scheduledTime, options)`. */
  scheduleNotification(
    notification: Notification,
    scheduledTime: Date,
    options: ScheduleNotificationOptions = {},
  ): Promise<SendResult> {
    return scheduleNotification(this, notification, scheduledTime, options);
  }

  /** A shortcut to {@link cancelScheduledNotification}`(hub, notificationId, options)`. */
  cancelScheduledNotification(notificationId: string, options: OperationOptions = {}): Promise<SendResult> {
    return cancelScheduledNotification(this, notificationId, options);
  }

  /** A shortcut to {@link getNotificationOutcomeDetails}`(hub, notificationId, options)`. */
  getNotificationOutcomeDetails(
    notificationId: string,
    options: OperationOptions = {},
  ): Promise<NotificationOutcomeDetails> {
    return getNotificationOutcomeDetails(this, notificationId, options);
  }

  /** A shortcut to {@link getFeedbackContainerUrl}`(hub, options)`. */
  getFeedbackContainerUrl(options: OperationOptions = {}): Promise<string> {
    return getFeedbackContainerUrl(this, options);
  }

  /**
   * Sends a signed request to a path below the hub and returns the answer; a non-2xx answer rejects with
   * {@link ServiceError}. Every operation but the sends is a function over this (`scheduleNotification`,
   * `getNotificationOutcomeDetails`, those of `@nhub/installations`), so adding one does not grow the client.
   */
  async request(req: HubRequest): Promise<TransportResponse> {
    assertRequestPath(req.path);
    if (req.headers !== undefined) assertHeaders(req.headers);
    return this.#execute(
      pipelineRequest(req, this.#origin, this.#basePath, this.#timeoutMs, this.#maxResponseBytes),
    );
  }

  /** {@link request} without the header check, for core's own operations; see {@link requestWithCoreHeaders}. */
  async [requestWithCoreHeaders](req: HubRequest): Promise<TransportResponse> {
    return this.#execute(
      pipelineRequest(req, this.#origin, this.#basePath, this.#timeoutMs, this.#maxResponseBytes),
    );
  }

  /** Stops taking sends, waits for those in flight (retries included), then closes the connections. */
  async close(): Promise<void> {
    this.#closed = true;
    // Shared by every caller, so closing twice (or closing while closing) is harmless.
    if (this.#counts.active > 0) {
      this.#idle ??= new Promise<void>((resolve) => {
        this.#counts.drained = resolve;
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

  /**
   * Hands a built request to the pipeline, once its options are checked and the hub takes it. Not async: the
   * pipeline's retry step is the request's one async frame, and it reports the end to `onSettled`. Every caller
   * is async, so a check that throws here rejects the call.
   */
  #execute(request: PipelineRequest): Promise<TransportResponse> {
    checkCallOptions(request);
    if (this.#closed) throw new ClosedError();
    if (request.signal?.aborted)
      throw new AbortError(`${describeRequest(request)} was aborted before it was sent`);
    if (request.maxResponseBytes !== this.#maxResponseBytes) checkMaxResponseBytes(request.maxResponseBytes);
    this.#counts.active++;
    this.#counts.requests++;
    return this.#dispatch(request);
  }
}
