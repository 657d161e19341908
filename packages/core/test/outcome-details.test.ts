import type { CannedResponse } from "@nhub/testkit";
import { describe, expect, it } from "vitest";
import {
  AbortError,
  NhubError,
  parseNotificationOutcomeDetails,
  ServiceError,
  TimeoutError,
  waitForNotificationOutcome,
} from "../src/index";
import { delay, expectValidation, useRecordingHub } from "./recording-hub";

const setup = useRecordingHub();

function detailsXml(state: string): string {
  return `<?xml version="1.0" encoding="utf-8"?>
<NotificationDetails xmlns="http://schemas.microsoft.com/netservices/2010/10/servicebus/connect" xmlns:i="http://www.w3.org/2001/XMLSchema-instance">
  <NotificationId>6342375578543341181-b1e2</NotificationId>
  <Location>sb://myns.servicebus.windows.net/myhub/messages/6342375578543341181-b1e2?api-version=2020-06</Location>
  <State>${state}</State>
  <EnqueueTime>2026-03-02T21:19:43Z</EnqueueTime>
  <StartTime>2026-03-02T21:19:43.9926996Z</StartTime>
  <EndTime>2026-03-02T21:19:45.1234567</EndTime>
  <NotificationBody>{"aps":{"alert":"Hello &amp; welcome"}}</NotificationBody>
  <Tags>sports</Tags>
  <TargetPlatforms>apple,fcmv1, windows</TargetPlatforms>
  <ApnsOutcomeCounts>
    <Outcome>
      <Name>Success</Name>
      <Count>3</Count>
    </Outcome>
    <Outcome>
      <Name>InvalidToken</Name>
      <Count>1</Count>
    </Outcome>
  </ApnsOutcomeCounts>
  <FcmV1OutcomeCounts>
    <Outcome>
      <Name>Success</Name>
      <Count>12</Count>
    </Outcome>
  </FcmV1OutcomeCounts>
  <WnsOutcomeCounts />
  <PnsErrorDetailsUri>https://nhstore.blob.core.windows.net/pnserrors/6342375578543341181-b1e2?sv=2020-08-04&amp;sig=abc</PnsErrorDetailsUri>
</NotificationDetails>`;
}

const notFound: CannedResponse = {
  status: 404,
  headers: { "Content-Type": "application/xml; charset=utf-8" },
  body: "<Error><Code>404</Code><Detail>The notification has not been processed yet.</Detail></Error>",
};
const ok = (state: string): CannedResponse => ({
  status: 200,
  headers: { "Content-Type": "application/xml; charset=utf-8" },
  body: detailsXml(state),
});

describe("parseNotificationOutcomeDetails", () => {
  it("reads every field, with counts as numbers and times as UTC Dates", async () => {
    expect(await parseNotificationOutcomeDetails(detailsXml("Completed"))).toEqual({
      notificationId: "6342375578543341181-b1e2",
      location:
        "sb://myns.servicebus.windows.net/myhub/messages/6342375578543341181-b1e2?api-version=2020-06",
      state: "Completed",
      enqueueTime: new Date("2026-03-02T21:19:43.000Z"),
      startTime: new Date("2026-03-02T21:19:43.992Z"),
      endTime: new Date("2026-03-02T21:19:45.123Z"),
      notificationBody: '{"aps":{"alert":"Hello & welcome"}}',
      tags: "sports",
      targetPlatforms: ["apple", "fcmv1", "windows"],
      apnsOutcomeCounts: [
        { name: "Success", count: 3 },
        { name: "InvalidToken", count: 1 },
      ],
      fcmV1OutcomeCounts: [{ name: "Success", count: 12 }],
      wnsOutcomeCounts: [],
      pnsErrorDetailsUri:
        "https://nhstore.blob.core.windows.net/pnserrors/6342375578543341181-b1e2?sv=2020-08-04&sig=abc",
    });
  });

  it("leaves out what the service left out", async () => {
    const details = await parseNotificationOutcomeDetails(
      '<NotificationDetails><NotificationId>n1</NotificationId><State>Enqueued</State><EnqueueTime>2026-03-02T21:19:43Z</EnqueueTime><EndTime i:nil="true" xmlns:i="http://www.w3.org/2001/XMLSchema-instance"/></NotificationDetails>',
    );
    expect(details).toEqual({
      notificationId: "n1",
      state: "Enqueued",
      enqueueTime: new Date("2026-03-02T21:19:43Z"),
      targetPlatforms: [],
    });
  });

  it("refuses a body that is not NotificationDetails", async () => {
    for (const body of ["", "<Error><Code>500</Code></Error>", "not xml at all"]) {
      await expect(parseNotificationOutcomeDetails(body)).rejects.toMatchObject({
        code: "NHUB_UNEXPECTED_RESPONSE",
      });
    }
    await expect(parseNotificationOutcomeDetails("")).rejects.toSatisfy(NhubError.isInstance);
  });
});

describe("hub.getNotificationOutcomeDetails", () => {
  it("sends GET messages/{id} and parses the answer", async () => {
    const { server, hub } = await setup({ respond: () => ok("Completed") });
    const details = await hub.getNotificationOutcomeDetails("6342375578543341181-b1e2");
    const req = server.requests[0]!;
    expect(req.method).toBe("GET");
    expect(req.path).toBe("/myhub/messages/6342375578543341181-b1e2");
    expect([...req.query]).toEqual([["api-version", "2020-06"]]);
    expect(req.headers["x-ms-version"]).toBe("2020-06");
    expect(req.body).toHaveLength(0);
    expect(req.tokenValid).toBe(true);
    expect(details.state).toBe("Completed");
    expect(details.apnsOutcomeCounts?.[0]).toEqual({ name: "Success", count: 3 });
  });

  it("checks the id and rejects a 404 with a ServiceError", async () => {
    const { server, hub } = await setup({ respond: () => notFound });
    await expectValidation(() => hub.getNotificationOutcomeDetails("a/b"), "notificationId", "characters");
    expect(server.requests).toHaveLength(0);
    await expect(hub.getNotificationOutcomeDetails("n1")).rejects.toMatchObject({ statusCode: 404 });
  });
});

