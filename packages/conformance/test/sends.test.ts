/**
 * Tag, tag-set, broadcast and test sends of every platform: the same request from both clients, and the same
 * answer read back.
 */
import * as sdk from "@azure/notification-hubs";
import { and, type NotificationHub, not, or, type SendResult } from "@nhub/core";
import { sendAdmNotification } from "@nhub/platform-adm";
import { createAppleNotification, sendAppleNotification } from "@nhub/platform-apns";
import { createBaiduNotification, sendBaiduNotification } from "@nhub/platform-baidu";
import { sendBrowserNotification } from "@nhub/platform-browser";
import { sendFcmLegacyNotification, sendFcmNotification } from "@nhub/platform-fcm";
import { createWindowsNotification, sendWindowsNotification } from "@nhub/platform-wns";
import { sendXiaomiNotification } from "@nhub/platform-xiaomi";
import { sendTemplateNotification } from "@nhub/template";
import { describe, expect, it } from "vitest";
import { CORRELATION_ID, HUB_URL, NOTIFICATION_ID, runOne, TRACKING_ID } from "../src/capture";
import { NOTIFICATION_PAIRS, pair } from "./notification-pairs";

describe.each(NOTIFICATION_PAIRS)("$name", ({ sdk: sdkNotification, nhub: nhubNotification }) => {
  it("sends to a tag expression", async () => {
    const run = await runOne(
      (c) => c.sendNotification(sdkNotification, { tagExpression: "sports && !politics" }),
      (h) => h.send(nhubNotification, { tags: "sports && !politics" }),
    );
    expect(run.diff).toEqual([]);
    expect(run.nhub.path).toBe("/myhub/messages/");
    expect(run.nhub.headers["servicebusnotification-tags"]).toBe("sports && !politics");
  });

  it("sends to a set of tags, which both send as an OR expression", async () => {
    const run = await runOne(
      (c) => c.sendNotification(sdkNotification, { tagExpression: "sports || lang:en || lang:fr" }),
      (h) => h.send(nhubNotification, { tags: new Set(["sports", "lang:en", "lang:fr"]) }),
    );
    expect(run.diff).toEqual([]);
  });

  it("broadcasts", async () => {
    const run = await runOne(
      (c) => c.sendBroadcastNotification(sdkNotification),
      (h) => h.send(nhubNotification),
    );
    expect(run.diff).toEqual([]);
    expect(run.nhub.headers["servicebusnotification-tags"]).toBeUndefined();
    expect(run.nhub.query).toEqual([["api-version", "2020-06"]]);
  });

  it("test-sends to tags (test=true) and reads the same outcome", async () => {
    const run = await runOne(
      (c) => c.sendNotification(sdkNotification, { tagExpression: "sports", enableTestSend: true }),
      (h) => h.send(nhubNotification, { tags: "sports", test: true }),
    );
    expect(run.diff).toEqual([]);
    expect(run.nhub.query).toContainEqual(["test", "true"]);
    const outcome = run.nhubResult.outcome!;
    expect(outcome.success).toBe(run.sdkResult.successCount);
    expect(outcome.failure).toBe(run.sdkResult.failureCount);
    expect(outcome.results).toEqual(run.sdkResult.results);
  });

  it("reads the same notification id, location and tracking ids from the answer", async () => {
    const run = await runOne(
      (c) => c.sendNotification(sdkNotification, { tagExpression: "sports" }),
      (h) => h.send(nhubNotification, { tags: "sports" }),
    );
    expect(run.nhubResult).toMatchObject({
      status: 201,
      notificationId: run.sdkResult.notificationId,
      location: run.sdkResult.location,
      trackingId: run.sdkResult.trackingId,
      correlationId: run.sdkResult.correlationId,
    });
    expect(run.nhubResult).toMatchObject({
      notificationId: NOTIFICATION_ID,
      location: `${HUB_URL}/messages/${NOTIFICATION_ID}?api-version=2020-06`,
      trackingId: TRACKING_ID,
      correlationId: CORRELATION_ID,
    });
  });
});

describe("tag expressions", () => {
  const { sdk: sdkNotification, nhub: nhubNotification } = pair("fcmv1");

  it("sends a built expression as the fully parenthesised string a caller would write for the SDK", async () => {
    const run = await runOne(
      (c) =>
        c.sendNotification(sdkNotification, { tagExpression: "sports && (lang:en || lang:fr) && (!muted)" }),
      (h) => h.send(nhubNotification, { tags: and("sports", or("lang:en", "lang:fr"), not("muted")) }),
    );
    expect(run.diff).toEqual([]);
  });

  it("sends a system tag ($InstallationId:{id}) unchanged", async () => {
    const run = await runOne(
      (c) => c.sendNotification(sdkNotification, { tagExpression: "$InstallationId:{device-42}" }),
      (h) => h.send(nhubNotification, { tags: "$InstallationId:{device-42}" }),
    );
    expect(run.diff).toEqual([]);
  });

  it("sends 20 OR-ed tags, the service's limit", async () => {
    const tags = Array.from({ length: 20 }, (_, i) => `team-${i}`);
    const run = await runOne(
      (c) => c.sendNotification(sdkNotification, { tagExpression: tags.join(" || ") }),
      (h) => h.send(nhubNotification, { tags }),
    );
    expect(run.diff).toEqual([]);
  });
});

