import type { OperationOptions } from "@nhub/core";

// One type for core's operations and this package's: re-exported, so it stays importable from here.
export type { OperationOptions } from "@nhub/core";

/** The per-request part of `options`, ready to spread into `hub.request(...)`. */
export function requestOptions(options: OperationOptions | undefined): OperationOptions {
  if (options === undefined) return {};
  const out: { -readonly [K in keyof OperationOptions]: OperationOptions[K] } = {};
  if (options.signal !== undefined) out.signal = options.signal;
  if (options.retry !== undefined) out.retry = options.retry;
  if (options.timeoutMs !== undefined) out.timeoutMs = options.timeoutMs;
  return out;
}
