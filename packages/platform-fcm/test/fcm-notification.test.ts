import { type NotificationHub, ValidationError } from "@nhub/core";
import { assertSend, type RecordingServer, useRecordingHub } from "@nhub/testkit";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, expectTypeOf, it } from "vitest";
import {
  createFcmV1Notification,
  type FcmV1Envelope,
  type FcmV1Message,
  isReservedFcmDataKey,
  type StringMap,
  sendFcmNotification,
} from "../src/index";

let server: RecordingServer, hub: NotificationHub;
const startHub = useRecordingHub(afterEach);
beforeEach(async () => ({ server, hub } = await startHub()));

describe("the Python sample's FCM example, translated", () => {
  it("sends { data: { msg: 'Hello!' } } as fcmv1 inside the message envelope", async () => {
    const result = await sendFcmNotification(hub, { data: { msg: "Hello!" } });

    expect(result.status).toBe(201);
    expect(result.notificationId).toBeTruthy();
    expect(server.requests).toHaveLength(1);
    assertSend(server.requests[0], {
      format: "fcmv1",
      body: '{"message":{"data":{"msg":"Hello!"}}}',
      platformHeaders: {},
    });
  });

  it("sends it to tags, as the sample's tags argument does", async () => {
    await sendFcmNotification(hub, { data: { msg: "Hello!" } }, "sports");
    await sendFcmNotification(hub, { data: { msg: "Hello!" } }, ["sports", "news"]);
    assertSend(server.requests[0], {
      format: "fcmv1",
      tags: "sports",
      body: '{"message":{"data":{"msg":"Hello!"}}}',
      platformHeaders: {},
    });
    assertSend(server.requests[1], {
      format: "fcmv1",
      tags: "sports || news",
      body: '{"message":{"data":{"msg":"Hello!"}}}',
      platformHeaders: {},
    });
  });
});

describe("the envelope", () => {
  it("keeps an envelope the caller already built", async () => {
    await sendFcmNotification(hub, { message: { notification: { title: "Hi" } } });
    assertSend(server.requests[0], {
      format: "fcmv1",
      body: '{"message":{"notification":{"title":"Hi"}}}',
      platformHeaders: {},
    });
  });

  it("sends a string envelope byte for byte", async () => {
    const text = '{ "message": { "data": { "msg": "Hall\u00f6" } } }\n';
    await sendFcmNotification(hub, text);
    assertSend(server.requests[0], { format: "fcmv1", body: text, platformHeaders: {} });
  });

  it("wraps a bare string message without re-serialising it", async () => {
    const text = '{"data": {"msg": "Hello!"}}';
    await sendFcmNotification(hub, text);
    assertSend(server.requests[0], {
      format: "fcmv1",
      body: '{"message":{"data": {"msg": "Hello!"}}}',
      platformHeaders: {},
    });
    expect(JSON.parse(server.requests[0]?.text ?? "")).toEqual({ message: { data: { msg: "Hello!" } } });
  });

  it("refuses other keys beside message", async () => {
    const envelope = { message: { data: { a: "b" } }, validate_only: true } as unknown as FcmV1Envelope;
    await expect(sendFcmNotification(hub, envelope)).rejects.toMatchObject({
      field: "payload.validate_only",
      rule: "envelope",
    });
    expect(server.requests).toHaveLength(0);
  });
});

