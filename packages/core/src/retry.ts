import {
  AbortError,
  ConnectionError,
  CredentialError,
  type NhubError,
  ServiceError,
  TimeoutError,
  ValidationError,
} from "./errors";
import { checkInteger, checkMs, MAX_TIMER_MS } from "./option-checks";

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

/**
 * Checks a retry policy as a hub or a call takes it: `false`, `undefined`, or an object whose `maxRetries` is a
 * whole number from 0 and whose delays are whole milliseconds from 0 to 2^31-1 (the longest a timer can wait;
 * `Infinity` is refused, not capped, so a policy never means something other than what it says).
 *
 * @throws {ValidationError} naming the option, e.g. `retry.maxRetryAfterMs`.
 */
export function checkRetryOptions(value: unknown, field = "retry"): RetryOptions | false | undefined {
  if (value === undefined || value === false) return value;
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw new ValidationError(field, "type", `${field} must be false or an object of retry options`);
  }
  const o = value as Record<string, unknown>;
  checkInteger(o["maxRetries"], `${field}.maxRetries`, 0);
  checkMs(o["baseDelayMs"], `${field}.baseDelayMs`);
  checkMs(o["maxDelayMs"], `${field}.maxDelayMs`);
  checkMs(o["maxRetryAfterMs"], `${field}.maxRetryAfterMs`);
  return value as RetryOptions;
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

/**
 * Merges per-call over per-hub over default retry settings. An option given as `undefined` keeps the value below.
 *
 * @throws {ValidationError} for an override {@link checkRetryOptions} refuses.
 */
export function resolveRetry(base: ResolvedRetry, override: RetryOptions | false | undefined): ResolvedRetry {
  checkRetryOptions(override);
  if (override === false) return NO_RETRY;
  if (override === undefined) return base;
  return {
    maxRetries: override.maxRetries ?? base.maxRetries,
    baseDelayMs: override.baseDelayMs ?? base.baseDelayMs,
    maxDelayMs: override.maxDelayMs ?? base.maxDelayMs,
    maxRetryAfterMs: override.maxRetryAfterMs ?? base.maxRetryAfterMs,
  };
}

/**
 * Whether nhub will repeat a request that failed with `error`. Aborts and bad input are never retried: a
 * {@link ValidationError} is refused first, whatever else it claims to be, since the same input fails the same way.
 */
export function shouldRetry(error: unknown): boolean {
  if (ValidationError.isInstance(error)) return false;
  if (
    ServiceError.isInstance(error) ||
    ConnectionError.isInstance(error) ||
    TimeoutError.isInstance(error) ||
    CredentialError.isInstance(error)
  ) {
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
 * Reads `retry-after-ms` (milliseconds) or `Retry-After` into milliseconds. `Retry-After` is either a whole
 * number of seconds (`^\d+$`) or an HTTP-date in one of the three forms RFC 9110 names (IMF-fixdate, RFC 850,
 * asctime); a date in the past means now. Anything else (`-5`, `5 6`, `1.5`, a date `Date.parse` would guess at)
 * returns `undefined`, so the request backs off as if the server had said nothing.
 */
export function parseRetryAfter(
  headers: Readonly<Record<string, string | undefined>>,
  now = Date.now(),
): number | undefined {
  const ms = headers["retry-after-ms"];
  if (ms !== undefined && /^\d+(\.\d+)?$/.test(ms.trim())) return Math.ceil(Number(ms));
  const value = headers["retry-after"]?.trim();
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const date = parseHttpDate(value, now);
  return date === undefined ? undefined : Math.max(0, date - now);
}

const MONTHS = "JanFebMarAprMayJunJulAugSepOctNovDec";
const IMF_FIXDATE =
  /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\d\d) ([A-Z][a-z]{2}) (\d{4}) (\d\d):(\d\d):(\d\d) GMT$/;
const RFC_850_DATE =
  /^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), (\d\d)-([A-Z][a-z]{2})-(\d\d) (\d\d):(\d\d):(\d\d) GMT$/;
const ASCTIME_DATE =
  /^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) ([A-Z][a-z]{2}) ( \d|\d\d) (\d\d):(\d\d):(\d\d) (\d{4})$/;

