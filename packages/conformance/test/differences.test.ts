/**
 * Every place where nhub's request deliberately differs from the official SDK's, asserted as it is, each with
 * the reason nhub's request is the right one (protocol.md first; the REST reference and the .NET and Java SDKs
 * where protocol.md is silent).
 */
import * as sdk from "@azure/notification-hubs";
import type { NotificationHub } from "@nhub/core";
import {
  createOrUpdateInstallation,
  createRegistration,
  createRegistrationId,
  deleteRegistration,
  getInstallation,
  getNotificationHubJob,
  getRegistration,
  type Installation,
  listNotificationHubJobs,
  listRegistrationsByChannel,
  listRegistrationsByTag,
  type RegistrationDescription,
  updateInstallation,
  updateRegistration,
} from "@nhub/installations";
import { createMpnsNotification } from "@nhub/platform-mpns";
import { verifySasToken } from "@nhub/testkit";
import { describe, expect, it } from "vitest";
import {
  createNhubClient,
  createSdkClient,
  ETAG,
  HUB_URL,
  KEYS,
  NAMESPACE_URL,
  REGISTRATION_ID,
  runBoth,
  runOne,
  serviceResponder,
  signedResource,
  tokenVerifies,
} from "../src/capture";
import { type CapturedRequest, childNames, diffRequests, findElement, parseXmlTree } from "../src/compare";
import { BROWSER_SUBSCRIPTION, pair } from "./notification-pairs";

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

/** The child element names of a registration description in a request body. */
function descriptionChildren(request: CapturedRequest, kind: string): string[] {
  return childNames(findElement(parseXmlTree(request.body!), `${kind}RegistrationDescription`)!);
}