describe("a full message", () => {
  it("sends every typed field exactly as given", async () => {
    const message: FcmV1Message = {
      data: { matchId: "42", score: "1-0" },
      notification: { title: "Match", body: "Goal!", image: "https://example.com/goal.png" },
      android: {
        collapse_key: "score",
        priority: "HIGH",
        ttl: "3.5s",
        restricted_package_name: "com.example.app",
        data: { extra: "1" },
        notification: {
          title: "Match",
          body: "Goal!",
          icon: "ic_goal",
          color: "#00ff7F",
          sound: "default",
          tag: "match-42",
          click_action: "OPEN_MATCH",
          body_loc_key: "goal_body",
          body_loc_args: ["A", "B"],
          title_loc_key: "goal_title",
          title_loc_args: ["A"],
          channel_id: "scores",
          ticker: "Goal",
          sticky: false,
          event_time: "2026-01-31T12:00:00.123456789Z",
          local_only: true,
          notification_priority: "PRIORITY_HIGH",
          default_sound: true,
          default_vibrate_timings: false,
          default_light_settings: false,
          vibrate_timings: ["0.1s", "0.2s"],
          visibility: "PUBLIC",
          notification_count: 3,
          light_settings: {
            color: { red: 1, green: 0.5, blue: 0, alpha: 1 },
            light_on_duration: "1s",
            light_off_duration: "2s",
          },
          image: "https://example.com/a.png",
        },
        fcm_options: { analytics_label: "android_goal" },
        direct_boot_ok: true,
      },
      webpush: {
        headers: { TTL: "60", Urgency: "high" },
        data: { w: "1" },
        notification: {
          title: "Goal",
          actions: [{ action: "open", title: "Open" }],
          requireInteraction: true,
        },
        fcm_options: { link: "https://example.com/match/42", analytics_label: "web~goal" },
      },
      apns: {
        headers: { "apns-priority": "10" },
        payload: { aps: { alert: { title: "Goal" }, badge: 1 } },
        fcm_options: { analytics_label: "ios.goal", image: "https://example.com/i.png" },
      },
      fcm_options: { analytics_label: "goal%20all" },
    };
    await sendFcmNotification(hub, message, "match_42");
    assertSend(server.requests[0], {
      format: "fcmv1",
      tags: "match_42",
      body: JSON.stringify({ message }),
      platformHeaders: {},
    });
  });

  it("returns a frozen notification and leaves the caller's message alone", () => {
    const message = { data: { a: "1" }, token: undefined };
    const before = JSON.stringify(message);
    const n = createFcmV1Notification(message);
    expect(Object.isFrozen(n)).toBe(true);
    expect(n).toEqual({
      format: "fcmv1",
      contentType: "application/json;charset=utf-8",
      body: '{"message":{"data":{"a":"1"}}}',
    });
    expect(JSON.stringify(message)).toBe(before);
    expect(Object.keys(message)).toEqual(["data", "token"]);
  });

  it("types refuse targets and non-string data", () => {
    expectTypeOf<{ data: { msg: string } }>().toExtend<FcmV1Message>();
    expectTypeOf<{ token: string }>().not.toExtend<FcmV1Message>();
    expectTypeOf<{ topic: string }>().not.toExtend<FcmV1Message>();
    expectTypeOf<{ data: { count: number } }>().not.toExtend<FcmV1Message>();
    expectTypeOf<{ android: { ttl: 3600 } }>().not.toExtend<FcmV1Message>();
    expectTypeOf<{ android: { priority: "high" } }>().not.toExtend<FcmV1Message>();
  });
});

