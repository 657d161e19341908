/**
 * Scheduled sends: `POST /{hub}/schedulednotifications/` with `ServiceBusNotification-ScheduleTime` is
 * checked like a send, kept until its time, then routed to the devices registered at that moment;
 * `DELETE /{hub}/schedulednotifications/{id}` cancels one that is still pending.
 */
import { randomUUID } from "node:crypto";
import type { TagExpression } from "@nhub/core";
import { HttpError, type HubHttpRequest, header, type Reply } from "./emulator-http";
import type { HubState, PendingSchedule } from "./emulator-hub";
import { recordEnqueued, recordSendOutcome } from "./emulator-outcomes";
import type { CheckedNotification } from "./emulator-records";
import {
  checkNotification,
  checkRequestSize,
  checkTags,
  deliveryNote,
  isDirect,
  messageLocation,
  platformHeaders,
  routeByTags,
} from "./emulator-send";
import type { ScheduledNotification } from "./types";

/** How far ahead a send may be scheduled: 7 days, as on the service. */
export const MAX_SCHEDULE_AHEAD_MS = 7 * 24 * 60 * 60 * 1000;
/**
 * How far in the past a schedule time may be and still be taken (and sent at once): clocks differ a little,
 * and some SDKs write the time without its milliseconds.
 */
export const SCHEDULE_CLOCK_SKEW_MS = 5_000;

const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * Parses `ServiceBusNotification-ScheduleTime`: ISO-8601 with a date and a time, a zone optional (UTC when
 * absent, as the Java SDK sends it). Checks it is not past (beyond {@link SCHEDULE_CLOCK_SKEW_MS}) and at most
 * 7 days ahead of `now`.
 *
 * @returns the due time in epoch milliseconds.
 * @throws {HttpError} 400 for a missing, unparseable, past or too distant time.
 */
export function parseScheduleTime(value: string | undefined, now: number): number {
  if (value === undefined || value.trim() === "")
    throw new HttpError(400, "A scheduled send needs the ServiceBusNotification-ScheduleTime header.");
  const text = value.trim();
  const m = ISO_TIME.exec(text);
  const [year, month, day, hour, minute, second] = (m ?? []).slice(1, 7).map((p) => Number(p ?? 0));
  if (
    !m ||
    month! < 1 ||
    month! > 12 ||
    day! < 1 ||
    day! > daysIn(year!, month!) ||
    hour! > 23 ||
    minute! > 59 ||
    second! > 59
  ) {
    throw new HttpError(
      400,
      `ServiceBusNotification-ScheduleTime "${text}" is not an ISO-8601 date and time (e.g. 2030-01-31T09:30:00Z).`,
    );
  }
  const due = Date.parse(m[8] === undefined ? `${text}Z` : text);
  if (Number.isNaN(due)) {
    throw new HttpError(400, `ServiceBusNotification-ScheduleTime "${text}" is not a valid time.`);
  }
  if (due < now - SCHEDULE_CLOCK_SKEW_MS) {
    throw new HttpError(
      400,
      `ServiceBusNotification-ScheduleTime ${new Date(due).toISOString()} is in the past; the time is now ${new Date(now).toISOString()}.`,
    );
  }
  if (due - now > MAX_SCHEDULE_AHEAD_MS) {
    throw new HttpError(
      400,
      `ServiceBusNotification-ScheduleTime ${new Date(due).toISOString()} is more than 7 days ahead; the time is now ${new Date(now).toISOString()}.`,
    );
  }
  return due;
}

/** What the timer needs to deliver a scheduled send. */
interface PendingSend {
  readonly notification: CheckedNotification;
  readonly expression: TagExpression | undefined;
  readonly location: string;
}

/**
 * Arms the timer of a pending send. A timer that fires early re-arms for the rest; one that finds the time
 * passed delivers at once, to the devices registered then.
 */
function arm(hub: HubState, entry: PendingSchedule, dueAt: number, delivery: PendingSend): void {
  const fire = () => {
    const wait = dueAt - Date.now();
    if (wait > 0) {
      entry.timer = setTimeout(fire, wait);
      entry.timer.unref?.();
      return;
    }
    if (!hub.takeScheduled(entry.info.notificationId)) return;
    const send = { notificationId: entry.info.notificationId, at: new Date().toISOString() };
    const routed = routeByTags(hub, delivery.notification, delivery.expression, send);
    hub.recordDeliveries(routed.deliveries);
    recordSendOutcome(hub, {
      notificationId: send.notificationId,
      location: delivery.location,
      notification: delivery.notification,
      tags: entry.info.tags,
      routed,
      enqueuedAt: entry.info.enqueuedAt,
    });
    hub.log(
      `nhub-emulator: scheduled ${send.notificationId} went out on ${hub.name}: ${deliveryNote(routed)}`,
    );
  };
  entry.timer = setTimeout(fire, Math.max(0, dueAt - Date.now()));
  // A pending send alone must not keep a process alive; the server does that while it listens.
  entry.timer.unref?.();
}

/**
 * Handles `POST /{hub}/schedulednotifications/`: 201 with `Location` holding the id; the send is checked now
 * and delivered when due.
 *
 * @throws {HttpError} 400 for a malformed send or schedule time, 403 for a payload over its platform's limit,
 * 413 for a body over 64 KB.
 */
export function handleSchedule(hub: HubState, req: HubHttpRequest): Reply {
  checkRequestSize(req);
  if (isDirect(req.query) || req.query.get("test") === "true")
    throw new HttpError(
      400,
      "Scheduled sends take tags or broadcast; direct=true and test=true do not apply.",
    );
  const n = checkNotification({
    format: header(req, "servicebusnotification-format"),
    contentType: header(req, "content-type"),
    headers: platformHeaders(req.rawHeaders),
    body: req.body,
    platforms: hub.platforms,
  });
  const tags = header(req, "servicebusnotification-tags");
  const expression = checkTags(tags);
  const now = Date.now();
  const dueAt = parseScheduleTime(header(req, "servicebusnotification-scheduletime"), now);
  const notificationId = randomUUID();
  const location = messageLocation(req, hub, notificationId);
  const enqueuedAt = new Date(now).toISOString();
  const info: ScheduledNotification = Object.freeze({
    notificationId,
    scheduledTime: new Date(dueAt).toISOString(),
    format: n.format,
    ...(tags !== undefined ? { tags } : {}),
    contentType: n.contentType,
    headers: Object.freeze({ ...n.headers }),
    body: n.body,
    enqueuedAt,
  });
  recordEnqueued(hub, { notificationId, location, notification: n, tags, enqueuedAt });
  const entry: PendingSchedule = { info };
  arm(hub, entry, dueAt, { notification: n, expression, location });
  hub.addScheduled(entry);
  return { status: 201, headers: { Location: location }, note: `scheduled for ${info.scheduledTime}` };
}

/**
 * Handles `DELETE /{hub}/schedulednotifications/{id}`: 200 when a pending send was cancelled.
 *
 * @throws {HttpError} 404 when no send with that id is pending (unknown, already sent or cancelled).
 */
export function handleCancelScheduled(hub: HubState, id: string): Reply {
  if (!hub.cancelScheduled(id))
    throw new HttpError(404, `There is no pending scheduled notification with id "${id}".`);
  return { status: 200, note: `scheduled ${id} cancelled` };
}
