import { type NotificationHub, ValidationError } from "@nhub/core";
import { type RecordingServer, useRecordingHub } from "@nhub/testkit";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, expectTypeOf, it, vi } from "vitest";
import {
  type ApnsPayload,
  apnsLiveActivityPayload,
  apnsPayload,
  assertApnsPayload,
  createAppleNotification,
  type JsonObject,
  sendAppleNotification,
} from "../src/index";

let server: RecordingServer, hub: NotificationHub;
const startHub = useRecordingHub(afterEach);
beforeEach(async () => ({ server, hub } = await startHub()));

describe("types", () => {
  it("accept Apple's keys and JSON custom values, and refuse a payload without aps", () => {
    const payload = {
      aps: {
        alert: { title: "t", "title-loc-args": ["a"] },
        sound: { critical: 1, name: "alarm.caf", volume: 0.5 },
        "interruption-level": "time-sensitive",
        "content-available": 1,
      },
      data: { list: [1, "two", null, { deep: true }] },
    } as const;
    expectTypeOf(payload).toExtend<ApnsPayload>();
    expectTypeOf<{ data: { msg: string } }>().not.toExtend<ApnsPayload>();
    expectTypeOf<{ aps: { badge: string } }>().not.toExtend<ApnsPayload>();
    expectTypeOf<{ aps: { "content-available": 0 } }>().not.toExtend<ApnsPayload>();
    expectTypeOf<{ aps: { alert: "x" }; when: Date }>().not.toExtend<ApnsPayload>();
    expectTypeOf<{ aps: { alert: "x" }; f: () => void }>().not.toExtend<ApnsPayload>();
  });
});

