/**
 * Batch direct send: one notification to many device handles, as `multipart/mixed` posts of at most 1000
 * handles each, several in flight at once. A failed chunk is reported with its handles instead of failing the
 * whole batch, so the caller can retry exactly those. The sending itself is in `direct-batch-send.ts`, loaded on
 * first use.
 */
import type { NhubError } from "./errors";
import type { Notification } from "./notification";
import type { RetryOptions } from "./retry";
import type { SendResult } from "./send-result";

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

/**
 * The request body of one chunk: the notification, then the JSON array of handles, CRLF line ends, no
 * epilogue (the shape the official JavaScript SDK sends).
 */
export function directBatchBody(
  boundary: string,
  notification: Notification,
  handles: readonly string[],
): string | Uint8Array {
  return directBatchBodyFromJson(boundary, notification, JSON.stringify(handles));
}

// Bytes stay bytes; TextEncoder rather than Buffer, so the edge entry needs no Node global.
const utf8 = new TextEncoder();

/** {@link directBatchBody} with the handles already serialised as a JSON array. */
export function directBatchBodyFromJson(
  boundary: string,
  notification: Notification,
  devicesJson: string,
): string | Uint8Array {
  const head = `--${boundary}\r\nContent-Type: ${notification.contentType}\r\nContent-Disposition: inline; name=notification\r\n\r\n`;
  const tail = `\r\n--${boundary}\r\nContent-Type: application/json\r\nContent-Disposition: inline; name=devices\r\n\r\n${devicesJson}\r\n--${boundary}--`;
  const body = notification.body;
  if (typeof body === "string") return head + body + tail;
  const before = utf8.encode(head);
  const after = utf8.encode(tail);
  const out = new Uint8Array(before.byteLength + body.byteLength + after.byteLength);
  out.set(before, 0);
  out.set(body, before.byteLength);
  out.set(after, before.byteLength + body.byteLength);
  return out;
}