/** Deep-freezes a value, so writing to it throws in strict mode. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object") {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

describe("sends", () => {
  it("a test broadcast: the SDK sends ServiceBusNotification-Tags: undefined, nhub no tags header", async () => {
    const { sdk: sdkNotification, nhub: nhubNotification } = pair("apple");
    const run = await runOne(
      (c) => c.sendBroadcastNotification(sdkNotification, { enableTestSend: true }),
      (h) => h.send(nhubNotification, { test: true }),
    );
    // The SDK sets the tags header whenever the options object has `enableTestSend`, even without a tag
    // expression, and its header bag turns `undefined` into the string "undefined". The service then sends to
    // the devices tagged "undefined" (normally none) instead of broadcasting. protocol.md: the tags header is
    // optional and its absence means broadcast; nhub leaves it out, so a test broadcast reaches everyone.
    expect(run.diff).toEqual(['header servicebusnotification-tags: sdk "undefined" nhub (absent)']);
    expect(run.nhub.query).toContainEqual(["test", "true"]);
  });

  it("a set of tags: the SDK's createTagExpression writes a||b, nhub a || b (protocol.md's form)", async () => {
    const { sdk: sdkNotification, nhub: nhubNotification } = pair("fcmv1");
    const run = await runOne(
      (c) => c.sendNotification(sdkNotification, { tagExpression: sdk.createTagExpression(["a", "b", "c"]) }),
      (h) => h.send(nhubNotification, { tags: new Set(["a", "b", "c"]) }),
    );
    // Both parse to the same expression (the grammar allows whitespace between tokens); protocol.md writes a
    // set of tags as "a || b || c", which is what nhub sends.
    expect(run.diff).toEqual(['header servicebusnotification-tags: sdk "a||b||c" nhub "a || b || c"']);
  });

  it("windowsphone (MPNS): the SDK has no way to send it; nhub sends format windowsphone", async () => {
    // The SDK exports no MPNS notification factory and its Notification type has no "windowsphone" platform.
    expect(Object.keys(sdk).filter((name) => /mpns|windowsphone/i.test(name))).toEqual([]);
    const body =
      '<?xml version="1.0" encoding="utf-8"?><wp:Notification xmlns:wp="WPNotification"><wp:Toast><wp:Text1>Game</wp:Text1><wp:Text2>Ann scored</wp:Text2></wp:Toast></wp:Notification>';
    // Forcing a hand-made object through the SDK's generic send path shows the request is the one the SDK
    // would send if it had the platform: nhub adds the MPNS headers protocol.md requires for a toast.
    const forced = {
      platform: "windowsphone",
      contentType: "application/xml;charset=utf-8",
      body,
      headers: { "X-WindowsPhone-Target": "toast", "X-NotificationClass": "2" },
    } as unknown as sdk.Notification;
    const run = await runOne(
      (c) => c.sendNotification(forced, { tagExpression: "sports" }),
      (h) => h.send(createMpnsNotification(body), { tags: "sports" }),
    );
    expect(run.diff).toEqual([]);
    expect(run.nhub.headers).toMatchObject({
      "servicebusnotification-format": "windowsphone",
      "content-type": "application/xml;charset=utf-8",
      "x-windowsphone-target": "toast",
      "x-notificationclass": "2",
    });
  });

  it("a batch of 1001 handles: the SDK sends one request the service refuses, nhub two of at most 1000", async () => {
    const { sdk: sdkNotification, nhub: nhubNotification } = pair("fcmv1");
    const handles = Array.from({ length: 1001 }, (_, i) => `token-${i}`);
    const run = await runBoth(
      (c) => c.sendNotification(sdkNotification, { deviceHandle: handles }),
      (h) => h.sendDirectBatch(nhubNotification, handles),
    );
    // protocol.md: at most 1000 handles per batch request, and the official SDK does not chunk.
    const count = (r: CapturedRequest) =>
      (JSON.parse(r.body!.split("name=devices\r\n\r\n")[1]!.split("\r\n")[0]!) as string[]).length;
    expect(run.sdkRequests.map(count)).toEqual([1001]);
    expect(run.nhubRequests.map(count)).toEqual([1000, 1]);
    expect(run.nhubResult).toMatchObject({ sentHandles: 1001, failedHandles: 0 });
  });

  it('a batch\'s Content-Type: the SDK writes boundary = "...", nhub boundary="..."', async () => {
    const { sdk: sdkNotification, nhub: nhubNotification } = pair("fcmv1");
    const run = await runOne(
      (c) => c.sendNotification(sdkNotification, { deviceHandle: ["a"] }),
      (h) => h.sendDirectBatch(nhubNotification, ["a"]),
    );
    // RFC 9110, section 5.6.6: a parameter is `name=value` and "no whitespace is allowed around the '='
    // character". A strict parser reads the SDK's `boundary ` (with a space) as the parameter name and finds
    // no boundary; nhub's form is the one the grammar allows.
    expect(run.sdk.headers["content-type"]).toMatch(
      /^multipart\/mixed; boundary = "nh-boundary-[0-9a-f-]+"$/,
    );
    expect(run.nhub.headers["content-type"]).toMatch(/^multipart\/mixed; boundary="nhub-[0-9a-f-]+"$/);
    expect(run.diff).toEqual([
      'header content-type: sdk "multipart/mixed; boundary = \\"<boundary>\\"" nhub "multipart/mixed; boundary=\\"<boundary>\\""',
    ]);
  });
});

describe("authorization", () => {
  it("both tokens verify with the key; the SDK signs the namespace, nhub only the hub", async () => {
    const { sdk: sdkNotification, nhub: nhubNotification } = pair("apple");
    const run = await runOne(
      (c) => c.sendNotification(sdkNotification, { tagExpression: "sports" }),
      (h) => h.send(nhubNotification, { tags: "sports" }),
    );
    expect(tokenVerifies(run.sdk)).toBe(true);
    expect(tokenVerifies(run.nhub)).toBe(true);
    expect(signedResource(run.sdk)).toBe(`${NAMESPACE_URL}/`);
    expect(signedResource(run.nhub)).toBe(HUB_URL);
    // protocol.md: the service accepts any sr that is a prefix of the request URL. The SDK's token opens every
    // hub of the namespace; nhub's is scoped to this hub's URL, so a leaked token does less harm.
    const otherHub = `${NAMESPACE_URL}/otherhub/messages/?api-version=2020-06`;
    expect(verifySasToken(run.sdk.headers["authorization"], otherHub, KEYS)).toBe(true);
    expect(verifySasToken(run.nhub.headers["authorization"], otherHub, KEYS)).toBe(false);
    // A wrong key verifies neither.
    const wrong = new Map([[[...KEYS.keys()][0]!, "not-the-key="]]);
    expect(verifySasToken(run.sdk.headers["authorization"], run.sdk.url, wrong)).toBe(false);
    expect(verifySasToken(run.nhub.headers["authorization"], run.nhub.url, wrong)).toBe(false);
  });
});

describe("requests without a body", () => {
  const cases: readonly {
    name: string;
    sdk: (c: sdk.NotificationHubsClient) => Promise<unknown>;
    nhub: (h: NotificationHub) => Promise<unknown>;
    contentType: string;
  }[] = [
    {
      name: "GET installations/{id}",
      sdk: (c) => c.getInstallation("device-42"),
      nhub: (h) => getInstallation(h, "device-42"),
      contentType: "application/json",
    },
    {
      name: "POST registrationIDs",
      sdk: (c) => c.createRegistrationId(),
      nhub: (h) => createRegistrationId(h),
      contentType: "application/xml;type=entry;charset=utf-8",
    },
    {
      name: "GET registrations/{id}",
      sdk: (c) => c.getRegistration(REGISTRATION_ID),
      nhub: (h) => getRegistration(h, REGISTRATION_ID),
      contentType: "application/xml;type=entry;charset=utf-8",
    },
    {
      name: "DELETE registrations/{id}",
      sdk: (c) => c.deleteRegistration(REGISTRATION_ID),
      nhub: (h) => deleteRegistration(h, REGISTRATION_ID),
      contentType: "application/atom+xml;type=entry;charset=utf-8",
    },
    {
      name: "GET feedbackcontainer",
      sdk: (c) => c.getFeedbackContainerUrl(),
      nhub: (h) => h.getFeedbackContainerUrl(),
      contentType: "application/xml;type=entry;charset=utf-8",
    },
    {
      name: "GET jobs/{id}",
      sdk: (c) => c.getNotificationHubJob("job-1"),
      nhub: (h) => getNotificationHubJob(h, "job-1"),
      contentType: "application/atom+xml;type=entry;charset=utf-8",
    },
    {
      name: "GET jobs",
      sdk: (c) => c.listNotificationHubJobs(),
      nhub: (h) => listNotificationHubJobs(h),
      contentType: "application/atom+xml;type=entry;charset=utf-8",
    },
  ];

  it.each(cases)("$name: the SDK sends Content-Type $contentType, nhub none", async (c) => {
    const run = await runOne(c.sdk, c.nhub);
    // Content-Type describes the content (RFC 9110, section 8.3); these requests have none, so nhub sends no
    // Content-Type, like the .NET SDK. The service ignores the SDK's, so both work; nhub's is the accurate one.
    expect(run.sdk.body).toBeUndefined();
    expect(run.nhub.body).toBeUndefined();
    expect(run.diff).toEqual([`header content-type: sdk ${JSON.stringify(c.contentType)} nhub (absent)`]);
  });
});

describe("installations", () => {
  it("PATCH: the SDK labels the JSON Patch document application/json, nhub application/json-patch+json", async () => {
    const run = await runOne(
      (c) => c.updateInstallation("device-42", [{ op: "add", path: "/tags", value: "football" }]),
      (h) => updateInstallation(h, "device-42", [{ op: "add", path: "/tags", value: "football" }]),
    );
    // protocol.md: installations are patched with `application/json-patch+json` (RFC 6902's media type, the
    // one the REST reference and the .NET SDK use).
    expect(run.diff).toEqual([
      'header content-type: sdk "application/json" nhub "application/json-patch+json"',
    ]);
  });

  it("a read installation written back: the SDK sends the service's read-only fields, nhub only writable ones", async () => {
    const run = await runBoth(
      async (c) => c.createOrUpdateInstallation(await c.getInstallation("device-42")),
      async (h) => createOrUpdateInstallation(h, await getInstallation(h, "device-42")),
    );
    const [, sdkPut] = run.sdkRequests;
    const [, nhubPut] = run.nhubRequests;
    // expirationTime, lastUpdate and pushChannelExpired are set by the service; protocol.md lists the
    // installation's fields without them. nhub never sends them, so a read-modify-write cannot try to move an
    // expiry or un-expire a channel.
    expect(diffRequests(sdkPut!, nhubPut!)).toEqual([
      'body.expirationTime: sdk "2099-01-01T00:00:00.000Z" nhub (absent)',
      'body.lastUpdate: sdk "2026-03-04T05:06:07.123Z" nhub (absent)',
      "body.pushChannelExpired: sdk false nhub (absent)",
    ]);
  });

  it("an installation id with @ and a colon: the SDK keeps them raw in the path, nhub percent-encodes them", async () => {
    const installation = {
      installationId: "ann@example.com:phone",
      platform: "fcmv1",
      pushChannel: "fcm-token-1",
    } as const;
    const run = await runOne(
      (c) => c.createOrUpdateInstallation({ ...installation }),
      (h) => createOrUpdateInstallation(h, installation as Installation),
    );
    // Both decode to the same id (the service decodes the segment before it looks the id up); nhub encodes
    // every reserved character so that no id can change the shape of the path. protocol.md is silent.
    expect(run.diff).toEqual([
      "path encoding: sdk /myhub/installations/ann@example.com:phone nhub /myhub/installations/ann%40example.com%3Aphone",
    ]);
  });
});

describe("registrations", () => {
  const appleTemplate = {
    kind: "AppleTemplate",
    deviceToken: "62BCD3484834B7E2DC56733AC5509259230CC1BA82BA1AE7D06E91908A05A8FA",
    bodyTemplate: '{"aps":{"alert":"$(message)"}}',
    templateName: "alert",
  } as const;

  it("the SDK clears registrationId and etag on the object it is given; nhub never writes to it", async () => {
    const read = { ...appleTemplate, registrationId: REGISTRATION_ID, etag: ETAG };
    const sdkCopy: sdk.RegistrationDescription = { ...read };
    const nhubCopy = deepFreeze({ ...read }) as RegistrationDescription;
    const run = await runOne(
      (c) => c.updateRegistration(sdkCopy),
      (h) => updateRegistration(h, nhubCopy),
    );
    expect(run.nhub.headers["if-match"]).toBe(`"${ETAG}"`);
    // After one update the SDK's object has lost its id and etag, so updating it again fails ("ETag is
    // required") and the caller has to re-read. nhub's style rule: never mutate caller objects; it accepts
    // even a frozen object, which the SDK cannot take at all.
    expect(sdkCopy.registrationId).toBeUndefined();
    expect(sdkCopy.etag).toBeUndefined();
    expect(nhubCopy).toEqual(read);
    const frozen = deepFreeze({ ...read }) as sdk.RegistrationDescription;
    await expect(createSdkClient(serviceResponder, []).updateRegistration(frozen)).rejects.toThrow(TypeError);
  });

  it("Apple template expiry: the SDK writes Date.toString(), nhub ISO-8601, in the .NET element order", async () => {
    const expiry = new Date("2030-01-02T03:04:05Z");
    const run = await runOne(
      (c) => c.createRegistration({ ...appleTemplate, expiry }),
      (h) => createRegistration(h, { ...appleTemplate, expiry }),
    );
    const text = (r: CapturedRequest) => findElement(parseXmlTree(r.body!), "Expiry")!.text;
    // Date.toString() is a local-time display string ("Wed Jan 02 2030 03:04:05 GMT+0000 (...)") that the
    // service's xs:dateTime reader cannot parse; protocol.md gives Apple expiry as a W3C (ISO-8601) date.
    expect(text(run.sdk)).toBe(expiry.toString());
    expect(text(run.nhub)).toBe("2030-01-02T03:04:05.000Z");
    // The .NET data contract (and the .NET SDK's own request in its tests) puts Expiry before TemplateName;
    // protocol.md: element order matters and the .NET order is the safe one.
    expect(descriptionChildren(run.sdk, "AppleTemplate")).toEqual([
      "DeviceToken",
      "BodyTemplate",
      "TemplateName",
      "Expiry",
    ]);
    expect(descriptionChildren(run.nhub, "AppleTemplate")).toEqual([
      "DeviceToken",
      "BodyTemplate",
      "Expiry",
      "TemplateName",
    ]);
  });

  it("Apple template priority: the SDK drops it, nhub writes <Priority>", async () => {
    const registration = { ...appleTemplate, priority: "5" } as const;
    const run = await runOne(
      (c) => c.createRegistration({ ...registration }),
      (h) => createRegistration(h, registration),
    );
    // The SDK's type has `priority` but its serializer never writes it, so a background template registered
    // through it is sent at APNs' default priority 10 (which APNs refuses for content-available pushes).
    expect(descriptionChildren(run.sdk, "AppleTemplate")).not.toContain("Priority");
    expect(findElement(parseXmlTree(run.nhub.body!), "Priority")!.text).toBe("5");
  });

  it.each([
    {
      kind: "WindowsTemplate",
      registration: {
        kind: "WindowsTemplate",
        channelUri: "https://db5p.notify.windows.com/w/?token=AwYAAAB",
        bodyTemplate: '<badge value="$(count)"/>',
        wnsHeaders: { "X-WNS-Type": "wns/badge" },
        templateName: "badge",
      },
      sdkOrder: ["ChannelUri", "BodyTemplate", "TemplateName", "WnsHeaders"],
      nhubOrder: ["ChannelUri", "BodyTemplate", "WnsHeaders", "TemplateName"],
    },
    {
      kind: "MpnsTemplate",
      registration: {
        kind: "MpnsTemplate",
        channelUri: "http://s.notify.live.net/u/1/db5/H2QAAAA",
        bodyTemplate:
          '<wp:Notification xmlns:wp="WPNotification"><wp:Tile><wp:Count>$(count)</wp:Count></wp:Tile></wp:Notification>',
        mpnsHeaders: { "X-NotificationClass": "1", "X-WindowsPhone-Target": "token" },
        templateName: "tile",
      },
      sdkOrder: ["ChannelUri", "BodyTemplate", "TemplateName", "MpnsHeaders"],
      nhubOrder: ["ChannelUri", "BodyTemplate", "MpnsHeaders", "TemplateName"],
    },
    {
      kind: "Baidu",
      registration: {
        kind: "Baidu",
        baiduUserId: "4266437413278745621",
        baiduChannelId: "3583915183623447231",
      },
      sdkOrder: ["BaiduChannelId", "BaiduUserId"],
      nhubOrder: ["BaiduUserId", "BaiduChannelId"],
    },
  ] as const)("$kind element order: the SDK's is not the .NET data contract's", async (c) => {
    const run = await runOne(
      (client) => client.createRegistration({ ...c.registration } as sdk.RegistrationDescription),
      (h) => createRegistration(h, c.registration as RegistrationDescription),
    );
    // protocol.md: element order matters and the .NET order is the safe one (the descriptions are .NET data
    // contracts, whose reader expects their members in a fixed order and does not look back for one that comes
    // late). The official Java SDK also writes BaiduUserId before BaiduChannelId.
    expect(descriptionChildren(run.sdk, c.kind)).toEqual(c.sdkOrder);
    expect(descriptionChildren(run.nhub, c.kind)).toEqual(c.nhubOrder);
  });

  it("the Atom entry: the SDK adds <updated>, nhub writes the entry the .NET and Java SDKs write", async () => {
    const run = await runOne(
      (c) => c.createRegistration({ ...appleTemplate }),
      (h) => createRegistration(h, appleTemplate),
    );
    // protocol.md is silent; the service ignores <updated> (it sets its own timestamps), and the .NET and Java
    // SDKs and the REST reference's examples send `<entry><content type="application/xml">` only. The
    // body template is CDATA on the SDK's side and escaped text on nhub's: the same text once parsed.
    expect(run.diff).toEqual(["body/entry: children sdk [updated, content] nhub [content]"]);
    expect(run.sdk.body).toContain("<![CDATA[");
    expect(run.nhub.body).not.toContain("<![CDATA[");
  });

  it("a body template with a CR: the SDK's CDATA loses it, nhub's &#13; keeps it", async () => {
    const registration = {
      kind: "FcmV1Template",
      fcmV1RegistrationId: "fcm-token-1",
      bodyTemplate: '{"message":\r\n{"notification":{"body":"$(message)"}}}',
    } as const;
    const run = await runOne(
      (c) => c.createRegistration({ ...registration }),
      (h) => createRegistration(h, registration),
    );
    const text = (r: CapturedRequest) => findElement(parseXmlTree(r.body!), "BodyTemplate")!.text;
    // An XML reader turns CRLF (and a lone CR) into LF before anything else, CDATA included (XML 1.0, section
    // 2.11), so the template the service stores from the SDK's request has lost its CR. nhub writes the CR as
    // the character reference &#13;, which survives, so the template is stored exactly as given.
    expect(text(run.nhub)).toBe(registration.bodyTemplate);
    expect(text(run.sdk)).toBe(registration.bodyTemplate.replace("\r\n", "\n"));
    expect(run.nhub.body).toContain("&#13;");
  });

  it("no tags: the SDK writes an empty <Tags/>, nhub leaves the element out", async () => {
    const registration = { kind: "FcmV1", fcmV1RegistrationId: "fcm-token-1", tags: [] as string[] } as const;
    const run = await runOne(
      (c) => c.createRegistration({ ...registration, tags: [] }),
      (h) => createRegistration(h, registration),
    );
    // protocol.md is silent. An absent element is the data contract's "no value" and cannot be read as one
    // empty-named tag; nhub writes optional elements only when they have a value, as the README says.
    expect(descriptionChildren(run.sdk, "FcmV1")).toEqual(["Tags", "FcmV1RegistrationId"]);
    expect(descriptionChildren(run.nhub, "FcmV1")).toEqual(["FcmV1RegistrationId"]);
  });

  it("ApnsHeaders: the SDK keeps the caller's order, nhub sorts them by name", async () => {
    const registration = {
      ...appleTemplate,
      apnsHeaders: { "apns-push-type": "alert", "apns-collapse-id": "x" },
    };
    const run = await runOne(
      (c) => c.createRegistration({ ...registration }),
      (h) => createRegistration(h, registration),
    );
    // The headers are a name-to-value map, so their order carries no meaning; nhub's order (sorted by name,
    // case-insensitively, as its README says .NET's are) is stable whatever order the caller built the
    // object in. Neither side is wrong; protocol.md is silent.
    const names = (r: CapturedRequest) =>
      findElement(parseXmlTree(r.body!), "ApnsHeaders")!.children.map((h) => h.children[0]!.text);
    expect(names(run.sdk)).toEqual(["apns-push-type", "apns-collapse-id"]);
    expect(names(run.nhub)).toEqual(["apns-collapse-id", "apns-push-type"]);
  });

  it("list by tag lang:en: the SDK keeps : raw in the path, nhub percent-encodes it", async () => {
    const run = await runOne(
      (c) => collect(c.listRegistrationsByTag("lang:en")),
      (h) => collect(listRegistrationsByTag(h, "lang:en")),
    );
    // The same tag once the service decodes the segment; protocol.md is silent.
    expect(run.diff).toEqual([
      "path encoding: sdk /myhub/tags/lang:en/registrations nhub /myhub/tags/lang%3Aen/registrations",
    ]);
  });
});

describe("list registrations by channel", () => {
  const filterOf = (r: CapturedRequest) => r.query.find(([k]) => k === "$filter")?.[1];

  const TOKEN = "62bcd3484834b7e2dc56733ac5509259230cc1ba82ba1ae7d06e91908a05a8fa";
  const handles: readonly {
    name: string;
    sdk: sdk.RegistrationChannel;
    nhub: (h: NotificationHub) => ReturnType<typeof listRegistrationsByChannel>;
    sdkFilter: string;
    nhubFilter: string;
  }[] = [
    {
      name: "apple (token upper-cased by both)",
      sdk: { kind: "apple", deviceToken: TOKEN },
      nhub: (h) => listRegistrationsByChannel(h, TOKEN, "apns"),
      sdkFilter: `DeviceToken eq '${TOKEN.toUpperCase()}'`,
      nhubFilter: `ChannelUri eq '${TOKEN.toUpperCase()}'`,
    },
    {
      name: "gcm",
      sdk: { kind: "gcm", gcmRegistrationId: "gcm-token-1" },
      nhub: (h) => listRegistrationsByChannel(h, "gcm-token-1", "gcm"),
      sdkFilter: "GcmRegistrationId eq 'gcm-token-1'",
      nhubFilter: "ChannelUri eq 'gcm-token-1'",
    },
    {
      name: "fcmv1",
      sdk: { kind: "fcmv1", fcmV1RegistrationId: "fcm-token-1" },
      nhub: (h) => listRegistrationsByChannel(h, "fcm-token-1", "fcmv1"),
      sdkFilter: "FcmV1RegistrationId eq 'fcm-token-1'",
      nhubFilter: "ChannelUri eq 'fcm-token-1'",
    },
    {
      name: "adm",
      sdk: { kind: "adm", admRegistrationId: "amzn1.adm-registration.v3.Y29t" },
      nhub: (h) => listRegistrationsByChannel(h, "amzn1.adm-registration.v3.Y29t", "adm"),
      sdkFilter: "AdmRegistrationId eq 'amzn1.adm-registration.v3.Y29t'",
      nhubFilter: "ChannelUri eq 'amzn1.adm-registration.v3.Y29t'",
    },
  ];

  // The official .NET and Java SDKs send `ChannelUri eq '<handle>'` whatever the platform, and the service
  // compares it with each registration's handle; the JS SDK filters on each platform's own element instead.
  it.each(handles)(
    "$name: the JS SDK filters on the platform element, nhub on ChannelUri as .NET does",
    async ({ sdk: channel, nhub, sdkFilter, nhubFilter }) => {
      const run = await runOne(
        (c) => collect(c.listRegistrationsByChannel(channel)),
        (h) => collect(nhub(h)),
      );
      expect(run.diff).toEqual([`query $filter: sdk ["${sdkFilter}"] nhub ["${nhubFilter}"]`]);
      expect(run.nhub.path).toBe("/myhub/registrations");
      expect(run.nhubResult).toHaveLength(run.sdkResult.length);
    },
  );

  it("windows: the SDK percent-encodes the channel inside the filter, so it never matches", async () => {
    const channelUri = "https://db5p.notify.windows.com/w/?token=AwYAAAB%2bWvq%2fexample";
    const run = await runOne(
      (c) => collect(c.listRegistrationsByChannel({ kind: "windows", channelUri })),
      (h) => collect(listRegistrationsByChannel(h, channelUri, "wns")),
    );
    // The service compares ChannelUri with the literal as stored (the raw URI). The SDK encodes the URI
    // inside the literal and then the query encodes it again; the official Java SDK and nhub put the raw URI
    // in the literal and encode the query once.
    expect(filterOf(run.sdk)).toBe(`ChannelUri eq '${encodeURIComponent(channelUri)}'`);
    expect(filterOf(run.nhub)).toBe(`ChannelUri eq '${channelUri}'`);
  });

  it("browser: the SDK percent-encodes the endpoint inside the filter; nhub compares the endpoint as stored", async () => {
    const run = await runOne(
      (c) => collect(c.listRegistrationsByChannel({ kind: "browser", ...BROWSER_SUBSCRIPTION })),
      (h) => collect(listRegistrationsByChannel(h, BROWSER_SUBSCRIPTION, "browser")),
    );
    const { endpoint, p256dh, auth } = BROWSER_SUBSCRIPTION;
    expect(filterOf(run.sdk)).toBe(
      `Endpoint eq '${encodeURIComponent(endpoint)}' and P256DH eq '${p256dh}' and Auth eq '${auth}'`,
    );
    expect(filterOf(run.nhub)).toBe(
      `Endpoint eq '${endpoint}' and P256DH eq '${p256dh}' and Auth eq '${auth}'`,
    );
  });

  it("baidu: the SDK's filter misses a quote and is not valid OData", async () => {
    const channel = { baiduUserId: "4266437413278745621", baiduChannelId: "3583915183623447231" };
    const run = await runOne(
      (c) => collect(c.listRegistrationsByChannel({ kind: "baidu", ...channel })),
      (h) => collect(listRegistrationsByChannel(h, channel, "baidu")),
    );
    expect(filterOf(run.sdk)).toBe(
      "BaiduChannelId eq 3583915183623447231' and BaiduUserId eq '4266437413278745621'",
    );
    expect(filterOf(run.nhub)).toBe(
      "BaiduChannelId eq '3583915183623447231' and BaiduUserId eq '4266437413278745621'",
    );
  });

  it("xiaomi: the SDK refuses the channel it declares; nhub filters on ChannelUri", async () => {
    const client = createSdkClient(serviceResponder, []);
    // Its RegistrationChannel type includes xiaomi, but building the filter throws before any request.
    expect(() =>
      client.listRegistrationsByChannel({ kind: "xiaomi", xiaomiRegistrationId: "xiaomi-reg-id-1" }),
    ).toThrow("Device type is unsupported");
    const requests: CapturedRequest[] = [];
    const hub = createNhubClient(serviceResponder, requests);
    await collect(listRegistrationsByChannel(hub, "xiaomi-reg-id-1", "xiaomi"));
    await hub.close();
    expect(requests.map(filterOf)).toEqual(["ChannelUri eq 'xiaomi-reg-id-1'"]);
    expect(tokenVerifies(requests[0]!)).toBe(true);
  });
});

describe("answers", () => {
  it("a zoneless ExpirationTime (as the service writes it): the SDK reads local time, nhub UTC", async () => {
    // The service writes `9999-12-31T23:59:59.999` without a zone for "never"; it means UTC. `new Date()` reads
    // a zoneless date-time as local time, so through the SDK "never" moves with the machine's time zone (in New
    // York it is 04:59:59.999 on 1 January 10000, UTC). nhub reads it as UTC wherever it runs.
    const entry =
      '<entry a:etag="W/&quot;1&quot;" xmlns="http://www.w3.org/2005/Atom" xmlns:a="http://schemas.microsoft.com/ado/2007/08/dataservices/metadata">' +
      '<content type="application/xml"><FcmV1RegistrationDescription xmlns="http://schemas.microsoft.com/netservices/2010/10/servicebus/connect">' +
      "<ETag>1</ETag><ExpirationTime>9999-12-31T23:59:59.999</ExpirationTime><RegistrationId>1704-1</RegistrationId>" +
      "<FcmV1RegistrationId>fcm-token-1</FcmV1RegistrationId></FcmV1RegistrationDescription></content></entry>";
    const saved = process.env["TZ"];
    process.env["TZ"] = "America/New_York";
    try {
      const run = await runOne(
        (c) => c.getRegistration("1704-1"),
        (h) => getRegistration(h, "1704-1"),
        { responder: () => ({ status: 200, body: entry }) },
      );
      expect(run.nhubResult.expirationTime?.toISOString()).toBe("9999-12-31T23:59:59.999Z");
      expect(run.sdkResult.expirationTime?.toISOString()).toBe("+010000-01-01T04:59:59.999Z");
    } finally {
      if (saved === undefined) delete process.env["TZ"];
      else process.env["TZ"] = saved;
    }
  });

  it("the feedback container URL: nhub trims the body, the SDK returns it as is", async () => {
    const url = "https://pushfeedback.blob.core.windows.net/myhub?sv=2024&sig=x";
    const run = await runOne(
      (c) => c.getFeedbackContainerUrl(),
      (h) => h.getFeedbackContainerUrl(),
      { responder: () => ({ status: 200, body: `${url}\r\n` }) },
    );
    // A URL with a line end appended cannot be opened as it is; nhub returns the URL itself.
    expect(run.sdkResult).toBe(`${url}\r\n`);
    expect(run.nhubResult).toBe(url);
  });
});