describe("payload rules refuse bad input before sending", () => {
  const cycle: Record<string, unknown> = { aps: { alert: "x" } };
  cycle.self = cycle;
  const cases: ReadonlyArray<{ name: string; payload: unknown; field: string; rule: string }> = [
    { name: "null", payload: null, field: "payload", rule: "type" },
    { name: "an array", payload: [{ aps: {} }], field: "payload", rule: "type" },
    { name: "a number", payload: 42, field: "payload", rule: "type" },
    { name: "text that is not JSON", payload: "{aps: {}}", field: "payload", rule: "json" },
    { name: "JSON text of an array", payload: '[{"aps":{"alert":"x"}}]', field: "payload", rule: "type" },
    { name: "no aps", payload: { alert: "Hello!" }, field: "payload.aps", rule: "required" },
    { name: "aps not a dictionary", payload: { aps: "Hello!" }, field: "payload.aps", rule: "type" },
    { name: "alert a number", payload: { aps: { alert: 1 } }, field: "payload.aps.alert", rule: "type" },
    {
      name: "alert.title a number",
      payload: { aps: { alert: { title: 1 } } },
      field: "payload.aps.alert.title",
      rule: "type",
    },
    {
      name: "alert.loc-args not an array",
      payload: { aps: { alert: { "loc-args": "a" } } },
      field: "payload.aps.alert.loc-args",
      rule: "type",
    },
    {
      name: "alert.loc-args with a number",
      payload: { aps: { alert: { "loc-args": ["a", 2] } } },
      field: "payload.aps.alert.loc-args.1",
      rule: "type",
    },
    {
      name: "badge negative",
      payload: { aps: { badge: -1 } },
      field: "payload.aps.badge",
      rule: "non-negative-integer",
    },
    {
      name: "badge fractional",
      payload: { aps: { badge: 1.5 } },
      field: "payload.aps.badge",
      rule: "non-negative-integer",
    },
    {
      name: "badge a string",
      payload: { aps: { badge: "3" } },
      field: "payload.aps.badge",
      rule: "non-negative-integer",
    },
    { name: "sound a number", payload: { aps: { sound: 1 } }, field: "payload.aps.sound", rule: "type" },
    {
      name: "sound without name",
      payload: { aps: { sound: { critical: 1 } } },
      field: "payload.aps.sound.name",
      rule: "required",
    },
    {
      name: "sound critical 2",
      payload: { aps: { sound: { name: "a", critical: 2 } } },
      field: "payload.aps.sound.critical",
      rule: "enum",
    },
    {
      name: "sound volume 2",
      payload: { aps: { sound: { name: "a", volume: 2 } } },
      field: "payload.aps.sound.volume",
      rule: "range",
    },
    {
      name: "thread-id a number",
      payload: { aps: { alert: "x", "thread-id": 5 } },
      field: "payload.aps.thread-id",
      rule: "type",
    },
    {
      name: "content-available 0",
      payload: { aps: { alert: "x", "content-available": 0 } },
      field: "payload.aps.content-available",
      rule: "value-one",
    },
    {
      name: "mutable-content true",
      payload: { aps: { alert: "x", "mutable-content": true } },
      field: "payload.aps.mutable-content",
      rule: "value-one",
    },
    {
      name: "interruption-level unknown",
      payload: { aps: { alert: "x", "interruption-level": "urgent" } },
      field: "payload.aps.interruption-level",
      rule: "enum",
    },
    {
      name: "relevance-score a string",
      payload: { aps: { alert: "x", "relevance-score": "0.5" } },
      field: "payload.aps.relevance-score",
      rule: "type",
    },
    {
      name: "event unknown",
      payload: { aps: { event: "pause", timestamp: 1 } },
      field: "payload.aps.event",
      rule: "enum",
    },
    {
      name: "timestamp in milliseconds",
      payload: { aps: { event: "end", timestamp: 1_772_323_200_000 } },
      field: "payload.aps.timestamp",
      rule: "unix-seconds",
    },
    {
      name: "stale-date negative",
      payload: { aps: { alert: "x", "stale-date": -1 } },
      field: "payload.aps.stale-date",
      rule: "unix-seconds",
    },
    {
      name: "content-state an array",
      payload: { aps: { event: "update", timestamp: 1, "content-state": [1] } },
      field: "payload.aps.content-state",
      rule: "type",
    },
    {
      name: "a NaN custom value",
      payload: { aps: { alert: "x" }, n: Number.NaN },
      field: "payload.n",
      rule: "json",
    },
    {
      name: "a Date custom value",
      payload: { aps: { alert: "x" }, when: new Date(0) },
      field: "payload.when",
      rule: "json",
    },
    {
      name: "a function custom value",
      payload: { aps: { alert: "x" }, f: () => 1 },
      field: "payload.f",
      rule: "json",
    },
    {
      name: "a bigint custom value",
      payload: { aps: { alert: "x" }, big: 1n },
      field: "payload.big",
      rule: "json",
    },
    {
      name: "undefined inside an array",
      payload: { aps: { alert: "x" }, list: [1, undefined] },
      field: "payload.list.1",
      rule: "json",
    },
    { name: "a cycle", payload: cycle, field: "payload.self", rule: "json" },
    {
      name: "live activity without timestamp",
      payload: { aps: { event: "end" } },
      field: "payload.aps.timestamp",
      rule: "live-activity",
    },
    {
      name: "live activity without event",
      payload: { aps: { "content-state": {}, timestamp: 1 } },
      field: "payload.aps.event",
      rule: "live-activity",
    },
    {
      name: "live activity update without content-state",
      payload: { aps: { event: "update", timestamp: 1 } },
      field: "payload.aps.content-state",
      rule: "live-activity",
    },
    {
      name: "live activity start without attributes-type",
      payload: { aps: { event: "start", timestamp: 1, "content-state": {}, attributes: {} } },
      field: "payload.aps.attributes-type",
      rule: "live-activity",
    },
  ];

  it.each(cases)("$name -> $field ($rule)", async ({ payload, field, rule }) => {
    const error = await sendAppleNotification(hub, payload as ApnsPayload, "tag").catch((e: unknown) => e);
    expect(ValidationError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ field, rule });
    expect((error as Error).message.startsWith(`${field}: `)).toBe(true);
    expect(server.requests).toHaveLength(0);
  });

  it("lets keys Apple adds later pass through", () => {
    const n = createAppleNotification({
      aps: { alert: "x", "future-key": { a: 1 } },
    } as unknown as ApnsPayload);
    expect(n.body).toBe('{"aps":{"alert":"x","future-key":{"a":1}}}');
  });

  it("assertApnsPayload narrows unknown input", () => {
    const input: unknown = JSON.parse('{"aps":{"badge":1}}');
    assertApnsPayload(input);
    expectTypeOf(input).toEqualTypeOf<ApnsPayload>();
    expect(input.aps.badge).toBe(1);
  });
});

