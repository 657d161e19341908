import { AbortError, ConnectionError, type NhubError, ServiceError, TimeoutError } from "./errors";

/** How failed requests are repeated. `false` turns retries off. */
export interface RetryOptions {
  /** Retries after the first attempt. Default 3. */
  readonly maxRetries?: number;
  /** First backoff ceiling; doubles each retry (full jitter picks a delay between 0 and the ceiling). Default 500. */
  readonly baseDelayMs?: number;
  /** Largest backoff ceiling. Default 30 000. */
  readonly maxDelayMs?: number;
  /** Largest `Retry-After` nhub will honour; a longer ask fails the request instead. Default 60 000. */
  readonly maxRetryAfterMs?: number;
}

/** Retry settings with every default filled in. */
export type ResolvedRetry = Required<RetryOptions>;

/** The retry defaults: 3 retries, 0.5 s doubling to 30 s with full jitter, Retry-After honoured up to 60 s. */
export const DEFAULT_RETRY: ResolvedRetry = Object.freeze({
  maxRetries: 3,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 60_000,
});

const NO_RETRY: ResolvedRetry = Object.freeze({ ...DEFAULT_RETRY, maxRetries: 0 });

/** Merges per-call over per-hub over default retry settings. */
export function resolveRetry(base: ResolvedRetry, override: RetryOptions | false | undefined): ResolvedRetry {
  if (override === false) return NO_RETRY;
  if (override === undefined) return base;
  return { ...base, ...override };
}

/** Whether nhub will repeat a request that failed with `error`. Aborts and bad input are never retried. */
export function shouldRetry(error: unknown): boolean {
  if (ServiceError.isInstance(error) || ConnectionError.isInstance(error) || TimeoutError.isInstance(error)) {
    return error.isRetryable;
  }
  return false;
}

/**
 * The wait before retry number `attempt` (0-based): the server's `Retry-After` when it gave one, else full
 * jitter over an exponentially growing ceiling. Returns `undefined` when the server asks for longer than
 * `maxRetryAfterMs`.
 */
export function retryDelayMs(
  error: unknown,
  attempt: number,
  options: ResolvedRetry,
  random = Math.random,
): number | undefined {
  const asked = ServiceError.isInstance(error) ? error.retryAfterMs : undefined;
  if (asked !== undefined) return asked > options.maxRetryAfterMs ? undefined : asked;
  const ceiling = Math.min(options.maxDelayMs, options.baseDelayMs * 2 ** attempt);
  return Math.floor(random() * ceiling);
}

/**
 * Reads `retry-after-ms` (milliseconds) or `Retry-After` (seconds or an HTTP date) into milliseconds.
 * Returns `undefined` when neither is present or readable.
 */
export function parseRetryAfter(
  headers: Readonly<Record<string, string | undefined>>,
  now = Date.now(),
): number | undefined {
  const ms = headers["retry-after-ms"];
  if (ms !== undefined && /^\d+(\.\d+)?$/.test(ms.trim())) return Math.ceil(Number(ms));
  const value = headers["retry-after"]?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) return Math.ceil(Number(value) * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Waits `ms`, or rejects with {@link AbortError} the moment any of `signals` fires. */
export function sleep(ms: number, ...signals: (AbortSignal | undefined)[]): Promise<void> {
  const live = signals.filter((s): s is AbortSignal => s !== undefined);
  if (live.some((s) => s.aborted)) return Promise.reject(new AbortError("aborted while waiting to retry"));
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      for (const s of live) s.removeEventListener("abort", onAbort);
    };
    const onAbort = () => {
      done();
      reject(new AbortError("aborted while waiting to retry"));
    };
    const timer = setTimeout(() => {
      done();
      resolve();
    }, ms);
    for (const s of live) s.addEventListener("abort", onAbort, { once: true });
  });
}

/** Called before each retry, for logging and metrics. */
export type RetryListener = (info: { attempt: number; delayMs: number; error: NhubError }) => void;

/**
 * Runs `attempt` until it succeeds, fails with an error {@link shouldRetry} refuses, or retries run out.
 * Rejects with the last error.
 */
export async function withRetry<T>(
  attempt: () => Promise<T>,
  options: ResolvedRetry,
  signals: readonly (AbortSignal | undefined)[] = [],
  onRetry?: RetryListener,
): Promise<T> {
  try {
    return await attempt();
  } catch (error) {
    return retryAfter(error, attempt, options, signals, onRetry);
  }
}

/**
 * Carries on after a first attempt failed with `error`: waits and repeats `attempt` while the policy allows, as
 * {@link withRetry} does. Callers that make the first attempt themselves (a send, which almost always succeeds at
 * once) spare that attempt a layer of promises.
 */
export async function retryAfter<T>(
  error: unknown,
  attempt: () => Promise<T>,
  options: ResolvedRetry,
  signals: readonly (AbortSignal | undefined)[] = [],
  onRetry?: RetryListener,
): Promise<T> {
  for (let n = 0; ; n++) {
    if (n >= options.maxRetries || !shouldRetry(error)) throw error;
    const delayMs = retryDelayMs(error, n, options);
    if (delayMs === undefined) throw error;
    onRetry?.({ attempt: n + 1, delayMs, error: error as NhubError });
    await sleep(delayMs, ...signals);
    try {
      return await attempt();
    } catch (next) {
      error = next;
    }
  }
}
