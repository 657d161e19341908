import { ValidationError } from "@nhub/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  checkRegistration,
  parseRegistrationEntry,
  parseRegistrationFeed,
  type RegistrationDescription,
  type RegistrationKind,
  registrationElementOrder,
  registrationToAtomXml,
} from "../src/index";
import { appleEntry, childElementNames, deepFreeze, serviceEntry, serviceFeed, xmlTree } from "./fixtures";

const ENTRY_OPEN = '<entry xmlns="http://www.w3.org/2005/Atom"><content type="application/xml">';
const NS =
  'xmlns:i="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://schemas.microsoft.com/netservices/2010/10/servicebus/connect"';
const TOKEN = "62BCD3484834B7E2DC56733AC5509259230CC1BA82BA1AE7D06E91908A05A8FA";

describe("the exact Atom XML written", () => {
  it("writes a native Apple registration", () => {
    const xml = registrationToAtomXml(
      deepFreeze({
        kind: "Apple",
        deviceToken: TOKEN,
        tags: ["sports", "lang:en"],
        pushVariables: { team: "A&B" },
      }),
    );
    expect(xml).toBe(
      `${ENTRY_OPEN}<AppleRegistrationDescription ${NS}>` +
        "<Tags>sports,lang:en</Tags>" +
        "<PushVariables>{&quot;team&quot;:&quot;A&amp;B&quot;}</PushVariables>" +
        `<DeviceToken>${TOKEN}</DeviceToken>` +
        "</AppleRegistrationDescription></content></entry>",
    );
  });

  it("writes an Apple template registration, expiry as ISO-8601 and headers sorted", () => {
    const xml = registrationToAtomXml(
      deepFreeze({
        kind: "AppleTemplate",
        deviceToken: TOKEN,
        tags: ["sports"],
        bodyTemplate: '{"aps":{"alert":"$(message)"}}',
        expiry: new Date(Date.UTC(2030, 0, 2, 3, 4, 5)),
        templateName: "alert <v2>",
        priority: "10",
        apnsHeaders: { "apns-push-type": "alert", "apns-collapse-id": "$(id)" },
      }),
    );
    expect(xml).toBe(
      `${ENTRY_OPEN}<AppleTemplateRegistrationDescription ${NS}>` +
        "<Tags>sports</Tags>" +
        `<DeviceToken>${TOKEN}</DeviceToken>` +
        "<BodyTemplate>{&quot;aps&quot;:{&quot;alert&quot;:&quot;$(message)&quot;}}</BodyTemplate>" +
        "<Expiry>2030-01-02T03:04:05.000Z</Expiry>" +
        "<TemplateName>alert &lt;v2&gt;</TemplateName>" +
        "<Priority>10</Priority>" +
        "<ApnsHeaders>" +
        "<ApnsHeader><Header>apns-collapse-id</Header><Value>$(id)</Value></ApnsHeader>" +
        "<ApnsHeader><Header>apns-push-type</Header><Value>alert</Value></ApnsHeader>" +
        "</ApnsHeaders>" +
        "</AppleTemplateRegistrationDescription></content></entry>",
    );
  });

  it("never writes the read-only RegistrationId, ETag or ExpirationTime in a request", () => {
    const xml = registrationToAtomXml({
      kind: "FcmV1",
      fcmV1RegistrationId: "fcm-token-1",
      registrationId: "123-456-1",
      etag: "4",
      expirationTime: new Date("2030-01-01T00:00:00Z"),
    });
    expect(childElementNames(xml, "FcmV1RegistrationDescription")).toEqual(["FcmV1RegistrationId"]);
    const full = registrationToAtomXml(
      { kind: "FcmV1", fcmV1RegistrationId: "fcm-token-1", registrationId: "123-456-1", etag: "4" },
      { includeReadOnly: true },
    );
    expect(childElementNames(full, "FcmV1RegistrationDescription")).toEqual([
      "ETag",
      "RegistrationId",
      "FcmV1RegistrationId",
    ]);
  });

  it("keeps CR, tab, ]]> and markup in a body template exactly (escaped text, not CDATA)", async () => {
    const body = '{\r\n\t"data": {"msg": "]]> <b> & \'x\' 😀"}\r\n}';
    const xml = registrationToAtomXml({ kind: "GcmTemplate", gcmRegistrationId: "g1", bodyTemplate: body });
    expect(xml).toContain("<BodyTemplate>{&#13;&#10;&#9;&quot;data&quot;");
    expect(xml).not.toContain("CDATA");
    const parsed = await parseRegistrationEntry(xml);
    expect(parsed).toEqual({ kind: "GcmTemplate", gcmRegistrationId: "g1", bodyTemplate: body });
  });
});

