/**
 * Batch direct send: one notification to many device handles, as `multipart/mixed` posts of at most 1000
 * handles each, several in flight at once. A failed chunk is reported with its handles instead of failing the
 * whole batch, so the caller can retry exactly those.
 */
import { assertHandle } from "./device-handle";
import { AbortError, NhubError, ValidationError } from "./errors";
import type { SendResult } from "./hub";
import type { Notification } from "./notification";
import type { RetryOptions } from "./retry";

/** The most handles the service takes in one batch request. */
export const MAX_DIRECT_BATCH_HANDLES = 1000;

/** Options of `hub.sendDirectBatch`. */
export interface DirectBatchOptions {
  /** Most chunk requests in flight at once. Default 4. */
  readonly concurrency?: number;
  /** Handles per request, 1-1000. Default 1000. */
  readonly chunkSize?: number;
  /** Stops the batch: chunks in flight are aborted, chunks not started are reported failed with an `AbortError`. */
  readonly signal?: AbortSignal;
  /** Retry policy of each chunk request. */
  readonly retry?: RetryOptions | false;
  /** Timeout of each chunk request. */
  readonly timeoutMs?: number;
}

/** One chunk of a batch, in order: the handles it held and what became of them. */
export type DirectBatchChunk =
  | {
      readonly index: number;
      readonly handles: readonly string[];
      readonly ok: true;
      readonly result: SendResult;
    }
  | {
      readonly index: number;
      readonly handles: readonly string[];
      readonly ok: false;
      readonly error: NhubError;
    };

/** What became of a batch direct send. */
export interface DirectBatchResult {
  /** Every chunk, in the order of the handles. */
  readonly chunks: readonly DirectBatchChunk[];
  /** Handles in chunks the hub accepted. */
  readonly sentHandles: number;
  /** Handles in chunks that failed or were never sent. */
  readonly failedHandles: number;
}

/** Posts one chunk's body; the hub supplies it. */
export type PostChunk = (contentType: string, body: string | Uint8Array) => Promise<SendResult>;

function positiveInteger(value: number | undefined, fallback: number, max: number, field: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new ValidationError(field, "range", `${field} must be an integer from 1 to ${max}`);
  }
  return value;
}

/**
 * The request body of one chunk: the notification, then the JSON array of handles, CRLF line ends, no
 * epilogue (the shape the official JavaScript SDK sends).
 */
export function directBatchBody(
  boundary: string,
  notification: Notification,
  handles: readonly string[],
): string | Uint8Array {
  const head = `--${boundary}\r\nContent-Type: ${notification.contentType}\r\nContent-Disposition: inline; name=notification\r\n\r\n`;
  const tail = `\r\n--${boundary}\r\nContent-Type: application/json\r\nContent-Disposition: inline; name=devices\r\n\r\n${JSON.stringify(handles)}\r\n--${boundary}--`;
  const body = notification.body;
  return typeof body === "string"
    ? head + body + tail
    : Buffer.concat([Buffer.from(head), body, Buffer.from(tail)]);
}

/** Checks everything, splits the handles into chunks and posts them with bounded concurrency. */
export async function sendDirectBatch(
  notification: Notification,
  handles: Iterable<string>,
  options: DirectBatchOptions,
  post: PostChunk,
): Promise<DirectBatchResult> {
  if (handles === null || typeof handles !== "object" || !(Symbol.iterator in handles)) {
    throw new ValidationError("handles", "type", "handles must be an iterable of device handles");
  }
  const all = [...handles];
  if (all.length === 0)
    throw new ValidationError("handles", "required", "there are no device handles to send to");
  for (let i = 0; i < all.length; i++) assertHandle(all[i], `handles.${i}`);
  const size = positiveInteger(
    options.chunkSize,
    MAX_DIRECT_BATCH_HANDLES,
    MAX_DIRECT_BATCH_HANDLES,
    "chunkSize",
  );
  const concurrency = positiveInteger(options.concurrency, 4, Number.MAX_SAFE_INTEGER, "concurrency");
  const signal = options.signal;
  if (signal?.aborted) throw new AbortError("the batch was aborted before it was sent");

  const chunks: DirectBatchChunk[] = [];
  const count = Math.ceil(all.length / size);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < count) {
      const index = next++;
      const part = all.slice(index * size, (index + 1) * size);
      try {
        if (signal?.aborted) throw new AbortError("the batch was aborted before this chunk was sent");
        const boundary = `nhub-${crypto.randomUUID()}`;
        const result = await post(
          `multipart/mixed; boundary="${boundary}"`,
          directBatchBody(boundary, notification, part),
        );
        chunks[index] = { index, handles: part, ok: true, result };
      } catch (error) {
        const e = NhubError.isInstance(error)
          ? error
          : new NhubError(String(error), "NHUB_ERROR", { cause: error });
        chunks[index] = { index, handles: part, ok: false, error: e };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  let sentHandles = 0;
  for (const c of chunks) if (c.ok) sentHandles += c.handles.length;
  return { chunks, sentHandles, failedHandles: all.length - sentHandles };
}
