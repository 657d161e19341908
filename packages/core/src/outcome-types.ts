/**
 * What the hub's XML answers read into: a test send's outcome and a notification's outcome details. Types only,
 * so the lazily loaded reader (`outcome-xml.ts`) and the parsers that load it (`outcome.ts`,
 * `outcome-details.ts`) share them without importing each other.
 */

/** One registration a test send reached, from the `NotificationOutcome` XML. */
export interface RegistrationResult {
  /** The platform the registration is on, e.g. `apple`, `fcmv1`, `windows`. */
  readonly applicationPlatform: string;
  /** The device handle (push channel). */
  readonly pnsHandle: string;
  readonly registrationId: string;
  /** The push service's verdict in words, e.g. `The Notification was successfully sent to the Push Notification System`. */
  readonly outcome: string;
}

/** The parsed answer of a test send (`test=true`), which reaches at most 10 devices. */
export interface NotificationOutcome {
  readonly success: number;
  readonly failure: number;
  readonly results: readonly RegistrationResult[];
}

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