// The element order of each kind, as the .NET SDK's data contracts give it (base members first, then by Order).
const FULL_SAMPLES: Record<RegistrationKind, { registration: RegistrationDescription; elements: string[] }> =
  {
    Apple: { registration: { kind: "Apple", deviceToken: "0A1B" }, elements: ["DeviceToken"] },
    AppleTemplate: {
      registration: {
        kind: "AppleTemplate",
        deviceToken: "0A1B",
        bodyTemplate: "{}",
        expiry: "$(expiry)",
        templateName: "t",
        priority: "5",
        apnsHeaders: { "apns-push-type": "background" },
      },
      elements: ["DeviceToken", "BodyTemplate", "Expiry", "TemplateName", "Priority", "ApnsHeaders"],
    },
    Gcm: { registration: { kind: "Gcm", gcmRegistrationId: "g" }, elements: ["GcmRegistrationId"] },
    GcmTemplate: {
      registration: { kind: "GcmTemplate", gcmRegistrationId: "g", bodyTemplate: "{}", templateName: "t" },
      elements: ["GcmRegistrationId", "BodyTemplate", "TemplateName"],
    },
    FcmV1: { registration: { kind: "FcmV1", fcmV1RegistrationId: "f" }, elements: ["FcmV1RegistrationId"] },
    FcmV1Template: {
      registration: {
        kind: "FcmV1Template",
        fcmV1RegistrationId: "f",
        bodyTemplate: "{}",
        templateName: "t",
      },
      elements: ["FcmV1RegistrationId", "BodyTemplate", "TemplateName"],
    },
    Windows: {
      registration: {
        kind: "Windows",
        channelUri: "https://wns.example/c?x=1&y=2",
        secondaryTileName: "tile",
      },
      elements: ["ChannelUri", "SecondaryTileName"],
    },
    WindowsTemplate: {
      registration: {
        kind: "WindowsTemplate",
        channelUri: "https://wns.example/c",
        secondaryTileName: "tile",
        bodyTemplate:
          '<toast><visual><binding template="ToastText01"><text id="1">$(m)</text></binding></visual></toast>',
        wnsHeaders: { "X-WNS-Type": "wns/toast" },
        templateName: "t",
      },
      elements: ["ChannelUri", "SecondaryTileName", "BodyTemplate", "WnsHeaders", "TemplateName"],
    },
    Mpns: {
      registration: { kind: "Mpns", channelUri: "https://mpns.example/c", secondaryTileName: "tile" },
      elements: ["ChannelUri", "SecondaryTileName"],
    },
    MpnsTemplate: {
      registration: {
        kind: "MpnsTemplate",
        channelUri: "https://mpns.example/c",
        secondaryTileName: "tile",
        bodyTemplate: '<wp:Notification xmlns:wp="WPNotification"><wp:Toast/></wp:Notification>',
        mpnsHeaders: { "X-WindowsPhone-Target": "toast", "X-NotificationClass": "2" },
        templateName: "t",
      },
      elements: ["ChannelUri", "SecondaryTileName", "BodyTemplate", "MpnsHeaders", "TemplateName"],
    },
    Adm: {
      registration: { kind: "Adm", admRegistrationId: "amzn1.adm-registration.v2.1" },
      elements: ["AdmRegistrationId"],
    },
    AdmTemplate: {
      registration: { kind: "AdmTemplate", admRegistrationId: "a", bodyTemplate: "{}", templateName: "t" },
      elements: ["AdmRegistrationId", "BodyTemplate", "TemplateName"],
    },
    Baidu: {
      registration: { kind: "Baidu", baiduUserId: "u", baiduChannelId: "c" },
      elements: ["BaiduUserId", "BaiduChannelId"],
    },
    BaiduTemplate: {
      registration: {
        kind: "BaiduTemplate",
        baiduUserId: "u",
        baiduChannelId: "c",
        bodyTemplate: "{}",
        templateName: "t",
        messageType: 1,
      },
      elements: ["BaiduUserId", "BaiduChannelId", "BodyTemplate", "TemplateName", "MessageType"],
    },
    Browser: {
      registration: { kind: "Browser", endpoint: "https://push.example/s/1", p256dh: "BK", auth: "au" },
      elements: ["Endpoint", "P256DH", "Auth"],
    },
    BrowserTemplate: {
      registration: {
        kind: "BrowserTemplate",
        endpoint: "https://push.example/s/1",
        p256dh: "BK",
        auth: "au",
        bodyTemplate: "{}",
        templateName: "t",
      },
      elements: ["Endpoint", "P256DH", "Auth", "BodyTemplate", "TemplateName"],
    },
    Xiaomi: {
      registration: { kind: "Xiaomi", xiaomiRegistrationId: "x" },
      elements: ["XiaomiRegistrationId"],
    },
    XiaomiTemplate: {
      registration: {
        kind: "XiaomiTemplate",
        xiaomiRegistrationId: "x",
        bodyTemplate: "{}",
        templateName: "t",
      },
      elements: ["XiaomiRegistrationId", "BodyTemplate", "TemplateName"],
    },
  };

