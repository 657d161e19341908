import { ValidationError } from "./errors";
import type { RetryOptions } from "./retry";
import type { TagExpression } from "./tags";

/** How far ahead the service schedules: 7 days. */
export const MAX_SCHEDULE_AHEAD_MS = 7 * 24 * 60 * 60 * 1000;

/** Options of `hub.scheduleNotification`. */
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
