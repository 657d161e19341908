import { NotificationHub, ServiceError } from "@nhub/core";
import { XMLParser } from "fast-xml-parser";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Emulator, startEmulator } from "../src/index";
import {
  ATOM_ENTRY,
  apple,
  atomEntry,
  description,
  elements,
  errorParts,
  JSON_TYPE,
  raw,
  rawSend,
  template,
  tokenFor,
} from "./helpers";

let emulator: Emulator;
let hub: NotificationHub;

beforeAll(async () => {
  emulator = await startEmulator();
  hub = new NotificationHub(emulator.connectionString(), "myhub", { retry: false });
});

beforeEach(() => {
  const state = emulator.hub();
  for (const r of state.registrations()) state.deleteRegistration(r.registrationId);
  for (const i of state.installations()) state.deleteInstallation(i.installationId);
  state.clearDeliveries();
});

afterAll(async () => {
  await hub.close();
  await emulator.close();
});

const parser = new XMLParser({ ignoreAttributes: false, removeNSPrefix: false, parseTagValue: false });

function createRegistration(body: string, authorization?: string) {
  return raw(emulator, "myhub/registrations?api-version=2020-06", {
    method: "POST",
    headers: { "Content-Type": ATOM_ENTRY, "x-ms-version": "2020-06" },
    body,
    ...(authorization !== undefined ? { authorization } : {}),
  });
}

function idOf(xml: string): string {
  return elements(xml, "RegistrationId")[0]!;
}

