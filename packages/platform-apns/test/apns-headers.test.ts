import { type NotificationHub, ValidationError } from "@nhub/core";
import { assertSend, type RecordingServer, useRecordingHub } from "@nhub/testkit";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  type ApnsHeaderOptions,
  type ApnsPayload,
  type Aps,
  createAppleNotification,
  inferApnsPushType,
  resolveApnsHeaders,
  sendAppleNotification,
} from "../src/index";

let server: RecordingServer, hub: NotificationHub;
const startHub = useRecordingHub(afterEach);
beforeEach(async () => ({ server, hub } = await startHub()));

describe("push type inference, on the wire", () => {
  const cases: ReadonlyArray<{
    name: string;
    payload: ApnsPayload;
    options?: ApnsHeaderOptions;
    headers: Record<string, string>;
  }> = [
    { name: "alert -> alert", payload: { aps: { alert: "Hi" } }, headers: { "apns-push-type": "alert" } },
    { name: "badge alone -> alert", payload: { aps: { badge: 0 } }, headers: { "apns-push-type": "alert" } },
    {
      name: "sound alone -> alert",
      payload: { aps: { sound: "default" } },
      headers: { "apns-push-type": "alert" },
    },
    {
      name: "alert with content-available -> alert, not background",
      payload: { aps: { alert: "Hi", "content-available": 1 } },
      headers: { "apns-push-type": "alert" },
    },
    {
      name: "only content-available -> background at priority 5",
      payload: { aps: { "content-available": 1 }, id: "x" },
      headers: { "apns-push-type": "background", "apns-priority": "5" },
    },
    {
      name: "content-available with non-visible keys -> background",
      payload: { aps: { "content-available": 1, "thread-id": "t", category: "c" } },
      headers: { "apns-push-type": "background", "apns-priority": "5" },
    },
    {
      name: "background keeps an explicit priority 1",
      payload: { aps: { "content-available": 1 } },
      options: { priority: 1 },
      headers: { "apns-push-type": "background", "apns-priority": "1" },
    },
    {
      name: "content-state -> liveactivity (over alert)",
      payload: {
        aps: { alert: "Score", event: "update", "content-state": { s: 1 }, timestamp: 1_700_000_000 },
      },
      headers: { "apns-push-type": "liveactivity" },
    },
    {
      name: "event alone -> liveactivity",
      payload: { aps: { event: "end", timestamp: 1_700_000_000, "dismissal-date": 1_700_003_600 } },
      headers: { "apns-push-type": "liveactivity" },
    },
    {
      name: "explicit push type wins over alert",
      payload: { aps: { alert: "Near the stadium" }, venue: "v1" },
      options: { pushType: "location" },
      headers: { "apns-push-type": "location" },
    },
    {
      name: "explicit voip push without an alert",
      payload: { aps: {}, callId: "c1" },
      options: { pushType: "voip" },
      headers: { "apns-push-type": "voip" },
    },
    {
      name: "explicit push type header wins over content-available",
      payload: { aps: { "content-available": 1 } },
      options: { headers: { "apns-push-type": "fileprovider" } },
      headers: { "apns-push-type": "fileprovider" },
    },
    {
      name: "an empty aps is fine with an explicit push type",
      payload: { aps: {}, location: "x" },
      options: { pushType: "location", priority: 5 },
      headers: { "apns-push-type": "location", "apns-priority": "5" },
    },
  ];

  it.each(cases)("$name", async ({ payload, options, headers }) => {
    await sendAppleNotification(hub, payload, undefined, options);
    assertSend(server.requests[0], {
      format: "apple",
      body: JSON.stringify(payload),
      platformHeaders: headers,
    });
  });

  it("never sets apns-priority for alerts unless asked (APNs then uses 10)", () => {
    expect(createAppleNotification({ aps: { alert: "Hi" } }).headers).toEqual({ "apns-push-type": "alert" });
    expect(createAppleNotification({ aps: { alert: "Hi" } }, { priority: 10 }).headers).toEqual({
      "apns-push-type": "alert",
      "apns-priority": "10",
    });
  });
});