describe("builders", () => {
  it("apnsPayload copies its inputs and refuses a second aps", () => {
    const aps = { alert: "x" };
    const custom = { id: "1" };
    const payload = apnsPayload(aps, custom);
    expect(payload).toEqual({ id: "1", aps: { alert: "x" } });
    expect(payload.aps).not.toBe(aps);
    expect(() => apnsPayload(aps, { aps: 1 })).toThrow(
      expect.objectContaining({ field: "custom.aps", rule: "reserved-key" }),
    );
  });

  it("apnsLiveActivityPayload fills the timestamp with the current Unix seconds", () => {
    vi.useFakeTimers({ now: new Date("2026-03-01T00:00:00.750Z") });
    try {
      const payload = apnsLiveActivityPayload({
        event: "start",
        "content-state": { score: "0-0" },
        "attributes-type": "MatchAttributes",
        attributes: { home: "A", away: "B" },
        alert: { title: "Kick-off" },
      });
      expect(payload.aps.timestamp).toBe(1_772_323_200);
      expect(createAppleNotification(payload).headers).toEqual({ "apns-push-type": "liveactivity" });
    } finally {
      vi.useRealTimers();
    }
  });

  it("apnsLiveActivityPayload refuses an update without content-state", () => {
    expect(() => apnsLiveActivityPayload({ event: "update", timestamp: 1 })).toThrow(
      expect.objectContaining({ field: "payload.aps.content-state", rule: "live-activity" }),
    );
  });
});

describe("properties", () => {
  const customKey = fc.string({ maxLength: 12 }).filter((k) => k !== "aps");
  const custom = fc.dictionary(customKey, fc.jsonValue({ maxDepth: 3 }), {
    maxKeys: 6,
  }) as fc.Arbitrary<JsonObject>;

  it("custom JSON data round-trips into the body, or is refused only for size", () => {
    fc.assert(
      fc.property(custom, fc.string({ unit: "binary", maxLength: 60 }), (data, alert) => {
        const payload = apnsPayload({ alert }, data);
        const expected = JSON.stringify(payload);
        if (Buffer.byteLength(expected) > 4096) {
          expect(() => createAppleNotification(payload)).toThrow(
            expect.objectContaining({ rule: "max-bytes" }),
          );
          return;
        }
        const n = createAppleNotification(payload);
        expect(n.body).toBe(expected);
        expect(JSON.parse(n.body as string)).toEqual(JSON.parse(expected));
      }),
      { numRuns: 300 },
    );
  });

  it("a string payload is sent exactly as given, over the wire", async () => {
    await fc.assert(
      fc.asyncProperty(custom, fc.nat(999), async (data, badge) => {
        const text = JSON.stringify({ ...data, aps: { badge } }, null, 1);
        fc.pre(Buffer.byteLength(text) <= 4096);
        server.requests.length = 0;
        await sendAppleNotification(hub, text, "t");
        expect(server.requests).toHaveLength(1);
        expect(server.requests[0]?.text).toBe(text);
        expect(server.requests[0]?.headers["apns-push-type"]).toBe("alert");
        expect(server.requests[0]?.tokenValid).toBe(true);
      }),
      { numRuns: 30 },
    );
  });
});
