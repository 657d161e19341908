import { type NotificationHub, ValidationError } from "@nhub/core";
import { assertSend, type RecordingServer, useRecordingHub } from "@nhub/testkit";
import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  BROWSER_CONTENT_TYPE,
  BROWSER_FORMAT,
  BROWSER_MAX_PAYLOAD_BYTES,
  type BrowserNotificationPayload,
  type BrowserPayload,
  createBrowserNotification,
  sendBrowserNotification,
} from "../src/index";

let server: RecordingServer, hub: NotificationHub;
const startHub = useRecordingHub(afterEach);
beforeEach(async () => ({ server, hub } = await startHub()));

function expectBrowserRequest(body: string, tags?: string, platformHeaders: Record<string, string> = {}) {
  expect(server.requests).toHaveLength(1);
  const req = server.requests[0];
  assertSend(req, { format: "browser", body, tags, platformHeaders });
  return req;
}

// The `{"title":""}` wrapper around a title, to build bodies of an exact size.
const TITLE_OVERHEAD = Buffer.byteLength('{"title":""}');

describe("sendBrowserNotification", () => {
  it("sends a title and body to every browser", async () => {
    const result = await sendBrowserNotification(hub, { title: "Hello", body: "Hello from Azure" });
    expectBrowserRequest('{"title":"Hello","body":"Hello from Azure"}');
    expect(result.status).toBe(201);
    expect(result.notificationId).toBeTruthy();
    expect(result.trackingId).toMatch(/^tracking-/);
  });

  it("sends to a tag expression", async () => {
    await sendBrowserNotification(hub, { title: "Goal!" }, "sports && !muted");
    expectBrowserRequest('{"title":"Goal!"}', "sports && !muted");
  });

  it("sends to any of a set of tags", async () => {
    await sendBrowserNotification(hub, { title: "Goal!" }, new Set(["sports", "news"]));
    expectBrowserRequest('{"title":"Goal!"}', "sports || news");
  });

  it("sends every Notifications API option as given, in the caller's order", async () => {
    const payload: BrowserNotificationPayload = {
      title: "New message",
      body: "Ann: are you coming?",
      icon: "/icons/192.png",
      badge: "/icons/badge.png",
      image: "https://example.com/photo.jpg",
      tag: "chat-42",
      data: { url: "/chats/42", unread: 3, muted: false, ids: [1, 2], extra: null },
      actions: [
        { action: "reply", title: "Reply", icon: "/icons/reply.png" },
        { action: "dismiss", title: "Dismiss" },
      ],
      requireInteraction: true,
      silent: false,
      renotify: true,
      timestamp: 1_700_000_000_000,
      dir: "ltr",
      lang: "en-GB",
      vibrate: [200, 100, 200],
    };
    await sendBrowserNotification(hub, payload);
    const req = expectBrowserRequest(
      '{"title":"New message","body":"Ann: are you coming?","icon":"/icons/192.png","badge":"/icons/badge.png",' +
        '"image":"https://example.com/photo.jpg","tag":"chat-42",' +
        '"data":{"url":"/chats/42","unread":3,"muted":false,"ids":[1,2],"extra":null},' +
        '"actions":[{"action":"reply","title":"Reply","icon":"/icons/reply.png"},{"action":"dismiss","title":"Dismiss"}],' +
        '"requireInteraction":true,"silent":false,"renotify":true,"timestamp":1700000000000,"dir":"ltr",' +
        '"lang":"en-GB","vibrate":[200,100,200]}',
    );
    expect(JSON.parse(req.text)).toEqual(payload);
  });

  it("sends a single vibration length", async () => {
    await sendBrowserNotification(hub, { title: "Buzz", vibrate: 300 });
    expectBrowserRequest('{"title":"Buzz","vibrate":300}');
  });

  it("sends a service worker's own schema unchanged: any JSON object, no title needed", async () => {
    const payload: BrowserPayload = {
      notification: { title: "Hi", body: "from a custom worker" },
      kind: "sync",
      version: 2,
      title: { en: "Hi", fr: "Salut" },
    };
    await sendBrowserNotification(hub, payload, "beta");
    expectBrowserRequest(
      '{"notification":{"title":"Hi","body":"from a custom worker"},"kind":"sync","version":2,"title":{"en":"Hi","fr":"Salut"}}',
      "beta",
    );
  });

  it("sends an empty object", async () => {
    await sendBrowserNotification(hub, {});
    expectBrowserRequest("{}");
  });

  it("drops undefined members, as JSON.stringify does", async () => {
    await sendBrowserNotification(hub, { title: "Hi", body: undefined, data: { a: 1, b: undefined } });
    expectBrowserRequest('{"title":"Hi","data":{"a":1}}');
  });

  it("sends a JSON string byte for byte", async () => {
    const body = '{ "title" : "Caf\u00e9 \u{1F600}",\n  "body": "line 1\\nline 2", "n": 1.50 }';
    await sendBrowserNotification(hub, body, "sports");
    expectBrowserRequest(body, "sports");
  });

  it("accepts a body of exactly 4096 bytes, as an object and as a string", async () => {
    const payload = { title: "x".repeat(BROWSER_MAX_PAYLOAD_BYTES - TITLE_OVERHEAD) };
    await sendBrowserNotification(hub, payload);
    await sendBrowserNotification(hub, JSON.stringify(payload));
    expect(server.requests).toHaveLength(2);
    for (const req of server.requests) {
      assertSend(req, { format: "browser", body: JSON.stringify(payload), platformHeaders: {} });
      expect(req.body.byteLength).toBe(4096);
    }
  });

  it("sends extra headers given to createBrowserNotification", async () => {
    const n = createBrowserNotification({ title: "Hi" }, { headers: { "X-Trace": "abc" } });
    await hub.send(n, { tags: "sports" });
    expectBrowserRequest('{"title":"Hi"}', "sports", { "x-trace": "abc" });
  });

  it("neither changes nor needs to change the caller's payload", async () => {
    const payload = Object.freeze({
      title: "Hi",
      data: Object.freeze({ ids: Object.freeze([1, 2]) }),
      actions: Object.freeze([Object.freeze({ action: "open", title: "Open" })]),
    });
    await sendBrowserNotification(hub, payload);
    expectBrowserRequest('{"title":"Hi","data":{"ids":[1,2]},"actions":[{"action":"open","title":"Open"}]}');
    expect(payload).toEqual({
      title: "Hi",
      data: { ids: [1, 2] },
      actions: [{ action: "open", title: "Open" }],
    });
  });
});

