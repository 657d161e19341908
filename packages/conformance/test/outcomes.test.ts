/** Notification outcome details (`GET messages/{id}`) and the feedback container URL. */
import { describe, expect, it } from "vitest";
import { FEEDBACK_CONTAINER_URL, NOTIFICATION_ID, runOne } from "../src/capture";

// The SDK sends `Content-Type: application/xml;type=entry;charset=utf-8` on this GET, which has no body; nhub
// sends no Content-Type without a body. Asserted and explained in differences.test.ts.
const FEEDBACK_CONTENT_TYPE =
  'header content-type: sdk "application/xml;type=entry;charset=utf-8" nhub (absent)';

describe("notification outcome details", () => {
  it("sends GET messages/{id} with api-version", async () => {
    const run = await runOne(
      (c) => c.getNotificationOutcomeDetails(NOTIFICATION_ID),
      (h) => h.getNotificationOutcomeDetails(NOTIFICATION_ID),
    );
    expect(run.diff).toEqual([]);
    expect(run.nhub.method).toBe("GET");
    expect(run.nhub.path).toBe(`/myhub/messages/${NOTIFICATION_ID}`);
    expect(run.nhub.query).toEqual([["api-version", "2020-06"]]);
  });

  it("reads the same details from the NotificationDetails document", async () => {
    const run = await runOne(
      (c) => c.getNotificationOutcomeDetails(NOTIFICATION_ID),
      (h) => h.getNotificationOutcomeDetails(NOTIFICATION_ID),
    );
    const s = run.sdkResult;
    const n = run.nhubResult;
    expect(n.notificationId).toBe(s.notificationId);
    expect(n.location).toBe(s.location);
    expect(n.state).toBe(s.state);
    expect(n.enqueueTime).toEqual(s.enqueueTime);
    expect(n.startTime).toEqual(s.startTime);
    expect(n.endTime).toEqual(s.endTime);
    expect(n.notificationBody).toBe(s.notificationBody);
    // Shapes differ by design: nhub splits TargetPlatforms and names the error blob "Uri" as the service does.
    expect(n.targetPlatforms.join(",")).toBe(s.targetPlatforms);
    expect(n.pnsErrorDetailsUri).toBe(s.pnsErrorDetailsUrl);
    // The SDK's type has `tags` but its parser never fills it; nhub reads `<Tags>`.
    expect(s.tags).toBeUndefined();
    expect(n.tags).toBe("sports");
    // Outcome counts: the SDK's { state, count } is nhub's { name, count }; GcmOutcomeCounts is the SDK's
    // fcmOutcomeCounts and nhub's gcmOutcomeCounts.
    const counts = (list: readonly { state: string; count: number }[] | undefined) =>
      list?.map(({ state, count }) => ({ name: state, count }));
    expect(n.apnsOutcomeCounts).toEqual(counts(s.apnsOutcomeCounts));
    expect(n.fcmV1OutcomeCounts).toEqual(counts(s.fcmV1OutcomeCounts));
    expect(n.gcmOutcomeCounts).toEqual(counts(s.fcmOutcomeCounts));
    expect(n.wnsOutcomeCounts).toEqual(counts(s.wnsOutcomeCounts));
    expect(n.admOutcomeCounts).toEqual(counts(s.admOutcomeCounts));
    expect(n.baiduOutcomeCounts).toEqual(counts(s.baiduOutcomeCounts));
    expect(n.browserOutcomeCounts).toEqual(counts(s.browserOutcomeCounts));
    expect(n.xiaomiOutcomeCounts).toEqual(counts(s.xiaomiOutcomeCounts));
    expect(n.apnsOutcomeCounts).toEqual([
      { name: "Success", count: 3 },
      { name: "WrongToken", count: 1 },
    ]);
  });

  it("reads a document with a single outcome and no optional fields alike", async () => {
    const xml =
      '<NotificationDetails xmlns="http://schemas.microsoft.com/netservices/2010/10/servicebus/connect">' +
      `<NotificationId>${NOTIFICATION_ID}</NotificationId><State>Enqueued</State>` +
      "<EnqueueTime>2026-03-04T05:06:07Z</EnqueueTime>" +
      "<ApnsOutcomeCounts><Outcome><Name>Success</Name><Count>1</Count></Outcome></ApnsOutcomeCounts>" +
      "</NotificationDetails>";
    const run = await runOne(
      (c) => c.getNotificationOutcomeDetails(NOTIFICATION_ID),
      (h) => h.getNotificationOutcomeDetails(NOTIFICATION_ID),
      { responder: () => ({ status: 200, body: xml }) },
    );
    expect(run.nhubResult.state).toBe(run.sdkResult.state);
    expect(run.nhubResult.enqueueTime).toEqual(run.sdkResult.enqueueTime);
    expect(run.nhubResult.apnsOutcomeCounts).toEqual([{ name: "Success", count: 1 }]);
    expect(run.sdkResult.apnsOutcomeCounts).toEqual([{ state: "Success", count: 1 }]);
    expect(run.nhubResult.startTime).toBeUndefined();
    expect(run.sdkResult.startTime).toBeUndefined();
  });
});

describe("feedback container", () => {
  it("sends GET feedbackcontainer and reads the same URL", async () => {
    const run = await runOne(
      (c) => c.getFeedbackContainerUrl(),
      (h) => h.getFeedbackContainerUrl(),
    );
    expect(run.diff).toEqual([FEEDBACK_CONTENT_TYPE]);
    expect(run.nhub.path).toBe("/myhub/feedbackcontainer");
    expect(run.nhub.query).toEqual([["api-version", "2020-06"]]);
    expect(run.nhubResult).toBe(run.sdkResult);
    expect(run.nhubResult).toBe(FEEDBACK_CONTAINER_URL);
  });
});
