/**
 * `streamDirectBatch`: `hub.sendDirectBatch` for sources of any length. Handles are read from an `Iterable` or
 * `AsyncIterable` one chunk at a time, each chunk posted as one `$batch` request, and the outcome of each chunk
 * handed back as it settles, so a million handles take the memory of `concurrency + 1` chunks.
 */
import {
  acceptedFields,
  type BulkEndState,
  type BulkOptions,
  checkCount,
  failedFields,
  openBulk,
} from "./bulk-send";
import {
  type BulkSource,
  type BulkStream,
  type BulkUnit,
  bulkStream,
  closeSource,
  HALTED,
  isUnsentError,
  nextValue,
  runBulk,
  toNhubError,
} from "./bulk-stream";
import { assertHandle, isCleanHandle } from "./device-handle";
import { directBatchBodyFromJson, MAX_DIRECT_BATCH_HANDLES } from "./direct-batch";
import { type NhubError, ValidationError } from "./errors";
import { type HubClient, notificationHeaders, requestWithCoreHeaders } from "./hub-request";
import { assertNotification, type Notification } from "./notification";
import { type SendResult, toSendResult } from "./send-result";

/** Counts of a {@link streamDirectBatch} so far, handed to `onProgress` after each result. */
export interface DirectBatchProgress {
  /** `$batch` requests that settled (accepted or failed). */
  readonly requests: number;
  /** Handles in chunks the hub accepted. */
  readonly sentHandles: number;
  /** Handles reported not sent: failed or aborted chunks, chunks left unsent, invalid handles. */
  readonly failedHandles: number;
  /** Of `failedHandles`, those refused by the handle check (never sent). */
  readonly invalidHandles: number;
}

/** The totals of a {@link streamDirectBatch}, once it has ended. */
export interface DirectBatchSummary extends DirectBatchProgress, BulkEndState {}

/**
 * One result of a {@link streamDirectBatch}: a chunk the hub accepted, a chunk that failed (after its retries)
 * or was never sent, or one handle refused by the handle check. Every handle read from the source is in exactly
 * one result; `ok: false` lists exactly the handles to send again.
 */
export type DirectBatchStreamResult =
  | {
      /** The chunk's number, 0 for the first `chunkSize` handles read. */
      readonly index: number;
      readonly handles: readonly string[];
      readonly ok: true;
      readonly status: number;
      readonly notificationId?: string;
      readonly trackingId?: string;
      /** Everything the hub answered. */
      readonly result: SendResult;
    }
  | {
      readonly index: number;
      /** The handles not sent, or whose send is unconfirmed (a request aborted in flight). */
      readonly handles: readonly string[];
      readonly ok: false;
      /** The service's HTTP status when it refused the chunk. */
      readonly status?: number;
      readonly trackingId?: string;
      /**
       * Why: a `ServiceError` (refused), a `TimeoutError` or `ConnectionError` (after retries), an `AbortError`
       * (aborted, or left unsent by `stopOnError`), or a `ValidationError` naming the handle's position in the
       * source (`handles.{n}`) for a handle that breaks the handle rule.
       */
      readonly error: NhubError;
    };

/** Options of {@link streamDirectBatch}: `concurrency` defaults to 4. */
export interface StreamDirectBatchOptions extends BulkOptions<DirectBatchProgress> {
  /** Handles read per chunk (one request), 1-1000. Default 1000. */
  readonly chunkSize?: number;
}

/**
 * Sends one notification directly to every handle of `handles`, read as it goes: `POST messages/$batch?direct=true`
 * per chunk of `chunkSize` handles, `concurrency` requests in flight. Iterate the result with `for await` to get
 * each chunk's {@link DirectBatchStreamResult} as it settles (in completion order; `index` gives the order read),
 * then `await stream.summary` for the totals; or await `summary` alone.
 *
 * Bounded memory: the source is read only when a request slot is free and every result so far was taken, so at
 * most `concurrency` chunks are in flight and one is being read, whatever the length of the source and however
 * slowly the results are consumed.
 *
 * Handles are checked per chunk, as it is read, since a stream cannot be checked up front: a handle that is an
 * empty string or holds a control character is reported on its own (`ok: false`, a `ValidationError` naming
 * `handles.{n}`, its position in the source) and the rest of its chunk is sent. A value that is not a string is
 * a programming error, as is a source that throws: no more handles are read, the handles read before it are sent,
 * the requests in flight finish and are reported, then the iteration (and `summary`) rejects with that error.
 * Leaving the loop early (`break`) aborts the requests in flight and closes the source.
 *
 * @throws {ValidationError} at once, before anything is read or sent, for a bad notification or option, or a
 * `handles` that is not iterable.
 * @throws {AbortError} at once when `signal` is already aborted.
 * @example
 * const stream = streamDirectBatch(hub, notification, handlesFromDatabase(), { concurrency: 8 });
 * const retry: string[] = [];
 * for await (const chunk of stream) if (!chunk.ok) retry.push(...chunk.handles);
 * const { sentHandles, failedHandles } = await stream.summary;
 */
