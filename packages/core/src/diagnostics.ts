/**
 * Request events for tracing and metrics. On Node, `NotificationHub` publishes each attempt on the
 * `node:diagnostics_channel` channels named in {@link DIAGNOSTICS_CHANNELS} and traces each operation on the
 * tracing channel {@link OPERATION_TRACING_CHANNEL}; this module names them without importing Node, so the edge
 * entry can share the types.
 */
import type { NhubError } from "./errors";

/** The channel names nhub publishes on, one message per request attempt. */
export const DIAGNOSTICS_CHANNELS = {
  /** Published just before an attempt leaves. */
  start: "nhub:request:start",
  /** Published when an attempt got an HTTP answer, whatever its status (a 503 is a finish, then a retry). */
  finish: "nhub:request:finish",
  /** Published when an attempt got no answer: refused, reset, timed out or aborted. */
  error: "nhub:request:error",
} as const;

/**
 * What nhub publishes about one request attempt. The same object goes to `start` and then to `finish` or
 * `error` (with `status` or `error` and `durationMs` filled in), so a subscriber can pair them, e.g. in a
 * `WeakMap`. It never holds the token: the URL carries none, headers are not included.
 */
export interface RequestDiagnosticsMessage {
  /** The hub's name. */
  readonly hubName: string;
  readonly method: string;
  /** The full request URL, e.g. `https://ns.servicebus.windows.net/myhub/messages/?api-version=2020-06`. */
  readonly url: string;
  /** 1 for the first attempt, 2 for the first retry, and so on. */
  readonly attempt: number;
  /** The `ServiceBusNotification-Format` of a notification request (`apple`, `fcmv1`, ...). */
  readonly format?: string;
  /** The HTTP status (`finish` only). */
  readonly status?: number;
  /** Milliseconds from `start` to `finish` or `error`. */
  readonly durationMs?: number;
  /** Why no answer came (`error` only): a `ConnectionError`, `TimeoutError` or `AbortError`. */
  readonly error?: NhubError;
}

/** The part of a `diagnostics_channel` channel nhub uses; Node's `Channel` fits. */
export interface RequestChannel {
  readonly hasSubscribers: boolean;
  publish(message: unknown): void;
}

/** The channels a hub publishes on. */
export interface RequestChannels {
  readonly start: RequestChannel;
  readonly finish: RequestChannel;
  readonly error: RequestChannel;
  /** The operations' tracing channel ({@link OPERATION_TRACING_CHANNEL}); a hub without one traces nothing. */
  readonly operation?: OperationTracingChannel;
}

/**
 * The name of the `diagnostics_channel.tracingChannel` every operation of a Node hub is traced on: Node publishes
 * its events on `tracing:nhub:operation:start`, `:end`, `:asyncStart`, `:asyncEnd` and `:error`.
 */
export const OPERATION_TRACING_CHANNEL = "nhub:operation";

/** One retry of an operation, as {@link OperationTraceContext.retries} records it. */
export interface OperationRetry {
  /** The attempt that failed and is retried: 1 for the first. */
  readonly attempt: number;
  /** How long the hub waits before the next attempt. */
  readonly delayMs: number;
  /** The failed attempt's HTTP status; absent when no answer came. */
  readonly status?: number;
  /** The failed attempt's error code (`NHUB_SERVICE`, `NHUB_TIMEOUT`, ...). */
  readonly errorCode?: string;
  /** When the retry was decided, in `Date.now()` milliseconds. */
  readonly time: number;
}

/**
 * The context of one traced operation: one object from `start` to `asyncEnd`, filled in as the operation runs,
 * so a subscriber can key its span on it (a `WeakMap`). It holds no key, token, header or body of the request;
 * `result` (the answer) and `error` are set by the tracing channel itself.
 */
export interface OperationTraceContext {
  /**
   * What the operation is: `send`, `sendDirectBatch` (one per chunk), `scheduleNotification`,
   * `createOrUpdateInstallation`, ...; the request's `operation`, or `METHOD /path-template` (see `pathTemplate`)
   * for a request that names none.
   */
  readonly operation: string;
  /** The hub's name. */
  readonly hubName: string;
  /** The namespace's host, e.g. `ns.servicebus.windows.net`. */
  readonly serverAddress: string;
  /** The namespace's port, when the URL names one (an emulator). */
  readonly serverPort?: number;
  readonly method: string;
  /**
   * The path below the hub with every id replaced by `{id}`, e.g. `/installations/{id}`; no query, no caller
   * value.
   */
  readonly pathTemplate: string;
  /** The `ServiceBusNotification-Format` of a notification request (`apple`, `fcmv1`, ...). */
  readonly format?: string;
  /** Attempts made so far: 1, then one more for each retry. */
  attempts: number;
  /** The retries so far, in order. */
  readonly retries: OperationRetry[];
  /** The HTTP status of the last answer; absent when none came. */
  status?: number;
  /** The service's `TrackingId` of the last answer, when it sent one. */
  trackingId?: string;
  /** The answer, on success (set by the tracing channel before `asyncStart`). */
  result?: unknown;
  /** Why the operation failed (set by the tracing channel before `error`): an `NhubError`. */
  error?: unknown;
}

/** The part of Node's `TracingChannel` nhub uses. */
export interface OperationTracingChannel {
  /** Whether any of the five channels has a subscriber. */
  readonly hasSubscribers: boolean;
  /** Runs `fn(...args)` inside `start`/`end`, then publishes `asyncStart`/`asyncEnd` (and `error`) as it settles. */
  tracePromise<Args extends unknown[], Result>(
    fn: (...args: Args) => Promise<Result>,
    context: OperationTraceContext,
    thisArg: undefined,
    ...args: Args
  ): Promise<Result>;
}