describe("platform headers", () => {
  it("APNs: every apns-* header and ServiceBusNotification-Apns-Expiry from nhub's typed options", async () => {
    const payload = { aps: { alert: "Ann scored" } };
    const run = await runOne(
      (c) =>
        c.sendNotification(
          sdk.createAppleNotification({
            body: JSON.stringify(payload),
            headers: {
              "apns-push-type": "alert",
              "apns-priority": "10",
              "apns-expiration": "1893553445",
              "apns-collapse-id": "game-42",
              "apns-topic": "com.example.app",
              "apns-id": "123e4567-e89b-12d3-a456-426614174000",
              "ServiceBusNotification-Apns-Expiry": "2030-01-02T03:04:05.000Z",
            },
          }),
          { tagExpression: "sports" },
        ),
      (h) =>
        h.send(
          createAppleNotification(payload, {
            priority: 10,
            expiration: new Date("2030-01-02T03:04:05Z"),
            collapseId: "game-42",
            topic: "com.example.app",
            apnsId: "123e4567-e89b-12d3-a456-426614174000",
            expiry: new Date("2030-01-02T03:04:05Z"),
          }),
          { tags: "sports" },
        ),
    );
    expect(run.diff).toEqual([]);
    expect(run.nhub.headers["servicebusnotification-apns-expiry"]).toBe("2030-01-02T03:04:05.000Z");
  });

  it("APNs: a VoIP push with its own push type", async () => {
    const body = '{"aps":{},"caller":"Ann"}';
    const run = await runOne(
      (c) =>
        c.sendBroadcastNotification(
          sdk.createAppleNotification({
            body,
            headers: { "apns-push-type": "voip", "apns-topic": "com.example.app.voip" },
          }),
        ),
      (h) => h.send(createAppleNotification(body, { pushType: "voip", topic: "com.example.app.voip" })),
    );
    expect(run.diff).toEqual([]);
  });

  it("WNS: every X-WNS-* header from nhub's typed options", async () => {
    const tile = '<tile><visual><binding template="TileSmall"><text>3-1</text></binding></visual></tile>';
    const run = await runOne(
      (c) =>
        c.sendNotification(
          sdk.createWindowsTileNotification({
            body: tile,
            headers: {
              "X-WNS-Cache-Policy": "cache",
              "X-WNS-TTL": "3600",
              "X-WNS-Tag": "game42",
              "X-WNS-Group": "scores",
              "X-WNS-RequestForStatus": "true",
              "X-WNS-PRIORITY": "2",
            },
          }),
          { tagExpression: "sports" },
        ),
      (h) =>
        h.send(
          createWindowsNotification(tile, {
            cachePolicy: "cache",
            ttl: 3600,
            tag: "game42",
            group: "scores",
            requestForStatus: true,
            priority: 2,
          }),
          { tags: "sports" },
        ),
    );
    expect(run.diff).toEqual([]);
    expect(run.nhub.headers["x-wns-type"]).toBe("wns/tile");
  });

  it("WNS: a toast whose root has attributes is still typed wns/toast", async () => {
    const toast =
      '<toast launch="a" duration="long"><visual><binding template="ToastGeneric"><text>x</text></binding></visual></toast>';
    const run = await runOne(
      (c) => c.sendBroadcastNotification(sdk.createWindowsToastNotification({ body: toast })),
      (h) => h.send(createWindowsNotification(toast)),
    );
    expect(run.diff).toEqual([]);
  });

  it("Baidu: X-Baidu-Message-Type passes through", async () => {
    const body = '{"title":"Game","description":"Ann scored"}';
    const run = await runOne(
      (c) =>
        c.sendBroadcastNotification(
          sdk.createBaiduNotification({ body, headers: { "X-Baidu-Message-Type": "notification" } }),
        ),
      (h) => h.send(createBaiduNotification(body, { messageType: "notification" })),
    );
    expect(run.diff).toEqual([]);
  });

  it("per-send headers (nhub's send option) equal the SDK's notification headers", async () => {
    const body = '{"aps":{"alert":"Ann scored"}}';
    const run = await runOne(
      (c) =>
        c.sendNotification(
          sdk.createAppleNotification({
            body,
            headers: { "apns-push-type": "alert", "apns-collapse-id": "game-42", "apns-priority": "5" },
          }),
          { tagExpression: "sports" },
        ),
      (h) =>
        h.send(createAppleNotification(body, { collapseId: "game-1" }), {
          tags: "sports",
          headers: { "apns-collapse-id": "game-42", "apns-priority": "5" },
        }),
    );
    expect(run.diff).toEqual([]);
  });
});