describe("element order for every kind", () => {
  for (const [kind, sample] of Object.entries(FULL_SAMPLES)) {
    it(`writes ${kind}RegistrationDescription in data-contract order`, async () => {
      const registration = deepFreeze({
        ...sample.registration,
        tags: ["a", "b"],
        pushVariables: { v: "1" },
      } as RegistrationDescription);
      const xml = registrationToAtomXml(registration);
      const root = `${kind}RegistrationDescription`;
      expect(childElementNames(xml, "content")).toEqual([root]);
      expect(childElementNames(xml, root)).toEqual(["Tags", "PushVariables", ...sample.elements]);
      expect(registrationElementOrder(kind as RegistrationKind)).toEqual([
        "ETag",
        "ExpirationTime",
        "RegistrationId",
        "Tags",
        "PushVariables",
        ...sample.elements,
      ]);
      expect(await parseRegistrationEntry(xml)).toEqual(registration);
    });
  }

  it("writes header collections as <Header>/<Value> pairs", () => {
    const xml = registrationToAtomXml(FULL_SAMPLES.MpnsTemplate.registration);
    expect(childElementNames(xml, "MpnsHeaders")).toEqual(["MpnsHeader", "MpnsHeader"]);
    expect(xml).toContain(
      "<MpnsHeaders><MpnsHeader><Header>X-NotificationClass</Header><Value>2</Value></MpnsHeader>" +
        "<MpnsHeader><Header>X-WindowsPhone-Target</Header><Value>toast</Value></MpnsHeader></MpnsHeaders>",
    );
  });
});

