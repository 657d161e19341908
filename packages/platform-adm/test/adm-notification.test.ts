import { type NotificationHub, ValidationError } from "@nhub/core";
import { assertSend, type RecordingServer, useRecordingHub } from "@nhub/testkit";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  ADM_MAX_EXPIRES_AFTER,
  ADM_MAX_PAYLOAD_BYTES,
  type AdmPayload,
  createAdmNotification,
  sendAdmNotification,
} from "../src/index";

let server: RecordingServer, hub: NotificationHub;
const startHub = useRecordingHub(afterEach);
beforeEach(async () => ({ server, hub } = await startHub()));

function expectAdmRequest(body: string, tags?: string, platformHeaders: Record<string, string> = {}) {
  expect(server.requests).toHaveLength(1);
  const req = server.requests[0];
  assertSend(req, { format: "adm", body, tags, platformHeaders });
  return req;
}

describe("sendAdmNotification", () => {
  it("sends the Python sample's Kindle Fire message as a broadcast", async () => {
    // adm_payload = {'data': {'msg': 'Hello!'}}; hub.send_adm_notification(adm_payload)
    const result = await sendAdmNotification(hub, { data: { msg: "Hello!" } });
    expectAdmRequest('{"data":{"msg":"Hello!"}}');
    expect(result.status).toBe(201);
    expect(result.notificationId).toBeTruthy();
    expect(result.trackingId).toMatch(/^tracking-/);
  });

  it("sends to a tag expression", async () => {
    await sendAdmNotification(hub, { data: { msg: "Hello!" } }, "sports && !politics");
    expectAdmRequest('{"data":{"msg":"Hello!"}}', "sports && !politics");
  });

  it("sends to any of a set of tags, as the sample does with a Python set", async () => {
    await sendAdmNotification(hub, { data: { msg: "Hello!" } }, new Set(["sports", "politics"]));
    expectAdmRequest('{"data":{"msg":"Hello!"}}', "sports || politics");
  });

  it("sends every ADM field as given, in the caller's order", async () => {
    const payload: AdmPayload = {
      notification: {
        title: "Offer",
        body: "You have a new offer",
        icon: "ic_offer",
        color: "#ff9900",
        sound: "default",
        tag: "offers",
        click_action: "com.example.OPEN_OFFER",
        title_loc_key: "offer_title",
        title_loc_args: ["10%"],
        channel_id: "promotions",
      },
      data: { offerId: "42" },
      priority: "high",
      consolidationKey: "offer",
      expiresAfter: 86400,
      md5: "dGhpcyBpcyAxNiBieXRlcw==",
    };
    await sendAdmNotification(hub, payload);
    const req = expectAdmRequest(
      '{"notification":{"title":"Offer","body":"You have a new offer","icon":"ic_offer","color":"#ff9900",' +
        '"sound":"default","tag":"offers","click_action":"com.example.OPEN_OFFER","title_loc_key":"offer_title",' +
        '"title_loc_args":["10%"],"channel_id":"promotions"},"data":{"offerId":"42"},"priority":"high",' +
        '"consolidationKey":"offer","expiresAfter":86400,"md5":"dGhpcyBpcyAxNiBieXRlcw=="}',
    );
    expect(JSON.parse(req.text)).toEqual(payload);
  });

  it("sends ADM's sync message: empty data and a consolidation key", async () => {
    await sendAdmNotification(hub, { data: {}, consolidationKey: "Sync" });
    expectAdmRequest('{"data":{},"consolidationKey":"Sync"}');
  });

  it("sends a JSON string byte for byte, as Python's json.dumps wrote it", async () => {
    const body = '{"data": {"msg": "Hello!", "emoji": "\u00e9\u{1F600}"}}';
    await sendAdmNotification(hub, body, "sports");
    expectAdmRequest(body, "sports");
  });

  it("accepts the limits themselves", async () => {
    await sendAdmNotification(hub, { data: { a: "b" }, expiresAfter: 1 });
    await sendAdmNotification(hub, { data: { a: "b" }, expiresAfter: 2_678_400 });
    const overhead = Buffer.byteLength('{"data":{"k":""}}');
    const full = { data: { k: "x".repeat(6144 - overhead) } };
    await sendAdmNotification(hub, full);
    expect(server.requests).toHaveLength(3);
    expect(server.requests[2]!.body.byteLength).toBe(6144);
    expect(server.requests.every((r) => r.tokenValid)).toBe(true);
  });

  it("sends extra headers given to createAdmNotification", async () => {
    await hub.send(createAdmNotification({ data: { msg: "Hello!" } }, { headers: { "X-Trace": "abc" } }));
    const req = expectAdmRequest('{"data":{"msg":"Hello!"}}', undefined, { "x-trace": "abc" });
    expect(req.headers["x-trace"]).toBe("abc");
  });

  it("neither changes nor needs to change the caller's payload", async () => {
    const payload = Object.freeze({
      data: Object.freeze({ msg: "Hello!" }),
      notification: Object.freeze({ title: "t", body_loc_args: Object.freeze(["a"]) }),
    });
    await sendAdmNotification(hub, payload);
    expectAdmRequest('{"data":{"msg":"Hello!"},"notification":{"title":"t","body_loc_args":["a"]}}');
    expect(payload).toEqual({ data: { msg: "Hello!" }, notification: { title: "t", body_loc_args: ["a"] } });
  });

  it("puts any string-valued data map in the body exactly", async () => {
    const key = fc.string({ unit: "binary", maxLength: 20 });
    const value = fc.string({ unit: "binary", maxLength: 40 });
    await fc.assert(
      fc.asyncProperty(fc.dictionary(key, value, { maxKeys: 12 }), async (data) => {
        const before = server.requests.length;
        await sendAdmNotification(hub, { data });
        expect(server.requests).toHaveLength(before + 1);
        const req = server.requests[before]!;
        expect(req.tokenValid).toBe(true);
        expect(req.text).toBe(JSON.stringify({ data }));
        const sent = JSON.parse(req.text) as { data: Record<string, string> };
        expect(Object.keys(sent)).toEqual(["data"]);
        expect(Object.entries(sent.data)).toEqual(Object.entries(data));
      }),
      { numRuns: 60 },
    );
  });
});

