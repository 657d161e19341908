import { type NotificationHub, ValidationError } from "@nhub/core";
import { assertSend, type ExpectedSend, type RecordingServer, useRecordingHub } from "@nhub/testkit";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  createWindowsNotification,
  sendWindowsNotification,
  toastXml,
  type WindowsNotificationOptions,
} from "../src/index";

// The Python sample's WNS toast broadcast.
const SAMPLE_TOAST =
  '<toast><visual><binding template="ToastText01"><text id="1">Hello world!</text></binding></visual></toast>';

let server: RecordingServer, hub: NotificationHub;
const startHub = useRecordingHub(afterEach);
beforeEach(async () => ({ server, hub } = await startHub()));

/** The one request the test made, checked by testkit's assertSend as exactly this WNS send. */
function assertOnlySend(expected: Omit<ExpectedSend, "format">): void {
  expect(server.requests).toHaveLength(1);
  assertSend(server.requests[0], { format: "windows", ...expected });
}

describe("sendWindowsNotification", () => {
  it("sends the Python sample's toast broadcast exactly", async () => {
    const result = await sendWindowsNotification(hub, SAMPLE_TOAST);
    expect(result.status).toBe(201);
    expect(result.notificationId).toBeTruthy();
    assertOnlySend({
      contentType: "application/xml",
      platformHeaders: { "x-wns-type": "wns/toast" },
      body: SAMPLE_TOAST,
    });
  });

  it("builds the same toast with toastXml", () => {
    expect(toastXml({ template: "ToastText01", texts: ["Hello world!"] })).toBe(SAMPLE_TOAST);
  });

  it("sends a tag expression and a set of tags", async () => {
    await sendWindowsNotification(hub, SAMPLE_TOAST, "sports && !politics");
    await sendWindowsNotification(hub, SAMPLE_TOAST, new Set(["a", "b"]));
    expect(server.requests.map((r) => r.headers["servicebusnotification-tags"])).toEqual([
      "sports && !politics",
      "a || b",
    ]);
    for (const [req, tags] of [
      [server.requests[0], "sports && !politics"],
      [server.requests[1], "a || b"],
    ] as const) {
      assertSend(req, {
        format: "windows",
        contentType: "application/xml",
        platformHeaders: { "x-wns-type": "wns/toast" },
        body: SAMPLE_TOAST,
        tags,
      });
    }
  });

  it("sends bytes as a raw notification, byte for byte", async () => {
    const bytes = new Uint8Array([0, 1, 0xfe, 0xff, 0x3c, 0x74, 0x6f, 0x61, 0x73, 0x74, 0x3e]);
    await sendWindowsNotification(hub, bytes, "device:42");
    assertOnlySend({
      contentType: "application/octet-stream",
      platformHeaders: { "x-wns-type": "wns/raw" },
      tags: "device:42",
      body: bytes,
    });
  });

  it("sends a string as raw only when asked, without checking it as XML", async () => {
    const text = '{"not":"xml"} & <stuff>';
    await sendWindowsNotification(hub, text, undefined, { type: "wns/raw" });
    assertOnlySend({
      contentType: "application/octet-stream",
      platformHeaders: { "x-wns-type": "wns/raw" },
      body: text,
    });
  });

  it("sends every header option with the values WNS expects, and passes other headers through", async () => {
    await sendWindowsNotification(
      hub,
      '<tile><visual><binding template="TileMedium"/></visual></tile>',
      undefined,
      {
        cachePolicy: "no-cache",
        ttl: 3600,
        tag: "Score2026",
        group: "matches",
        requestForStatus: true,
        priority: 2,
        headers: { "X-WNS-SuppressPopup": "true" },
      },
    );
    assertOnlySend({
      contentType: "application/xml",
      platformHeaders: {
        "x-wns-type": "wns/tile",
        "x-wns-cache-policy": "no-cache",
        "x-wns-ttl": "3600",
        "x-wns-tag": "Score2026",
        "x-wns-group": "matches",
        "x-wns-requestforstatus": "true",
        "x-wns-priority": "2",
        "x-wns-suppresspopup": "true",
      },
      body: '<tile><visual><binding template="TileMedium"/></visual></tile>',
    });
  });

  it("sends a badge with a UTF-8 body", async () => {
    const xml = '<?xml version="1.0" encoding="utf-8"?><badge value="alert"/><!-- ünïcode ✓ -->';
    await sendWindowsNotification(hub, xml);
    assertOnlySend({
      contentType: "application/xml",
      platformHeaders: { "x-wns-type": "wns/badge" },
      body: xml,
    });
  });
});