describe("waitForNotificationOutcome", () => {
  it("polls through 404s and non-final states until Completed", async () => {
    const { server, hub } = await setup({
      respond: (_r, i) =>
        i < 2 ? notFound : i < 4 ? ok(i === 2 ? "Enqueued" : "Processing") : ok("Completed"),
    });
    const details = await waitForNotificationOutcome(hub, "6342375578543341181-b1e2", { intervalMs: 10 });
    expect(details.state).toBe("Completed");
    expect(server.requests).toHaveLength(5);
    expect(new Set(server.requests.map((r) => `${r.method} ${r.path}`))).toEqual(
      new Set(["GET /myhub/messages/6342375578543341181-b1e2"]),
    );
  });

  it.each(["Abandoned", "Cancelled", "Canceled", "NoTargetFound", "DetailedStateAvailable"])(
    "stops at the final state %s",
    async (state) => {
      const { server, hub } = await setup({ respond: () => ok(state) });
      expect((await waitForNotificationOutcome(hub, "n1", { intervalMs: 10 })).state).toBe(state);
      expect(server.requests).toHaveLength(1);
    },
  );

  it("waits `intervalMs` between polls", async () => {
    const { server, hub } = await setup({ respond: (_r, i) => (i < 2 ? notFound : ok("Completed")) });
    const started = Date.now();
    await waitForNotificationOutcome(hub, "n1", { intervalMs: 60 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(110);
    expect(server.requests).toHaveLength(3);
  });

  it("rejects with a TimeoutError at the deadline", async () => {
    const { server, hub } = await setup({ respond: () => notFound });
    const started = Date.now();
    const error = await waitForNotificationOutcome(hub, "n1", { timeoutMs: 200, intervalMs: 30 }).catch(
      (e: unknown) => e,
    );
    const elapsed = Date.now() - started;
    expect(TimeoutError.isInstance(error), String(error)).toBe(true);
    expect(elapsed).toBeGreaterThanOrEqual(190);
    expect(elapsed).toBeLessThan(1000);
    expect(server.requests.length).toBeGreaterThan(2);
  });

  it("cuts a poll in flight at the deadline", async () => {
    const { hub } = await setup({
      respond: async () => {
        await delay(2000);
        return ok("Completed");
      },
    });
    const started = Date.now();
    await expect(waitForNotificationOutcome(hub, "n1", { timeoutMs: 150 })).rejects.toSatisfy(
      TimeoutError.isInstance,
    );
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it("rejects with an AbortError at once when the signal fires, waiting or polling", async () => {
    const { hub } = await setup({ respond: () => notFound });
    const waiting = new AbortController();
    setTimeout(() => waiting.abort(), 50);
    let started = Date.now();
    await expect(
      waitForNotificationOutcome(hub, "n1", { signal: waiting.signal, intervalMs: 5000, timeoutMs: 60_000 }),
    ).rejects.toSatisfy(AbortError.isInstance);
    expect(Date.now() - started).toBeLessThan(1000);

    const slow = await setup({
      respond: async () => {
        await delay(2000);
        return notFound;
      },
    });
    const polling = new AbortController();
    setTimeout(() => polling.abort(), 50);
    started = Date.now();
    await expect(waitForNotificationOutcome(slow.hub, "n1", { signal: polling.signal })).rejects.toSatisfy(
      AbortError.isInstance,
    );
    expect(Date.now() - started).toBeLessThan(1000);
    await expect(
      waitForNotificationOutcome(slow.hub, "n1", { signal: AbortSignal.abort() }),
    ).rejects.toSatisfy(AbortError.isInstance);
  });

  it("rejects at once for any error but a 404", async () => {
    const { server, hub } = await setup({
      respond: () => ({
        status: 403,
        body: "<Error><Code>403</Code><Detail>Standard tier only</Detail></Error>",
      }),
    });
    const error = await waitForNotificationOutcome(hub, "n1", { intervalMs: 10 }).catch((e: unknown) => e);
    expect(ServiceError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ statusCode: 403, detail: "Standard tier only" });
    expect(server.requests).toHaveLength(1);
  });

  it("refuses a non-positive interval or deadline", async () => {
    const { hub } = await setup();
    await expectValidation(
      () => waitForNotificationOutcome(hub, "n1", { intervalMs: 0 }),
      "intervalMs",
      "positive",
    );
    await expectValidation(
      () => waitForNotificationOutcome(hub, "n1", { timeoutMs: -1 }),
      "timeoutMs",
      "positive",
    );
  });
});

describe("hub.getFeedbackContainerUrl", () => {
  it("sends GET feedbackcontainer and returns the URL in the body", async () => {
    const url =
      "https://pnsfeedback.blob.core.windows.net/00000000-feedback?sv=2020-08-04&sr=c&sig=abc%3D&se=2026-03-03";
    const { server, hub } = await setup({ respond: () => ({ status: 200, body: `${url}\n` }) });
    expect(await hub.getFeedbackContainerUrl()).toBe(url);
    const req = server.requests[0]!;
    expect(req.method).toBe("GET");
    expect(req.path).toBe("/myhub/feedbackcontainer");
    expect([...req.query]).toEqual([["api-version", "2020-06"]]);
    expect(req.headers["x-ms-version"]).toBe("2020-06");
    expect(req.tokenValid).toBe(true);
  });
});
