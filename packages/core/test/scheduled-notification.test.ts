import { describe, expect, it } from "vitest";
import { and, MAX_SCHEDULE_AHEAD_MS, not, scheduleTimeHeader } from "../src/index";
import { apple, expectValidation, useRecordingHub } from "./recording-hub";

const setup = useRecordingHub();
const HOUR = 60 * 60 * 1000;

describe("hub.scheduleNotification", () => {
  it("posts to schedulednotifications/ with the ISO-8601 UTC schedule time and the tags", async () => {
    const { server, hub } = await setup({
      respond: () => ({
        status: 201,
        headers: {
          Location: `${server.origin}/myhub/schedulednotifications/6342375578543341181-1?api-version=2020-06`,
          TrackingId: "t-1",
        },
      }),
    });
    const at = new Date(Math.ceil((Date.now() + 2 * HOUR) / 1000) * 1000);
    const result = await hub.scheduleNotification(apple, at, { tags: "sports && !politics" });
    const req = server.requests[0]!;
    expect(req.method).toBe("POST");
    expect(req.path).toBe("/myhub/schedulednotifications/");
    expect([...req.query]).toEqual([["api-version", "2020-06"]]);
    expect(req.headers["servicebusnotification-scheduletime"]).toBe(at.toISOString());
    expect(req.headers["servicebusnotification-scheduletime"]).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/,
    );
    expect(req.headers["servicebusnotification-tags"]).toBe("sports && !politics");
    expect(req.headers["servicebusnotification-format"]).toBe("apple");
    expect(req.headers["content-type"]).toBe("application/json;charset=utf-8");
    expect(req.headers["x-ms-version"]).toBe("2020-06");
    expect(req.headers["apns-push-type"]).toBe("alert");
    expect(req.text).toBe('{"aps":{"alert":"Hello!"}}');
    expect(req.tokenValid).toBe(true);
    expect(result).toMatchObject({ status: 201, notificationId: "6342375578543341181-1", trackingId: "t-1" });
  });

  it("broadcasts without a tags header and takes a built expression, fully parenthesised", async () => {
    const { server, hub } = await setup();
    const at = new Date(Date.now() + HOUR);
    await hub.scheduleNotification(apple, at);
    await hub.scheduleNotification(apple, at, { tags: and("a", not("b")) });
    expect(server.requests.map((r) => r.headers["servicebusnotification-tags"])).toEqual([
      undefined,
      "a && (!b)",
    ]);
  });

  it("refuses an invalid date, a past time and one more than 7 days ahead, before sending", async () => {
    const { server, hub } = await setup();
    await expectValidation(
      () => hub.scheduleNotification(apple, new Date("not a date")),
      "scheduledTime",
      "type",
    );
    await expectValidation(
      () => hub.scheduleNotification(apple, "2030-01-01T00:00:00Z" as never),
      "scheduledTime",
      "type",
    );
    await expectValidation(
      () => hub.scheduleNotification(apple, new Date(Date.now() - 1000)),
      "scheduledTime",
      "past",
    );
    await expectValidation(
      () => hub.scheduleNotification(apple, new Date(Date.now() + 7 * 24 * HOUR + 60_000)),
      "scheduledTime",
      "max-ahead",
    );
    await expectValidation(
      () => hub.scheduleNotification(apple, new Date(Date.now() + HOUR), { tags: "a &&" }),
      "tags",
      "syntax",
    );
    expect(server.requests).toHaveLength(0);
    await hub.scheduleNotification(apple, new Date(Date.now() + 7 * 24 * HOUR - 60_000));
    expect(server.requests).toHaveLength(1);
  });

  it("checks the bounds exactly", () => {
    const now = Date.UTC(2026, 11, 1, 10, 0, 0);
    expect(scheduleTimeHeader(new Date(now + 1), now)).toBe("2026-12-01T10:00:00.001Z");
    expect(scheduleTimeHeader(new Date(now + MAX_SCHEDULE_AHEAD_MS), now)).toBe("2026-12-08T10:00:00.000Z");
    expect(() => scheduleTimeHeader(new Date(now), now)).toThrow(/not in the future/);
    expect(() => scheduleTimeHeader(new Date(now + MAX_SCHEDULE_AHEAD_MS + 1), now)).toThrow(/7 days/);
  });
});

describe("hub.cancelScheduledNotification", () => {
  it("sends DELETE schedulednotifications/{id}, percent-encoding the id", async () => {
    const { server, hub } = await setup({ respond: () => ({ status: 200, headers: { TrackingId: "t-c" } }) });
    const result = await hub.cancelScheduledNotification("6342375578543341181-1:x@y");
    const req = server.requests[0]!;
    expect(req.method).toBe("DELETE");
    expect(req.path).toBe("/myhub/schedulednotifications/6342375578543341181-1%3Ax%40y");
    expect([...req.query]).toEqual([["api-version", "2020-06"]]);
    expect(req.headers["x-ms-version"]).toBe("2020-06");
    expect(req.headers["content-type"]).toBeUndefined();
    expect(req.body).toHaveLength(0);
    expect(req.tokenValid).toBe(true);
    expect(result).toEqual({ status: 200, trackingId: "t-c" });
  });

  it.each(["", "a/b", "..", ".", "a b", "a?b", "a#b", "50%", "x\r\n", "x".repeat(257)])(
    "refuses the id %j before sending",
    async (id) => {
      const { server, hub } = await setup();
      await expectValidation(
        () => hub.cancelScheduledNotification(id),
        "notificationId",
        id === "" ? "required" : "characters",
      );
      expect(server.requests).toHaveLength(0);
    },
  );

  it("rejects with the service's error when the id is unknown", async () => {
    const { hub } = await setup({
      respond: () => ({ status: 404, body: "<Error><Code>404</Code><Detail>Not found</Detail></Error>" }),
    });
    await expect(hub.cancelScheduledNotification("gone")).rejects.toMatchObject({
      statusCode: 404,
      detail: "Not found",
    });
  });
});
