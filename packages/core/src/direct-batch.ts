/**
 * Batch direct send: one notification to many device handles, as `multipart/mixed` posts of at most 1000
 * handles each, several in flight at once. A failed chunk is reported with its handles instead of failing the
 * whole batch, so the caller can retry exactly those. The sending itself is in `direct-batch-send.ts`, loaded on
 * first use.
 */
import type { NhubError } from "./errors";
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

/**
 * {@link directBatchBody} with the handles already serialised as a JSON array. Always bytes: encoding the parts
 * straight into one buffer copies the large JSON text once, where a joined string would be copied to flatten it
 * and again to encode it.
 */
export function directBatchBodyFromJson(
  boundary: string,
  notification: Notification,
  devicesJson: string,
): Uint8Array {
  const head = `--${boundary}\r\nContent-Type: ${notification.contentType}\r\nContent-Disposition: inline; name=notification\r\n\r\n`;
  const tail = `\r\n--${boundary}\r\nContent-Type: application/json\r\nContent-Disposition: inline; name=devices\r\n\r\n`;
  const end = `\r\n--${boundary}--`;
  const body = notification.body;
  const parts =
    typeof body === "string" ? [head + body + tail, devicesJson, end] : [head, body, tail, devicesJson, end];
  // Sized for ASCII, the usual case; a part with longer UTF-8 (it stops short) sends us to exact sizing.
  let size = 0;
  for (const part of parts) size += typeof part === "string" ? part.length : part.byteLength;
  const out = new Uint8Array(size);
  let at = 0;
  for (const part of parts) {
    if (typeof part !== "string") {
      out.set(part, at);
      at += part.byteLength;
      continue;
    }
    const { read, written } = utf8.encodeInto(part, out.subarray(at));
    if (read < part.length) return concatBytes(parts);
    at += written;
  }
  return out;
}

const utf8 = new TextEncoder();

function concatBytes(parts: readonly (string | Uint8Array)[]): Uint8Array {
  const bytes = parts.map((p) => (typeof p === "string" ? utf8.encode(p) : p));
  const out = new Uint8Array(bytes.reduce((n, b) => n + b.byteLength, 0));
  let at = 0;
  for (const b of bytes) {
    out.set(b, at);
    at += b.byteLength;
  }
  return out;
}
