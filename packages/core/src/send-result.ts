import { notificationIdFromLocation } from "./notification-id";
import type { NotificationOutcome } from "./outcome";
import type { TransportResponse } from "./transport";

/** What the hub answered to a send. */
export interface SendResult {
  /** The HTTP status, 201 for an accepted send. */
  readonly status: number;
  /**
   * The notification id: the last path segment of the `Location` header (`messages/{id}`, a direct batch's
   * `messages/$batch/{id}`, `schedulednotifications/{id}`), Standard tier only. Absent when there is no
   * `Location` or it names no notification.
   */
  readonly notificationId?: string;
  /** The `Location` header: the URL of the notification's outcome details (Standard tier only). */
  readonly location?: string;
  /** The `TrackingId` header: quote it to Azure support. */
  readonly trackingId?: string;
  /** The `x-ms-correlation-request-id` header. */
  readonly correlationId?: string;
  /** The parsed `NotificationOutcome` of a test send. */
  readonly outcome?: NotificationOutcome;
}

/** The {@link SendResult} of an accepted send, a schedule or a cancel: only the headers the answer has. */
export function toSendResult(res: TransportResponse, outcome?: NotificationOutcome): SendResult {
  const location = res.headers["location"];
  const id = location ? notificationIdFromLocation(location) : undefined;
  const result: { -readonly [K in keyof SendResult]: SendResult[K] } = { status: res.status };
  if (id !== undefined) result.notificationId = id;
  if (location !== undefined) result.location = location;
  if (res.headers["trackingid"] !== undefined) result.trackingId = res.headers["trackingid"];
  const correlationId = res.headers["x-ms-correlation-request-id"];
  if (correlationId !== undefined) result.correlationId = correlationId;
  if (outcome !== undefined) result.outcome = outcome;
  return result;
}
