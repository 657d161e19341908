import { type NotificationHub, ValidationError } from "@nhub/core";
import { assertSend, type RecordingServer, useRecordingHub } from "@nhub/testkit";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  createXiaomiNotification,
  sendXiaomiNotification,
  XIAOMI_CONTENT_TYPE,
  XIAOMI_FORMAT,
  XIAOMI_MAX_PAYLOAD_BYTES,
  type XiaomiMessage,
  type XiaomiPayload,
} from "../src/index";

let server: RecordingServer, hub: NotificationHub;
const startHub = useRecordingHub(afterEach);
beforeEach(async () => ({ server, hub } = await startHub()));

function expectXiaomiRequest(body: string, tags?: string, platformHeaders: Record<string, string> = {}) {
  expect(server.requests).toHaveLength(1);
  const req = server.requests[0];
  assertSend(req, { format: "xiaomi", body, tags, platformHeaders });
  return req;
}

// The `{"title":""}` wrapper around a title, to build bodies of an exact size.
const TITLE_OVERHEAD = Buffer.byteLength('{"title":""}');

describe("sendXiaomiNotification", () => {
  it("sends a notification to every Xiaomi device", async () => {
    const result = await sendXiaomiNotification(hub, { title: "Hello", description: "Hello from Azure" });
    expectXiaomiRequest('{"title":"Hello","description":"Hello from Azure"}');
    expect(result.status).toBe(201);
    expect(result.notificationId).toBeTruthy();
    expect(result.trackingId).toMatch(/^tracking-/);
  });

  it("sends to a tag expression", async () => {
    await sendXiaomiNotification(hub, { title: "Goal!" }, "sports && !muted");
    expectXiaomiRequest('{"title":"Goal!"}', "sports && !muted");
  });

  it("sends to any of a set of tags", async () => {
    await sendXiaomiNotification(hub, { title: "Goal!" }, new Set(["sports", "news"]));
    expectXiaomiRequest('{"title":"Goal!"}', "sports || news");
  });

  it("sends every typed Mi Push field as given, in the caller's order", async () => {
    const payload: XiaomiMessage = {
      title: "Offer",
      description: "10% off today",
      payload: '{"offerId":42}',
      notify_type: -1,
      pass_through: 0,
      restricted_package_name: "com.example.app",
      time_to_live: 86_400_000,
      extra: { notify_effect: "1", sound_uri: "android.resource://com.example.app/raw/ding" },
    };
    await sendXiaomiNotification(hub, payload);
    const req = expectXiaomiRequest(
      '{"title":"Offer","description":"10% off today","payload":"{\\"offerId\\":42}","notify_type":-1,' +
        '"pass_through":0,"restricted_package_name":"com.example.app","time_to_live":86400000,' +
        '"extra":{"notify_effect":"1","sound_uri":"android.resource://com.example.app/raw/ding"}}',
    );
    expect(JSON.parse(req.text)).toEqual(payload);
  });

  it("sends a pass-through message", async () => {
    await sendXiaomiNotification(hub, { payload: "sync", pass_through: 1 }, "beta");
    expectXiaomiRequest('{"payload":"sync","pass_through":1}', "beta");
  });

  it("sends any other JSON object unchanged: the hub treats it as opaque", async () => {
    const payload: XiaomiPayload = {
      message: { title: "Hi" },
      notify_id: 7,
      extra: { n: 1 },
      flags: [true, null],
    };
    await sendXiaomiNotification(hub, payload);
    expectXiaomiRequest('{"message":{"title":"Hi"},"notify_id":7,"extra":{"n":1},"flags":[true,null]}');
  });

  it("drops undefined members, as JSON.stringify does", async () => {
    await sendXiaomiNotification(hub, { title: "Hi", description: undefined });
    expectXiaomiRequest('{"title":"Hi"}');
  });

  it("sends a JSON string byte for byte", async () => {
    const body = '{ "title": "\u4f60\u597d", "description" : "\u6765\u81ea Azure \u{1F600}" }';
    await sendXiaomiNotification(hub, body, "sports");
    expectXiaomiRequest(body, "sports");
  });

  it("accepts a body of exactly 4096 bytes, as an object and as a string", async () => {
    const payload = { title: "x".repeat(XIAOMI_MAX_PAYLOAD_BYTES - TITLE_OVERHEAD) };
    await sendXiaomiNotification(hub, payload);
    await sendXiaomiNotification(hub, JSON.stringify(payload));
    expect(server.requests).toHaveLength(2);
    for (const req of server.requests) {
      assertSend(req, { format: "xiaomi", body: JSON.stringify(payload), platformHeaders: {} });
      expect(req.body.byteLength).toBe(4096);
    }
  });

  it("sends extra headers given to createXiaomiNotification", async () => {
    const n = createXiaomiNotification({ title: "Hi" }, { headers: { "X-Trace": "abc" } });
    await hub.send(n, { tags: "sports" });
    expectXiaomiRequest('{"title":"Hi"}', "sports", { "x-trace": "abc" });
  });

  it("neither changes nor needs to change the caller's payload", async () => {
    const payload = Object.freeze({ title: "Hi", extra: Object.freeze({ a: "1" }) });
    await sendXiaomiNotification(hub, payload);
    expectXiaomiRequest('{"title":"Hi","extra":{"a":"1"}}');
    expect(payload).toEqual({ title: "Hi", extra: { a: "1" } });
  });
});

