/**
 * A notification's per-device push service errors: the blob its outcome details point at
 * (`PnsErrorDetailsUri`), read as {@link DeviceOutcomeRecord}s.
 */
import type { DeviceOutcomeRecord } from "./device-outcome";
import type { HubClient } from "./hub-request";
import { getNotificationOutcomeDetails } from "./notification-outcomes";
import type { NotificationOutcomeDetails } from "./outcome-types";
import { openStorageSession, parseStorageUrl, type StorageReadOptions, storageGet } from "./storage-read";

/** Options of {@link readPnsErrorDetails}. */
export type ReadPnsErrorDetailsOptions = StorageReadOptions;

/**
 * Streams the records of a notification's PNS error details blob, in the order the service wrote them, each with
 * source `pnsErrorDetails` (the notification's id filled in where a record leaves it out). Nothing is yielded when
 * the details carry no `pnsErrorDetailsUri` (no push service refused anything, or the notification is not
 * finished). The blob is a storage URL with its own SAS on another origin: it is fetched with a plain GET outside
 * the hub's pipeline (no hub token on it, no retries), its body bounded by `maxResponseBytes`, and its records
 * parsed one at a time as the iteration asks for them.
 *
 * @param hub used only when `details` is a notification id, to read its outcome details first.
 * @param details the notification's outcome details (`getNotificationOutcomeDetails` or
 * `waitForNotificationOutcome`), or its id.
 * @throws {ValidationError} for a `pnsErrorDetailsUri` that is not https (http only to loopback) or bad options.
 * @throws {ServiceError} when storage refuses the read (403 once the blob's SAS expired).
 * @throws {NhubError} code `NHUB_UNEXPECTED_RESPONSE` for a blob that is not `PnsFeedback` records.
 * @example
 * const details = await waitForNotificationOutcome(hub, notificationId, { timeoutMs: 120_000 });
 * for await (const record of readPnsErrorDetails(hub, details)) {
 *   if (isDeadHandle(record)) console.log("gone:", record.pnsHandle);
 * }
 */
export async function* readPnsErrorDetails(
  hub: Pick<HubClient, "request">,
  details: Pick<NotificationOutcomeDetails, "notificationId" | "pnsErrorDetailsUri"> | string,
  options: ReadPnsErrorDetailsOptions = {},
): AsyncGenerator<DeviceOutcomeRecord> {
  const session = openStorageSession(options);
  try {
    const known =
      typeof details === "string"
        ? await getNotificationOutcomeDetails(hub, details, {
            signal: session.signal,
            timeoutMs: session.timeoutMs,
          })
        : details;
    if (known.pnsErrorDetailsUri === undefined || known.pnsErrorDetailsUri === "") return;
    const url = parseStorageUrl(known.pnsErrorDetailsUri, "pnsErrorDetailsUri");
    const body = await storageGet(session, url);
    const { pnsFeedbackRecords } = await import("./pns-feedback-xml");
    for await (const record of pnsFeedbackRecords(body, "pnsErrorDetails")) {
      yield record.notificationId === undefined && known.notificationId
        ? Object.freeze({ ...record, notificationId: known.notificationId })
        : record;
    }
  } finally {
    await session.close();
  }
}