describe("each platform package's send helper", () => {
  const helpers: readonly {
    name: string;
    sdk: sdk.Notification;
    nhub: (h: NotificationHub, tags: Set<string>) => Promise<SendResult>;
  }[] = [
    {
      name: "sendAppleNotification",
      sdk: sdk.createAppleNotification({
        body: '{"aps":{"alert":"Hi"}}',
        headers: { "apns-push-type": "alert" },
      }),
      nhub: (h, tags) => sendAppleNotification(h, { aps: { alert: "Hi" } }, tags),
    },
    {
      name: "sendFcmNotification",
      sdk: sdk.createFcmV1Notification({ body: '{"message":{"notification":{"title":"Hi"}}}' }),
      nhub: (h, tags) => sendFcmNotification(h, { notification: { title: "Hi" } }, tags),
    },
    {
      name: "sendFcmLegacyNotification",
      sdk: sdk.createFcmLegacyNotification({ body: '{"notification":{"title":"Hi"}}' }),
      nhub: (h, tags) => sendFcmLegacyNotification(h, { notification: { title: "Hi" } }, tags),
    },
    {
      name: "sendWindowsNotification",
      sdk: sdk.createWindowsBadgeNotification({ body: '<badge value="alert"/>' }),
      nhub: (h, tags) => sendWindowsNotification(h, '<badge value="alert"/>', tags),
    },
    {
      name: "sendAdmNotification",
      sdk: sdk.createAdmNotification({ body: '{"data":{"message":"Hi"}}' }),
      nhub: (h, tags) => sendAdmNotification(h, { data: { message: "Hi" } }, tags),
    },
    {
      name: "sendBaiduNotification",
      sdk: sdk.createBaiduNotification({ body: '{"title":"Hi","description":"there"}' }),
      nhub: (h, tags) => sendBaiduNotification(h, { title: "Hi", description: "there" }, tags),
    },
    {
      name: "sendBrowserNotification",
      sdk: sdk.createBrowserNotification({ body: '{"title":"Hi"}' }),
      nhub: (h, tags) => sendBrowserNotification(h, { title: "Hi" }, tags),
    },
    {
      name: "sendXiaomiNotification",
      sdk: sdk.createXiaomiNotification({ body: '{"title":"Hi","description":"there"}' }),
      nhub: (h, tags) => sendXiaomiNotification(h, { title: "Hi", description: "there" }, tags),
    },
    {
      name: "sendTemplateNotification",
      sdk: sdk.createTemplateNotification({ body: '{"message":"Hi"}' }),
      nhub: (h, tags) => sendTemplateNotification(h, { message: "Hi" }, tags),
    },
  ];

  it.each(helpers)("$name(hub, payload, tags) sends what the SDK sends", async (helper) => {
    const run = await runOne(
      (c) => c.sendNotification(helper.sdk, { tagExpression: "sports || news" }),
      (h) => helper.nhub(h, new Set(["sports", "news"])),
    );
    expect(run.diff).toEqual([]);
    expect(run.nhubResult.notificationId).toBe(run.sdkResult.notificationId);
  });
});

describe("send variants", () => {
  it("a WNS raw payload given as bytes goes out as the SDK's string", async () => {
    const run = await runOne(
      (c) => c.sendBroadcastNotification(sdk.createWindowsRawNotification({ body: "game=42&score=3-1" })),
      (h) =>
        h.send(createWindowsNotification(new TextEncoder().encode("game=42&score=3-1"), { type: "wns/raw" })),
    );
    expect(run.diff).toEqual([]);
    expect(run.nhub.headers["content-type"]).toBe("application/octet-stream");
  });

  it("debug mode makes a tag send a test send, as enableTestSend does", async () => {
    const { sdk: sdkNotification, nhub: nhubNotification } = pair("apple");
    const run = await runOne(
      (c) => c.sendNotification(sdkNotification, { tagExpression: "sports", enableTestSend: true }),
      (h) => h.send(nhubNotification, { tags: "sports" }),
      { nhubOptions: { debug: true, logger: {} } },
    );
    expect(run.diff).toEqual([]);
    expect(run.nhubResult.outcome?.success).toBe(run.sdkResult.successCount);
  });

  it("a string payload is sent byte for byte by both", async () => {
    const body = '{ "aps" : { "alert" : "Hi" }, "x": 1.50 }';
    const run = await runOne(
      (c) =>
        c.sendBroadcastNotification(
          sdk.createAppleNotification({ body, headers: { "apns-push-type": "alert" } }),
        ),
      (h) => h.send(createAppleNotification(body)),
    );
    expect(run.diff).toEqual([]);
    expect(run.nhub.body).toBe(body);
    expect(run.sdk.body).toBe(body);
  });
});
