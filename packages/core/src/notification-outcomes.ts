/**
 * A notification's outcome (Standard tier): {@link getNotificationOutcomeDetails} reads it once,
 * {@link waitForNotificationOutcome} polls until it is final. `hub.getNotificationOutcomeDetails` is a shortcut
 * to the first.
 */
import { ServiceError, TimeoutError } from "./errors";
import type { OperationOptions } from "./hub-options";
import type { HubClient } from "./hub-request";
import { assertNotificationId } from "./notification-id";
import { checkMs, checkSignal } from "./option-checks";
import {
  FINAL_OUTCOME_STATES,
  type NotificationOutcomeDetails,
  parseNotificationOutcomeDetails,
} from "./outcome-details";
import { encodePathSegment } from "./path-segment";
import { sleep } from "./retry";

/**
 * Reads a notification's per-message telemetry (`GET messages/{id}`, Standard tier). The hub answers 404
 * until it has processed the notification; {@link waitForNotificationOutcome} polls through that.
 *
 * @throws {ValidationError} before anything is sent, for an id that is no notification id.
 */
export async function getNotificationOutcomeDetails(
  hub: Pick<HubClient, "request">,
  notificationId: string,
  options: OperationOptions = {},
): Promise<NotificationOutcomeDetails> {
  assertNotificationId(notificationId);
  const response = await hub.request({
    operation: "getNotificationOutcomeDetails",
    method: "GET",
    path: `/messages/${encodePathSegment(notificationId, "notificationId")}`,
    signal: options.signal,
    retry: options.retry,
    timeoutMs: options.timeoutMs,
  });
  return parseNotificationOutcomeDetails(response.body);
}

/**
 * What {@link waitForNotificationOutcome} polls: a `NotificationHub` (its `getNotificationOutcomeDetails`
 * shortcut), or anything that reads outcome details the same way, such as a wrapper or a test double.
 */
export interface NotificationOutcomeReader {
  getNotificationOutcomeDetails(
    notificationId: string,
    options?: OperationOptions,
  ): Promise<NotificationOutcomeDetails>;
}

/** Options of {@link waitForNotificationOutcome}. */
export interface WaitForNotificationOutcomeOptions {
  /** Stops waiting at once with an `AbortError`, including a poll in flight. */
  readonly signal?: AbortSignal;
  /**
   * A deadline for the whole wait, whole milliseconds from 1 to 2^31-1; past it the wait rejects with a
   * `TimeoutError`. Default none.
   */
  readonly timeoutMs?: number;
  /** Pause between polls, whole milliseconds from 1 to 2^31-1. Default 1000 ms. */
  readonly intervalMs?: number;
}

/**
 * Polls `hub.getNotificationOutcomeDetails` until the notification reaches a final state (`Completed`,
 * `DetailedStateAvailable`, `Abandoned`, `Cancelled` or `NoTargetFound`) and resolves with those details, whatever
 * the state: check `state` and the outcome counts. A 404 means the hub has not processed the notification yet,
 * so polling goes on; any other error rejects. Standard tier only.
 *
 * @example
 * const { notificationId } = await hub.send(notification, { tags: "sports" });
 * const details = await waitForNotificationOutcome(hub, notificationId!, { timeoutMs: 120_000 });
 */
export async function waitForNotificationOutcome(
  hub: NotificationOutcomeReader,
  notificationId: string,
  options: WaitForNotificationOutcomeOptions = {},
): Promise<NotificationOutcomeDetails> {
  const { signal, timeoutMs, intervalMs = 1000 } = options;
  checkSignal(signal);
  checkMs(timeoutMs, "timeoutMs", 1);
  checkMs(intervalMs, "intervalMs", 1);
  const deadline = timeoutMs === undefined ? undefined : AbortSignal.timeout(timeoutMs);
  const stop = deadline && signal ? AbortSignal.any([signal, deadline]) : (deadline ?? signal);
  try {
    for (;;) {
      try {
        const details = await hub.getNotificationOutcomeDetails(notificationId, { signal: stop });
        if (FINAL_OUTCOME_STATES.has(details.state)) return details;
      } catch (error) {
        if (!ServiceError.isInstance(error) || error.statusCode !== 404) throw error;
      }
      await sleep(intervalMs, stop);
    }
  } catch (error) {
    if (deadline?.aborted && !signal?.aborted) {
      throw new TimeoutError(`notification ${notificationId} reached no final state within ${timeoutMs} ms`, {
        cause: error,
      });
    }
    throw error;
  }
}
