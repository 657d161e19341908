/** Scheduled sends (to tags, to a set of tags, broadcast) and their cancellation. */
import { describe, expect, it } from "vitest";
import { runOne, SCHEDULED_NOTIFICATION_ID } from "../src/capture";
import { NOTIFICATION_PAIRS, pair } from "./notification-pairs";

/** An hour from now, on a whole millisecond, as both clients take it. */
const inAnHour = (): Date => new Date(Math.floor(Date.now() / 1000) * 1000 + 3_600_000);

describe.each(NOTIFICATION_PAIRS)("scheduled send: $name", (p) => {
  it("posts to schedulednotifications/ with the time in ISO-8601 UTC and the tags", async () => {
    const at = inAnHour();
    const run = await runOne(
      (c) => c.scheduleNotification(at, p.sdk, { tagExpression: "sports && !politics" }),
      (h) => h.scheduleNotification(p.nhub, at, { tags: "sports && !politics" }),
    );
    expect(run.diff).toEqual([]);
    expect(run.nhub.path).toBe("/myhub/schedulednotifications/");
    expect(run.nhub.headers["servicebusnotification-scheduletime"]).toBe(at.toISOString());
  });

  it("schedules a broadcast without a tags header", async () => {
    const at = inAnHour();
    const run = await runOne(
      (c) => c.scheduleBroadcastNotification(at, p.sdk),
      (h) => h.scheduleNotification(p.nhub, at),
    );
    expect(run.diff).toEqual([]);
    expect(run.nhub.headers["servicebusnotification-tags"]).toBeUndefined();
  });
});

describe("scheduled sends", () => {
  const { sdk: sdkNotification, nhub: nhubNotification } = pair("apple");

  it("sends a set of tags as the OR expression the SDK takes", async () => {
    const at = inAnHour();
    const run = await runOne(
      (c) => c.scheduleNotification(at, sdkNotification, { tagExpression: "a || b || c" }),
      (h) => h.scheduleNotification(nhubNotification, at, { tags: ["a", "b", "c"] }),
    );
    expect(run.diff).toEqual([]);
  });

  it("keeps the milliseconds of the time, as the SDK does", async () => {
    const at = new Date(Date.now() + 86_400_000);
    at.setUTCMilliseconds(789);
    const run = await runOne(
      (c) => c.scheduleNotification(at, sdkNotification, { tagExpression: "sports" }),
      (h) => h.scheduleNotification(nhubNotification, at, { tags: "sports" }),
    );
    expect(run.diff).toEqual([]);
    expect(run.nhub.headers["servicebusnotification-scheduletime"]).toMatch(/\.789Z$/);
  });

  it("reads the same scheduled notification id and tracking ids", async () => {
    const at = inAnHour();
    const run = await runOne(
      (c) => c.scheduleNotification(at, sdkNotification, { tagExpression: "sports" }),
      (h) => h.scheduleNotification(nhubNotification, at, { tags: "sports" }),
    );
    expect(run.sdkResult.notificationId).toBe(SCHEDULED_NOTIFICATION_ID);
    expect(run.nhubResult).toMatchObject({
      notificationId: run.sdkResult.notificationId,
      location: run.sdkResult.location,
      trackingId: run.sdkResult.trackingId,
      correlationId: run.sdkResult.correlationId,
    });
  });

  it("cancels with DELETE schedulednotifications/{id}", async () => {
    const run = await runOne(
      (c) => c.cancelScheduledNotification(SCHEDULED_NOTIFICATION_ID),
      (h) => h.cancelScheduledNotification(SCHEDULED_NOTIFICATION_ID),
    );
    expect(run.diff).toEqual([]);
    expect(run.nhub.method).toBe("DELETE");
    expect(run.nhub.path).toBe(`/myhub/schedulednotifications/${SCHEDULED_NOTIFICATION_ID}`);
    expect(run.nhub.body).toBeUndefined();
    expect(run.nhubResult).toMatchObject({
      status: 200,
      trackingId: run.sdkResult.trackingId,
      correlationId: run.sdkResult.correlationId,
    });
  });
});
