/** The batch runner behind `hub.sendDirectBatch`, loaded the first time a batch is sent. */
import { assertHandle, isCleanHandle } from "./device-handle";
import {
  type DirectBatchChunk,
  type DirectBatchOptions,
  type DirectBatchResult,
  directBatchBodyFromJson,
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

/**
 * The handles' JSON arrays, chunk by chunk, after checking every handle: a string, not empty, no control
 * characters. All of it is done before the first chunk is sent, so a bad handle anywhere sends nothing.
 *
 * One JSON text of all the handles does both jobs. JSON escapes every control character but DEL, and every quote
 * and backslash, so when the text is exactly as long as the handles written between quotes, no handle needed an
 * escape: then a DEL search finishes the check, and each chunk's array is a slice of the text (no copy). Only
 * otherwise are the handles checked one by one, to name the one at fault, and each chunk serialised on its own.
 */
function devicesJson(all: readonly unknown[], size: number): (index: number) => string {
  // Where each chunk starts in the JSON text: past "[", then `"handle",` per handle.
  const starts: number[] = [];
  let at = 1;
  let clean = true;
  for (let i = 0; i < all.length; i++) {
    const handle = all[i];
    if (typeof handle !== "string") assertHandle(handle, `handles.${i}`);
    if (handle === "") clean = false;
    if (i % size === 0) starts.push(at);
    at += handle.length + 3;
  }
  starts.push(at);
  const handles = all as readonly string[];
  const json = JSON.stringify(handles);
  if (!clean || json.length !== at || json.includes("\u007f")) {
    for (let i = 0; i < handles.length; i++) {
      const handle = handles[i]!;
      if (handle === "" || !isCleanHandle(handle)) assertHandle(handle, `handles.${i}`);
    }
    return (index) => JSON.stringify(handles.slice(index * size, (index + 1) * size));
  }
  return (index) => `[${json.slice(starts[index]!, starts[index + 1]! - 1)}]`;
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
  const size = positiveInteger(
    options.chunkSize,
    MAX_DIRECT_BATCH_HANDLES,
    MAX_DIRECT_BATCH_HANDLES,
    "chunkSize",
  );
  const concurrency = positiveInteger(options.concurrency, 4, Number.MAX_SAFE_INTEGER, "concurrency");
  const signal = options.signal;
  if (signal?.aborted) throw new AbortError("the batch was aborted before it was sent");

  const chunkJson = devicesJson(all, size);
  const count = Math.ceil(all.length / size);
  const chunks: DirectBatchChunk[] = [];
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
          directBatchBodyFromJson(boundary, notification, chunkJson(index)),
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
