import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type NotificationHub, ValidationError } from "@nhub/core";
import { assertSend, type ExpectedSend, type RecordingServer, useRecordingHub } from "@nhub/testkit";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import * as mpns from "../src/index";
import {
  createMpnsNotification,
  inferMpnsKind,
  type MpnsDelay,
  type MpnsKind,
  type MpnsNotificationOptions,
  mpnsNotificationClass,
  mpnsTileXml,
  mpnsToastXml,
  sendMpnsNotification,
} from "../src/index";

// The Python sample's Windows Phone toast.
const SAMPLE_TOAST =
  '<?xml version="1.0" encoding="utf-8"?><wp:Notification xmlns:wp="WPNotification"><wp:Toast><wp:Text1>Hello</wp:Text1><wp:Text2>world</wp:Text2></wp:Toast></wp:Notification>';
const SAMPLE_TILE =
  '<?xml version="1.0" encoding="utf-8"?><wp:Notification xmlns:wp="WPNotification"><wp:Tile><wp:Count>3</wp:Count><wp:Title>Scores</wp:Title></wp:Tile></wp:Notification>';
const RAW = "<update><score home='2' away='1'/></update>";

let server: RecordingServer, hub: NotificationHub;
const startHub = useRecordingHub(afterEach);
beforeEach(async () => ({ server, hub } = await startHub()));

const XML = "application/xml;charset=utf-8";

/** The one request the test made, checked by testkit's assertSend as exactly this MPNS send. */
function assertOnlySend(expected: Omit<ExpectedSend, "format" | "contentType">): void {
  expect(server.requests).toHaveLength(1);
  assertSend(server.requests[0], { format: "windowsphone", contentType: XML, ...expected });
}

/** The MPNS headers of a send of `kind` in class `notificationClass`: raw sends carry no target. */
function mpnsHeaders(kind: MpnsKind, notificationClass: string): Record<string, string> {
  const target = { toast: "toast", tile: "token", raw: undefined }[kind];
  return {
    ...(target === undefined ? {} : { "x-windowsphone-target": target }),
    "x-notificationclass": notificationClass,
  };
}

describe("sendMpnsNotification", () => {
  it("sends the Python sample's Windows Phone toast exactly", async () => {
    const result = await sendMpnsNotification(hub, SAMPLE_TOAST);
    expect(result.status).toBe(201);
    expect(result.notificationId).toBeTruthy();
    assertOnlySend({ platformHeaders: mpnsHeaders("toast", "2"), body: SAMPLE_TOAST });
  });

  it("builds the same toast with mpnsToastXml", () => {
    expect(mpnsToastXml({ text1: "Hello", text2: "world" })).toBe(SAMPLE_TOAST);
  });

  it("builds the tile with mpnsTileXml", () => {
    expect(mpnsTileXml({ count: 3, title: "Scores" })).toBe(SAMPLE_TILE);
  });

  it("sends a tile to a tag expression", async () => {
    await sendMpnsNotification(hub, SAMPLE_TILE, "fans && !muted");
    assertOnlySend({ platformHeaders: mpnsHeaders("tile", "1"), tags: "fans && !muted", body: SAMPLE_TILE });
  });

  it("sends raw XML with no target and class 3, to a set of tags", async () => {
    await sendMpnsNotification(hub, RAW, new Set(["a", "b"]));
    assertOnlySend({ platformHeaders: mpnsHeaders("raw", "3"), tags: "a || b", body: RAW });
  });

  it("passes other X- headers through", async () => {
    await sendMpnsNotification(hub, SAMPLE_TOAST, undefined, {
      headers: { "X-MessageID": "0f8fad5b-d9cb-469f-a165-70867728950e", "X-Custom-Thing": "yes" },
    });
    assertOnlySend({
      platformHeaders: {
        ...mpnsHeaders("toast", "2"),
        "x-messageid": "0f8fad5b-d9cb-469f-a165-70867728950e",
        "x-custom-thing": "yes",
      },
      body: SAMPLE_TOAST,
    });
  });

  const classes: ReadonlyArray<readonly [MpnsKind, string, MpnsDelay, string]> = [
    ["toast", SAMPLE_TOAST, "immediate", "2"],
    ["toast", SAMPLE_TOAST, "450s", "12"],
    ["toast", SAMPLE_TOAST, "900s", "22"],
    ["tile", SAMPLE_TILE, "immediate", "1"],
    ["tile", SAMPLE_TILE, "450s", "11"],
    ["tile", SAMPLE_TILE, "900s", "21"],
    ["raw", RAW, "immediate", "3"],
    ["raw", RAW, "450s", "13"],
    ["raw", RAW, "900s", "23"],
  ];

  it.each(classes)("sends a %s with delay %s... as class %s", async (kind, xml, delay, notificationClass) => {
    await sendMpnsNotification(hub, xml, undefined, { delay });
    assertOnlySend({ platformHeaders: mpnsHeaders(kind, notificationClass), body: xml });
    expect(mpnsNotificationClass(kind, delay)).toBe(notificationClass);
  });
});