describe("reading what the service sends", () => {
  it("reads a template entry with a CDATA body, a nil Expiry and an empty ApnsHeaders", async () => {
    const xml = serviceEntry(
      "AppleTemplateRegistrationDescription",
      "4497227228776861650-7267172778370643468-3",
      "<ETag>7</ETag><ExpirationTime>9999-12-31T23:59:59.999</ExpirationTime>" +
        "<RegistrationId>4497227228776861650-7267172778370643468-3</RegistrationId>" +
        '<Tags>$InstallationId:{95e4cf2e-685f},tag1</Tags><PushVariables>{"var1":"value1"}</PushVariables>' +
        `<DeviceToken>${TOKEN}</DeviceToken>` +
        '<BodyTemplate><![CDATA[{"aps":{"alert":"<b>$(m)</b>"}}]]></BodyTemplate>' +
        '<Expiry i:nil="true"/><TemplateName>Template Name</TemplateName><ApnsHeaders/>',
    );
    expect(await parseRegistrationEntry(xml)).toEqual({
      kind: "AppleTemplate",
      registrationId: "4497227228776861650-7267172778370643468-3",
      etag: "7",
      expirationTime: new Date(Date.UTC(9999, 11, 31, 23, 59, 59, 999)),
      tags: ["$InstallationId:{95e4cf2e-685f}", "tag1"],
      pushVariables: { var1: "value1" },
      deviceToken: TOKEN,
      bodyTemplate: '{"aps":{"alert":"<b>$(m)</b>"}}',
      templateName: "Template Name",
      apnsHeaders: {},
    });
  });

  it("reads a feed of mixed kinds, including an MPNS one with a secondary tile", async () => {
    const feed = serviceFeed([
      appleEntry("1-1-1", TOKEN, "a,b", "2", false),
      serviceEntry(
        "MpnsRegistrationDescription",
        "2-2-2",
        "<ETag>1</ETag><ExpirationTime>2026-03-01T10:00:00.1234567Z</ExpirationTime><RegistrationId>2-2-2</RegistrationId>" +
          "<ChannelUri>https://some.url/</ChannelUri><SecondaryTileName>Tile name</SecondaryTileName>",
        "1",
        false,
      ),
    ]);
    const registrations = await parseRegistrationFeed(feed);
    expect(registrations).toEqual([
      {
        kind: "Apple",
        registrationId: "1-1-1",
        etag: "2",
        expirationTime: new Date("9999-12-31T23:59:59.999Z"),
        tags: ["a", "b"],
        deviceToken: TOKEN,
      },
      {
        kind: "Mpns",
        registrationId: "2-2-2",
        etag: "1",
        expirationTime: new Date("2026-03-01T10:00:00.123Z"),
        channelUri: "https://some.url/",
        secondaryTileName: "Tile name",
      },
    ]);
  });

  it("reads a pretty-printed entry like the REST reference's examples", async () => {
    const xml = `<?xml version="1.0" encoding="utf-8" ?>
<entry xmlns="http://www.w3.org/2005/Atom">
  <content type="application/xml">
    <GcmRegistrationDescription xmlns:i="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://schemas.microsoft.com/netservices/2010/10/servicebus/connect">
      <ETag>3</ETag>
      <RegistrationId>5-5-5</RegistrationId>
      <Tags>myTag,myOtherTag</Tags>
      <GcmRegistrationId>gcm-id</GcmRegistrationId>
    </GcmRegistrationDescription>
  </content>
</entry>`;
    expect(await parseRegistrationEntry(xml)).toEqual({
      kind: "Gcm",
      registrationId: "5-5-5",
      etag: "3",
      tags: ["myTag", "myOtherTag"],
      gcmRegistrationId: "gcm-id",
    });
  });

  it("reads an empty feed as no registrations", async () => {
    expect(await parseRegistrationFeed(serviceFeed([]))).toEqual([]);
  });

  it("rejects bodies that are not registrations with NHUB_UNEXPECTED_RESPONSE", async () => {
    await expect(parseRegistrationEntry("<Error><Code>500</Code></Error>")).rejects.toMatchObject({
      code: "NHUB_UNEXPECTED_RESPONSE",
    });
    await expect(parseRegistrationEntry("not xml <")).rejects.toMatchObject({
      code: "NHUB_UNEXPECTED_RESPONSE",
    });
    await expect(
      parseRegistrationEntry(
        serviceEntry("FooRegistrationDescription", "1", "<RegistrationId>1</RegistrationId>"),
      ),
    ).rejects.toThrow(/unknown registration type FooRegistrationDescription/);
    await expect(
      parseRegistrationEntry(
        serviceEntry("AppleRegistrationDescription", "1", "<RegistrationId>1</RegistrationId>"),
      ),
    ).rejects.toThrow(/has no DeviceToken/);
  });
});