const bad = (value: unknown) => value as AdmPayload;

describe("validation, before anything is sent", () => {
  const cases: ReadonlyArray<readonly [string, AdmPayload | string, string, string]> = [
    ["a non-string data value", bad({ data: { msg: "Hello!", count: 3 } }), "payload.data.count", "type"],
    ["a null data value", bad({ data: { msg: null } }), "payload.data.msg", "type"],
    ["data that is an array", bad({ data: ["Hello!"] }), "payload.data", "type"],
    ["neither data nor notification", bad({ priority: "high" }), "payload", "required"],
    ["an empty message", bad({}), "payload", "required"],
    ["a payload that is not an object", bad(["data"]), "payload", "type"],
    ["a null payload", bad(null), "payload", "type"],
    ["expiresAfter of 0", { data: {}, expiresAfter: 0 }, "payload.expiresAfter", "range"],
    ["expiresAfter over 31 days", { data: {}, expiresAfter: 2_678_401 }, "payload.expiresAfter", "range"],
    ["a fractional expiresAfter", { data: {}, expiresAfter: 1.5 }, "payload.expiresAfter", "integer"],
    ["expiresAfter as a string", bad({ data: {}, expiresAfter: "60" }), "payload.expiresAfter", "integer"],
    ["an unknown priority", bad({ data: {}, priority: "urgent" }), "payload.priority", "enum"],
    [
      "a numeric consolidationKey",
      bad({ data: {}, consolidationKey: 5 }),
      "payload.consolidationKey",
      "type",
    ],
    ["an md5 that is not a digest", { data: {}, md5: "abc" }, "payload.md5", "base64-md5"],
    ["a misspelt field", bad({ data: {}, expireAfter: 60 }), "payload.expireAfter", "unknown-field"],
    ["a notification that is a string", bad({ notification: "hi" }), "payload.notification", "type"],
    [
      "a numeric notification title",
      bad({ notification: { title: 1 } }),
      "payload.notification.title",
      "type",
    ],
    [
      "non-string localisation arguments",
      bad({ notification: { body_loc_args: ["a", 2] } }),
      "payload.notification.body_loc_args.1",
      "type",
    ],
    [
      "an untyped notification field with no JSON form",
      bad({ notification: { extra: () => 1 } }),
      "payload.notification.extra",
      "json",
    ],
    [
      "a message over 6 KB",
      { data: { k: "x".repeat(6144 - Buffer.byteLength('{"data":{"k":""}}') + 1) } },
      "payload",
      "max-bytes",
    ],
    ["multi-byte text over 6 KB", { data: { k: "\u00e9".repeat(3070) } }, "payload", "max-bytes"],
    ["a string that is not JSON", '{"data":{"msg":"Hello!"}', "payload", "json"],
    ["a JSON string that is not an object", '["Hello!"]', "payload", "type"],
    ["a JSON string with a non-string data value", '{"data":{"n":1}}', "payload.data.n", "type"],
    ["a JSON string with neither data nor notification", '{"priority":"high"}', "payload", "required"],
  ];

  it.each(cases)("refuses %s", async (_name, payload, field, rule) => {
    const error = await sendAdmNotification(hub, payload, "sports").catch((e: unknown) => e);
    expect(ValidationError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ field, rule });
    expect(server.requests).toHaveLength(0);
  });

  it("refuses reserved headers", async () => {
    const send = async () =>
      hub.send(
        createAdmNotification(
          { data: { msg: "Hello!" } },
          { headers: { "ServiceBusNotification-Format": "apple" } },
        ),
      );
    const error = await send().catch((e: unknown) => e);
    expect(error).toMatchObject({ field: "headers.ServiceBusNotification-Format", rule: "reserved-header" });
    expect(server.requests).toHaveLength(0);
  });

  it("refuses an invalid tag expression", async () => {
    const error = await sendAdmNotification(hub, { data: { msg: "Hello!" } }, "sports &&").catch(
      (e: unknown) => e,
    );
    expect(ValidationError.isInstance(error)).toBe(true);
    expect(server.requests).toHaveLength(0);
  });

  it("returns a rejected promise rather than throwing", () => {
    const result = sendAdmNotification(hub, bad({}));
    expect(result).toBeInstanceOf(Promise);
    return expect(result).rejects.toMatchObject({ field: "payload", rule: "required" });
  });
});

describe("createAdmNotification", () => {
  it("exports ADM's limits", () => {
    expect(ADM_MAX_PAYLOAD_BYTES).toBe(6144);
    expect(ADM_MAX_EXPIRES_AFTER).toBe(2_678_400);
  });

  it("builds a frozen notification with the ADM format and content type", () => {
    const n = createAdmNotification({ data: { msg: "Hello!" } });
    expect(n).toEqual({
      format: "adm",
      contentType: "application/json;charset=utf-8",
      body: '{"data":{"msg":"Hello!"}}',
    });
    expect(Object.isFrozen(n)).toBe(true);
  });
});