export function streamDirectBatch(
  hub: HubClient,
  notification: Notification,
  handles: BulkSource<string>,
  options: StreamDirectBatchOptions = {},
): BulkStream<DirectBatchStreamResult, DirectBatchSummary> {
  assertNotification(notification);
  const size = checkCount(options.chunkSize, MAX_DIRECT_BATCH_HANDLES, MAX_DIRECT_BATCH_HANDLES, "chunkSize");
  const { iterator, run } = openBulk(
    handles,
    "handles",
    options,
    4,
    "the batch was aborted before it was sent",
  );
  const { retry, timeoutMs, onProgress } = options;
  const headers = notificationHeaders(notification);
  const counts = { requests: 0, sentHandles: 0, failedHandles: 0, invalidHandles: 0 };
  const end = { complete: false, aborted: false, stopped: false };
  let position = 0;
  let chunkIndex = 0;
  let spent = false;

  const post = async (index: number, part: string[], stop: AbortSignal): Promise<DirectBatchStreamResult> => {
    try {
      const boundary = `nhub-${crypto.randomUUID()}`;
      const res = await hub[requestWithCoreHeaders]({
        method: "POST",
        path: "/messages/$batch",
        query: { direct: "true" },
        headers,
        contentType: `multipart/mixed; boundary="${boundary}"`,
        body: directBatchBodyFromJson(boundary, notification, JSON.stringify(part)),
        signal: stop,
        retry,
        timeoutMs,
      });
      const result = toSendResult(res);
      return { index, handles: part, ...acceptedFields(result) };
    } catch (error) {
      return failure(index, part, toNhubError(error));
    }
  };

  const read = async (halted: Promise<void>): Promise<BulkUnit<DirectBatchStreamResult> | undefined> => {
    if (spent) return undefined;
    const index = chunkIndex;
    const part: string[] = [];
    const ready: DirectBatchStreamResult[] = [];
    let sourceFailure: unknown;
    // A chunk is the next `size` values read, so a source of bad handles cannot grow one without bound.
    for (let n = 0; n < size; n++) {
      let got: IteratorResult<string> | typeof HALTED;
      try {
        got = await nextValue(iterator, halted);
      } catch (error) {
        sourceFailure = error;
        spent = true;
        break;
      }
      if (got === HALTED) break;
      if (got.done) {
        spent = true;
        break;
      }
      const handle: unknown = got.value;
      const at = position++;
      if (typeof handle !== "string") {
        sourceFailure = new ValidationError(`handles.${at}`, "type", "a device handle must be a string");
        spent = true;
        closeSource(iterator);
        break;
      }
      if (handle !== "" && isCleanHandle(handle)) part.push(handle);
      else {
        try {
          assertHandle(handle, `handles.${at}`);
        } catch (error) {
          ready.push(unsentOne(index, handle, error as ValidationError));
        }
      }
    }
    if (part.length === 0 && ready.length === 0) {
      if (sourceFailure !== undefined) throw sourceFailure;
      // Spent, or halted before a handle was read: nothing to report.
      return spent ? undefined : { ready };
    }
    chunkIndex++;
    const unit: BulkUnit<DirectBatchStreamResult> =
      part.length === 0
        ? { ready }
        : {
            ready,
            start: (stop) => post(index, part, stop),
            unsent: (error) => failure(index, part, error),
          };
    // The handles read before the source failed still go out; the failure ends the stream after them.
    if (sourceFailure !== undefined) pendingFailure = { error: sourceFailure };
    return unit;
  };
  let pendingFailure: { error: unknown } | undefined;
  const readOrFail = async (halted: Promise<void>) => {
    if (pendingFailure !== undefined) throw pendingFailure.error;
    return read(halted);
  };

  const generator = runBulk<DirectBatchStreamResult>(
    {
      read: readOrFail,
      ...run,
      settled: (r) => {
        if (r.ok) {
          counts.requests++;
          counts.sentHandles += r.handles.length;
        } else {
          if (ValidationError.isInstance(r.error)) counts.invalidHandles += r.handles.length;
          else if (r.status !== undefined || !isUnsentError(r.error)) counts.requests++;
          counts.failedHandles += r.handles.length;
        }
        onProgress?.({ ...counts });
      },
    },
    end,
  );
  return bulkStream(generator, () => ({ ...counts, ...end }));
}

function failure(index: number, handles: readonly string[], error: NhubError): DirectBatchStreamResult {
  return { index, handles, ...failedFields(error) };
}

function unsentOne(index: number, handle: string, error: ValidationError): DirectBatchStreamResult {
  return { index, handles: [handle], ok: false, error };
}