const kinds: ReadonlyArray<readonly [string, string, MpnsKind]> = [
  ["the sample toast", SAMPLE_TOAST, "toast"],
  [
    "a toast without declaration",
    '<wp:Notification xmlns:wp="WPNotification"><wp:Toast/></wp:Notification>',
    "toast",
  ],
  [
    "another prefix",
    '<n:Notification xmlns:n="WPNotification"><n:Toast><n:Text1>x</n:Text1></n:Toast></n:Notification>',
    "toast",
  ],
  [
    "no prefix",
    '<Notification xmlns="WPNotification"><Toast><Text1>x</Text1></Toast></Notification>',
    "toast",
  ],
  [
    "comments, whitespace and a PI before the first child",
    '<?xml version="1.0"?>\n<!-- hi -->\n<wp:Notification xmlns:wp="WPNotification">\n  <!-- <wp:Tile/> -->\n  <?x y?>\n  <wp:Toast><wp:Text1>x</wp:Text1></wp:Toast>\n</wp:Notification>\n',
    "toast",
  ],
  [
    "a tile with an Id",
    '<wp:Notification xmlns:wp="WPNotification"><wp:Tile Id="/Page.xaml?x=1"/></wp:Notification>',
    "tile",
  ],
  [
    "a tile followed by a toast",
    '<wp:Notification xmlns:wp="WPNotification"><wp:Tile/><wp:Toast/></wp:Notification>',
    "tile",
  ],
  [
    "a toast nested deeper",
    '<wp:Notification xmlns:wp="WPNotification"><wp:Other><wp:Toast/></wp:Other></wp:Notification>',
    "raw",
  ],
  ["a bare wp:Toast root", '<wp:Toast xmlns:wp="WPNotification"><wp:Text1>x</wp:Text1></wp:Toast>', "raw"],
  ["a lowercase toast", '<wp:Notification xmlns:wp="WPNotification"><wp:toast/></wp:Notification>', "raw"],
  ["an empty envelope", '<wp:Notification xmlns:wp="WPNotification"/>', "raw"],
  ["an envelope with only text", '<wp:Notification xmlns:wp="WPNotification">Toast</wp:Notification>', "raw"],
  ["any other XML", RAW, "raw"],
];

describe("kind inference", () => {
  it.each(kinds)("reads %s as %s on the wire", async (_name, xml, kind) => {
    expect(inferMpnsKind(xml)).toBe(kind);
    await sendMpnsNotification(hub, xml);
    assertOnlySend({ platformHeaders: mpnsHeaders(kind, mpnsNotificationClass(kind)), body: xml });
  });
});

