/**
 * Get-then-write round trips against a loopback server that answers with fields and elements nhub does not
 * model: whatever the service returned goes back unchanged.
 */
import type { NotificationHub } from "@nhub/core";
import type { RecordingServer } from "@nhub/testkit";
import { afterEach, describe, expect, it } from "vitest";
import {
  createOrUpdateInstallation,
  createOrUpdateRegistration,
  getInstallation,
  getRegistration,
  listRegistrations,
  type RegistrationDescription,
  updateInstallation,
  updateRegistration,
} from "../src/index";
import { atomAnswer, childElementNames, serviceEntry, serviceFeed, startHub } from "./fixtures";

let server: RecordingServer;
let hub: NotificationHub;
let running = false;

afterEach(async () => {
  if (!running) return;
  running = false;
  await hub.close();
  await server.close();
});

const TOKEN = "62BCD3484834B7E2DC56733AC5509259230CC1BA82BA1AE7D06E91908A05A8FA";

// What a newer service could hold: every documented field plus ones nhub has never heard of, at every level.
const STORED = {
  installationId: "wns-1",
  userId: "ann",
  platform: "wns",
  pushChannel: "https://db5.notify.windows.com/?token=a",
  pushChannelExpired: false,
  expirationTime: "9999-12-31T23:59:59.9999999Z",
  lastActiveOn: "2026-01-02T03:04:05.0000000",
  lastUpdate: "2026-01-02T03:04:05.0000000",
  tags: ["sports", "lang:en"],
  pushVariables: { name: "Ann", city: 'Zürich "centre"' },
  templates: {
    toast: {
      body: '<toast><visual><binding template="ToastText01"><text id="1">$(msg)</text></binding></visual></toast>',
      headers: { "X-WNS-Type": "wns/toast" },
      tags: ["toast"],
      priority: "high",
      futureNested: { a: [1, true, null, "x"], b: { c: 2.5 } },
    },
  },
  secondaryTiles: {
    tile1: {
      pushChannel: "https://db5.notify.windows.com/?token=tile",
      tags: ["tile"],
      templates: {
        badge: { body: '<badge value="$(n)"/>', headers: { "X-WNS-Type": "wns/badge" }, newPart: "keep" },
      },
      tileColour: "blue",
    },
  },
  advertisingId: "ad-42",
  appId: "app-7",
  future: { deeply: { nested: ["value", 3, false, null] } },
};

const READ_ONLY = ["pushChannelExpired", "expirationTime", "lastActiveOn", "lastUpdate"];

describe("installation get -> put", () => {
  it("writes back every writable field, known or not, unchanged", async () => {
    ({ server, hub } = await startHub((req) =>
      req.method === "GET" ? { status: 200, body: JSON.stringify(STORED) } : { status: 200 },
    ));
    running = true;
    const installation = await getInstallation(hub, "wns-1");
    expect(installation.pushVariables).toEqual(STORED.pushVariables);
    expect(installation.secondaryTiles?.["tile1"]?.pushChannel).toBe(STORED.secondaryTiles.tile1.pushChannel);
    expect(installation.extensionData).toEqual({
      advertisingId: "ad-42",
      appId: "app-7",
      future: STORED.future,
    });
    await createOrUpdateInstallation(hub, installation);

    const put = server.requests[1]!;
    expect(put.method).toBe("PUT");
    const expected: Record<string, unknown> = { ...STORED };
    for (const key of READ_ONLY) delete expected[key];
    expect(JSON.parse(put.text)).toEqual(expected);
    // Values nhub does not model go back as the exact JSON text the service sent.
    for (const value of [
      STORED.future,
      STORED.templates.toast.futureNested,
      STORED.secondaryTiles.tile1.templates.badge,
      STORED.pushVariables,
    ]) {
      expect(put.text).toContain(JSON.stringify(value));
    }
  });

  it("keeps a field named like a prototype key a plain field", async () => {
    const body = `{"installationId":"d","platform":"fcmv1","pushChannel":"t","__proto__":{"polluted":"yes"}}`;
    ({ server, hub } = await startHub((req) =>
      req.method === "GET" ? { status: 200, body } : { status: 200 },
    ));
    running = true;
    const installation = await getInstallation(hub, "d");
    await createOrUpdateInstallation(hub, installation);
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
    expect(server.requests[1]!.text).toBe(body);
  });
});

