/**
 * What `sendEach` and `streamDirectBatch` share around the engine (`bulk-stream.ts`): their common options, the
 * check that opens a stream before anything is read, and the fields of their results.
 */
import { type BulkRun, type BulkSource, closeSource, openSource } from "./bulk-stream";
import { AbortError, type NhubError, ServiceError, ValidationError } from "./errors";
import { checkCallOptions } from "./hub-options";
import { checkBoolean } from "./option-checks";
import type { RetryOptions } from "./retry";
import type { SendResult } from "./send-result";

/**
 * The options `sendEach` and `streamDirectBatch` share.
 *
 * @typeParam P the counts handed to `onProgress`
 */
export interface BulkOptions<P> {
  /** Most requests in flight at once, 1 or more. Default 16 for `sendEach`, 4 for `streamDirectBatch`. */
  readonly concurrency?: number;
  /**
   * Stops the stream: nothing more is read, requests in flight are aborted (reported with an `AbortError`, their
   * delivery unconfirmed), and what was being read is reported not sent; the iteration then ends normally with
   * `summary.aborted`.
   */
  readonly signal?: AbortSignal;
  /**
   * After the first failed result, read no more; requests in flight finish and are reported, and what was being
   * read is reported not sent. Default false: everything is tried.
   */
  readonly stopOnError?: boolean;
  /** Called with the counts so far after each result is handed over; a throw ends the stream with it. */
  readonly onProgress?: (progress: P) => void;
  /** Retry policy of each request. */
  readonly retry?: RetryOptions | false;
  /** Timeout of each request. */
  readonly timeoutMs?: number;
}

/** How a streaming bulk send ended: part of its summary. */
export interface BulkEndState {
  /** Whether every value of the source was read (and so is in some result). */
  readonly complete: boolean;
  /** Whether `signal` aborted the stream. */
  readonly aborted: boolean;
  /** Whether a failure stopped the stream (`stopOnError`). */
  readonly stopped: boolean;
}

/** Checks an option that must be a whole number from 1 to `max`. */
export function checkCount(value: number | undefined, fallback: number, max: number, field: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new ValidationError(field, "range", `${field} must be an integer from 1 to ${max}`);
  }
  return value;
}

/** Checks a callback option. */
export function checkFunction(value: unknown, field: string): void {
  if (value !== undefined && typeof value !== "function") {
    throw new ValidationError(field, "type", `${field} must be a function`);
  }
}

/** A bulk send's options checked and its source opened: what every stream hands {@link runBulk} the same way. */
export interface OpenedBulk<T> {
  readonly iterator: AsyncIterator<T> | Iterator<T>;
  readonly run: Pick<
    BulkRun<{ readonly ok: boolean }>,
    "close" | "concurrency" | "signal" | "stopOnError" | "failed"
  >;
}

/**
 * Checks a bulk send's shared options and opens its source, before anything is read or sent.
 *
 * @throws {ValidationError} for a bad option or a source that is not iterable.
 * @throws {AbortError} with `abortedMessage` when `signal` is already aborted (the source is closed).
 */
export function openBulk<T>(
  source: BulkSource<T>,
  field: string,
  options: BulkOptions<never>,
  defaultConcurrency: number,
  abortedMessage: string,
): OpenedBulk<T> {
  checkCallOptions(options);
  const concurrency = checkCount(
    options.concurrency,
    defaultConcurrency,
    Number.MAX_SAFE_INTEGER,
    "concurrency",
  );
  checkBoolean(options.stopOnError, "stopOnError");
  checkFunction(options.onProgress, "onProgress");
  const iterator = openSource(source, field);
  if (options.signal?.aborted) {
    closeSource(iterator);
    throw new AbortError(abortedMessage);
  }
  return {
    iterator,
    run: {
      close: () => closeSource(iterator),
      concurrency,
      signal: options.signal,
      stopOnError: options.stopOnError ?? false,
      failed: (r) => !r.ok,
    },
  };
}

/** The fields of a result the hub accepted: its status, the ids it gave and the whole answer. */
export function acceptedFields(result: SendResult): {
  readonly ok: true;
  readonly status: number;
  readonly notificationId?: string;
  readonly trackingId?: string;
  readonly result: SendResult;
} {
  return {
    ok: true,
    status: result.status,
    ...(result.notificationId === undefined ? {} : { notificationId: result.notificationId }),
    ...(result.trackingId === undefined ? {} : { trackingId: result.trackingId }),
    result,
  };
}

/** The fields of a failed result: the error, with the service's status and tracking id when it refused. */
export function failedFields(error: NhubError): {
  readonly ok: false;
  readonly status?: number;
  readonly trackingId?: string;
  readonly error: NhubError;
} {
  if (!ServiceError.isInstance(error)) return { ok: false, error };
  return {
    ok: false,
    status: error.statusCode,
    ...(error.trackingId === undefined ? {} : { trackingId: error.trackingId }),
    error,
  };
}