/**
 * An HTTP-date (RFC 9110 section 5.6.7) as Unix milliseconds, or `undefined` when `text` is none of its three
 * forms or names no real instant (31 Feb, 25:00). An RFC 850 two-digit year more than 50 years ahead of `now`
 * is read as the most recent past year with those digits, as the RFC requires.
 */
export function parseHttpDate(text: string, now = Date.now()): number | undefined {
  // Each form's fields, as [day, month, year, hour, minute, second].
  let fields: string[] | undefined;
  let m = IMF_FIXDATE.exec(text);
  if (m) fields = m.slice(1, 7);
  m ??= RFC_850_DATE.exec(text);
  if (m && fields === undefined) {
    const thisYear = new Date(now).getUTCFullYear();
    let year = Math.floor(thisYear / 100) * 100 + Number(m[3]);
    if (year > thisYear + 50) year -= 100;
    fields = [m[1]!, m[2]!, String(year), m[4]!, m[5]!, m[6]!];
  }
  m ??= ASCTIME_DATE.exec(text);
  if (m && fields === undefined) fields = [m[2]!.trim(), m[1]!, m[6]!, m[3]!, m[4]!, m[5]!];
  if (fields === undefined) return undefined;
  const [day, month, year, h, min, sec] = fields as [string, string, string, string, string, string];
  const monthIndex = MONTHS.indexOf(month) / 3;
  const d = Number(day);
  // A leap second (:60) is allowed by the grammar; it reads as the next second.
  if (!Number.isInteger(monthIndex) || monthIndex < 0 || +h > 23 || +min > 59 || +sec > 60) return undefined;
  const at = Date.UTC(Number(year), monthIndex, d, +h, +min, +sec);
  // Date.UTC rolls 31 Feb over into March; a date that did not survive as written is not a date.
  return new Date(at - (sec === "60" ? 1000 : 0)).getUTCDate() === d ? at : undefined;
}

/** One pending {@link sleep}, as the signals it watches see it. */
interface Wait {
  readonly cancel: () => void;
}

/** The sleeps waiting on one signal, and the one listener that cancels them all. */
interface Watch {
  readonly waits: Set<Wait>;
  readonly onAbort: () => void;
}

/**
 * Every signal some sleep is waiting on. A hub hands its own shared signal to every retry wait, so a listener per
 * wait would put thousands on one signal under load (and Node warns past 10); one listener per signal, added by
 * the first wait and removed by the last, keeps that at one whatever the concurrency.
 */
const watches = new WeakMap<AbortSignal, Watch>();

function watch(signal: AbortSignal, wait: Wait): void {
  let w = watches.get(signal);
  if (w === undefined) {
    const waits = new Set<Wait>();
    const onAbort = () => {
      watches.delete(signal);
      for (const x of waits) x.cancel();
    };
    w = { waits, onAbort };
    watches.set(signal, w);
    signal.addEventListener("abort", onAbort, { once: true });
  }
  w.waits.add(wait);
}

function unwatch(signal: AbortSignal, wait: Wait): void {
  const w = watches.get(signal);
  if (w === undefined) return;
  w.waits.delete(wait);
  if (w.waits.size === 0) {
    watches.delete(signal);
    signal.removeEventListener("abort", w.onAbort);
  }
}

/**
 * Waits `ms` (at most 2^31-1, the longest a timer takes), or rejects with {@link AbortError} the moment any of
 * `signals` fires. However many sleeps share a signal, it carries one listener for them all.
 */
export function sleep(ms: number, ...signals: (AbortSignal | undefined)[]): Promise<void> {
  const live = signals.filter((s): s is AbortSignal => s !== undefined);
  if (live.some((s) => s.aborted)) return Promise.reject(new AbortError("aborted while waiting to retry"));
  if (!(ms > 0)) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      for (const s of live) unwatch(s, wait);
    };
    const wait: Wait = {
      cancel: () => {
        done();
        reject(new AbortError("aborted while waiting to retry"));
      },
    };
    const timer = setTimeout(
      () => {
        done();
        resolve();
      },
      Math.min(ms, MAX_TIMER_MS),
    );
    for (const s of live) watch(s, wait);
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