describe("properties", () => {
  const jsonObject = fc
    .dictionary(fc.string({ unit: "binary", maxLength: 12 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 8 })
    .filter((o) => Buffer.byteLength(JSON.stringify(o)) <= BROWSER_MAX_PAYLOAD_BYTES);

  it("sends any JSON object within the limit byte-exact, as an object and as a string", async () => {
    await fc.assert(
      fc.asyncProperty(jsonObject, fc.boolean(), async (payload, pretty) => {
        const before = server.requests.length;
        await sendBrowserNotification(hub, payload);
        const text = pretty ? JSON.stringify(payload, null, 1) : JSON.stringify(payload);
        const asString = Buffer.byteLength(text) <= BROWSER_MAX_PAYLOAD_BYTES;
        if (asString) await sendBrowserNotification(hub, text);
        expect(server.requests).toHaveLength(before + (asString ? 2 : 1));
        assertSend(server.requests[before], {
          format: "browser",
          body: JSON.stringify(payload),
          platformHeaders: {},
        });
        if (asString)
          assertSend(server.requests[before + 1], { format: "browser", body: text, platformHeaders: {} });
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
        return { data, pad: "x".repeat(Math.max(0, BROWSER_MAX_PAYLOAD_BYTES + extra - base)) };
      });
    await fc.assert(
      fc.asyncProperty(tooBig, async (payload) => {
        const error = await sendBrowserNotification(hub, payload).catch((e: unknown) => e);
        expect(error).toMatchObject({ field: "payload", rule: "max-bytes" });
        const asString = await sendBrowserNotification(hub, JSON.stringify(payload)).catch((e: unknown) => e);
        expect(asString).toMatchObject({ field: "payload", rule: "max-bytes" });
        expect(server.requests).toHaveLength(0);
      }),
      { numRuns: 40 },
    );
  });
});

const bad = (value: unknown) => value as BrowserPayload;

describe("validation, before anything is sent", () => {
  const cyclic: Record<string, unknown> = { title: "Hi" };
  cyclic["self"] = { parent: cyclic };

  const cases: ReadonlyArray<readonly [string, BrowserPayload | string, string, string]> = [
    ["null", bad(null), "payload", "type"],
    ["an array", bad([{ title: "Hi" }]), "payload", "type"],
    ["a number", bad(42), "payload", "type"],
    ["a Date", bad(new Date(0)), "payload", "type"],
    ["a Map", bad(new Map([["title", "Hi"]])), "payload", "type"],
    ["a function value", bad({ title: "Hi", onclick: () => 1 }), "payload.onclick", "json"],
    ["NaN in data", bad({ title: "Hi", data: { n: Number.NaN } }), "payload.data.n", "json"],
    [
      "an infinite timestamp",
      bad({ title: "Hi", timestamp: Number.POSITIVE_INFINITY }),
      "payload.timestamp",
      "json",
    ],
    ["a Date in data", bad({ title: "Hi", data: { at: new Date(0) } }), "payload.data.at", "json"],
    [
      "a bigint in an action",
      bad({ title: "Hi", actions: [{ action: 1n }] }),
      "payload.actions.0.action",
      "json",
    ],
    ["a cycle", bad(cyclic), "payload.self.parent", "json"],
    [
      "a body one byte over 4096",
      { title: "x".repeat(BROWSER_MAX_PAYLOAD_BYTES - TITLE_OVERHEAD + 1) },
      "payload",
      "max-bytes",
    ],
    // 2047 two-byte characters: under 4096 characters, over 4096 bytes.
    ["multi-byte text over 4096 bytes", { title: "\u00e9".repeat(2047) }, "payload", "max-bytes"],
    [
      "a string over 4096 bytes",
      JSON.stringify({ title: "x".repeat(BROWSER_MAX_PAYLOAD_BYTES) }),
      "payload",
      "max-bytes",
    ],
    ["a string that is not JSON", '{"title":"Hi"', "payload", "json"],
    ["plain text", "Hello", "payload", "json"],
    ["an empty string", "", "payload", "json"],
    ["a JSON string holding an array", '[{"title":"Hi"}]', "payload", "type"],
    ["a JSON string holding a string", '"Hello"', "payload", "type"],
    ["a JSON string holding null", "null", "payload", "type"],
  ];

  it.each(cases)("refuses %s", async (_name, payload, field, rule) => {
    const error = await sendBrowserNotification(hub, payload, "sports").catch((e: unknown) => e);
    expect(ValidationError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ field, rule });
    expect(server.requests).toHaveLength(0);
  });

  const headerCases: ReadonlyArray<readonly [string, Record<string, string>, string, string]> = [
    [
      "the format header",
      { "ServiceBusNotification-Format": "apple" },
      "headers.ServiceBusNotification-Format",
      "reserved-header",
    ],
    [
      "the device handle header",
      { "ServiceBusNotification-DeviceHandle": "https://x" },
      "headers.ServiceBusNotification-DeviceHandle",
      "reserved-header",
    ],
    ["a direct send's Auth header", { Auth: "k" }, "headers.Auth", "reserved-header"],
    ["a direct send's P256DH header", { P256DH: "k" }, "headers.P256DH", "reserved-header"],
    ["Content-Type", { "content-type": "text/plain" }, "headers.content-type", "reserved-header"],
    ["a value with CR LF", { "X-Trace": "a\r\nX-Evil: 1" }, "headers.X-Trace", "header-value"],
    ["an invalid name", { "X Trace": "a" }, "headers.X Trace", "header-name"],
  ];

  it.each(headerCases)("refuses %s in options.headers", async (_name, headers, field, rule) => {
    const error = await (async () =>
      hub.send(createBrowserNotification({ title: "Hi" }, { headers })))().catch((e: unknown) => e);
    expect(ValidationError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ field, rule });
    expect(server.requests).toHaveLength(0);
  });

  it("refuses an invalid tag expression", async () => {
    const error = await sendBrowserNotification(hub, { title: "Hi" }, "sports &&").catch((e: unknown) => e);
    expect(ValidationError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ field: "tags", rule: "syntax" });
    expect(server.requests).toHaveLength(0);
  });

  it("returns a rejected promise rather than throwing", () => {
    const result = sendBrowserNotification(hub, bad(null));
    expect(result).toBeInstanceOf(Promise);
    return expect(result).rejects.toMatchObject({ field: "payload", rule: "type" });
  });
});

describe("createBrowserNotification", () => {
  it("exports the format, content type and limit", () => {
    expect(BROWSER_FORMAT).toBe("browser");
    expect(BROWSER_CONTENT_TYPE).toBe("application/json;charset=utf-8");
    expect(BROWSER_MAX_PAYLOAD_BYTES).toBe(4096);
  });

  it("builds a frozen notification with the browser format and content type", () => {
    const n = createBrowserNotification({ title: "Hi" });
    expect(n).toEqual({
      format: "browser",
      contentType: "application/json;charset=utf-8",
      body: '{"title":"Hi"}',
    });
    expect(Object.isFrozen(n)).toBe(true);
  });

  it("throws synchronously, naming the field", () => {
    expect(() => createBrowserNotification(bad({ title: () => "Hi" }))).toThrow(ValidationError);
  });
});
