/**
 * `sendEach`: a personalised multicast, each item its own notification to its own device, as one direct send per
 * item, streamed with the concurrency and memory bound of `streamDirectBatch`.
 */
import { acceptedFields, type BulkEndState, type BulkOptions, failedFields, openBulk } from "./bulk-send";
import {
  type BulkSource,
  type BulkStream,
  bulkStream,
  HALTED,
  nextValue,
  runBulk,
  toNhubError,
} from "./bulk-stream";
import type { DeviceHandle } from "./device-handle";
import { type NhubError, ValidationError } from "./errors";
import type { SendOptions } from "./hub-options";
import type { Notification } from "./notification";
import type { SendResult } from "./send-result";

/** One message of a {@link sendEach}: a notification and the device it goes to. */
export interface SendEachItem {
  readonly notification: Notification;
  readonly deviceHandle: DeviceHandle;
}

/** What {@link sendEach} needs of a hub: its `send` (a `NotificationHub` of either entry). */
export interface SendEachHub {
  send(notification: Notification, options?: SendOptions): Promise<SendResult>;
}

/**
 * One result of a {@link sendEach}, per item read: `index` is its position in the source. `ok: false` items
 * were not sent (or, aborted in flight, are unconfirmed): send exactly those again.
 */
export type SendEachResult =
  | {
      readonly index: number;
      readonly deviceHandle: DeviceHandle;
      readonly ok: true;
      readonly status: number;
      readonly notificationId?: string;
      readonly trackingId?: string;
      /** Everything the hub answered. */
      readonly result: SendResult;
    }
  | {
      readonly index: number;
      /** The item's handle as given; `undefined` when the item had none (or was not an object). */
      readonly deviceHandle: DeviceHandle | undefined;
      readonly ok: false;
      /** The service's HTTP status when it refused the send. */
      readonly status?: number;
      readonly trackingId?: string;
      /**
       * Why: a `ValidationError` (a bad item, nothing sent for it), a `ServiceError`, `TimeoutError` or
       * `ConnectionError` (after retries), or an `AbortError` (aborted, or left unsent by `stopOnError`).
       */
      readonly error: NhubError;
    };

/** Counts of a {@link sendEach} so far, handed to `onProgress` after each result. */
export interface SendEachProgress {
  /** Items the hub accepted. */
  readonly successCount: number;
  /** Items not sent: refused, failed, aborted, left unsent, or invalid. */
  readonly failureCount: number;
}

/** The totals of a {@link sendEach}, once it has ended. */
export interface SendEachSummary extends SendEachProgress, BulkEndState {}

/** Options of {@link sendEach}: `concurrency` defaults to 16. */
export type SendEachOptions = BulkOptions<SendEachProgress>;

/**
 * Sends each item's notification directly to its device (`hub.send(notification, { deviceHandle })`), the items
 * read from an `Iterable` or `AsyncIterable` as slots free up: at most `concurrency` sends in flight and one item
 * being read, however long the source. Iterate the result with `for await` for each item's
 * {@link SendEachResult} as it settles (completion order; `index` is the item's position), then
 * `await stream.summary` for `successCount` and `failureCount`; or await `summary` alone.
 *
 * Each item is checked as it is read, by the send itself: a bad notification or handle (or an item that is not
 * an object) is reported as that item's `ValidationError`, and the others go on. A source that throws ends the
 * stream: the sends in flight finish and are reported, then the iteration (and `summary`) rejects with its error.
 * Leaving the loop early (`break`) aborts the sends in flight and closes the source.
 *
 * @throws {ValidationError} at once, before anything is read or sent, for a bad option or an `items` that is not
 * iterable.
 * @throws {AbortError} at once when `signal` is already aborted.
 * @example
 * const stream = sendEach(hub, users.map((u) => ({ notification: greeting(u), deviceHandle: u.token })));
 * for await (const r of stream) if (!r.ok) console.warn(r.index, r.error.message);
 * const { successCount, failureCount } = await stream.summary;
 */
export function sendEach(
  hub: SendEachHub,
  items: BulkSource<SendEachItem>,
  options: SendEachOptions = {},
): BulkStream<SendEachResult, SendEachSummary> {
  const { iterator, run } = openBulk(
    items,
    "items",
    options,
    16,
    "the sends were aborted before they started",
  );
  const { retry, timeoutMs, onProgress } = options;
  const counts = { successCount: 0, failureCount: 0 };
  const end = { complete: false, aborted: false, stopped: false };
  let position = 0;

  const send = async (
    index: number,
    item: SendEachItem,
    deviceHandle: DeviceHandle,
    stop: AbortSignal,
  ): Promise<SendEachResult> => {
    try {
      const result = await hub.send(item.notification, {
        deviceHandle,
        signal: stop,
        retry,
        timeoutMs,
      });
      return { index, deviceHandle, ...acceptedFields(result) };
    } catch (error) {
      return failure(index, deviceHandle, toNhubError(error));
    }
  };

  const generator = runBulk<SendEachResult>(
    {
      read: async (halted) => {
        const got = await nextValue(iterator, halted);
        if (got === HALTED) return { ready: [] };
        if (got.done) return undefined;
        const index = position++;
        const item: unknown = got.value;
        const isObject = item !== null && typeof item === "object";
        const deviceHandle = isObject ? (item as Partial<SendEachItem>).deviceHandle : undefined;
        return {
          ready: [],
          start: (stop) =>
            // Without a handle, `send` would go to every device of the hub: refused here, never sent.
            isObject && deviceHandle !== undefined && deviceHandle !== null
              ? send(index, item as SendEachItem, deviceHandle, stop)
              : Promise.resolve(failure(index, undefined, notAnItem(index, isObject))),
          unsent: (error) => failure(index, deviceHandle, error),
        };
      },
      ...run,
      settled: (r) => {
        if (r.ok) counts.successCount++;
        else counts.failureCount++;
        onProgress?.({ ...counts });
      },
    },
    end,
  );
  return bulkStream(generator, () => ({ ...counts, ...end }));
}

function notAnItem(index: number, isObject: boolean): NhubError {
  return isObject
    ? new ValidationError(`items.${index}.deviceHandle`, "required", "each item needs its deviceHandle")
    : new ValidationError(
        `items.${index}`,
        "type",
        "an item must be an object { notification, deviceHandle }",
      );
}

function failure(index: number, deviceHandle: DeviceHandle | undefined, error: NhubError): SendEachResult {
  return { index, deviceHandle, ...failedFields(error) };
}
