import { type NotificationHub, ValidationError } from "@nhub/core";
import { assertSend, type RecordingServer, useRecordingHub } from "@nhub/testkit";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  BAIDU_MAX_PAYLOAD_BYTES,
  type BaiduNotificationOptions,
  type BaiduPayload,
  createBaiduNotification,
  sendBaiduNotification,
} from "../src/index";

let server: RecordingServer, hub: NotificationHub;
const startHub = useRecordingHub(afterEach);
beforeEach(async () => ({ server, hub } = await startHub()));

function expectBaiduRequest(body: string, tags?: string, platformHeaders: Record<string, string> = {}) {
  expect(server.requests).toHaveLength(1);
  const req = server.requests[0];
  assertSend(req, { format: "baidu", body, tags, platformHeaders });
  return req;
}

describe("sendBaiduNotification", () => {
  it("sends the Python sample's Baidu message, given as JSON text, byte for byte", async () => {
    // baidu_payload = {'data': {'msg': 'Hello!'}}; hub.send_baidu_notification(baidu_payload)
    const result = await sendBaiduNotification(hub, JSON.stringify({ data: { msg: "Hello!" } }));
    const req = expectBaiduRequest('{"data":{"msg":"Hello!"}}');
    expect(req.headers["x-baidu-message-type"]).toBeUndefined();
    expect(result.status).toBe(201);
    expect(result.notificationId).toBeTruthy();
  });

  it("sends a typed Android notification with no message-type header", async () => {
    await sendBaiduNotification(hub, { title: "Hello", description: "Hello from Azure" });
    const req = expectBaiduRequest('{"title":"Hello","description":"Hello from Azure"}');
    expect(req.headers["x-baidu-message-type"]).toBeUndefined();
  });

  it("sends to a tag expression and to a set of tags", async () => {
    await sendBaiduNotification(hub, { description: "a" }, "(beijing || shanghai) && !muted");
    expectBaiduRequest('{"description":"a"}', "(beijing || shanghai) && !muted");
    server.requests.length = 0;
    await sendBaiduNotification(hub, { description: "a" }, new Set(["beijing", "shanghai"]));
    expectBaiduRequest('{"description":"a"}', "beijing || shanghai");
  });

  it("sends every Android field as given", async () => {
    const payload: BaiduPayload = {
      title: "Hello",
      description: "Hello from Azure",
      notification_builder_id: 0,
      notification_basic_style: 7,
      open_type: 1,
      url: "https://example.com/news/1",
      pkg_content: "",
      custom_content: { id: 42, tags: ["a", "b"], nested: { ok: true, none: null } },
    };
    await sendBaiduNotification(hub, payload);
    const req = expectBaiduRequest(
      '{"title":"Hello","description":"Hello from Azure","notification_builder_id":0,' +
        '"notification_basic_style":7,"open_type":1,"url":"https://example.com/news/1","pkg_content":"",' +
        '"custom_content":{"id":42,"tags":["a","b"],"nested":{"ok":true,"none":null}}}',
    );
    expect(JSON.parse(req.text)).toEqual(payload);
  });

  it("sends an iOS message with custom keys", async () => {
    await sendBaiduNotification(hub, {
      aps: { alert: "Hello from Azure", badge: 1, sound: "default" },
      story: "42",
    });
    expectBaiduRequest('{"aps":{"alert":"Hello from Azure","badge":1,"sound":"default"},"story":"42"}');
  });

  it("sends a JSON string byte for byte, whitespace and all", async () => {
    const body = '{"title": "\u4f60\u597d", "description": "Hello from Azure \u{1F600}"}';
    await sendBaiduNotification(hub, body, "sports");
    expectBaiduRequest(body, "sports");
  });

  it("accepts a message of exactly 4096 bytes", async () => {
    const overhead = Buffer.byteLength('{"description":""}');
    await sendBaiduNotification(hub, { description: "x".repeat(4096 - overhead) });
    expect(server.requests[0]!.body.byteLength).toBe(4096);
    expect(server.requests[0]!.tokenValid).toBe(true);
  });

  it("neither changes nor needs to change the caller's payload", async () => {
    const payload = Object.freeze({
      description: "d",
      custom_content: Object.freeze({ list: Object.freeze([1, 2]) }),
    });
    await sendBaiduNotification(hub, payload);
    expectBaiduRequest('{"description":"d","custom_content":{"list":[1,2]}}');
    expect(payload).toEqual({ description: "d", custom_content: { list: [1, 2] } });
  });

  it("puts any string-valued custom_content map in the body exactly", async () => {
    const text = fc.string({ unit: "binary", maxLength: 30 });
    await fc.assert(
      fc.asyncProperty(fc.dictionary(text, text, { maxKeys: 10 }), async (custom) => {
        const before = server.requests.length;
        await sendBaiduNotification(hub, { description: "d", custom_content: custom });
        const req = server.requests[before]!;
        expect(req.tokenValid).toBe(true);
        const sent = JSON.parse(req.text) as { description: string; custom_content: Record<string, string> };
        expect(Object.keys(sent)).toEqual(["description", "custom_content"]);
        expect(Object.entries(sent.custom_content)).toEqual(Object.entries(custom));
      }),
      { numRuns: 50 },
    );
  });

  it("sends any well-formed JSON text within the limit unchanged", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.json({ maxDepth: 3 }).filter((s) => Buffer.byteLength(s) <= 4096),
        async (body) => {
          const before = server.requests.length;
          await sendBaiduNotification(hub, body);
          expect(server.requests[before]!.body.equals(Buffer.from(body, "utf8"))).toBe(true);
        },
      ),
      { numRuns: 50 },
    );
  });
});