describe("inferApnsPushType (property)", () => {
  const aps = fc.record(
    {
      alert: fc.option(fc.string(), { nil: undefined }),
      badge: fc.option(fc.nat(), { nil: undefined }),
      sound: fc.option(fc.constant("default"), { nil: undefined }),
      "content-available": fc.option(fc.constant(1 as const), { nil: undefined }),
      "content-state": fc.option(fc.constant({ a: 1 }), { nil: undefined }),
      event: fc.option(fc.constantFrom("start" as const, "update" as const, "end" as const), {
        nil: undefined,
      }),
      category: fc.option(fc.string(), { nil: undefined }),
    },
    { requiredKeys: [] },
  );

  it("follows the rule order: live activity, then alert, then background", () => {
    fc.assert(
      fc.property(aps, (a: Aps) => {
        const expected =
          a["content-state"] !== undefined || a.event !== undefined
            ? "liveactivity"
            : a.alert !== undefined || a.badge !== undefined || a.sound !== undefined
              ? "alert"
              : a["content-available"] === 1
                ? "background"
                : undefined;
        expect(inferApnsPushType(a)).toBe(expected);
      }),
    );
  });

  it("without options, gives what the general path gives (same headers, or the same error)", () => {
    const outcome = (f: () => unknown) => {
      try {
        return { ok: f() };
      } catch (error) {
        return { error: `${(error as ValidationError).field} ${(error as ValidationError).rule}` };
      }
    };
    fc.assert(
      fc.property(
        aps,
        fc.constantFrom<ApnsHeaderOptions | undefined>(undefined, {}, { topic: undefined }),
        (a, o) => {
          // An empty headers record is an option given, so it takes the general path.
          const general = outcome(() => resolveApnsHeaders(a, { headers: {} }));
          expect(outcome(() => resolveApnsHeaders(a, o))).toEqual(general);
        },
      ),
    );
  });

  it("an explicit push type always wins", () => {
    fc.assert(
      fc.property(
        aps,
        fc.constantFrom("alert" as const, "voip" as const, "location" as const, "mdm" as const),
        (a, pushType) => {
          // A VoIP push with an alert is refused (tested below); without one, the explicit type wins too.
          const payload = pushType === "voip" ? { ...a, alert: undefined } : a;
          expect(resolveApnsHeaders(payload, { pushType }).headers["apns-push-type"]).toBe(pushType);
        },
      ),
    );
  });
});

