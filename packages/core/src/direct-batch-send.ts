/** The batch runner behind `hub.sendDirectBatch`, loaded the first time a batch is sent. */
import { assertHandle, isCleanHandle } from "./device-handle";
import {
  type DirectBatchChunk,
  type DirectBatchOptions,
  type DirectBatchResult,
  directBatchBody,
  MAX_DIRECT_BATCH_HANDLES,
  type PostChunk,
} from "./direct-batch";
import { AbortError, NhubError, ValidationError } from "./errors";
import type { Notification } from "./notification";

function positiveInteger(value: number | undefined, fallback: number, max: number, field: string): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1 || value > max) {
    throw new ValidationError(field, "range", `${field} must be an integer from 1 to ${max}`);
  }
  return value;
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
  // The common case costs one test per handle; the field name is built only for the handle that fails.
  for (let i = 0; i < all.length; i++) {
    const handle = all[i];
    if (typeof handle !== "string" || handle === "" || !isCleanHandle(handle))
      assertHandle(handle, `handles.${i}`);
  }
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
