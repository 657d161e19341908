/**
 * Scheduled sends (Standard tier): {@link scheduleNotification} and {@link cancelScheduledNotification}, and the
 * schedule time's rule. `hub.scheduleNotification` and `hub.cancelScheduledNotification` are shortcuts to them.
 */
import { ValidationError } from "./errors";
import type { OperationOptions } from "./hub-options";
import { type HubClient, notificationHeaders, requestWithCoreHeaders } from "./hub-request";
import { assertNotification, type Notification } from "./notification";
import { assertNotificationId } from "./notification-id";
import { encodePathSegment } from "./path-segment";
import type { RetryOptions } from "./retry";
import { type SendResult, toSendResult } from "./send-result";
import { type TagExpression, toTagExpression } from "./tags";

/** How far ahead the service schedules: 7 days. */
export const MAX_SCHEDULE_AHEAD_MS = 7 * 24 * 60 * 60 * 1000;

/** Options of {@link scheduleNotification}. */
export interface ScheduleNotificationOptions {
  /** Who receives it, as in `hub.send`; omit to broadcast. */
  readonly tags?: string | Iterable<string> | TagExpression;
  readonly signal?: AbortSignal;
  readonly retry?: RetryOptions | false;
  readonly timeoutMs?: number;
}

/**
 * The `ServiceBusNotification-ScheduleTime` value for `time`: ISO-8601 UTC with milliseconds, as
 * `Date.prototype.toISOString` writes it (and as the official JavaScript SDK sends it).
 *
 * @throws {ValidationError} with field `scheduledTime` and rule `type` (not a valid Date), `past` (not after
 * `now`) or `max-ahead` (more than 7 days after `now`).
 */
export function scheduleTimeHeader(time: Date, now = Date.now()): string {
  const at = time instanceof Date ? time.getTime() : Number.NaN;
  if (Number.isNaN(at))
    throw new ValidationError("scheduledTime", "type", "scheduledTime must be a valid Date");
  if (at <= now) {
    throw new ValidationError("scheduledTime", "past", `${time.toISOString()} is not in the future`);
  }
  if (at - now > MAX_SCHEDULE_AHEAD_MS) {
    throw new ValidationError(
      "scheduledTime",
      "max-ahead",
      `${time.toISOString()} is more than 7 days ahead; the service schedules up to 7 days`,
    );
  }
  return time.toISOString();
}

/**
 * Schedules a notification for `scheduledTime` (Standard tier): at most 7 days ahead, sent to `options.tags`
 * or broadcast (`POST schedulednotifications/` with `ServiceBusNotification-ScheduleTime`). The result's
 * `notificationId` is what {@link cancelScheduledNotification} takes.
 *
 * @throws {ValidationError} before anything is sent, for a bad notification, time, tag expression or option.
 * @example
 * const { notificationId } = await scheduleNotification(hub, notification, new Date(Date.now() + 3_600_000));
 */
export async function scheduleNotification(
  hub: HubClient,
  notification: Notification,
  scheduledTime: Date,
  options: ScheduleNotificationOptions = {},
): Promise<SendResult> {
  assertNotification(notification);
  const at = scheduleTimeHeader(scheduledTime);
  const tags = toTagExpression(options.tags);
  const headers = notificationHeaders(notification);
  headers["ServiceBusNotification-ScheduleTime"] = at;
  if (tags !== undefined) headers["ServiceBusNotification-Tags"] = tags;
  const response = await hub[requestWithCoreHeaders]({
    operation: "scheduleNotification",
    method: "POST",
    path: "/schedulednotifications/",
    headers,
    contentType: notification.contentType,
    body: notification.body,
    signal: options.signal,
    retry: options.retry,
    timeoutMs: options.timeoutMs,
  });
  return toSendResult(response);
}

/**
 * Cancels a scheduled notification: `DELETE schedulednotifications/{id}`, `notificationId` being what
 * {@link scheduleNotification} returned.
 *
 * @throws {ValidationError} before anything is sent, for an id that is no notification id.
 */
export async function cancelScheduledNotification(
  hub: Pick<HubClient, "request">,
  notificationId: string,
  options: OperationOptions = {},
): Promise<SendResult> {
  assertNotificationId(notificationId);
  const response = await hub.request({
    operation: "cancelScheduledNotification",
    method: "DELETE",
    path: `/schedulednotifications/${encodePathSegment(notificationId, "notificationId")}`,
    signal: options.signal,
    retry: options.retry,
    timeoutMs: options.timeoutMs,
  });
  return toSendResult(response);
}
