import type { RetryOptions } from "@nhub/core";

/** Per-call options every operation of this package takes as its last argument. */
export interface OperationOptions {
  /** Cancels the operation, including any wait before a retry. */
  readonly signal?: AbortSignal;
  /** Retry policy for this call only; `false` sends exactly once. */
  readonly retry?: RetryOptions | false;
  /** Timeout of each request of this call, in milliseconds. */
  readonly timeoutMs?: number;
}

/** The per-request part of `options`, ready to spread into `hub.request(...)`. */
export function requestOptions(options: OperationOptions | undefined): OperationOptions {
  if (options === undefined) return {};
  const out: { -readonly [K in keyof OperationOptions]: OperationOptions[K] } = {};
  if (options.signal !== undefined) out.signal = options.signal;
  if (options.retry !== undefined) out.retry = options.retry;
  if (options.timeoutMs !== undefined) out.timeoutMs = options.timeoutMs;
  return out;
}