describe("createWindowsNotification", () => {
  it("returns a frozen notification with canonical header names", () => {
    const n = createWindowsNotification("<badge value='1'/>", {
      headers: { "x-wns-ttl": "60", "x-wns-priority": "1", "X-Custom": "kept as written" },
    });
    expect(n).toEqual({
      format: "windows",
      contentType: "application/xml",
      body: "<badge value='1'/>",
      headers: {
        "X-WNS-Type": "wns/badge",
        "X-WNS-TTL": "60",
        "X-WNS-PRIORITY": "1",
        "X-Custom": "kept as written",
      },
    });
    expect(Object.isFrozen(n)).toBe(true);
  });

  it("accepts the same value from an option and a header", () => {
    const n = createWindowsNotification(SAMPLE_TOAST, { ttl: 60, headers: { "X-WNS-TTL": "60" } });
    expect(n.headers?.["X-WNS-TTL"]).toBe("60");
  });

  it("takes X-WNS-Type from headers like the type option", () => {
    const n = createWindowsNotification("plain text", { headers: { "x-wns-type": "wns/raw" } });
    expect(n.contentType).toBe("application/octet-stream");
    expect(n.headers?.["X-WNS-Type"]).toBe("wns/raw");
  });

  it("lets an explicit type send XML whose root names no type", () => {
    const n = createWindowsNotification("<custom/>", { type: "wns/toast" });
    expect(n.headers?.["X-WNS-Type"]).toBe("wns/toast");
    expect(n.contentType).toBe("application/xml");
  });

  it("accepts an explicit type that agrees with the root", () => {
    expect(createWindowsNotification("<Tile/>", { type: "wns/tile" }).headers?.["X-WNS-Type"]).toBe(
      "wns/tile",
    );
  });

  it("sends requestForStatus: false as no header", () => {
    expect(createWindowsNotification(SAMPLE_TOAST, { requestForStatus: false }).headers).toEqual({
      "X-WNS-Type": "wns/toast",
    });
  });

  it("copies a byte payload, so changing the array later changes nothing", () => {
    const bytes = new Uint8Array([1, 2, 3]);
    const n = createWindowsNotification(bytes);
    bytes[0] = 9;
    expect([...(n.body as Uint8Array)]).toEqual([1, 2, 3]);
  });

  it("does not change the caller's options or headers", () => {
    const headers = Object.freeze({ "x-wns-tag": "t1" });
    const options = Object.freeze({ headers, ttl: 5 });
    createWindowsNotification(SAMPLE_TOAST, options);
    expect(options).toEqual({ headers: { "x-wns-tag": "t1" }, ttl: 5 });
  });

  it("takes exactly 5000 bytes", () => {
    const toast = `<toast>${"é".repeat(2492)}x</toast>`;
    expect(Buffer.byteLength(toast)).toBe(5000);
    expect(createWindowsNotification(toast).body).toBe(toast);
    expect(createWindowsNotification(new Uint8Array(5000)).headers?.["X-WNS-Type"]).toBe("wns/raw");
  });
});

interface Refusal {
  readonly name: string;
  readonly payload: unknown;
  readonly options?: unknown;
  readonly tags?: string | Iterable<string>;
  readonly field: string;
  readonly rule: string;
}

const longToast = `<toast>${"x".repeat(5000)}</toast>`;