describe("validation refuses bad messages before sending", () => {
  const cases: ReadonlyArray<{ name: string; payload: unknown; field: string; rule: string }> = [
    { name: "null", payload: null, field: "payload", rule: "type" },
    { name: "an array", payload: [], field: "payload", rule: "type" },
    { name: "text that is not JSON", payload: "{data:", field: "payload", rule: "json" },
    { name: "JSON text of a string", payload: '"hi"', field: "payload", rule: "type" },
    { name: "message not an object", payload: { message: "hi" }, field: "payload.message", rule: "type" },
    {
      name: "a token",
      payload: { token: "abc", data: { a: "b" } },
      field: "payload.message.token",
      rule: "hub-targets",
    },
    {
      name: "a topic in an envelope",
      payload: { message: { topic: "news" } },
      field: "payload.message.topic",
      rule: "hub-targets",
    },
    {
      name: "a condition",
      payload: { condition: "'a' in topics" },
      field: "payload.message.condition",
      rule: "hub-targets",
    },
    {
      name: "a legacy 'to'",
      payload: { to: "/topics/a" },
      field: "payload.message.to",
      rule: "unknown-field",
    },
    {
      name: "a legacy top-level priority",
      payload: { priority: "high", data: { a: "b" } },
      field: "payload.message.priority",
      rule: "unknown-field",
    },
    {
      name: "a number data value",
      payload: { data: { count: 3 } },
      field: "payload.message.data.count",
      rule: "type",
    },
    {
      name: "a boolean data value",
      payload: { message: { data: { ok: true } } },
      field: "payload.message.data.ok",
      rule: "type",
    },
    {
      name: "an object data value",
      payload: { data: { o: { a: "b" } } },
      field: "payload.message.data.o",
      rule: "type",
    },
    {
      name: "a null data value",
      payload: { data: { n: null } },
      field: "payload.message.data.n",
      rule: "type",
    },
    { name: "data an array", payload: { data: ["a"] }, field: "payload.message.data", rule: "type" },
    {
      name: "reserved data key from",
      payload: { data: { from: "me" } },
      field: "payload.message.data.from",
      rule: "reserved-key",
    },
    {
      name: "reserved data key message_type",
      payload: { data: { message_type: "x" } },
      field: "payload.message.data.message_type",
      rule: "reserved-key",
    },
    {
      name: "reserved data key google.*",
      payload: { data: { "google.c.a.e": "1" } },
      field: "payload.message.data.google.c.a.e",
      rule: "reserved-key",
    },
    {
      name: "reserved data key gcm.*",
      payload: { data: { "gcm.n.e": "1" } },
      field: "payload.message.data.gcm.n.e",
      rule: "reserved-key",
    },
    {
      name: "reserved key in android.data",
      payload: { android: { data: { from: "x" } } },
      field: "payload.message.android.data.from",
      rule: "reserved-key",
    },
    {
      name: "a number in android.data",
      payload: { android: { data: { n: 1 } } },
      field: "payload.message.android.data.n",
      rule: "type",
    },
    {
      name: "ttl as a number",
      payload: { android: { ttl: 3600 } },
      field: "payload.message.android.ttl",
      rule: "duration",
    },
    {
      name: "ttl without unit",
      payload: { android: { ttl: "3600" } },
      field: "payload.message.android.ttl",
      rule: "duration",
    },
    {
      name: "ttl in minutes",
      payload: { android: { ttl: "5m" } },
      field: "payload.message.android.ttl",
      rule: "duration",
    },
    {
      name: "ttl with ten decimals",
      payload: { android: { ttl: "1.0123456789s" } },
      field: "payload.message.android.ttl",
      rule: "duration",
    },
    {
      name: "ttl negative",
      payload: { android: { ttl: "-1s" } },
      field: "payload.message.android.ttl",
      rule: "duration",
    },
    {
      name: "android priority lowercase",
      payload: { android: { priority: "high" } },
      field: "payload.message.android.priority",
      rule: "enum",
    },
    {
      name: "android priority unknown",
      payload: { android: { priority: "URGENT" } },
      field: "payload.message.android.priority",
      rule: "enum",
    },
    {
      name: "android not an object",
      payload: { android: "high" },
      field: "payload.message.android",
      rule: "type",
    },
    {
      name: "notification_priority unknown",
      payload: { android: { notification: { notification_priority: "HIGH" } } },
      field: "payload.message.android.notification.notification_priority",
      rule: "enum",
    },
    {
      name: "visibility unknown",
      payload: { android: { notification: { visibility: "HIDDEN" } } },
      field: "payload.message.android.notification.visibility",
      rule: "enum",
    },
    {
      name: "color not #rrggbb",
      payload: { android: { notification: { color: "red" } } },
      field: "payload.message.android.notification.color",
      rule: "color",
    },
    {
      name: "event_time not RFC 3339",
      payload: { android: { notification: { event_time: "yesterday" } } },
      field: "payload.message.android.notification.event_time",
      rule: "rfc3339",
    },
    {
      name: "notification_count negative",
      payload: { android: { notification: { notification_count: -1 } } },
      field: "payload.message.android.notification.notification_count",
      rule: "non-negative-integer",
    },
    {
      name: "vibrate_timings with a number",
      payload: { android: { notification: { vibrate_timings: ["1s", 2] } } },
      field: "payload.message.android.notification.vibrate_timings.1",
      rule: "duration",
    },
    {
      name: "body_loc_args with a number",
      payload: { android: { notification: { body_loc_args: [1] } } },
      field: "payload.message.android.notification.body_loc_args.0",
      rule: "type",
    },
    {
      name: "sticky a string",
      payload: { android: { notification: { sticky: "yes" } } },
      field: "payload.message.android.notification.sticky",
      rule: "type",
    },
    {
      name: "light settings without durations",
      payload: { android: { notification: { light_settings: { color: { red: 1 } } } } },
      field: "payload.message.android.notification.light_settings.light_on_duration",
      rule: "required",
    },
    {
      name: "light colour channel above 1",
      payload: {
        android: {
          notification: {
            light_settings: { color: { red: 255 }, light_on_duration: "1s", light_off_duration: "1s" },
          },
        },
      },
      field: "payload.message.android.notification.light_settings.color.red",
      rule: "range",
    },
    {
      name: "direct_boot_ok a string",
      payload: { android: { direct_boot_ok: "true" } },
      field: "payload.message.android.direct_boot_ok",
      rule: "type",
    },
    {
      name: "notification.title a number",
      payload: { notification: { title: 1 } },
      field: "payload.message.notification.title",
      rule: "type",
    },
    {
      name: "webpush link over http",
      payload: { webpush: { fcm_options: { link: "http://example.com" } } },
      field: "payload.message.webpush.fcm_options.link",
      rule: "https",
    },
    {
      name: "webpush header a number",
      payload: { webpush: { headers: { TTL: 60 } } },
      field: "payload.message.webpush.headers.TTL",
      rule: "type",
    },
    {
      name: "webpush data a number",
      payload: { webpush: { data: { n: 1 } } },
      field: "payload.message.webpush.data.n",
      rule: "type",
    },
    {
      name: "apns payload an array",
      payload: { apns: { payload: [] } },
      field: "payload.message.apns.payload",
      rule: "type",
    },
    {
      name: "analytics label with a space",
      payload: { fcm_options: { analytics_label: "a b" } },
      field: "payload.message.fcm_options.analytics_label",
      rule: "analytics-label",
    },
    {
      name: "analytics label too long",
      payload: { android: { fcm_options: { analytics_label: "a".repeat(51) } } },
      field: "payload.message.android.fcm_options.analytics_label",
      rule: "analytics-label",
    },
    {
      name: "fcm_options given twice",
      payload: { fcm_options: {}, fcmOptions: {} },
      field: "payload.message.fcmOptions",
      rule: "duplicate",
    },
    {
      name: "a NaN in webpush.notification",
      payload: { webpush: { notification: { n: Number.NaN } } },
      field: "payload.message.webpush.notification.n",
      rule: "json",
    },
  ];

  it.each(cases)("$name -> $field ($rule)", async ({ payload, field, rule }) => {
    const error = await sendFcmNotification(hub, payload as FcmV1Message, "tag").catch((e: unknown) => e);
    expect(ValidationError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ field, rule });
    expect((error as Error).message.startsWith(`${field}: `)).toBe(true);
    expect(server.requests).toHaveLength(0);
  });

  it("explains where a legacy field went", () => {
    expect(() => createFcmV1Notification({ time_to_live: 60 } as unknown as FcmV1Message)).toThrow(
      /android\.ttl/,
    );
  });

  it("sends exactly 4096 bytes and refuses 4097, envelope included", async () => {
    const base = JSON.stringify({ message: { data: { pad: "" } } });
    const pad = (bytes: number) => {
      const room = bytes - Buffer.byteLength(base);
      return { data: { pad: "\u00e9".repeat(Math.floor(room / 2)) + "x".repeat(room % 2) } };
    };
    await sendFcmNotification(hub, pad(4096));
    expect(server.requests[0]?.body.byteLength).toBe(4096);
    await expect(sendFcmNotification(hub, pad(4097))).rejects.toMatchObject({
      field: "payload",
      rule: "max-bytes",
    });
    expect(server.requests).toHaveLength(1);
  });
});