describe("validation", () => {
  const cases: [string, unknown, string, string][] = [
    ["an unknown kind", { kind: "Fcm", fcmRegistrationId: "x" }, "kind", "one-of"],
    ["a missing handle", { kind: "Apple" }, "deviceToken", "required"],
    ["a non-hex APNs token", { kind: "Apple", deviceToken: "xyz1" }, "deviceToken", "hex"],
    ["an odd-length APNs token", { kind: "Apple", deviceToken: "ABC" }, "deviceToken", "hex"],
    ["a relative channel URI", { kind: "Windows", channelUri: "/c" }, "channelUri", "url"],
    ["a bad tag", { kind: "Gcm", gcmRegistrationId: "g", tags: ["no spaces"] }, "tags.0", "characters"],
    ["a tag with a comma", { kind: "Gcm", gcmRegistrationId: "g", tags: ["a,b"] }, "tags.0", "characters"],
    [
      "61 tags",
      { kind: "Gcm", gcmRegistrationId: "g", tags: Array.from({ length: 61 }, (_, i) => `t${i}`) },
      "tags",
      "max-tags",
    ],
    [
      "a push variable that is not a string",
      { kind: "Gcm", gcmRegistrationId: "g", pushVariables: { a: 1 } },
      "pushVariables.a",
      "type",
    ],
    [
      "a template on a native kind",
      { kind: "Gcm", gcmRegistrationId: "g", bodyTemplate: "{}" },
      "bodyTemplate",
      "kind",
    ],
    ["a missing body template", { kind: "GcmTemplate", gcmRegistrationId: "g" }, "bodyTemplate", "required"],
    [
      "a body template that is not JSON",
      { kind: "FcmV1Template", fcmV1RegistrationId: "f", bodyTemplate: "{x" },
      "bodyTemplate",
      "json",
    ],
    [
      "a WNS template without X-WNS-Type",
      { kind: "WindowsTemplate", channelUri: "https://w/c", bodyTemplate: "<toast/>", wnsHeaders: {} },
      "wnsHeaders.X-WNS-Type",
      "required",
    ],
    [
      "a WNS toast template that is not XML",
      {
        kind: "WindowsTemplate",
        channelUri: "https://w/c",
        bodyTemplate: "<toast>",
        wnsHeaders: { "X-WNS-Type": "wns/toast" },
      },
      "bodyTemplate",
      "xml-well-formed",
    ],
    [
      "an APNs header without the apns- prefix",
      { kind: "AppleTemplate", deviceToken: "AB", bodyTemplate: "{}", apnsHeaders: { "X-Foo": "1" } },
      "apnsHeaders.X-Foo",
      "apns-header",
    ],
    [
      "a header value with a line break",
      { kind: "AppleTemplate", deviceToken: "AB", bodyTemplate: "{}", apnsHeaders: { "apns-id": "a\r\nb" } },
      "apnsHeaders.apns-id",
      "header-value",
    ],
    [
      "an invalid expiry",
      { kind: "AppleTemplate", deviceToken: "AB", bodyTemplate: "{}", expiry: "soon" },
      "expiry",
      "date",
    ],
    [
      "an invalid priority",
      { kind: "AppleTemplate", deviceToken: "AB", bodyTemplate: "{}", priority: "7" },
      "priority",
      "one-of",
    ],
    [
      "a 201-character template name",
      { kind: "GcmTemplate", gcmRegistrationId: "g", bodyTemplate: "{}", templateName: "n".repeat(201) },
      "templateName",
      "max-length",
    ],
    [
      "a registration id with a slash",
      { kind: "Gcm", gcmRegistrationId: "g", registrationId: "a/b" },
      "registrationId",
      "characters",
    ],
    [
      "a negative Baidu message type",
      { kind: "BaiduTemplate", baiduUserId: "u", baiduChannelId: "c", bodyTemplate: "{}", messageType: -1 },
      "messageType",
      "integer",
    ],
    [
      "a character XML cannot carry",
      {
        kind: "WindowsTemplate",
        channelUri: "https://w/c",
        bodyTemplate: "a\u0001b",
        wnsHeaders: { "X-WNS-Type": "wns/raw" },
      },
      "bodyTemplate",
      "xml-char",
    ],
    [
      "an empty push variable name",
      { kind: "Gcm", gcmRegistrationId: "g", pushVariables: { "": "x" } },
      "pushVariables",
      "required",
    ],
  ];
  for (const [what, input, field, rule] of cases) {
    it(`refuses ${what} (${field}: ${rule})`, () => {
      let error: unknown;
      try {
        registrationToAtomXml(input as RegistrationDescription);
      } catch (e) {
        error = e;
      }
      expect(ValidationError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ field, rule });
    });
  }

  it("accepts a raw WNS template whose body is not XML", () => {
    expect(() =>
      checkRegistration({
        kind: "WindowsTemplate",
        channelUri: "https://w/c",
        bodyTemplate: '{"raw":"$(x)"}',
        wnsHeaders: { "x-wns-type": "wns/raw" },
      }),
    ).not.toThrow();
  });
});