describe("createMpnsNotification", () => {
  it("returns a frozen notification", () => {
    const n = createMpnsNotification(SAMPLE_TOAST, { delay: "900s" });
    expect(n).toEqual({
      format: "windowsphone",
      contentType: "application/xml;charset=utf-8",
      body: SAMPLE_TOAST,
      headers: { "X-WindowsPhone-Target": "toast", "X-NotificationClass": "22" },
    });
    expect(Object.isFrozen(n)).toBe(true);
  });

  it("takes explicit target and class headers that agree with the payload, in any case", () => {
    const n = createMpnsNotification(SAMPLE_TILE, {
      headers: { "x-windowsphone-target": "token", "x-notificationclass": "21" },
    });
    expect(n.headers).toEqual({ "X-WindowsPhone-Target": "token", "X-NotificationClass": "21" });
  });

  it("accepts a class header and a delay that agree", () => {
    const n = createMpnsNotification(RAW, { delay: "450s", headers: { "X-NotificationClass": "13" } });
    expect(n.headers).toEqual({ "X-NotificationClass": "13" });
  });

  it("does not change the caller's options", () => {
    const options = Object.freeze({ delay: "450s" as const, headers: Object.freeze({ "X-MessageID": "m" }) });
    createMpnsNotification(SAMPLE_TOAST, options);
    expect(options).toEqual({ delay: "450s", headers: { "X-MessageID": "m" } });
  });

  it("takes a toast of 3072 bytes and raw XML of 1024", () => {
    const toast = mpnsToastXml({ text1: "x".repeat(3072 - mpnsToastXml({ text1: "" }).length) });
    expect(Buffer.byteLength(toast)).toBe(3072);
    expect(createMpnsNotification(toast).headers?.["X-NotificationClass"]).toBe("2");
    const raw = `<r>${"é".repeat(508)}x</r>`;
    expect(Buffer.byteLength(raw)).toBe(1024);
    expect(createMpnsNotification(raw).headers?.["X-NotificationClass"]).toBe("3");
  });

  it("allows a toast over 1 KB, which raw XML may not be", () => {
    const text = "y".repeat(1100);
    expect(() => createMpnsNotification(mpnsToastXml({ text1: text }))).not.toThrow();
    expect(() => createMpnsNotification(`<r>${text}</r>`)).toThrow(
      expect.objectContaining({ rule: "max-bytes" }),
    );
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

const refusals: Refusal[] = [
  // The XML refusals that matter here, one per rule; @nhub/xml tests the full list.
  {
    name: "malformed XML",
    payload: "<wp:Notification><wp:Toast></wp:Notification>",
    field: "payload",
    rule: "xml-well-formed",
  },
  { name: "an empty payload", payload: "", field: "payload", rule: "xml-well-formed" },
  { name: "plain text", payload: "hello", field: "payload", rule: "xml-well-formed" },
  { name: "text after the root", payload: `${SAMPLE_TOAST}!`, field: "payload", rule: "xml-well-formed" },
  { name: "a DOCTYPE", payload: "<!DOCTYPE r><r/>", field: "payload", rule: "xml-doctype" },
  {
    name: "a UTF-16 declaration",
    payload: '<?xml version="1.0" encoding="utf-16"?><r/>',
    field: "payload",
    rule: "xml-encoding",
  },
  { name: "bytes", payload: new Uint8Array([60, 114, 47, 62]), field: "payload", rule: "type" },
  { name: "undefined", payload: undefined, field: "payload", rule: "type" },
  {
    name: "a toast over 3072 bytes",
    payload: mpnsToastXml({ text1: "z".repeat(3000) }),
    field: "payload",
    rule: "max-bytes",
  },
  {
    name: "raw XML over 1024 bytes",
    payload: `<r>${"é".repeat(509)}</r>`,
    field: "payload",
    rule: "max-bytes",
  },
  {
    name: "an unknown delay",
    payload: SAMPLE_TOAST,
    options: { delay: "60s" },
    field: "options.delay",
    rule: "enum",
  },
  {
    name: "a numeric delay",
    payload: SAMPLE_TOAST,
    options: { delay: 450 },
    field: "options.delay",
    rule: "enum",
  },
  {
    name: "an unknown target",
    payload: SAMPLE_TOAST,
    options: { headers: { "X-WindowsPhone-Target": "tile" } },
    field: "headers.X-WindowsPhone-Target",
    rule: "enum",
  },
  {
    name: "a tile target on a toast",
    payload: SAMPLE_TOAST,
    options: { headers: { "X-WindowsPhone-Target": "token" } },
    field: "headers.X-WindowsPhone-Target",
    rule: "type-mismatch",
  },
  {
    name: "a target on raw XML",
    payload: RAW,
    options: { headers: { "x-windowsphone-target": "toast" } },
    field: "headers.x-windowsphone-target",
    rule: "type-mismatch",
  },
  {
    name: "an unknown class",
    payload: SAMPLE_TOAST,
    options: { headers: { "X-NotificationClass": "4" } },
    field: "headers.X-NotificationClass",
    rule: "enum",
  },
  {
    name: "a class with spaces",
    payload: SAMPLE_TOAST,
    options: { headers: { "X-NotificationClass": " 2" } },
    field: "headers.X-NotificationClass",
    rule: "enum",
  },
  {
    name: "a toast class on a tile",
    payload: SAMPLE_TILE,
    options: { headers: { "X-NotificationClass": "12" } },
    field: "headers.X-NotificationClass",
    rule: "type-mismatch",
  },
  {
    name: "a class whose delay contradicts options.delay",
    payload: SAMPLE_TOAST,
    options: { delay: "450s", headers: { "X-NotificationClass": "22" } },
    field: "options.delay",
    rule: "conflict",
  },
  {
    name: "the class header twice",
    payload: SAMPLE_TOAST,
    options: { headers: { "X-NotificationClass": "2", "x-notificationclass": "2" } },
    field: "headers.x-notificationclass",
    rule: "duplicate",
  },
  {
    name: "a non-string class header",
    payload: SAMPLE_TOAST,
    options: { headers: { "X-NotificationClass": 2 } },
    field: "headers.X-NotificationClass",
    rule: "type",
  },
  {
    name: "a reserved header",
    payload: SAMPLE_TOAST,
    options: { headers: { "ServiceBusNotification-Format": "windows" } },
    field: "headers.ServiceBusNotification-Format",
    rule: "reserved-header",
  },
  {
    name: "header injection",
    payload: SAMPLE_TOAST,
    options: { headers: { "X-MessageID": "a\nX-Evil: 1" } },
    field: "headers.X-MessageID",
    rule: "header-value",
  },
  {
    name: "options that are not an object",
    payload: SAMPLE_TOAST,
    options: "450s",
    field: "options",
    rule: "type",
  },
  {
    name: "headers that are not an object",
    payload: SAMPLE_TOAST,
    options: { headers: "X-A: b" },
    field: "headers",
    rule: "type",
  },
  { name: "a malformed tag expression", payload: SAMPLE_TOAST, tags: "a ||", field: "tags", rule: "syntax" },
  {
    name: "a bad tag in a set",
    payload: SAMPLE_TOAST,
    tags: ["ok", "not ok"],
    field: "tags",
    rule: "characters",
  },
];

describe("refusals", () => {
  it.each(refusals)(
    "refuses $name ($field, $rule) and sends nothing",
    async ({ payload, options, tags, field, rule }) => {
      const error = await sendMpnsNotification(
        hub,
        payload as string,
        tags,
        options as MpnsNotificationOptions,
      ).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(ValidationError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ field, rule });
      expect(server.requests).toHaveLength(0);
    },
  );

  it("refuses a bad kind or delay in mpnsNotificationClass", () => {
    expect(() => mpnsNotificationClass("popup" as MpnsKind)).toThrow(
      expect.objectContaining({ rule: "enum" }),
    );
    expect(() => mpnsNotificationClass("toast", "1h" as MpnsDelay)).toThrow(
      expect.objectContaining({ rule: "enum" }),
    );
  });
});

describe("deprecation", () => {
  it("marks every export @deprecated", () => {
    const dir = fileURLToPath(new URL("../src", import.meta.url));
    const source = readdirSync(dir)
      .filter((f) => f.endsWith(".ts") && f !== "index.ts")
      .map((f) => readFileSync(join(dir, f), "utf8"))
      .join("\n");
    const index = readFileSync(join(dir, "index.ts"), "utf8");
    const names = [...index.matchAll(/export\s*\{([^}]*)\}/g)].flatMap((m) =>
      m[1]!
        .split(",")
        .map((n) => n.trim().replace(/^type\s+/, ""))
        .filter((n) => n !== ""),
    );
    // Every runtime export is in the list (types cannot be enumerated at run time).
    for (const name of Object.keys(mpns)) expect(names).toContain(name);
    expect(names.length).toBeGreaterThan(Object.keys(mpns).length);
    for (const name of names) {
      const declaration = new RegExp(
        `/\\*\\*((?:(?!\\*/)[\\s\\S])*)\\*/\\s*export (?:async function|function|const|interface|type) ${name}\\b`,
      );
      const doc = declaration.exec(source);
      expect(doc, name).not.toBeNull();
      expect(doc![1], name).toContain("@deprecated");
    }
  });
});