describe("properties", () => {
  const jsonObject = fc
    .dictionary(fc.string({ unit: "binary", maxLength: 12 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 8 })
    .filter((o) => Buffer.byteLength(JSON.stringify(o)) <= XIAOMI_MAX_PAYLOAD_BYTES);

  it("sends any JSON object within the limit byte-exact, as an object and as a string", async () => {
    await fc.assert(
      fc.asyncProperty(jsonObject, fc.boolean(), async (payload, pretty) => {
        const before = server.requests.length;
        await sendXiaomiNotification(hub, payload);
        const text = pretty ? JSON.stringify(payload, null, 1) : JSON.stringify(payload);
        const asString = Buffer.byteLength(text) <= XIAOMI_MAX_PAYLOAD_BYTES;
        if (asString) await sendXiaomiNotification(hub, text);
        expect(server.requests).toHaveLength(before + (asString ? 2 : 1));
        assertSend(server.requests[before], {
          format: "xiaomi",
          body: JSON.stringify(payload),
          platformHeaders: {},
        });
        if (asString)
          assertSend(server.requests[before + 1], { format: "xiaomi", body: text, platformHeaders: {} });
        expect(JSON.parse(server.requests[before]!.text)).toEqual(JSON.parse(JSON.stringify(payload)));
      }),
      { numRuns: 80 },
    );
  });

  it("refuses any body over the limit, sending nothing", async () => {
    // Any object, padded to between 1 and 3000 bytes over the limit.
    const tooBig = fc
      .tuple(
        fc.dictionary(fc.string({ unit: "binary", maxLength: 12 }), fc.jsonValue({ maxDepth: 2 }), {
          maxKeys: 4,
        }),
        fc.integer({ min: 1, max: 3000 }),
      )
      .map(([data, extra]) => {
        const base = Buffer.byteLength(JSON.stringify({ data, pad: "" }));
        return { data, pad: "x".repeat(Math.max(0, XIAOMI_MAX_PAYLOAD_BYTES + extra - base)) };
      });
    await fc.assert(
      fc.asyncProperty(tooBig, async (payload) => {
        const error = await sendXiaomiNotification(hub, payload).catch((e: unknown) => e);
        expect(error).toMatchObject({ field: "payload", rule: "max-bytes" });
        const asString = await sendXiaomiNotification(hub, JSON.stringify(payload)).catch((e: unknown) => e);
        expect(asString).toMatchObject({ field: "payload", rule: "max-bytes" });
        expect(server.requests).toHaveLength(0);
      }),
      { numRuns: 40 },
    );
  });
});

const bad = (value: unknown) => value as XiaomiPayload;

describe("validation, before anything is sent", () => {
  const cyclic: Record<string, unknown> = { title: "Hi" };
  cyclic["extra"] = { parent: cyclic };

  const cases: ReadonlyArray<readonly [string, XiaomiPayload | string, string, string]> = [
    ["null", bad(null), "payload", "type"],
    ["undefined", bad(undefined), "payload", "type"],
    ["an array", bad([{ title: "Hi" }]), "payload", "type"],
    ["a boolean", bad(true), "payload", "type"],
    ["a Date", bad(new Date(0)), "payload", "type"],
    ["a class instance", bad(new (class Message {})()), "payload", "type"],
    ["a function value", bad({ title: "Hi", payload: () => "x" }), "payload.payload", "json"],
    ["NaN", bad({ title: "Hi", notify_type: Number.NaN }), "payload.notify_type", "json"],
    [
      "an infinite time_to_live",
      bad({ time_to_live: Number.POSITIVE_INFINITY }),
      "payload.time_to_live",
      "json",
    ],
    ["a Date in extra", bad({ extra: { at: new Date(0) } }), "payload.extra.at", "json"],
    ["a symbol in a list", bad({ list: [1, Symbol("x")] }), "payload.list.1", "json"],
    ["a cycle", bad(cyclic), "payload.extra.parent", "json"],
    [
      "a body one byte over 4096",
      { title: "x".repeat(XIAOMI_MAX_PAYLOAD_BYTES - TITLE_OVERHEAD + 1) },
      "payload",
      "max-bytes",
    ],
    // 1362 three-byte characters: 1362 characters, 4098 bytes with the wrapper.
    ["CJK text over 4096 bytes", { title: "\u4f60".repeat(1362) }, "payload", "max-bytes"],
    [
      "a string over 4096 bytes",
      JSON.stringify({ title: "x".repeat(XIAOMI_MAX_PAYLOAD_BYTES) }),
      "payload",
      "max-bytes",
    ],
    ["a string that is not JSON", "{title: 'Hi'}", "payload", "json"],
    ["an empty string", "", "payload", "json"],
    ["a JSON string holding an array", '[{"title":"Hi"}]', "payload", "type"],
    ["a JSON string holding a number", "42", "payload", "type"],
    ["a JSON string holding null", "null", "payload", "type"],
  ];

  it.each(cases)("refuses %s", async (_name, payload, field, rule) => {
    const error = await sendXiaomiNotification(hub, payload, "sports").catch((e: unknown) => e);
    expect(ValidationError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ field, rule });
    expect(server.requests).toHaveLength(0);
  });

  const headerCases: ReadonlyArray<readonly [string, Record<string, string>, string, string]> = [
    [
      "the format header",
      { "ServiceBusNotification-Format": "gcm" },
      "headers.ServiceBusNotification-Format",
      "reserved-header",
    ],
    [
      "the tags header",
      { "ServiceBusNotification-Tags": "all" },
      "headers.ServiceBusNotification-Tags",
      "reserved-header",
    ],
    [
      "Authorization",
      { Authorization: "SharedAccessSignature x" },
      "headers.Authorization",
      "reserved-header",
    ],
    ["a value with CR LF", { "X-Trace": "a\r\nX-Evil: 1" }, "headers.X-Trace", "header-value"],
    ["an invalid name", { "X:Trace": "a" }, "headers.X:Trace", "header-name"],
  ];

  it.each(headerCases)("refuses %s in options.headers", async (_name, headers, field, rule) => {
    const error = await (async () =>
      hub.send(createXiaomiNotification({ title: "Hi" }, { headers })))().catch((e: unknown) => e);
    expect(ValidationError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ field, rule });
    expect(server.requests).toHaveLength(0);
  });

  it("refuses an invalid tag expression", async () => {
    const error = await sendXiaomiNotification(hub, { title: "Hi" }, "(sports").catch((e: unknown) => e);
    expect(ValidationError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ field: "tags", rule: "syntax" });
    expect(server.requests).toHaveLength(0);
  });

  it("returns a rejected promise rather than throwing", () => {
    const result = sendXiaomiNotification(hub, bad([]));
    expect(result).toBeInstanceOf(Promise);
    return expect(result).rejects.toMatchObject({ field: "payload", rule: "type" });
  });
});

describe("createXiaomiNotification", () => {
  it("exports the format, content type and limit", () => {
    expect(XIAOMI_FORMAT).toBe("xiaomi");
    expect(XIAOMI_CONTENT_TYPE).toBe("application/json;charset=utf-8");
    expect(XIAOMI_MAX_PAYLOAD_BYTES).toBe(4096);
  });

  it("builds a frozen notification with the xiaomi format and content type", () => {
    const n = createXiaomiNotification({ title: "Hi" });
    expect(n).toEqual({
      format: "xiaomi",
      contentType: "application/json;charset=utf-8",
      body: '{"title":"Hi"}',
    });
    expect(Object.isFrozen(n)).toBe(true);
  });

  it("throws synchronously, naming the field", () => {
    expect(() => createXiaomiNotification(bad({ extra: { n: 1n } }))).toThrow(
      expect.objectContaining({ field: "payload.extra.n", rule: "json" }),
    );
  });
});
