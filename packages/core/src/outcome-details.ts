/**
 * The `NotificationDetails` document of `GET {hub}/messages/{id}` (per-message telemetry, Standard tier).
 */
import { NhubError } from "./errors";
import type { NotificationOutcomeDetails } from "./outcome-types";

export type { NotificationOutcomeDetails, NotificationOutcomeState, OutcomeCount } from "./outcome-types";

/** The states after which a notification's outcome no longer changes. */
export const FINAL_OUTCOME_STATES: ReadonlySet<string> = new Set([
  "Completed",
  "DetailedStateAvailable",
  "Abandoned",
  "Cancelled",
  "Canceled",
  "NoTargetFound",
]);

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