describe("registrations over REST", () => {
  it("creates a native registration that receives a tag send", async () => {
    const res = await createRegistration(
      atomEntry(description("Apple", "<Tags>sports, news</Tags><DeviceToken>ABC123</DeviceToken>")),
    );
    expect(res.status, res.text).toBe(200);
    expect(res.headers.get("content-type")).toBe(ATOM_ENTRY);
    // On api-version 2020-06 the service sends no ETag header: the version is in the entry.
    expect(res.headers.get("etag")).toBeNull();
    const entry = parser.parse(res.text).entry;
    expect(entry["@_a:etag"]).toBe('W/"1"');
    const d = entry.content.AppleRegistrationDescription;
    expect(d.ETag).toBe("1");
    expect(d.ExpirationTime).toBe("9999-12-31T23:59:59.999Z");
    expect(d.RegistrationId).toMatch(/^\d{19}-\d{19}-1$/);
    expect(d.Tags).toBe("sports,news");
    expect(d.DeviceToken).toBe("ABC123");
    // The service's element order: ETag, ExpirationTime, RegistrationId, Tags, then the handle.
    expect(res.text.indexOf("<ETag>")).toBeLessThan(res.text.indexOf("<ExpirationTime>"));
    expect(res.text.indexOf("<RegistrationId>")).toBeLessThan(res.text.indexOf("<Tags>"));
    expect(res.text.indexOf("<Tags>")).toBeLessThan(res.text.indexOf("<DeviceToken>"));

    const sent = await hub.send(apple("Goal"), { tags: "sports" });
    expect(sent.status).toBe(201);
    expect(emulator.hub().deliveries()).toEqual([
      expect.objectContaining({
        installationId: "",
        registrationId: d.RegistrationId,
        platform: "apns",
        pushChannel: "ABC123",
        format: "apple",
        body: JSON.stringify({ aps: { alert: "Goal" } }),
      }),
    ]);
    // Native registrations get no template sends.
    await hub.send(template({ m: "x" }), { tags: "sports" });
    expect(emulator.hub().deliveries()).toHaveLength(1);
  });

  it("renders a template registration with its headers, push variables and name", async () => {
    const body =
      '<toast><visual><binding template="ToastText01"><text id="1">$(msg)</text></binding></visual></toast>';
    const res = await createRegistration(
      atomEntry(
        description(
          "WindowsTemplate",
          "<Tags>fans</Tags><PushVariables>{&quot;msg&quot;:&quot;default&quot;,&quot;who&quot;:&quot;Ann&quot;}</PushVariables>" +
            "<ChannelUri>https://wns.example/ch?token=1&amp;x=2</ChannelUri>" +
            `<BodyTemplate><![CDATA[${body}]]></BodyTemplate>` +
            "<WnsHeaders><WnsHeader><Header>X-WNS-Type</Header><Value>wns/toast</Value></WnsHeader>" +
            "<WnsHeader><Header>X-WNS-Tag</Header><Value>$(who)</Value></WnsHeader></WnsHeaders>" +
            "<TemplateName>greeting</TemplateName>",
        ),
      ),
    );
    expect(res.status, res.text).toBe(200);
    expect(res.text).toContain(`<BodyTemplate><![CDATA[${body}]]></BodyTemplate>`);
    expect(elements(res.text, "Header")).toEqual(["X-WNS-Type", "X-WNS-Tag"]);
    expect(elements(res.text, "TemplateName")).toEqual(["greeting"]);
    expect(elements(res.text, "ChannelUri")).toEqual(["https://wns.example/ch?token=1&amp;x=2"]);

    const result = await hub.send(template({ msg: "Goal!" }), { tags: "fans", test: true });
    expect(result.outcome?.success).toBe(1);
    expect(result.outcome?.results[0]).toMatchObject({
      registrationId: idOf(res.text),
      applicationPlatform: "windows",
    });
    const [d] = emulator.hub().deliveries();
    expect(d).toMatchObject({
      registrationId: idOf(res.text),
      platform: "wns",
      pushChannel: "https://wns.example/ch?token=1&x=2",
      format: "template",
      templateName: "greeting",
      headers: { "X-WNS-Type": "wns/toast", "X-WNS-Tag": "Ann", "content-type": "application/xml" },
    });
    expect(d?.body).toBe(body.replace("$(msg)", "Goal!"));
    // Native windows sends do not reach template registrations.
    const toast = await rawSend(emulator, {
      format: "windows",
      contentType: "application/xml",
      headers: { "X-WNS-Type": "wns/toast" },
      body,
      tags: "fans",
    });
    expect(toast.status).toBe(201);
    expect(emulator.hub().deliveries()).toHaveLength(1);
  });

  it("turns an Apple template's Priority and Expiry into APNs headers", async () => {
    const res = await createRegistration(
      atomEntry(
        description(
          "AppleTemplate",
          "<Tags>t</Tags><DeviceToken>FF00</DeviceToken>" +
            '<BodyTemplate><![CDATA[{"aps":{"alert":"$(m)"}}]]></BodyTemplate>' +
            "<Expiry>2030-01-01T00:00:00Z</Expiry><TemplateName>a</TemplateName><Priority>5</Priority>" +
            "<ApnsHeaders><ApnsHeader><Header>apns-push-type</Header><Value>alert</Value></ApnsHeader></ApnsHeaders>",
        ),
      ),
    );
    expect(res.status, res.text).toBe(200);
    // Apple template order: BodyTemplate, Expiry, TemplateName, Priority, ApnsHeaders.
    const order = ["<BodyTemplate>", "<Expiry>", "<TemplateName>", "<Priority>", "<ApnsHeaders>"].map((e) =>
      res.text.indexOf(e),
    );
    expect(order).toEqual([...order].sort((a, b) => a - b));
    await hub.send(template({ m: "hi" }), { tags: "t" });
    expect(emulator.hub().deliveries()[0]).toMatchObject({
      body: '{"aps":{"alert":"hi"}}',
      headers: {
        "apns-push-type": "alert",
        "apns-priority": "5",
        "ServiceBusNotification-Apns-Expiry": "2030-01-01T00:00:00Z",
      },
    });
  });

  it("parses and answers every platform's native and template description", async () => {
    const kinds: Array<[string, string, string, string]> = [
      ["Apple", "<DeviceToken>AB12</DeviceToken>", "apns", "AB12"],
      ["Gcm", "<GcmRegistrationId>gcm-1</GcmRegistrationId>", "gcm", "gcm-1"],
      ["Fcm", "<FcmRegistrationId>fcm-1</FcmRegistrationId>", "gcm", "fcm-1"],
      ["FcmV1", "<FcmV1RegistrationId>v1-1</FcmV1RegistrationId>", "fcmv1", "v1-1"],
      ["Windows", "<ChannelUri>https://wns.example/1</ChannelUri>", "wns", "https://wns.example/1"],
      ["Mpns", "<ChannelUri>https://mpns.example/1</ChannelUri>", "mpns", "https://mpns.example/1"],
      ["Adm", "<AdmRegistrationId>amzn1.adm</AdmRegistrationId>", "adm", "amzn1.adm"],
      ["Baidu", "<BaiduUserId>u1</BaiduUserId><BaiduChannelId>c1</BaiduChannelId>", "baidu", "u1-c1"],
      [
        "Browser",
        "<Endpoint>https://push.example/e1</Endpoint><P256DH>key</P256DH><Auth>secret</Auth>",
        "browser",
        "https://push.example/e1",
      ],
      ["Xiaomi", "<XiaomiRegistrationId>mi-1</XiaomiRegistrationId>", "xiaomi", "mi-1"],
    ];
    for (const [kind, fields, platform, handle] of kinds) {
      // The service answers an FCM legacy registration written as `Fcm` as the `Gcm` kind it stores.
      const answered = kind === "Fcm" ? "Gcm" : kind;
      const native = await createRegistration(atomEntry(description(kind, `<Tags>k</Tags>${fields}`)));
      expect(native.status, `${kind}: ${native.text}`).toBe(200);
      expect(native.text).toContain(`<${answered}RegistrationDescription `);
      const xmlBody = kind === "Windows" || kind === "Mpns";
      const templateBody = xmlBody ? "<toast><text>$(m)</text></toast>" : '{"m":"$(m)"}';
      const headers =
        kind === "Windows"
          ? "<WnsHeaders><WnsHeader><Header>X-WNS-Type</Header><Value>wns/toast</Value></WnsHeader></WnsHeaders>"
          : "";
      const tmpl = await createRegistration(
        atomEntry(
          description(
            `${kind}Template`,
            `<Tags>k</Tags>${fields}<BodyTemplate><![CDATA[${templateBody}]]></BodyTemplate>${headers}`,
          ),
        ),
      );
      expect(tmpl.status, `${kind}Template: ${tmpl.text}`).toBe(200);
      expect(tmpl.text).toContain(`<${answered}TemplateRegistrationDescription `);
      const stored = emulator
        .hub()
        .registrations()
        .find((r) => r.registrationId === idOf(tmpl.text));
      expect(stored).toMatchObject({
        kind: `${answered}Template`,
        platform,
        template: { body: templateBody },
      });
      const channel = stored!.pushChannel;
      expect(typeof channel === "string" ? channel : channel.endpoint).toBe(handle);
      // GET answers the same stored entry.
      const got = await raw(emulator, `myhub/registrations/${idOf(tmpl.text)}?api-version=2020-06`, {
        method: "GET",
      });
      expect(got.status).toBe(200);
      expect(elements(got.text, "RegistrationId")).toEqual([idOf(tmpl.text)]);
    }
    expect(emulator.hub().registrations()).toHaveLength(20);
  });

  it("creates ids with POST /registrationIDs and registrations with PUT, honouring If-Match", async () => {
    const idRes = await raw(emulator, "myhub/registrationIDs?api-version=2020-06", {
      method: "POST",
      headers: { "Content-Type": ATOM_ENTRY },
    });
    expect(idRes.status).toBe(201);
    const location = idRes.headers.get("location")!;
    expect(location).toMatch(
      new RegExp(`^${emulator.url}myhub/registrations/\\d{19}-\\d{19}-1\\?api-version=2020-06$`),
    );
    const id = new URL(location).pathname.split("/")[3]!;
    expect(emulator.hub().registrations()).toEqual([]);

    const path = `myhub/registrations/${id}?api-version=2020-06`;
    const put = (body: string, ifMatch?: string) =>
      raw(emulator, path, {
        method: "PUT",
        headers: { "Content-Type": ATOM_ENTRY, ...(ifMatch !== undefined ? { "If-Match": ifMatch } : {}) },
        body,
      });
    const first = await put(
      atomEntry(description("FcmV1", "<FcmV1RegistrationId>tok</FcmV1RegistrationId>")),
    );
    expect(first.status, first.text).toBe(200);
    expect(first.headers.get("etag")).toBeNull();
    expect(elements(first.text, "ETag")).toEqual(["1"]);
    const second = await put(
      atomEntry(description("FcmV1", "<Tags>x</Tags><FcmV1RegistrationId>tok2</FcmV1RegistrationId>")),
      '"1"',
    );
    expect(second.status, second.text).toBe(200);
    expect(elements(second.text, "ETag")).toEqual(["2"]);
    expect(elements(second.text, "FcmV1RegistrationId")).toEqual(["tok2"]);

    const stale = await put(
      atomEntry(description("FcmV1", "<FcmV1RegistrationId>t3</FcmV1RegistrationId>")),
      '"1"',
    );
    expect(stale.status).toBe(412);
    expect(errorParts(stale.text).detail).toContain('current ETag "2"');
    const star = await put(
      atomEntry(description("FcmV1", "<FcmV1RegistrationId>t4</FcmV1RegistrationId>")),
      "*",
    );
    expect(star.status).toBe(200);
    expect(elements(star.text, "ETag")).toEqual(["3"]);
    const weak = await put(
      atomEntry(description("FcmV1", "<FcmV1RegistrationId>t5</FcmV1RegistrationId>")),
      'W/"3"',
    );
    expect(weak.status).toBe(200);

    const missing = await raw(emulator, "myhub/registrations/nope?api-version=2020-06", {
      method: "PUT",
      headers: { "Content-Type": ATOM_ENTRY, "If-Match": "*" },
      body: atomEntry(description("FcmV1", "<FcmV1RegistrationId>t</FcmV1RegistrationId>")),
    });
    expect(missing.status).toBe(412);

    const badDelete = await raw(emulator, path, { method: "DELETE", headers: { "If-Match": '"1"' } });
    expect(badDelete.status).toBe(412);
    const del = await raw(emulator, path, { method: "DELETE", headers: { "If-Match": "*" } });
    expect(del.status).toBe(200);
    const gone = await raw(emulator, path, { method: "GET" });
    expect(gone.status).toBe(404);
    expect(errorParts(gone.text).code).toBe("404");
    expect((await raw(emulator, path, { method: "DELETE" })).status).toBe(404);
  });

  it("answers https locations behind a TLS proxy, accepting tokens signed for the https URL", async () => {
    const https = emulator.url.replace(/^http:/, "https:");
    const res = await raw(emulator, "myhub/registrationIDs?api-version=2020-06", {
      method: "POST",
      headers: { "X-Forwarded-Proto": "https" },
      authorization: tokenFor(emulator, { resource: https }),
    });
    expect(res.status, res.text).toBe(201);
    // The official JS SDK refuses a registration id whose Location is not https.
    expect(res.headers.get("location")).toMatch(new RegExp(`^${https}myhub/registrations/`));
    expect(res.headers.get("content-location")).toBe(res.headers.get("location"));
  });

  it("answers 400 for malformed or invalid registrations and stores nothing", async () => {
    const cases: Array<[string, string | RegExp]> = [
      ["<entry", "not well-formed XML"],
      [atomEntry("<Nope/>"), "not a registration description"],
      [atomEntry(description("Apple", "<Tags>a</Tags>")), "needs a non-empty DeviceToken"],
      [atomEntry(description("Apple", "<Tags>bad tag!</Tags><DeviceToken>x</DeviceToken>")), "Tags"],
      [atomEntry(description("AppleTemplate", "<DeviceToken>x</DeviceToken>")), "BodyTemplate"],
      [
        atomEntry(
          description("AppleTemplate", "<DeviceToken>x</DeviceToken><BodyTemplate>{not json</BodyTemplate>"),
        ),
        "BodyTemplate",
      ],
      [
        atomEntry(
          description(
            "WindowsTemplate",
            "<ChannelUri>https://w/1</ChannelUri><BodyTemplate><![CDATA[<toast/>]]></BodyTemplate>",
          ),
        ),
        "X-WNS-Type",
      ],
      [
        atomEntry(
          description("Gcm", "<GcmRegistrationId>g</GcmRegistrationId><PushVariables>[1]</PushVariables>"),
        ),
        "PushVariables",
      ],
      ['<!DOCTYPE x [<!ENTITY a "b">]><entry/>', "DOCTYPE"],
    ];
    for (const [body, detail] of cases) {
      const res = await createRegistration(body);
      expect(res.status, body).toBe(400);
      const text = errorParts(res.text).detail ?? "";
      if (typeof detail === "string") expect(text, body).toContain(detail);
      else expect(text).toMatch(detail);
    }
    const json = await createRegistration("{}".replace("{}", "x"));
    expect(json.status).toBe(400);
    const wrongType = await raw(emulator, "myhub/registrations?api-version=2020-06", {
      method: "POST",
      headers: { "Content-Type": JSON_TYPE },
      body: atomEntry(description("Gcm", "<GcmRegistrationId>g</GcmRegistrationId>")),
    });
    expect(wrongType.status).toBe(400);
    expect(emulator.hub().registrations()).toEqual([]);
  });

  it("lets a Listen key manage single registrations but not list them", async () => {
    const listen = tokenFor(emulator, { rule: "listen" });
    const created = await createRegistration(
      atomEntry(description("Gcm", "<GcmRegistrationId>g</GcmRegistrationId>")),
      listen,
    );
    expect(created.status).toBe(200);
    const list = await raw(emulator, "myhub/registrations?api-version=2020-06", {
      method: "GET",
      authorization: listen,
    });
    expect(list.status).toBe(401);
    expect(errorParts(list.text).detail).toContain("Manage");
    const sendOnly = await createRegistration(
      atomEntry(description("Gcm", "<GcmRegistrationId>g</GcmRegistrationId>")),
      tokenFor(emulator, { rule: "send" }),
    );
    expect(sendOnly.status).toBe(401);
  });
});

