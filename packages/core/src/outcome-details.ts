/**
 * The `NotificationDetails` document of `GET {hub}/messages/{id}` (per-message telemetry, Standard tier).
 */
import { NhubError } from "./errors";

/**
 * Where a notification is. `Completed`, `Abandoned`, `Cancelled`, `NoTargetFound` and `DetailedStateAvailable`
 * are final (see {@link FINAL_OUTCOME_STATES}); the others may still change. The REST reference spells the
 * cancelled state `Canceled` while the service's SDKs spell it `Cancelled`: both are read as final.
 */
export type NotificationOutcomeState =
  | "Enqueued"
  | "Scheduled"
  | "Processing"
  | "Completed"
  | "DetailedStateAvailable"
  | "Abandoned"
  | "Cancelled"
  | "Canceled"
  | "NoTargetFound"
  | "Unknown";

/** The states after which a notification's outcome no longer changes. */
export const FINAL_OUTCOME_STATES: ReadonlySet<string> = new Set([
  "Completed",
  "DetailedStateAvailable",
  "Abandoned",
  "Cancelled",
  "Canceled",
  "NoTargetFound",
]);

/** How many deliveries to one push service ended one way, e.g. `{ name: "Success", count: 3 }`. */
export interface OutcomeCount {
  /** The outcome as the service names it: `Success`, `InvalidCredentials`, `WrongToken`, `Expired`... */
  readonly name: string;
  readonly count: number;
}

/**
 * The parsed `NotificationDetails`. Times are `Date`s (the service writes UTC; a time without a zone is read as
 * UTC; digits past the millisecond are dropped); an element the service left out is `undefined`. Each
 * `<X>OutcomeCounts` element becomes `xOutcomeCounts` (e.g. `FcmV1OutcomeCounts` -> `fcmV1OutcomeCounts`), also
 * ones not listed here.
 */
export interface NotificationOutcomeDetails {
  readonly notificationId: string;
  /** The notification's URL, as the service reports it. */
  readonly location?: string;
  /** The state; a value the service adds later is passed through as is. */
  readonly state: NotificationOutcomeState | (string & {});
  readonly enqueueTime?: Date;
  readonly startTime?: Date;
  readonly endTime?: Date;
  readonly notificationBody?: string;
  /** The tag expression the notification was sent to, when it had one. */
  readonly tags?: string;
  /** The platforms targeted (`TargetPlatforms`, split at commas), e.g. `["apple", "fcmv1"]`. */
  readonly targetPlatforms: readonly string[];
  /** A blob URL listing the push services' error answers, when there were any. */
  readonly pnsErrorDetailsUri?: string;
  readonly apnsOutcomeCounts?: readonly OutcomeCount[];
  readonly fcmV1OutcomeCounts?: readonly OutcomeCount[];
  /** FCM legacy (`GcmOutcomeCounts`). */
  readonly gcmOutcomeCounts?: readonly OutcomeCount[];
  readonly wnsOutcomeCounts?: readonly OutcomeCount[];
  readonly mpnsOutcomeCounts?: readonly OutcomeCount[];
  readonly admOutcomeCounts?: readonly OutcomeCount[];
  readonly baiduOutcomeCounts?: readonly OutcomeCount[];
  readonly browserOutcomeCounts?: readonly OutcomeCount[];
  readonly xiaomiOutcomeCounts?: readonly OutcomeCount[];
}

/**
 * Parses a `NotificationDetails` XML document.
 *
 * @throws {NhubError} with code `NHUB_UNEXPECTED_RESPONSE` when the body is not one.
 */
export async function parseNotificationOutcomeDetails(xml: string): Promise<NotificationOutcomeDetails> {
  const { readNotificationDetails } = await import("./outcome-xml");
  let details: NotificationOutcomeDetails | undefined;
  try {
    details = await readNotificationDetails(xml);
  } catch (cause) {
    throw unexpected(cause);
  }
  if (details === undefined) throw unexpected();
  return details;
}

function unexpected(cause?: unknown): NhubError {
  return new NhubError(
    "the hub answered with something other than a NotificationDetails document",
    "NHUB_UNEXPECTED_RESPONSE",
    { cause },
  );
}
