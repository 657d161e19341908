import { type NotificationHub, ValidationError } from "@nhub/core";
import { assertSend, type RecordingServer, useRecordingHub } from "@nhub/testkit";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type ApnsPayload,
  apnsBackgroundPayload,
  apnsLiveActivityPayload,
  createAppleNotification,
  sendAppleNotification,
} from "../src/index";

let server: RecordingServer, hub: NotificationHub;
const startHub = useRecordingHub(afterEach);
beforeEach(async () => ({ server, hub } = await startHub()));

describe("the Python sample's iOS example, translated", () => {
  it("sends { aps: { alert: 'Hello!' } } as a broadcast alert", async () => {
    const result = await sendAppleNotification(hub, { aps: { alert: "Hello!" } });

    expect(result.status).toBe(201);
    expect(result.notificationId).toBeTruthy();
    expect(server.requests).toHaveLength(1);
    assertSend(server.requests[0], {
      format: "apple",
      body: '{"aps":{"alert":"Hello!"}}',
      platformHeaders: { "apns-push-type": "alert" },
    });
  });

  it("refuses the sample's original payload, which has no aps", async () => {
    const sample = { data: { msg: "Hello!" } } as unknown as ApnsPayload;
    const error = await sendAppleNotification(hub, sample).catch((e: unknown) => e);

    expect(ValidationError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ field: "payload.aps", rule: "required" });
    expect((error as Error).message).toMatch(/no "aps" dictionary/);
    expect((error as Error).message).toContain('{ aps: { alert: "Hello!" } }');
    expect(server.requests).toHaveLength(0);
  });

  it("refuses the same payload as the JSON text the sample posts", async () => {
    await expect(sendAppleNotification(hub, '{"data": {"msg": "Hello!"}}')).rejects.toMatchObject({
      field: "payload.aps",
      rule: "required",
    });
    expect(server.requests).toHaveLength(0);
  });
});

describe("sending", () => {
  it("sends a tag expression as ServiceBusNotification-Tags", async () => {
    await sendAppleNotification(hub, { aps: { alert: "Goal!" } }, "sports && !politics");
    assertSend(server.requests[0], {
      format: "apple",
      tags: "sports && !politics",
      body: '{"aps":{"alert":"Goal!"}}',
      platformHeaders: { "apns-push-type": "alert" },
    });
  });

  it("sends a set of tags OR-joined", async () => {
    await sendAppleNotification(hub, { aps: { badge: 3 } }, new Set(["a", "b"]));
    assertSend(server.requests[0], {
      format: "apple",
      tags: "a || b",
      body: '{"aps":{"badge":3}}',
      platformHeaders: { "apns-push-type": "alert" },
    });
  });

  it("sends a string payload byte for byte", async () => {
    const text = '{"aps": {"alert": {"title": "Caf\u00e9", "body": "\u2615 ready"}}, "orderId": 7}';
    await sendAppleNotification(hub, text);
    assertSend(server.requests[0], {
      format: "apple",
      body: text,
      platformHeaders: { "apns-push-type": "alert" },
    });
  });

  it("serialises custom keys beside aps", async () => {
    const payload: ApnsPayload = {
      aps: {
        alert: { title: "Game", body: "Kick-off", "loc-args": ["a"] },
        sound: "default",
        "thread-id": "g",
      },
      gameId: "g42",
      score: [1, 0],
      extra: { nested: null, flag: true },
    };
    await sendAppleNotification(hub, payload, "fans");
    assertSend(server.requests[0], {
      format: "apple",
      tags: "fans",
      body: JSON.stringify(payload),
      platformHeaders: { "apns-push-type": "alert" },
    });
  });

  it("turns every option into its header", async () => {
    await sendAppleNotification(hub, { aps: { alert: "Hi" } }, undefined, {
      pushType: "alert",
      priority: 10,
      expiration: new Date("2026-03-01T00:00:00.900Z"),
      collapseId: "score-g42",
      topic: "com.example.app",
      apnsId: "123e4567-e89b-12d3-a456-426614174000",
      expiry: new Date(Date.UTC(2026, 2, 1, 12, 30)),
      headers: { "X-Trace": "t-1" },
    });
    assertSend(server.requests[0], {
      format: "apple",
      body: '{"aps":{"alert":"Hi"}}',
      platformHeaders: {
        "apns-push-type": "alert",
        "apns-priority": "10",
        "apns-expiration": "1772323200",
        "apns-collapse-id": "score-g42",
        "apns-topic": "com.example.app",
        "apns-id": "123e4567-e89b-12d3-a456-426614174000",
        "servicebusnotification-apns-expiry": "2026-03-01T12:30:00.000Z",
        "x-trace": "t-1",
      },
    });
  });

  it("passes wire headers through, matching apns-* names in any case", async () => {
    await sendAppleNotification(hub, { aps: { alert: "Hi" } }, undefined, {
      headers: {
        "APNS-Priority": "5",
        "apns-expiration": "0",
        "ServiceBusNotification-Apns-Expiry": "2026-01-31T12:00:00Z",
      },
    });
    assertSend(server.requests[0], {
      format: "apple",
      body: '{"aps":{"alert":"Hi"}}',
      platformHeaders: {
        "apns-push-type": "alert",
        "apns-priority": "5",
        "apns-expiration": "0",
        "servicebusnotification-apns-expiry": "2026-01-31T12:00:00Z",
      },
    });
  });

  it("accepts the same value from an option and a header", async () => {
    await sendAppleNotification(hub, { aps: { alert: "Hi" } }, undefined, {
      priority: 5,
      headers: { "apns-priority": "5" },
    });
    expect(server.requests[0]?.headers["apns-priority"]).toBe("5");
  });

  it("leaves out headers given as undefined", async () => {
    await sendAppleNotification(hub, { aps: { alert: "Hi" } }, undefined, {
      headers: { "apns-topic": undefined, "X-Other": undefined },
    });
    assertSend(server.requests[0], {
      format: "apple",
      body: '{"aps":{"alert":"Hi"}}',
      platformHeaders: { "apns-push-type": "alert" },
    });
  });

  it("sends a background update built with apnsBackgroundPayload at priority 5", async () => {
    await sendAppleNotification(hub, apnsBackgroundPayload({ refresh: "feed" }), "sync");
    assertSend(server.requests[0], {
      format: "apple",
      tags: "sync",
      body: '{"refresh":"feed","aps":{"content-available":1}}',
      platformHeaders: { "apns-push-type": "background", "apns-priority": "5" },
    });
  });

  it("sends a Live Activity update built with apnsLiveActivityPayload", async () => {
    const payload = apnsLiveActivityPayload({
      event: "update",
      "content-state": { score: "1-0" },
      timestamp: 1_772_323_200,
    });
    await sendAppleNotification(hub, payload);
    assertSend(server.requests[0], {
      format: "apple",
      body: '{"aps":{"event":"update","content-state":{"score":"1-0"},"timestamp":1772323200}}',
      platformHeaders: { "apns-push-type": "liveactivity" },
    });
  });

  it("returns a frozen notification that can be sent many times", async () => {
    const n = createAppleNotification({ aps: { alert: "Again" } });
    expect(Object.isFrozen(n)).toBe(true);
    expect(n).toEqual({
      format: "apple",
      contentType: "application/json;charset=utf-8",
      body: '{"aps":{"alert":"Again"}}',
      headers: { "apns-push-type": "alert" },
    });
    await hub.send(n, { tags: "a" });
    await hub.send(n, { tags: "b" });
    expect(server.requests.map((r) => r.headers["servicebusnotification-tags"])).toEqual(["a", "b"]);
    expect(server.requests.every((r) => r.text === '{"aps":{"alert":"Again"}}')).toBe(true);
  });

  it("does not change the caller's payload or options", async () => {
    const payload = { aps: { "content-available": 1 as const }, k: ["v"] };
    const options = { headers: { "apns-topic": "com.example.app" } };
    const before = JSON.stringify([payload, options]);
    Object.freeze(payload.aps);
    Object.freeze(options.headers);
    await sendAppleNotification(hub, payload, undefined, options);
    expect(JSON.stringify([payload, options])).toBe(before);
    expect(server.requests[0]?.headers["apns-priority"]).toBe("5");
  });
});

