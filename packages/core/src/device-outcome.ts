/**
 * One shape for what happened to one device, whichever report it came from: a notification's PNS error details
 * blob, the hub's feedback container, or a test send's outcome. Fleet hygiene (removing dead handles) reads
 * this shape only, so it works the same over all three.
 */
import { boundServerText } from "./excerpt";
import type { NotificationOutcome } from "./outcome-types";

/**
 * What a push service said about one device. The names are the service's own: the `NotificationSystemError`
 * values of `PnsFeedback` records (the .NET SDK's `PnsError` enumeration), the outcome names of
 * `NotificationDetails` counts, and `Success`. A name nhub does not know reads as `Unknown`, its text kept in
 * {@link DeviceOutcomeRecord.rawOutcome}.
 */
export type PnsOutcome =
  | "Success"
  | "InvalidCredentials"
  | "PnsUnreachable"
  | "PnsInterfaceError"
  | "BadChannel"
  | "ExpiredChannel"
  | "PnsServerError"
  | "PnsUnavailable"
  | "Throttled"
  | "TokenProviderInterfaceError"
  | "TokenProviderUnreachable"
  | "InvalidToken"
  | "WrongToken"
  | "InvalidNotificationFormat"
  | "InvalidNotificationSize"
  | "PayloadTooLarge"
  | "ChannelThrottled"
  | "ChannelDisconnected"
  | "Dropped"
  | "WrongChannel"
  | "RefreshToken"
  | "AbandonedNotificationMessages"
  | "Abandoned"
  | "NoTargets"
  | "Skipped"
  | "UnknownError"
  | "Unknown";

/** Every {@link PnsOutcome}, for checks and exhaustive tests. */
export const PNS_OUTCOMES: readonly PnsOutcome[] = Object.freeze([
  "Success",
  "InvalidCredentials",
  "PnsUnreachable",
  "PnsInterfaceError",
  "BadChannel",
  "ExpiredChannel",
  "PnsServerError",
  "PnsUnavailable",
  "Throttled",
  "TokenProviderInterfaceError",
  "TokenProviderUnreachable",
  "InvalidToken",
  "WrongToken",
  "InvalidNotificationFormat",
  "InvalidNotificationSize",
  "PayloadTooLarge",
  "ChannelThrottled",
  "ChannelDisconnected",
  "Dropped",
  "WrongChannel",
  "RefreshToken",
  "AbandonedNotificationMessages",
  "Abandoned",
  "NoTargets",
  "Skipped",
  "UnknownError",
  "Unknown",
]);

/** What happened to one device, from whichever report named it. Fields the report did not carry are absent. */
export interface DeviceOutcomeRecord {
  /** The service's platform name as written, e.g. `apple`, `gcm`, `fcmv1`, `windows`. */
  readonly platform?: string;
  /** The device handle (push channel). */
  readonly pnsHandle?: string;
  readonly registrationId?: string;
  readonly installationId?: string;
  readonly notificationId?: string;
  readonly outcome: PnsOutcome;
  /** The service's text, whole (redacted and capped at 500 characters, like any server text nhub keeps). */
  readonly rawOutcome: string;
  /** When the push service answered (`FeedbackTime`); absent for test sends. */
  readonly time?: Date;
  /** Which report the record came from. */
  readonly source: "pnsErrorDetails" | "feedback" | "testSend";
}

const KNOWN: ReadonlyMap<string, PnsOutcome> = new Map(PNS_OUTCOMES.map((o) => [o.toLowerCase(), o]));

// Longest names first, so that "ExpiredChannel" wins over a shorter name it contains.
const BY_LENGTH = [...PNS_OUTCOMES].filter((o) => o !== "Unknown").sort((a, b) => b.length - a.length);

/**
 * Reads the service's outcome text as a {@link PnsOutcome}: a name as written (any letter case, e.g.
 * `ExpiredChannel`), a sentence that names one as a word (`... returned ExpiredChannel`), or the service's
 * success sentence ("The Notification was successfully sent to the Push Notification System"); anything else is
 * `Unknown`.
 */
export function toPnsOutcome(text: string): PnsOutcome {
  const trimmed = text.trim();
  const exact = KNOWN.get(trimmed.toLowerCase());
  if (exact) return exact;
  for (const name of BY_LENGTH) {
    if (new RegExp(`\\b${name}\\b`, "i").test(trimmed)) return name;
  }
  if (/\bsuccessfully sent\b/i.test(trimmed)) return "Success";
  return "Unknown";
}

/** Outcomes that mean the handle can never be reached again, whatever is sent to it. */
const DEAD: ReadonlySet<PnsOutcome> = new Set<PnsOutcome>(["ExpiredChannel", "BadChannel"]);

/**
 * Whether the handle is gone for good (expired, unregistered or not a channel at all), i.e. safe to delete.
 * Only `ExpiredChannel` and `BadChannel` are: `WrongToken`, `InvalidCredentials` and the like usually mean the
 * hub's credentials do not match the app (a sandbox token with production credentials), which deleting the
 * device would not fix; throttling and outages pass.
 */
export function isDeadHandle(record: Pick<DeviceOutcomeRecord, "outcome">): boolean {
  return DEAD.has(record.outcome);
}

/**
 * The per-registration results of a test send (`hub.send(..., { test: true })`'s `outcome`) as
 * {@link DeviceOutcomeRecord}s with source `testSend`. The service reports each result as a sentence
 * ([unverified] beyond the success sentence): {@link toPnsOutcome} reads it, the sentence is kept in `rawOutcome`.
 */
export function testSendRecords(outcome: NotificationOutcome): DeviceOutcomeRecord[] {
  return outcome.results.map((r) =>
    Object.freeze({
      ...(r.applicationPlatform !== "" ? { platform: r.applicationPlatform } : {}),
      ...(r.pnsHandle !== "" ? { pnsHandle: r.pnsHandle } : {}),
      ...(r.registrationId !== "" ? { registrationId: r.registrationId } : {}),
      outcome: toPnsOutcome(r.outcome),
      rawOutcome: boundServerText(r.outcome),
      source: "testSend" as const,
    }),
  );
}
