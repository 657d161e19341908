import { type NotificationHub, ValidationError } from "@nhub/core";
import { assertSend, type RecordingServer, useRecordingHub } from "@nhub/testkit";
import { afterEach, beforeEach, describe, expect, expectTypeOf, it } from "vitest";
import { createFcmLegacyNotification, type FcmLegacyPayload, sendFcmLegacyNotification } from "../src/index";

let server: RecordingServer, hub: NotificationHub;
const startHub = useRecordingHub(afterEach);
beforeEach(async () => ({ server, hub } = await startHub()));

describe("legacy FCM (format gcm, for migration only)", () => {
  it("sends the Python sample's payload with format gcm, not the sample's invalid fcm", async () => {
    const result = await sendFcmLegacyNotification(hub, { data: { msg: "Hello!" } });
    expect(result.status).toBe(201);
    assertSend(server.requests[0], { format: "gcm", body: '{"data":{"msg":"Hello!"}}', platformHeaders: {} });
    expect(server.requests[0]?.headers["servicebusnotification-format"]).not.toBe("fcm");
  });

  it("sends the legacy fields and tags as given", async () => {
    const payload: FcmLegacyPayload = {
      notification: { title: "Hi", body: "There", android_channel_id: "news" },
      data: { count: 3, nested: { ok: true } },
      priority: "high",
      time_to_live: 2_419_200,
      collapse_key: "k",
      content_available: true,
    };
    await sendFcmLegacyNotification(hub, payload, new Set(["a", "b"]));
    assertSend(server.requests[0], {
      format: "gcm",
      tags: "a || b",
      body: JSON.stringify(payload),
      platformHeaders: {},
    });
  });

  it("sends a string payload byte for byte", async () => {
    const text = '{"data": {"msg": "Hello!"}, "priority": "normal"}';
    await sendFcmLegacyNotification(hub, text, "t");
    assertSend(server.requests[0], { format: "gcm", tags: "t", body: text, platformHeaders: {} });
  });

  it("builds a frozen notification", () => {
    const n = createFcmLegacyNotification({ data: { a: "1" } });
    expect(Object.isFrozen(n)).toBe(true);
    expect(n).toEqual({
      format: "gcm",
      contentType: "application/json;charset=utf-8",
      body: '{"data":{"a":"1"}}',
    });
  });

  it("types refuse targets", () => {
    expectTypeOf<{ to: string }>().not.toExtend<FcmLegacyPayload>();
    expectTypeOf<{ registration_ids: string[] }>().not.toExtend<FcmLegacyPayload>();
    expectTypeOf<{ priority: "HIGH" }>().not.toExtend<FcmLegacyPayload>();
  });

  const cases: ReadonlyArray<{ name: string; payload: unknown; field: string; rule: string }> = [
    { name: "to", payload: { to: "token", data: { a: "b" } }, field: "payload.to", rule: "hub-targets" },
    {
      name: "registration_ids",
      payload: { registration_ids: ["a"] },
      field: "payload.registration_ids",
      rule: "hub-targets",
    },
    {
      name: "condition",
      payload: { condition: "'a' in topics" },
      field: "payload.condition",
      rule: "hub-targets",
    },
    {
      name: "an FCM v1 body",
      payload: { message: { data: { a: "b" } } },
      field: "payload.message",
      rule: "fcm-v1-shape",
    },
    { name: "an array", payload: [], field: "payload", rule: "type" },
    { name: "text that is not JSON", payload: "nope", field: "payload", rule: "json" },
    {
      name: "reserved data key",
      payload: { data: { "google.x": "1" } },
      field: "payload.data.google.x",
      rule: "reserved-key",
    },
    { name: "data an array", payload: { data: [1] }, field: "payload.data", rule: "type" },
    { name: "v1 priority spelling", payload: { priority: "HIGH" }, field: "payload.priority", rule: "enum" },
    {
      name: "time_to_live over 4 weeks",
      payload: { time_to_live: 2_419_201 },
      field: "payload.time_to_live",
      rule: "range",
    },
    {
      name: "time_to_live as a duration",
      payload: { time_to_live: "60s" },
      field: "payload.time_to_live",
      rule: "range",
    },
    {
      name: "notification a string",
      payload: { notification: "hi" },
      field: "payload.notification",
      rule: "type",
    },
    {
      name: "collapse_key a number",
      payload: { collapse_key: 1 },
      field: "payload.collapse_key",
      rule: "type",
    },
    { name: "dry_run a string", payload: { dry_run: "yes" }, field: "payload.dry_run", rule: "type" },
    { name: "a function in data", payload: { data: { f: () => 1 } }, field: "payload.data.f", rule: "json" },
    {
      name: "over 4096 bytes",
      payload: { data: { pad: "x".repeat(4096) } },
      field: "payload",
      rule: "max-bytes",
    },
  ];

  it.each(cases)("refuses $name -> $field ($rule) before sending", async ({ payload, field, rule }) => {
    const error = await sendFcmLegacyNotification(hub, payload as FcmLegacyPayload, "tag").catch(
      (e: unknown) => e,
    );
    expect(ValidationError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ field, rule });
    expect(server.requests).toHaveLength(0);
  });
});