describe("listing registrations", () => {
  async function seed(count: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < count; i++) {
      const res = await createRegistration(
        atomEntry(
          description(
            "FcmV1",
            `<Tags>${i % 2 === 0 ? "even" : "odd"},all</Tags><FcmV1RegistrationId>tok-${i}</FcmV1RegistrationId>`,
          ),
        ),
      );
      ids.push(idOf(res.text));
    }
    return ids;
  }

  async function page(path: string) {
    const res = await raw(emulator, path, { method: "GET" });
    expect(res.status, res.text).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/atom+xml;type=feed;charset=utf-8");
    const parsed = parser.parse(res.text).feed;
    const entries =
      parsed.entry === undefined ? [] : Array.isArray(parsed.entry) ? parsed.entry : [parsed.entry];
    return {
      ids: entries.map((e: { content: Record<string, { RegistrationId: string }> }) => {
        const key = Object.keys(e.content).find((k) => k.endsWith("RegistrationDescription"))!;
        return e.content[key]!.RegistrationId;
      }) as string[],
      token: res.headers.get("x-ms-continuationtoken"),
    };
  }

  it("pages 250 registrations 100 at a time with continuation tokens", async () => {
    const ids = await seed(250);
    const seen: string[] = [];
    const sizes: number[] = [];
    let token: string | null = null;
    do {
      const query: string = `$top=100${token ? `&continuationtoken=${encodeURIComponent(token)}` : ""}`;
      const result = await page(`myhub/registrations?${query}&api-version=2020-06`);
      sizes.push(result.ids.length);
      seen.push(...result.ids);
      token = result.token;
    } while (token);
    expect(sizes).toEqual([100, 100, 50]);
    expect(seen).toEqual(ids);
    expect(new Set(seen).size).toBe(250);
  });

  it("pages by $top, defaults to 100 and caps it there", async () => {
    const ids = await seed(120);
    const first = await page("myhub/registrations?api-version=2020-06");
    expect(first.ids).toEqual(ids.slice(0, 100));
    expect(first.token).toBeTruthy();
    const big = await page("myhub/registrations?$top=500&api-version=2020-06");
    expect(big.ids).toHaveLength(100);
    const small = await page("myhub/registrations?$top=7&api-version=2020-06");
    expect(small.ids).toEqual(ids.slice(0, 7));
    const rest = await page(
      `myhub/registrations?$top=200&continuationtoken=${small.token}&api-version=2020-06`,
    );
    expect(rest.ids).toEqual(ids.slice(7, 107));
    for (const bad of ["$top=0", "$top=abc", "continuationtoken=zzz"]) {
      const res = await raw(emulator, `myhub/registrations?${bad}&api-version=2020-06`, { method: "GET" });
      expect(res.status, bad).toBe(400);
    }
  });

  it("filters by the channel filters the official SDK sends, and by tag", async () => {
    const ids = await seed(5);
    const apple = await createRegistration(
      atomEntry(description("Apple", "<DeviceToken>abcdef</DeviceToken>")),
    );
    const wns = await createRegistration(
      atomEntry(description("Windows", "<ChannelUri>https://wns.example/?t=1&amp;u=2</ChannelUri>")),
    );
    const browser = await createRegistration(
      atomEntry(
        description(
          "Browser",
          "<Endpoint>https://push.example/e?x=1</Endpoint><P256DH>p</P256DH><Auth>a</Auth>",
        ),
      ),
    );
    const baidu = await createRegistration(
      atomEntry(description("Baidu", "<BaiduUserId>user</BaiduUserId><BaiduChannelId>chan</BaiduChannelId>")),
    );
    const filter = async (f: string) =>
      (await page(`myhub/registrations?$filter=${encodeURIComponent(f)}&api-version=2020-06`)).ids;
    expect(await filter("FcmV1RegistrationId eq 'tok-3'")).toEqual([ids[3]]);
    expect(await filter("DeviceToken eq 'ABCDEF'")).toEqual([idOf(apple.text)]);
    expect(await filter(`ChannelUri eq '${encodeURIComponent("https://wns.example/?t=1&u=2")}'`)).toEqual([
      idOf(wns.text),
    ]);
    expect(
      await filter(
        `Endpoint eq '${encodeURIComponent("https://push.example/e?x=1")}' and P256DH eq 'p' and Auth eq 'a'`,
      ),
    ).toEqual([idOf(browser.text)]);
    // The official SDK's Baidu filter drops the opening quote of the first value.
    expect(await filter("BaiduChannelId eq chan' and BaiduUserId eq 'user'")).toEqual([idOf(baidu.text)]);
    // ChannelUri, as the .NET and Java SDKs send it, matches the handle of any platform.
    expect(await filter("ChannelUri eq 'tok-3'")).toEqual([ids[3]]);
    expect(await filter("ChannelUri eq 'ABCDEF'")).toEqual([idOf(apple.text)]);
    expect(await filter("ChannelUri eq 'https://push.example/e?x=1'")).toEqual([idOf(browser.text)]);
    expect(await filter("ChannelUri eq 'chan'")).toEqual([]);
    expect(await filter("Tags eq 'odd'")).toEqual([ids[1], ids[3]]);
    expect(await filter("GcmRegistrationId eq 'none'")).toEqual([]);
    const bad = await raw(
      emulator,
      `myhub/registrations?$filter=${encodeURIComponent("Color eq 'red'")}&api-version=2020-06`,
      {
        method: "GET",
      },
    );
    expect(bad.status).toBe(400);

    const byTag = await page("myhub/tags/even/registrations?api-version=2020-06");
    expect(byTag.ids).toEqual([ids[0], ids[2], ids[4]]);
    const byTagPaged = await page("myhub/tags/all/registrations?$top=2&api-version=2020-06");
    expect(byTagPaged.ids).toEqual(ids.slice(0, 2));
    const next = await page(
      `myhub/tags/all/registrations?$top=2&continuationtoken=${byTagPaged.token}&api-version=2020-06`,
    );
    expect(next.ids).toEqual(ids.slice(2, 4));
    expect(
      (await raw(emulator, "myhub/tags/bad%20tag/registrations?api-version=2020-06", { method: "GET" }))
        .status,
    ).toBe(400);
  });

  it("is readable through core's hub.request", async () => {
    await seed(3);
    const res = await hub.request({ method: "GET", path: "/registrations", query: { $top: "2" } });
    expect(res.status).toBe(200);
    expect(res.headers["x-ms-continuationtoken"]).toBeTruthy();
    const missing = await hub
      .request({ method: "GET", path: "/registrations/none" })
      .catch((e: unknown) => e);
    expect(ServiceError.isInstance(missing) && missing.statusCode).toBe(404);
  });
});