describe("payload size", () => {
  const padded = (bytes: number): ApnsPayload => {
    const base = JSON.stringify({ aps: { alert: "x" }, pad: "" });
    return { aps: { alert: "x" }, pad: "p".repeat(bytes - Buffer.byteLength(base)) };
  };
  // A VoIP push carries no alert (PushKit shows none), so the VoIP size cases pad a payload without one.
  const paddedVoip = (bytes: number): ApnsPayload => {
    const base = JSON.stringify({ aps: {}, pad: "" });
    return { aps: {}, pad: "p".repeat(bytes - Buffer.byteLength(base)) };
  };

  it("sends exactly 4096 bytes", async () => {
    const payload = padded(4096);
    await sendAppleNotification(hub, payload);
    expect(server.requests[0]?.body.byteLength).toBe(4096);
  });

  it("refuses 4097 bytes, counting UTF-8 bytes", async () => {
    await expect(sendAppleNotification(hub, padded(4097))).rejects.toMatchObject({
      field: "payload",
      rule: "max-bytes",
    });
    const multiByte: ApnsPayload = { aps: { alert: "\u20ac".repeat(1400) } };
    expect(JSON.stringify(multiByte).length).toBeLessThan(4096);
    await expect(sendAppleNotification(hub, multiByte)).rejects.toMatchObject({
      field: "payload",
      rule: "max-bytes",
    });
    expect(server.requests).toHaveLength(0);
  });

  it("allows VoIP pushes 5120 bytes and no more", async () => {
    await sendAppleNotification(hub, paddedVoip(5120), undefined, { pushType: "voip" });
    expect(server.requests[0]?.body.byteLength).toBe(5120);
    expect(server.requests[0]?.headers["apns-push-type"]).toBe("voip");
    await expect(
      sendAppleNotification(hub, paddedVoip(5121), undefined, { pushType: "voip" }),
    ).rejects.toMatchObject({
      field: "payload",
      rule: "max-bytes",
    });
    await expect(sendAppleNotification(hub, padded(5120))).rejects.toMatchObject({ rule: "max-bytes" });
    expect(server.requests).toHaveLength(1);
  });
});