// --- the round-trip property ---

// biome-ignore lint/suspicious/noControlCharactersInRegex: the characters XML 1.0 cannot carry are the point.
const XML_INVALID = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udfff]/u;
const text = fc
  .string({
    unit: fc.oneof(
      fc.constantFrom("&", "<", ">", "]]>", "\t", "\n", "\r", "'", '"', "😀", "é", " "),
      fc.string({ unit: "grapheme", maxLength: 1 }),
    ),
    maxLength: 20,
  })
  .filter((s) => !XML_INVALID.test(s));
const lineText = text.map((s) => s.replace(/[\t\n\r]/g, " "));
const tag = fc.stringMatching(/^[A-Za-z0-9_@#.:-]{1,16}$/);
const tags = fc.option(fc.array(tag, { minLength: 1, maxLength: 8 }), { nil: undefined });
const id = fc.stringMatching(/^[A-Za-z0-9._:-]{1,24}$/);
const url = fc.webUrl({ withQueryParameters: true });
const headerName = fc.stringMatching(/^X-[A-Za-z0-9-]{1,10}$/);
const headers = fc.dictionary(
  headerName,
  lineText.filter((v) => !/[\u007f]/.test(v)),
  { minKeys: 1, maxKeys: 3 },
);
const jsonBody = fc
  .tuple(
    fc.dictionary(fc.string({ maxLength: 6 }), text, { maxKeys: 3 }),
    fc.constantFrom(undefined, 2, "\t", "\r\n"),
  )
  .map(([obj, indent]) => JSON.stringify({ data: obj }, null, indent))
  .filter((s) => !XML_INVALID.test(s));
const common = fc.record(
  {
    registrationId: fc.stringMatching(/^[0-9]{1,19}-[0-9]{1,19}-[0-9]$/),
    etag: fc.stringMatching(/^[0-9]{1,6}$/),
    expirationTime: fc.date({
      noInvalidDate: true,
      min: new Date(0),
      max: new Date("9999-12-31T23:59:59.999Z"),
    }),
    tags,
    pushVariables: fc.dictionary(fc.string({ minLength: 1, maxLength: 8 }), text, { minKeys: 1, maxKeys: 3 }),
  },
  { requiredKeys: [] },
);
const templateName = fc.option(
  lineText.filter((s) => s.length > 0),
  { nil: undefined },
);
const hex = fc
  .array(fc.constantFrom(..."0123456789abcdefABCDEF"), { minLength: 1, maxLength: 16 })
  .map((cs) => (cs.length % 2 ? [...cs, "0"] : cs).join(""));

const platform = fc.oneof(
  fc.record({ kind: fc.constant("Apple" as const), deviceToken: hex }),
  fc.record(
    {
      kind: fc.constant("AppleTemplate" as const),
      deviceToken: hex,
      bodyTemplate: jsonBody,
      expiry: fc.constantFrom("$(expiry)", "0", "2030-01-01T00:00:00.000Z", "2031-05-06T07:08:09Z"),
      templateName,
      priority: fc.constantFrom("10", "5", "1", "$(priority)"),
      apnsHeaders: fc.dictionary(fc.stringMatching(/^apns-[a-z-]{1,10}$/), lineText, {
        minKeys: 1,
        maxKeys: 3,
      }),
    },
    { requiredKeys: ["kind", "deviceToken", "bodyTemplate"] },
  ),
  fc.record({ kind: fc.constant("Gcm" as const), gcmRegistrationId: id }),
  fc.record({
    kind: fc.constant("GcmTemplate" as const),
    gcmRegistrationId: id,
    bodyTemplate: jsonBody,
    templateName,
  }),
  fc.record({ kind: fc.constant("FcmV1" as const), fcmV1RegistrationId: id }),
  fc.record({
    kind: fc.constant("FcmV1Template" as const),
    fcmV1RegistrationId: id,
    bodyTemplate: jsonBody,
    templateName,
  }),
  fc.record(
    {
      kind: fc.constant("Windows" as const),
      channelUri: url,
      secondaryTileName: lineText.filter((s) => s.length > 0),
    },
    { requiredKeys: ["kind", "channelUri"] },
  ),
  fc.record({
    kind: fc.constant("WindowsTemplate" as const),
    channelUri: url,
    bodyTemplate: lineText.map(
      (t) =>
        `<toast><visual><binding template="ToastText01"><text id="1">${t.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/]]>/g, "]]&gt;")}</text></binding></visual></toast>`,
    ),
    wnsHeaders: headers.map((h) => ({ ...h, "X-WNS-Type": "wns/toast" })),
    templateName,
  }),
  fc.record({ kind: fc.constant("Mpns" as const), channelUri: url }),
  fc.record(
    {
      kind: fc.constant("MpnsTemplate" as const),
      channelUri: url,
      bodyTemplate: jsonBody,
      mpnsHeaders: headers,
      templateName,
    },
    { requiredKeys: ["kind", "channelUri", "bodyTemplate"] },
  ),
  fc.record({ kind: fc.constant("Adm" as const), admRegistrationId: id }),
  fc.record({
    kind: fc.constant("AdmTemplate" as const),
    admRegistrationId: id,
    bodyTemplate: jsonBody,
    templateName,
  }),
  fc.record({ kind: fc.constant("Baidu" as const), baiduUserId: id, baiduChannelId: id }),
  fc.record(
    {
      kind: fc.constant("BaiduTemplate" as const),
      baiduUserId: id,
      baiduChannelId: id,
      bodyTemplate: jsonBody,
      templateName,
      messageType: fc.nat(100),
    },
    { requiredKeys: ["kind", "baiduUserId", "baiduChannelId", "bodyTemplate"] },
  ),
  fc.record({ kind: fc.constant("Browser" as const), endpoint: url, p256dh: id, auth: id }),
  fc.record({
    kind: fc.constant("BrowserTemplate" as const),
    endpoint: url,
    p256dh: id,
    auth: id,
    bodyTemplate: jsonBody,
    templateName,
  }),
  fc.record({ kind: fc.constant("Xiaomi" as const), xiaomiRegistrationId: id }),
  fc.record({
    kind: fc.constant("XiaomiTemplate" as const),
    xiaomiRegistrationId: id,
    bodyTemplate: jsonBody,
    templateName,
  }),
);

/** Drops keys whose value is undefined (fc.option's nil), which is what the description means. */
function defined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}

const registration = fc
  .tuple(common, platform)
  .map(([c, p]) => defined({ ...c, ...p }) as unknown as RegistrationDescription);

describe("round trip", () => {
  it("parse(serialise(r)) gives back r for any registration of any kind", async () => {
    await fc.assert(
      fc.asyncProperty(registration, async (r) => {
        deepFreeze(r);
        const xml = registrationToAtomXml(r, { includeReadOnly: true });
        expect(xmlTree(xml)).toBeTruthy();
        expect(await parseRegistrationEntry(xml)).toEqual(r);
      }),
      { numRuns: 400 },
    );
  });

  it("writes a request (no read-only elements) that parses back to r without them", async () => {
    await fc.assert(
      fc.asyncProperty(registration, async (r) => {
        const { registrationId: _id, etag: _etag, expirationTime: _time, ...writable } = r;
        expect(await parseRegistrationEntry(registrationToAtomXml(r))).toEqual(writable);
      }),
      { numRuns: 200 },
    );
  });
});