describe("installation get -> patch", () => {
  it("addresses push variables and secondary tiles; the unknown fields stay with the service", async () => {
    ({ server, hub } = await startHub((req) =>
      req.method === "GET" ? { status: 200, body: JSON.stringify(STORED) } : { status: 200 },
    ));
    running = true;
    const installation = await getInstallation(hub, "wns-1");
    await updateInstallation(
      hub,
      installation.installationId,
      [
        { op: "replace", path: "/pushVariables/name", value: "Bob" },
        { op: "remove", path: "/pushVariables/city" },
        { op: "add", path: "/pushVariables", value: { ...installation.pushVariables, mood: "happy" } },
        { op: "add", path: "/secondaryTiles/tile1/tags", value: "extra" },
        {
          op: "replace",
          path: "/secondaryTiles/tile1/pushChannel",
          value: "https://db5.notify.windows.com/?n",
        },
        { op: "replace", path: "/secondaryTiles/tile1/templates/badge/body", value: '<badge value="1"/>' },
      ],
      { platform: installation.platform },
    );
    const patch = server.requests[1]!;
    expect(patch.method).toBe("PATCH");
    expect(JSON.parse(patch.text)).toEqual([
      { op: "replace", path: "/pushVariables/name", value: "Bob" },
      { op: "remove", path: "/pushVariables/city" },
      {
        op: "add",
        path: "/pushVariables",
        value: JSON.stringify({ ...STORED.pushVariables, mood: "happy" }),
      },
      { op: "add", path: "/secondaryTiles/tile1/tags", value: "extra" },
      {
        op: "replace",
        path: "/secondaryTiles/tile1/pushChannel",
        value: "https://db5.notify.windows.com/?n",
      },
      { op: "replace", path: "/secondaryTiles/tile1/templates/badge/body", value: '<badge value="1"/>' },
    ]);
  });
});

// A description as a newer service might write it: unknown elements before, between and after known ones.
const UNKNOWN_FIRST = '<Origin i:nil="true"/>';
const UNKNOWN_MIDDLE = '<Priority2 kind="x">high &amp; <b>bold</b></Priority2>';
const UNKNOWN_LAST = "<Channel><Kind>beta</Kind><![CDATA[a<b]]></Channel>";
const APPLE_TEMPLATE_INNER =
  `${UNKNOWN_FIRST}<ETag>3</ETag><ExpirationTime>9999-12-31T23:59:59.9999999Z</ExpirationTime>` +
  "<RegistrationId>r-1</RegistrationId><Tags>a,b</Tags>" +
  `<PushVariables>{"name":"Ann"}</PushVariables>${UNKNOWN_MIDDLE}` +
  `<DeviceToken>${TOKEN}</DeviceToken><BodyTemplate><![CDATA[{"aps":{"alert":"$(m)"}}]]></BodyTemplate>` +
  "<Expiry>2030-01-01T00:00:00Z</Expiry><TemplateName>t</TemplateName><Priority>10</Priority>" +
  `<ApnsHeaders><ApnsHeader><Header>apns-push-type</Header><Value>alert</Value></ApnsHeader></ApnsHeaders>${UNKNOWN_LAST}`;

