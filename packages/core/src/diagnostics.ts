/**
 * Request events for tracing and metrics. On Node, `NotificationHub` publishes them on `node:diagnostics_channel`
 * channels named in {@link DIAGNOSTICS_CHANNELS}; this module names them without importing Node, so the edge
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

/** The three channels a hub publishes on. */
export interface RequestChannels {
  readonly start: RequestChannel;
  readonly finish: RequestChannel;
  readonly error: RequestChannel;
}