describe("X-Baidu-Message-Type", () => {
  it.each(["notification", "message"] as const)("is sent as %s only when asked", async (messageType) => {
    await hub.send(createBaiduNotification({ description: "d" }, { messageType }), { tags: "sports" });
    const req = expectBaiduRequest('{"description":"d"}', "sports", { "x-baidu-message-type": messageType });
    expect(req.headers["x-baidu-message-type"]).toBe(messageType);
  });

  it("passes through when set as a header, and may agree with messageType", async () => {
    const n = createBaiduNotification(
      { description: "d" },
      { messageType: "message", headers: { "x-baidu-message-type": "message", "X-Trace": "t" } },
    );
    expect(n.headers).toEqual({ "X-Baidu-Message-Type": "message", "X-Trace": "t" });
    await hub.send(n);
    const req = expectBaiduRequest('{"description":"d"}', undefined, {
      "x-baidu-message-type": "message",
      "x-trace": "t",
    });
    expect(req.headers["x-baidu-message-type"]).toBe("message");
    expect(req.headers["x-trace"]).toBe("t");
  });
});

const bad = (value: unknown) => value as BaiduPayload;
const circular: Record<string, unknown> = { a: 1 };
circular["self"] = circular;

describe("validation, before anything is sent", () => {
  const cases: ReadonlyArray<readonly [string, BaiduPayload | string, string, string]> = [
    ["a null payload", bad(null), "payload", "type"],
    ["an array payload", bad([{ description: "d" }]), "payload", "type"],
    ["an empty message", bad({}), "payload", "required"],
    ["a message of undefined fields", bad({ title: undefined }), "payload", "required"],
    ["a numeric title", bad({ title: 1, description: "d" }), "payload.title", "type"],
    ["a numeric description", bad({ description: 5 }), "payload.description", "type"],
    [
      "a basic style above 7",
      { description: "d", notification_basic_style: 8 },
      "payload.notification_basic_style",
      "range",
    ],
    [
      "a negative basic style",
      { description: "d", notification_basic_style: -1 },
      "payload.notification_basic_style",
      "integer",
    ],
    [
      "a fractional builder id",
      { description: "d", notification_builder_id: 1.5 },
      "payload.notification_builder_id",
      "integer",
    ],
    ["open_type as a string", bad({ description: "d", open_type: "1" }), "payload.open_type", "integer"],
    ["a numeric url", bad({ description: "d", url: 1 }), "payload.url", "type"],
    [
      "custom_content as an array",
      bad({ description: "d", custom_content: [1] }),
      "payload.custom_content",
      "type",
    ],
    [
      "a Date in custom_content",
      bad({ description: "d", custom_content: { at: new Date(0) } }),
      "payload.custom_content.at",
      "json",
    ],
    [
      "NaN in custom_content",
      { description: "d", custom_content: { n: Number.NaN } },
      "payload.custom_content.n",
      "json",
    ],
    [
      "undefined inside an array",
      bad({ description: "d", custom_content: { l: [1, undefined] } }),
      "payload.custom_content.l.1",
      "json",
    ],
    [
      "a circular custom_content",
      bad({ description: "d", custom_content: circular }),
      "payload.custom_content.self",
      "json",
    ],
    ["an untyped field with no JSON form", bad({ description: "d", extra: 10n }), "payload.extra", "json"],
    ["aps that is a string", bad({ aps: "hello" }), "payload.aps", "type"],
    ["a negative badge", { aps: { badge: -1 } }, "payload.aps.badge", "integer"],
    ["a numeric alert", bad({ aps: { alert: 5 } }), "payload.aps.alert", "type"],
    ["a numeric sound", bad({ aps: { alert: "a", sound: 1 } }), "payload.aps.sound", "type"],
    [
      "content-available of 2",
      bad({ aps: { "content-available": 2 } }),
      "payload.aps.content-available",
      "enum",
    ],
    ["an iOS custom key with no JSON form", bad({ aps: { alert: "a" }, fn: () => 1 }), "payload.fn", "json"],
    [
      "a message over 4 KB",
      { description: "x".repeat(4096 - Buffer.byteLength('{"description":""}') + 1) },
      "payload",
      "max-bytes",
    ],
    ["Chinese text over 4 KB", { description: "\u4f60".repeat(1400) }, "payload", "max-bytes"],
    ["JSON text over 4 KB", JSON.stringify({ description: "x".repeat(4096) }), "payload", "max-bytes"],
    ["text that is not JSON", "{'title': 'Hello'}", "payload", "json"],
    ["an empty string", "", "payload", "json"],
  ];

  it.each(cases)("refuses %s", async (_name, payload, field, rule) => {
    const error = await sendBaiduNotification(hub, payload, "sports").catch((e: unknown) => e);
    expect(ValidationError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ field, rule });
    expect(server.requests).toHaveLength(0);
  });

  const optionCases: ReadonlyArray<readonly [string, BaiduNotificationOptions, string, string]> = [
    ["an unknown message type", { messageType: "silent" as "message" }, "options.messageType", "enum"],
    [
      "a header that contradicts messageType",
      { messageType: "notification", headers: { "X-Baidu-Message-Type": "message" } },
      "headers.X-Baidu-Message-Type",
      "conflict",
    ],
    [
      "a reserved header",
      { headers: { "ServiceBusNotification-Tags": "all" } },
      "headers.ServiceBusNotification-Tags",
      "reserved-header",
    ],
    [
      "a header value with a line break",
      { messageType: "message", headers: { "X-Trace": "a\r\nAuthorization: x" } },
      "headers.X-Trace",
      "header-value",
    ],
  ];

  it.each(optionCases)("refuses %s", async (_name, options, field, rule) => {
    const send = async () => hub.send(createBaiduNotification({ description: "d" }, options));
    const error = await send().catch((e: unknown) => e);
    expect(ValidationError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ field, rule });
    expect(server.requests).toHaveLength(0);
  });

  it("returns a rejected promise rather than throwing", () => {
    const result = sendBaiduNotification(hub, bad({}));
    expect(result).toBeInstanceOf(Promise);
    return expect(result).rejects.toMatchObject({ field: "payload", rule: "required" });
  });
});

describe("createBaiduNotification", () => {
  it("exports the 4 KB limit", () => {
    expect(BAIDU_MAX_PAYLOAD_BYTES).toBe(4096);
  });

  it("builds a frozen notification with the Baidu format and content type and no headers", () => {
    const n = createBaiduNotification({ title: "Hello", description: "Hello from Azure" });
    expect(n).toEqual({
      format: "baidu",
      contentType: "application/json;charset=utf-8",
      body: '{"title":"Hello","description":"Hello from Azure"}',
    });
    expect(Object.isFrozen(n)).toBe(true);
  });
});