describe("registration get -> update", () => {
  it("puts unknown elements back unchanged, where they were", async () => {
    const entry = serviceEntry("AppleTemplateRegistrationDescription", "r-1", APPLE_TEMPLATE_INNER, "3");
    ({ server, hub } = await startHub((req) => atomAnswer(entry, req.method === "GET" ? 200 : 200)));
    running = true;
    const registration = await getRegistration(hub, "r-1");
    expect(registration.extensionElements).toEqual([
      { xml: UNKNOWN_FIRST },
      { xml: UNKNOWN_MIDDLE, after: "PushVariables" },
      { xml: UNKNOWN_LAST, after: "ApnsHeaders" },
    ]);
    await updateRegistration(hub, { ...registration, tags: ["a", "b", "c"] });
    const put = server.requests[1]!;
    expect(put.headers["if-match"]).toBe('"3"');
    expect(childElementNames(put.text, "AppleTemplateRegistrationDescription")).toEqual([
      "Origin",
      "Tags",
      "PushVariables",
      "Priority2",
      "DeviceToken",
      "BodyTemplate",
      "Expiry",
      "TemplateName",
      "Priority",
      "ApnsHeaders",
      "Channel",
    ]);
    for (const raw of [UNKNOWN_FIRST, UNKNOWN_MIDDLE, UNKNOWN_LAST]) expect(put.text).toContain(raw);
    expect(put.text).toContain("<Tags>a,b,c</Tags>");
  });

  it("keeps an unknown element's slot when the element it followed is not written", async () => {
    const inner =
      "<ETag>1</ETag><RegistrationId>r-2</RegistrationId><Tags>a</Tags><After>1</After>" +
      "<FcmV1RegistrationId>tok</FcmV1RegistrationId>";
    const entry = serviceEntry("FcmV1RegistrationDescription", "r-2", inner);
    ({ server, hub } = await startHub(() => atomAnswer(entry)));
    running = true;
    const registration = await getRegistration(hub, "r-2");
    const { tags: _dropped, ...withoutTags } = registration;
    await createOrUpdateRegistration(hub, withoutTags as RegistrationDescription);
    expect(childElementNames(server.requests[1]!.text, "FcmV1RegistrationDescription")).toEqual([
      "After",
      "FcmV1RegistrationId",
    ]);
  });

  it("reads each entry of a feed with its own unknown elements", async () => {
    const feed = serviceFeed([
      serviceEntry(
        "GcmRegistrationDescription",
        "g",
        "<Tags>x</Tags><One/><GcmRegistrationId>g1</GcmRegistrationId>",
        "1",
        false,
      ),
      serviceEntry(
        "GcmRegistrationDescription",
        "h",
        "<GcmRegistrationId>g2</GcmRegistrationId><Two>2</Two>",
        "1",
        false,
      ),
    ]);
    ({ server, hub } = await startHub(() => atomAnswer(feed)));
    running = true;
    const all: RegistrationDescription[] = [];
    for await (const r of listRegistrations(hub)) all.push(r);
    expect(all.map((r) => r.extensionElements)).toEqual([
      [{ xml: "<One/>", after: "Tags" }],
      [{ xml: "<Two>2</Two>", after: "GcmRegistrationId" }],
    ]);
  });

  it("refuses extension elements that are not one element or that shadow a known one, sending nothing", async () => {
    ({ server, hub } = await startHub(() => atomAnswer("")));
    running = true;
    const base = { kind: "FcmV1", registrationId: "r", fcmV1RegistrationId: "tok" } as const;
    for (const [xml, rule] of [
      ["text", "element"],
      ["<a/><b/>", "xml-well-formed"],
      ["<a>", "xml-well-formed"],
      ["<Tags>x</Tags>", "known-element"],
      ["</FcmV1RegistrationDescription><Tags>x</Tags><x>", "element"],
    ] as const) {
      await expect(
        createOrUpdateRegistration(hub, { ...base, extensionElements: [{ xml }] }),
      ).rejects.toMatchObject({ field: "extensionElements.0.xml", rule });
    }
    expect(server.requests).toHaveLength(0);
  });
});