describe("header rules refuse bad input before sending", () => {
  it("refuses apns-push-type voip on a payload with an alert, by option or header", () => {
    const cases: ApnsHeaderOptions[] = [{ pushType: "voip" }, { headers: { "apns-push-type": "voip" } }];
    for (const options of cases) {
      let error: unknown;
      try {
        resolveApnsHeaders({ alert: "Incoming call" }, options);
      } catch (e) {
        error = e;
      }
      expect(ValidationError.isInstance(error)).toBe(true);
      expect((error as ValidationError).rule).toBe("push-type-mismatch");
    }
  });

  const ok: ApnsPayload = { aps: { alert: "Hi" } };
  const background: ApnsPayload = { aps: { "content-available": 1 } };
  const cases: ReadonlyArray<{
    name: string;
    payload?: ApnsPayload;
    options: ApnsHeaderOptions;
    field: string;
    rule: string;
  }> = [
    {
      name: "unknown push type option",
      options: { pushType: "silent" as never },
      field: "options.pushType",
      rule: "enum",
    },
    {
      name: "unknown push type header",
      options: { headers: { "apns-push-type": "Alert" as never } },
      field: "headers.apns-push-type",
      rule: "enum",
    },
    { name: "priority 7", options: { priority: 7 as never }, field: "options.priority", rule: "enum" },
    {
      name: "priority header 'high'",
      options: { headers: { "apns-priority": "high" as never } },
      field: "headers.apns-priority",
      rule: "enum",
    },
    {
      name: "priority 10 on an inferred background push",
      payload: background,
      options: { priority: 10 },
      field: "options.priority",
      rule: "background-priority",
    },
    {
      name: "priority 10 header on an explicit background push",
      payload: background,
      options: { headers: { "apns-push-type": "background", "apns-priority": "10" } },
      field: "headers.apns-priority",
      rule: "background-priority",
    },
    {
      name: "explicit background without content-available",
      payload: ok,
      options: { pushType: "background" },
      field: "payload.aps.content-available",
      rule: "required",
    },
    {
      name: "a payload that tells no push type",
      payload: { aps: { category: "c", "mutable-content": 1 } },
      options: {},
      field: "payload.aps",
      rule: "push-type",
    },
    {
      name: "expiration header not digits",
      options: { headers: { "apns-expiration": "tomorrow" } },
      field: "headers.apns-expiration",
      rule: "unix-seconds",
    },
    {
      name: "expiration header negative",
      options: { headers: { "apns-expiration": "-1" } },
      field: "headers.apns-expiration",
      rule: "unix-seconds",
    },
    {
      name: "expiration header in milliseconds",
      options: { headers: { "apns-expiration": String(1_772_323_200_000) } },
      field: "headers.apns-expiration",
      rule: "unix-seconds",
    },
    {
      name: "expiration option fractional",
      options: { expiration: 1.5 },
      field: "options.expiration",
      rule: "unix-seconds",
    },
    {
      name: "expiration option negative",
      options: { expiration: -5 },
      field: "options.expiration",
      rule: "unix-seconds",
    },
    {
      name: "expiration option invalid Date",
      options: { expiration: new Date("nope") },
      field: "options.expiration",
      rule: "date",
    },
    {
      name: "collapse id of 66 bytes (22 characters)",
      options: { collapseId: "\u20ac".repeat(22) },
      field: "options.collapseId",
      rule: "max-bytes",
    },
    {
      name: "collapse id of 65 ASCII bytes",
      options: { headers: { "apns-collapse-id": "c".repeat(65) } },
      field: "headers.apns-collapse-id",
      rule: "max-bytes",
    },
    {
      name: "empty collapse id",
      options: { collapseId: "" },
      field: "options.collapseId",
      rule: "max-bytes",
    },
    {
      name: "collapse id not a string",
      options: { collapseId: 42 as never },
      field: "options.collapseId",
      rule: "type",
    },
    { name: "apns-id not a UUID", options: { apnsId: "msg-1" }, field: "options.apnsId", rule: "uuid" },
    { name: "empty topic", options: { topic: " " }, field: "options.topic", rule: "required" },
    {
      name: "expiry option invalid Date",
      options: { expiry: new Date(Number.NaN) },
      field: "options.expiry",
      rule: "date",
    },
    {
      name: "expiry option not a Date",
      options: { expiry: "2026-01-01" as never },
      field: "options.expiry",
      rule: "date",
    },
    {
      name: "expiry header not a date",
      options: { headers: { "ServiceBusNotification-Apns-Expiry": "someday" } },
      field: "headers.ServiceBusNotification-Apns-Expiry",
      rule: "date",
    },
    {
      name: "the same header twice in different case",
      options: { headers: { "apns-topic": "a", "APNS-TOPIC": "a" } },
      field: "headers.APNS-TOPIC",
      rule: "duplicate",
    },
    {
      name: "an option that contradicts a header",
      options: { priority: 10, headers: { "apns-priority": "5" } },
      field: "options.priority",
      rule: "conflict",
    },
    {
      name: "a header value that is not a string",
      options: { headers: { "apns-topic": 5 as never } },
      field: "headers.apns-topic",
      rule: "type",
    },
    {
      name: "headers not an object",
      options: { headers: "apns-priority: 5" as never },
      field: "headers",
      rule: "type",
    },
    {
      name: "a reserved header (core's rule)",
      options: { headers: { Authorization: "SharedAccessSignature x" } },
      field: "headers.Authorization",
      rule: "reserved-header",
    },
    {
      name: "header injection (core's rule)",
      options: { headers: { "X-Note": "a\r\nb: c" } },
      field: "headers.X-Note",
      rule: "header-value",
    },
  ];

  it.each(cases)("$name -> $field ($rule)", async ({ payload, options, field, rule }) => {
    const error = await sendAppleNotification(hub, payload ?? ok, "tag", options).catch((e: unknown) => e);
    expect(ValidationError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ field, rule });
    expect(server.requests).toHaveLength(0);
  });

  it("refuses options that are not an object", () => {
    expect(() => createAppleNotification(ok, null as never)).toThrow(ValidationError);
  });
});