describe("properties", () => {
  const dataKey = fc.string({ minLength: 1, maxLength: 16 }).filter((k) => !isReservedFcmDataKey(k));
  const dataMap = fc.dictionary(dataKey, fc.string({ unit: "binary", maxLength: 24 }), {
    maxKeys: 12,
  }) as fc.Arbitrary<StringMap>;

  it("any string-valued data map round-trips into the body exactly", () => {
    fc.assert(
      fc.property(dataMap, fc.boolean(), (data, wrapped) => {
        const n = createFcmV1Notification(wrapped ? { message: { data } } : { data });
        expect(n.body).toBe(JSON.stringify({ message: { data } }));
        const sent = JSON.parse(n.body as string) as { message: { data: StringMap } };
        expect(Object.keys(sent.message.data)).toEqual(Object.keys(data));
        for (const key of Object.keys(data)) expect(sent.message.data[key]).toBe(data[key]);
      }),
      { numRuns: 500 },
    );
  });

  it("and arrives at the hub unchanged", async () => {
    await fc.assert(
      fc.asyncProperty(dataMap, async (data) => {
        server.requests.length = 0;
        await sendFcmNotification(hub, { data }, "t");
        const req = server.requests[0];
        expect(req?.tokenValid).toBe(true);
        expect(req?.text).toBe(JSON.stringify({ message: { data } }));
      }),
      { numRuns: 30 },
    );
  });

  it("any non-string data value is refused with its key", () => {
    const notString = fc.oneof(
      fc.integer(),
      fc.boolean(),
      fc.constant(null),
      fc.array(fc.string()),
      fc.object(),
    );
    fc.assert(
      fc.property(dataMap, dataKey, notString, (data, key, value) => {
        const message = { data: { ...data, [key]: value } } as unknown as FcmV1Message;
        expect(() => createFcmV1Notification(message)).toThrow(
          expect.objectContaining({ field: `payload.message.data.${key}`, rule: "type" }),
        );
      }),
    );
  });

  it("any reserved data key is refused", () => {
    const reserved = fc.oneof(
      fc.constantFrom("from", "message_type"),
      fc.string().map((s) => `google.${s}`),
      fc.string().map((s) => `gcm.${s}`),
    );
    fc.assert(
      fc.property(reserved, (key) => {
        expect(() => createFcmV1Notification({ data: { [key]: "v" } })).toThrow(
          expect.objectContaining({ field: `payload.message.data.${key}`, rule: "reserved-key" }),
        );
      }),
    );
  });

  it("durations: whole seconds with up to nine decimals pass, anything else fails", () => {
    const good = fc
      .tuple(fc.nat(), fc.option(fc.stringMatching(/^\d{1,9}$/), { nil: undefined }))
      .map(([s, f]) => (f === undefined ? `${s}s` : `${s}.${f}s`));
    fc.assert(
      fc.property(good, (ttl) => {
        expect(createFcmV1Notification({ android: { ttl: ttl as `${number}s` } }).body).toBe(
          JSON.stringify({ message: { android: { ttl } } }),
        );
      }),
    );
    fc.assert(
      fc.property(
        fc.string().filter((s) => !/^\d+(\.\d{1,9})?s$/.test(s)),
        (ttl) => {
          expect(() => createFcmV1Notification({ android: { ttl: ttl as `${number}s` } })).toThrow(
            expect.objectContaining({ field: "payload.message.android.ttl", rule: "duration" }),
          );
        },
      ),
    );
  });
});

describe("error messages quote an excerpt, not the whole input", () => {
  it("a 1 MB colour or unknown key gives a short message", () => {
    const huge = "#".repeat(1_000_000);
    for (const payload of [
      { android: { notification: { color: huge } } },
      { [`x${"k".repeat(1_000_000)}`]: 1 },
    ]) {
      const error = (() => {
        try {
          createFcmV1Notification(payload as unknown as FcmV1Message);
        } catch (e) {
          return e as ValidationError;
        }
      })();
      expect(ValidationError.isInstance(error)).toBe(true);
      expect(error!.message.length).toBeLessThan(400);
      expect(error!.message).toMatch(/of 100000[01]\)/);
    }
  });
});