const refusals: Refusal[] = [
  // One XML refusal per rule, to show the check runs before anything is sent; @nhub/xml tests the full list.
  {
    name: "an unclosed element",
    payload: "<toast><visual></toast>",
    field: "payload",
    rule: "xml-well-formed",
  },
  { name: "an empty payload", payload: "", field: "payload", rule: "xml-well-formed" },
  {
    name: "an encoding other than UTF-8",
    payload: '<?xml version="1.0" encoding="ISO-8859-1"?><toast>é</toast>',
    field: "payload",
    rule: "xml-encoding",
  },
  {
    name: "a DOCTYPE",
    payload: '<!DOCTYPE toast [<!ENTITY a "b">]><toast>&a;</toast>',
    field: "payload",
    rule: "xml-doctype",
  },
  { name: "a root that names no type", payload: "<notification/>", field: "payload", rule: "wns-type" },
  { name: "a prefixed root", payload: '<x:toast xmlns:x="urn:x"/>', field: "payload", rule: "wns-type" },
  {
    name: "a type that contradicts the root",
    payload: "<tile/>",
    options: { type: "wns/toast" },
    field: "options.type",
    rule: "type-mismatch",
  },
  {
    name: "an X-WNS-Type header that contradicts the root",
    payload: "<badge value='1'/>",
    options: { headers: { "X-WNS-Type": "wns/tile" } },
    field: "headers.X-WNS-Type",
    rule: "type-mismatch",
  },
  {
    name: "bytes with an XML type",
    payload: new Uint8Array([60]),
    options: { type: "wns/toast" },
    field: "options.type",
    rule: "type-mismatch",
  },
  {
    name: "an empty raw string",
    payload: "",
    options: { type: "wns/raw" },
    field: "payload",
    rule: "required",
  },
  { name: "empty bytes", payload: new Uint8Array(0), field: "payload", rule: "required" },
  { name: "a toast over 5000 bytes", payload: longToast, field: "payload", rule: "max-bytes" },
  { name: "raw bytes over 5000 bytes", payload: new Uint8Array(5001), field: "payload", rule: "max-bytes" },
  {
    name: "a raw string over 5000 bytes",
    payload: "é".repeat(2501),
    options: { type: "wns/raw" },
    field: "payload",
    rule: "max-bytes",
  },
  { name: "a number payload", payload: 42, field: "payload", rule: "type" },
  { name: "a null payload", payload: null, field: "payload", rule: "type" },
  {
    name: "an unknown type",
    payload: SAMPLE_TOAST,
    options: { type: "wns/popup" },
    field: "options.type",
    rule: "enum",
  },
  {
    name: "an unknown X-WNS-Type header",
    payload: SAMPLE_TOAST,
    options: { headers: { "x-wns-type": "toast" } },
    field: "headers.x-wns-type",
    rule: "enum",
  },
  {
    name: "an unknown cache policy",
    payload: SAMPLE_TOAST,
    options: { cachePolicy: "sometimes" },
    field: "options.cachePolicy",
    rule: "enum",
  },
  {
    name: "a cache policy header in capitals",
    payload: SAMPLE_TOAST,
    options: { headers: { "X-WNS-Cache-Policy": "NO-CACHE" } },
    field: "headers.X-WNS-Cache-Policy",
    rule: "enum",
  },
  {
    name: "ttl 0",
    payload: SAMPLE_TOAST,
    options: { ttl: 0 },
    field: "options.ttl",
    rule: "positive-integer",
  },
  {
    name: "a negative ttl",
    payload: SAMPLE_TOAST,
    options: { ttl: -5 },
    field: "options.ttl",
    rule: "positive-integer",
  },
  {
    name: "a fractional ttl",
    payload: SAMPLE_TOAST,
    options: { ttl: 1.5 },
    field: "options.ttl",
    rule: "positive-integer",
  },
  {
    name: "a string ttl",
    payload: SAMPLE_TOAST,
    options: { ttl: "60" },
    field: "options.ttl",
    rule: "positive-integer",
  },
  {
    name: "a TTL header that is not a number",
    payload: SAMPLE_TOAST,
    options: { headers: { "X-WNS-TTL": "1h" } },
    field: "headers.X-WNS-TTL",
    rule: "positive-integer",
  },
  {
    name: "a TTL header of 0",
    payload: SAMPLE_TOAST,
    options: { headers: { "X-WNS-TTL": "0" } },
    field: "headers.X-WNS-TTL",
    rule: "positive-integer",
  },
  {
    name: "a 17-character tag",
    payload: SAMPLE_TOAST,
    options: { tag: "a".repeat(17) },
    field: "options.tag",
    rule: "wns-tag",
  },
  {
    name: "a tag with a dash",
    payload: SAMPLE_TOAST,
    options: { tag: "score-1" },
    field: "options.tag",
    rule: "wns-tag",
  },
  {
    name: "an empty tag",
    payload: SAMPLE_TOAST,
    options: { tag: "" },
    field: "options.tag",
    rule: "wns-tag",
  },
  {
    name: "a non-ASCII group",
    payload: SAMPLE_TOAST,
    options: { group: "grüppe" },
    field: "options.group",
    rule: "wns-tag",
  },
  {
    name: "a group header with a space",
    payload: SAMPLE_TOAST,
    options: { headers: { "X-WNS-Group": "my group" } },
    field: "headers.X-WNS-Group",
    rule: "wns-tag",
  },
  {
    name: "priority 0",
    payload: SAMPLE_TOAST,
    options: { priority: 0 },
    field: "options.priority",
    rule: "enum",
  },
  {
    name: "priority 5",
    payload: SAMPLE_TOAST,
    options: { priority: 5 },
    field: "options.priority",
    rule: "enum",
  },
  {
    name: "a priority header of 5",
    payload: SAMPLE_TOAST,
    options: { headers: { "X-WNS-PRIORITY": "5" } },
    field: "headers.X-WNS-PRIORITY",
    rule: "enum",
  },
  {
    name: "a non-boolean requestForStatus",
    payload: SAMPLE_TOAST,
    options: { requestForStatus: "yes" },
    field: "options.requestForStatus",
    rule: "type",
  },
  {
    name: "a RequestForStatus header other than true/false",
    payload: SAMPLE_TOAST,
    options: { headers: { "X-WNS-RequestForStatus": "1" } },
    field: "headers.X-WNS-RequestForStatus",
    rule: "enum",
  },
  {
    name: "an option and a header that disagree",
    payload: SAMPLE_TOAST,
    options: { ttl: 60, headers: { "X-WNS-TTL": "30" } },
    field: "options.ttl",
    rule: "conflict",
  },
  {
    name: "a header given twice in different cases",
    payload: SAMPLE_TOAST,
    options: { headers: { "X-WNS-Tag": "a", "x-wns-tag": "b" } },
    field: "headers.x-wns-tag",
    rule: "duplicate",
  },
  {
    name: "a non-string WNS header",
    payload: SAMPLE_TOAST,
    options: { headers: { "X-WNS-TTL": 60 } },
    field: "headers.X-WNS-TTL",
    rule: "type",
  },
  {
    name: "a reserved header",
    payload: SAMPLE_TOAST,
    options: { headers: { Authorization: "SharedAccessSignature forged" } },
    field: "headers.Authorization",
    rule: "reserved-header",
  },
  {
    name: "header injection",
    payload: SAMPLE_TOAST,
    options: { headers: { "X-WNS-SuppressPopup": "true\r\nX-Evil: 1" } },
    field: "headers.X-WNS-SuppressPopup",
    rule: "header-value",
  },
  {
    name: "options that are not an object",
    payload: SAMPLE_TOAST,
    options: "wns/raw",
    field: "options",
    rule: "type",
  },
  {
    name: "headers that are not an object",
    payload: SAMPLE_TOAST,
    options: { headers: [] },
    field: "headers",
    rule: "type",
  },
  {
    name: "a malformed tag expression",
    payload: SAMPLE_TOAST,
    tags: "a && (b",
    field: "tags",
    rule: "syntax",
  },
  { name: "an empty tag set", payload: SAMPLE_TOAST, tags: [], field: "tags", rule: "required" },
];

describe("refusals", () => {
  it.each(refusals)(
    "refuses $name ($field, $rule) and sends nothing",
    async ({ payload, options, tags, field, rule }) => {
      const sent = sendWindowsNotification(
        hub,
        payload as string,
        tags,
        options as WindowsNotificationOptions,
      );
      const error = await sent.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(ValidationError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ field, rule });
      expect((error as Error).message.length).toBeGreaterThan(field.length + 10);
      expect(server.requests).toHaveLength(0);
    },
  );

  it("says where the XML breaks", () => {
    expect(() => createWindowsNotification("<toast>\n  <text>Tom & Jerry</text>\n</toast>")).toThrow(
      /line 2/,
    );
    expect(() => createWindowsNotification("<toast>\n<text>a&nbsp;b</text></toast>")).toThrow(
      /&nbsp; is not defined.*line 2, column 8/,
    );
  });

  it("tells the caller how to send XML with an unknown root", () => {
    expect(() => createWindowsNotification("<notification/>")).toThrow(/<notification>.*wns\/raw/);
  });
});
