/**
 * What a push service said about one device: the common shape of the per-device results nhub reads from a
 * notification's PNS error details, the hub's feedback container and test sends.
 */

/** The outcome a push service reported for one device (the service's `Outcome`/`NotificationSystemError` names). */
export type PnsOutcome =
  | "Success"
  | "ExpiredChannel"
  | "InvalidCredentials"
  | "BadChannel"
  | "Throttled"
  | "PayloadTooLarge"
  | "WrongToken"
  | "InvalidNotificationFormat"
  | "InvalidNotificationSize"
  | "ChannelThrottled"
  | "ChannelDisconnected"
  | "Dropped"
  | "PnsInterfaceError"
  | "PnsUnavailable"
  | "PnsUnreachable"
  | "NoTargets"
  | "Unknown";

/** One device's outcome for one notification (or one feedback record). */
export interface DeviceOutcomeRecord {
  /** The device's platform as the service names it (`apple`, `fcmv1`, `gcm`, `windows`...). */
  readonly platform?: string;
  /** The device's push handle (token, channel URI...). */
  readonly pnsHandle?: string;
  /** The registration the hub sent through, when it was one. */
  readonly registrationId?: string;
  /** The installation the hub sent through, when it was one. */
  readonly installationId?: string;
  /** The notification the outcome belongs to. */
  readonly notificationId?: string;
  /** The outcome, normalised to a known name (`Unknown` otherwise). */
  readonly outcome: PnsOutcome;
  /** The outcome exactly as the service wrote it. */
  readonly rawOutcome: string;
  /** When the push service answered. */
  readonly time?: Date;
  /** Where the record came from. */
  readonly source: "pnsErrorDetails" | "feedback" | "testSend";
}

// Only outcomes that say the handle itself will never work again: a transient failure (throttling, an
// unreachable push service) or a hub-wide one (bad credentials, a payload too large) says nothing about the device.
const DEAD_OUTCOMES: ReadonlySet<PnsOutcome> = new Set<PnsOutcome>([
  "ExpiredChannel",
  "BadChannel",
  "WrongToken",
]);

/** Whether the handle is gone for good (ExpiredChannel, BadChannel, WrongToken... not transient ones). */
export function isDeadHandle(record: Pick<DeviceOutcomeRecord, "outcome">): boolean {
  return DEAD_OUTCOMES.has(record.outcome);
}
