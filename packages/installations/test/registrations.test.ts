import { type NotificationHub, ServiceError, ValidationError } from "@nhub/core";
import type { RecordingServer } from "@nhub/testkit";
import { afterEach, describe, expect, it } from "vitest";
import {
  type AppleRegistrationDescription,
  type AppleTemplateRegistrationDescription,
  createOrUpdateRegistration,
  createRegistration,
  createRegistrationId,
  deleteRegistration,
  getRegistration,
  listRegistrations,
  listRegistrationsByChannel,
  listRegistrationsByTag,
  type RegistrationDescription,
  updateRegistration,
} from "../src/index";
import {
  appleEntry,
  atomAnswer,
  BASE,
  childElementNames,
  deepFreeze,
  errorAnswer,
  serviceEntry,
  serviceFeed,
  startHub,
  xmlTree,
} from "./fixtures";

const ATOM_ENTRY = "application/atom+xml;type=entry;charset=utf-8";
const TOKEN = "62BCD3484834B7E2DC56733AC5509259230CC1BA82BA1AE7D06E91908A05A8FA";
const NS =
  'xmlns:i="http://www.w3.org/2001/XMLSchema-instance" xmlns="http://schemas.microsoft.com/netservices/2010/10/servicebus/connect"';

let server: RecordingServer;
let hub: NotificationHub;
let running = false;

afterEach(async () => {
  if (!running) return;
  running = false;
  await hub.close();
  await server.close();
});

async function start(respond: Parameters<typeof startHub>[0]) {
  ({ server, hub } = await startHub(respond));
  running = true;
}

function expectOnlyApiVersion(query: URLSearchParams): void {
  expect([...query.entries()]).toEqual([["api-version", "2020-06"]]);
}

async function refusal(run: () => unknown): Promise<unknown> {
  try {
    await run();
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection");
}

describe("createRegistrationId", () => {
  it("POSTs to /registrationIDs and reads the id from Location", async () => {
    await start(() => ({
      status: 201,
      headers: {
        Location: `${BASE}/registrationids/7260336227650468927-4200236381151834034-1?api-version=2020-06`,
      },
    }));
    const id = await createRegistrationId(hub);

    expect(id).toBe("7260336227650468927-4200236381151834034-1");
    const [req] = server.requests;
    expect(req).toMatchObject({ method: "POST", path: "/myhub/registrationIDs", text: "", tokenValid: true });
    expectOnlyApiVersion(req!.query);
    expect(req!.headers["x-ms-version"]).toBe("2020-06");
  });

  it("rejects an answer without a usable Location", async () => {
    await start(() => ({ status: 201 }));
    await expect(createRegistrationId(hub)).rejects.toMatchObject({ code: "NHUB_UNEXPECTED_RESPONSE" });
  });
});

describe("createRegistration", () => {
  it("POSTs the Atom entry and resolves with a new object holding the service's id, etag and expiry", async () => {
    await start(() =>
      atomAnswer(appleEntry("8232609228942132396-8422145413482104103-3", TOKEN, "sports,lang:en"), 200, {
        ETag: 'W/"1"',
        "Content-Location": `${BASE}/registrations/8232609228942132396-8422145413482104103-3?api-version=2020-06`,
      }),
    );
    const input = deepFreeze({
      kind: "Apple",
      deviceToken: TOKEN,
      tags: ["sports", "lang:en"],
    } satisfies AppleRegistrationDescription);
    const snapshot = structuredClone(input);

    const created = await createRegistration(hub, input);

    expect(created).toEqual({
      kind: "Apple",
      registrationId: "8232609228942132396-8422145413482104103-3",
      etag: "1",
      expirationTime: new Date("9999-12-31T23:59:59.999Z"),
      tags: ["sports", "lang:en"],
      deviceToken: TOKEN,
    });
    expect(created).not.toBe(input);
    expect(input).toEqual(snapshot);

    expect(server.requests).toHaveLength(1);
    const [req] = server.requests;
    expect(req).toMatchObject({ method: "POST", path: "/myhub/registrations", tokenValid: true });
    expectOnlyApiVersion(req!.query);
    expect(req!.headers["content-type"]).toBe(ATOM_ENTRY);
    expect(req!.headers["if-match"]).toBeUndefined();
    const expected =
      '<entry xmlns="http://www.w3.org/2005/Atom"><content type="application/xml">' +
      `<AppleRegistrationDescription ${NS}><Tags>sports,lang:en</Tags><DeviceToken>${TOKEN}</DeviceToken>` +
      "</AppleRegistrationDescription></content></entry>";
    expect(xmlTree(req!.text)).toEqual(xmlTree(expected));
    expect(childElementNames(req!.text, "AppleRegistrationDescription")).toEqual(["Tags", "DeviceToken"]);
    expect(req!.text).toBe(expected);
  });

  it("completes the registration from the headers when the answer has no body", async () => {
    await start(() => ({
      status: 201,
      headers: { ETag: 'W/"4"', "Content-Location": `${BASE}/registrations/11-22-3?api-version=2020-06` },
    }));
    const created = await createRegistration(hub, deepFreeze({ kind: "Gcm", gcmRegistrationId: "g-1" }));
    expect(created).toEqual({ kind: "Gcm", gcmRegistrationId: "g-1", registrationId: "11-22-3", etag: "4" });
  });

  it("refuses a registration that already has an id, sending nothing", async () => {
    await start(() => ({ status: 500 }));
    const error = await refusal(() =>
      createRegistration(hub, { kind: "Gcm", gcmRegistrationId: "g", registrationId: "1-2-3" }),
    );
    expect(error).toMatchObject({ field: "registrationId", rule: "forbidden" });
    expect(server.requests).toHaveLength(0);
  });

  it("refuses an invalid registration, sending nothing", async () => {
    await start(() => ({ status: 500 }));
    const error = await refusal(() => createRegistration(hub, { kind: "Apple", deviceToken: "not hex" }));
    expect(ValidationError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ field: "deviceToken", rule: "hex" });
    expect(server.requests).toHaveLength(0);
  });

  it("surfaces the service's refusal as a ServiceError", async () => {
    await start(() => errorAnswer(400, "The body template is invalid."));
    const error = await refusal(() =>
      createRegistration(hub, { kind: "GcmTemplate", gcmRegistrationId: "g", bodyTemplate: '{"data":{}}' }),
    );
    expect(ServiceError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ statusCode: 400, detail: "The body template is invalid." });
  });
});

const templateInput = deepFreeze({
  kind: "AppleTemplate",
  registrationId: "123-234-1",
  etag: "3",
  expirationTime: new Date("2030-01-01T00:00:00Z"),
  deviceToken: TOKEN,
  tags: ["news"],
  bodyTemplate: '{"aps":{"alert":"$(message)"}}',
  templateName: "alert",
} satisfies AppleTemplateRegistrationDescription);

const templateAnswer = (etag: string) =>
  atomAnswer(
    serviceEntry(
      "AppleTemplateRegistrationDescription",
      "123-234-1",
      `<ETag>${etag}</ETag><ExpirationTime>9999-12-31T23:59:59.999</ExpirationTime><RegistrationId>123-234-1</RegistrationId>` +
        `<Tags>news</Tags><DeviceToken>${TOKEN}</DeviceToken>` +
        '<BodyTemplate><![CDATA[{"aps":{"alert":"$(message)"}}]]></BodyTemplate>' +
        '<Expiry i:nil="true"/><TemplateName>alert</TemplateName><ApnsHeaders/>',
      etag,
    ),
    200,
    { ETag: `W/"${etag}"` },
  );

const templateBody =
  '<entry xmlns="http://www.w3.org/2005/Atom"><content type="application/xml">' +
  `<AppleTemplateRegistrationDescription ${NS}><Tags>news</Tags><DeviceToken>${TOKEN}</DeviceToken>` +
  "<BodyTemplate>{&quot;aps&quot;:{&quot;alert&quot;:&quot;$(message)&quot;}}</BodyTemplate>" +
  "<TemplateName>alert</TemplateName></AppleTemplateRegistrationDescription></content></entry>";

describe("createOrUpdateRegistration", () => {
  it("PUTs to /registrations/{id} without If-Match and without the read-only elements", async () => {
    await start(() => templateAnswer("4"));
    const stored = await createOrUpdateRegistration(hub, templateInput);

    expect(stored).toMatchObject({ registrationId: "123-234-1", etag: "4", templateName: "alert" });
    expect(stored.expirationTime).toEqual(new Date("9999-12-31T23:59:59.999Z"));
    expect(templateInput.etag).toBe("3");
    const [req] = server.requests;
    expect(req).toMatchObject({ method: "PUT", path: "/myhub/registrations/123-234-1", tokenValid: true });
    expectOnlyApiVersion(req!.query);
    expect(req!.headers["content-type"]).toBe(ATOM_ENTRY);
    expect(req!.headers["if-match"]).toBeUndefined();
    expect(xmlTree(req!.text)).toEqual(xmlTree(templateBody));
    expect(childElementNames(req!.text, "AppleTemplateRegistrationDescription")).toEqual([
      "Tags",
      "DeviceToken",
      "BodyTemplate",
      "TemplateName",
    ]);
  });

  it("refuses a registration without an id, sending nothing", async () => {
    await start(() => ({ status: 500 }));
    const error = await refusal(() =>
      createOrUpdateRegistration(hub, { kind: "Gcm", gcmRegistrationId: "g" }),
    );
    expect(error).toMatchObject({ field: "registrationId", rule: "required" });
    expect(server.requests).toHaveLength(0);
  });
});

describe("updateRegistration", () => {
  it('PUTs with If-Match: "<etag>" and resolves with the new etag', async () => {
    await start(() => templateAnswer("4"));
    const updated = await updateRegistration(hub, templateInput);

    expect(updated.etag).toBe("4");
    const [req] = server.requests;
    expect(req).toMatchObject({ method: "PUT", path: "/myhub/registrations/123-234-1" });
    expect(req!.headers["if-match"]).toBe('"3"');
    expect(req!.text).toBe(templateBody);
  });

  it("passes an already quoted or weak ETag through as it is", async () => {
    await start(() => templateAnswer("4"));
    await updateRegistration(hub, { ...templateInput, etag: 'W/"3"' });
    expect(server.requests[0]!.headers["if-match"]).toBe('W/"3"');
  });

  it("refuses a registration without an etag or an id, sending nothing", async () => {
    await start(() => ({ status: 500 }));
    const { etag: _etag, ...withoutEtag } = templateInput;
    expect(await refusal(() => updateRegistration(hub, withoutEtag))).toMatchObject({
      field: "etag",
      rule: "required",
    });
    const { registrationId: _id, ...withoutId } = templateInput;
    expect(await refusal(() => updateRegistration(hub, withoutId))).toMatchObject({
      field: "registrationId",
      rule: "required",
    });
    expect(server.requests).toHaveLength(0);
  });

  it("rejects with a 412 ServiceError when the registration changed meanwhile", async () => {
    await start(() => errorAnswer(412, "The etag does not match."));
    await expect(updateRegistration(hub, templateInput)).rejects.toMatchObject({ statusCode: 412 });
  });
});

describe("getRegistration and deleteRegistration", () => {
  it("GETs /registrations/{id} with the id percent-encoded", async () => {
    await start(() => atomAnswer(appleEntry("a:b@c", TOKEN)));
    const registration = await getRegistration(hub, "a:b@c");
    expect(registration).toMatchObject({ kind: "Apple", registrationId: "a:b@c", deviceToken: TOKEN });
    expect(server.requests[0]).toMatchObject({
      method: "GET",
      path: "/myhub/registrations/a%3Ab%40c",
      text: "",
    });
  });

  it("rejects a missing registration with a 404 ServiceError", async () => {
    await start(() => errorAnswer(404, "Registration not found."));
    await expect(getRegistration(hub, "1-2-3")).rejects.toMatchObject({ statusCode: 404 });
  });

  it("DELETEs with If-Match: * without an etag and with the quoted etag when given", async () => {
    await start(() => ({ status: 200 }));
    await deleteRegistration(hub, "1-2-3");
    await deleteRegistration(hub, "1-2-3", "5");
    expect(server.requests.map((r) => [r.method, r.path, r.headers["if-match"], r.text])).toEqual([
      ["DELETE", "/myhub/registrations/1-2-3", "*", ""],
      ["DELETE", "/myhub/registrations/1-2-3", '"5"', ""],
    ]);
    expect(server.requests.every((r) => r.tokenValid)).toBe(true);
  });

  it("refuses ids that would break the URL, sending nothing", async () => {
    await start(() => ({ status: 200 }));
    for (const id of ["", "a/b", "a b", "a?b", "a#b"]) {
      const error = await refusal(() => deleteRegistration(hub, id));
      expect(ValidationError.isInstance(error)).toBe(true);
      expect(error).toMatchObject({ field: "registrationId" });
    }
    expect(await refusal(() => deleteRegistration(hub, "1", 'a"b'))).toMatchObject({ field: "etag" });
    expect(server.requests).toHaveLength(0);
  });
});

describe("paging", () => {
  // The service's continuation tokens come percent-encoded, like MzEobik7Mg%3D%3D.
  const tokens = ["MzEobik7Mg%3D%3D", "NDIpcGw4Tg%3D%3D"];
  const pageAnswers = [
    { entries: ["1-1-1", "2-2-2"], token: tokens[0] },
    { entries: ["3-3-3", "4-4-4"], token: tokens[1] },
    { entries: ["5-5-5"], token: undefined },
  ];
  const respond = (req: { query: URLSearchParams }) => {
    const token = req.query.get("continuationtoken");
    const page = token === null ? 0 : tokens.indexOf(token) + 1;
    const { entries, token: next } = pageAnswers[page]!;
    return {
      status: 200,
      headers: {
        "Content-Type": "application/atom+xml;type=feed;charset=utf-8",
        ...(next === undefined ? {} : { "x-ms-continuationtoken": next }),
      },
      body: serviceFeed(entries.map((id) => appleEntry(id, TOKEN, "sports", "1", false))),
    };
  };

  it("follows x-ms-continuationtoken across three pages, sending it back as continuationtoken", async () => {
    await start(respond);
    const pages = listRegistrations(hub, { top: 2 });
    expect(server.requests).toHaveLength(0);

    const ids: (string | undefined)[] = [];
    for await (const registration of pages) ids.push(registration.registrationId);

    expect(ids).toEqual(["1-1-1", "2-2-2", "3-3-3", "4-4-4", "5-5-5"]);
    expect(server.requests.map((r) => [r.method, r.path, [...r.query.entries()]])).toEqual([
      [
        "GET",
        "/myhub/registrations",
        [
          ["api-version", "2020-06"],
          ["$top", "2"],
        ],
      ],
      [
        "GET",
        "/myhub/registrations",
        [
          ["api-version", "2020-06"],
          ["$top", "2"],
          ["continuationtoken", tokens[0]],
        ],
      ],
      [
        "GET",
        "/myhub/registrations",
        [
          ["api-version", "2020-06"],
          ["$top", "2"],
          ["continuationtoken", tokens[1]],
        ],
      ],
    ]);
    expect(server.requests.every((r) => r.tokenValid)).toBe(true);
  });

  it("gives whole pages with their tokens from byPage(), and resumes from a token", async () => {
    await start(respond);
    const pages: { ids: (string | undefined)[]; token?: string }[] = [];
    for await (const page of listRegistrations(hub, { top: 2 }).byPage()) {
      pages.push({ ids: page.registrations.map((r) => r.registrationId), token: page.continuationToken });
    }
    expect(pages).toEqual([
      { ids: ["1-1-1", "2-2-2"], token: tokens[0] },
      { ids: ["3-3-3", "4-4-4"], token: tokens[1] },
      { ids: ["5-5-5"], token: undefined },
    ]);

    const resumed: (string | undefined)[] = [];
    for await (const page of listRegistrations(hub, { top: 2 }).byPage({ continuationToken: tokens[1] })) {
      resumed.push(...page.registrations.map((r) => r.registrationId));
    }
    expect(resumed).toEqual(["5-5-5"]);
  });

  it("stops when the service repeats a token instead of looping forever", async () => {
    await start(() => ({
      status: 200,
      headers: { "x-ms-continuationtoken": "same" },
      body: serviceFeed([appleEntry("1-1-1", TOKEN, undefined, "1", false)]),
    }));
    const seen: RegistrationDescription[] = [];
    const error = await refusal(async () => {
      for await (const r of listRegistrations(hub)) seen.push(r);
    });
    expect(error).toMatchObject({ code: "NHUB_UNEXPECTED_RESPONSE" });
    expect(server.requests).toHaveLength(2);
    expect(seen).toHaveLength(2);
  });

  it("sends a raw $filter and no $top when none is given", async () => {
    await start(() => ({ status: 200, body: serviceFeed([]) }));
    const all: RegistrationDescription[] = [];
    for await (const r of listRegistrations(hub, { filter: "GcmRegistrationId eq 'x'" })) all.push(r);
    expect(all).toEqual([]);
    expect([...server.requests[0]!.query.entries()]).toEqual([
      ["api-version", "2020-06"],
      ["$filter", "GcmRegistrationId eq 'x'"],
    ]);
  });

  it("lists by tag under /tags/{tag}/registrations with the tag percent-encoded", async () => {
    await start(() => ({
      status: 200,
      body: serviceFeed([appleEntry("1-1-1", TOKEN, undefined, "1", false)]),
    }));
    const found: RegistrationDescription[] = [];
    for await (const r of listRegistrationsByTag(hub, "$InstallationId:{dev-1}", { top: 10 })) found.push(r);
    expect(found).toHaveLength(1);
    expect(server.requests[0]).toMatchObject({
      method: "GET",
      path: "/myhub/tags/%24InstallationId%3A%7Bdev-1%7D/registrations",
    });
    expect(server.requests[0]!.query.get("$top")).toBe("10");
  });

  it("refuses a bad tag or page size at once, sending nothing", async () => {
    await start(() => ({ status: 200, body: serviceFeed([]) }));
    expect(() => listRegistrationsByTag(hub, "a || b")).toThrow(ValidationError);
    expect(() => listRegistrations(hub, { top: 0 })).toThrow(/top must be a positive integer/);
    expect(() => listRegistrations(hub, { top: 1.5 })).toThrow(ValidationError);
    expect(server.requests).toHaveLength(0);
  });
});

describe("listRegistrationsByChannel", () => {
  const cases: [string, () => ReturnType<typeof listRegistrationsByChannel>, string][] = [
    [
      "apns (upper-cased)",
      () => listRegistrationsByChannel(hub, "abcdef01", "apns"),
      "ChannelUri eq 'ABCDEF01'",
    ],
    ["gcm", () => listRegistrationsByChannel(hub, "gcm-1", "gcm"), "ChannelUri eq 'gcm-1'"],
    ["fcmv1", () => listRegistrationsByChannel(hub, "fcm:tok", "fcmv1"), "ChannelUri eq 'fcm:tok'"],
    [
      "fcmv1 with a quote and URL characters",
      () => listRegistrationsByChannel(hub, "a'b&c=d+e%f", "fcmv1"),
      "ChannelUri eq 'a''b&c=d+e%f'",
    ],
    [
      "wns",
      () => listRegistrationsByChannel(hub, "https://wns.example/?token=a'b", "wns"),
      "ChannelUri eq 'https://wns.example/?token=a''b'",
    ],
    [
      "mpns",
      () => listRegistrationsByChannel(hub, "https://mpns.example/c", "mpns"),
      "ChannelUri eq 'https://mpns.example/c'",
    ],
    [
      "adm",
      () => listRegistrationsByChannel(hub, "amzn1.adm-registration.v2.1", "adm"),
      "ChannelUri eq 'amzn1.adm-registration.v2.1'",
    ],
    ["xiaomi", () => listRegistrationsByChannel(hub, "xm-1", "xiaomi"), "ChannelUri eq 'xm-1'"],
    [
      "baidu",
      () => listRegistrationsByChannel(hub, { baiduUserId: "u1", baiduChannelId: "c1" }, "baidu"),
      "BaiduChannelId eq 'c1' and BaiduUserId eq 'u1'",
    ],
    [
      "browser",
      () =>
        listRegistrationsByChannel(
          hub,
          { endpoint: "https://push.example/s/1", p256dh: "BKey", auth: "au" },
          "browser",
        ),
      "Endpoint eq 'https://push.example/s/1' and P256DH eq 'BKey' and Auth eq 'au'",
    ],
  ];
  for (const [platform, list, filter] of cases) {
    it(`filters ${platform} registrations with ${filter}`, async () => {
      await start(() => ({ status: 200, body: serviceFeed([]) }));
      for await (const _ of list()) {
        // no registrations
      }
      expect(server.requests[0]).toMatchObject({ method: "GET", path: "/myhub/registrations" });
      expect(server.requests[0]!.query.get("$filter")).toBe(filter);
    });
  }

  it("refuses a channel that does not fit the platform, sending nothing", async () => {
    await start(() => ({ status: 200, body: serviceFeed([]) }));
    expect(() => listRegistrationsByChannel(hub, "not hex", "apns")).toThrow(ValidationError);
    expect(() => listRegistrationsByChannel(hub, "relative/uri", "wns")).toThrow(ValidationError);
    expect(() => listRegistrationsByChannel(hub, { baiduUserId: "", baiduChannelId: "c" }, "baidu")).toThrow(
      /channel.baiduUserId/,
    );
    expect(() => listRegistrationsByChannel(hub, "x", "symbian" as "gcm")).toThrow(/platform must be one of/);
    expect(server.requests).toHaveLength(0);
  });
});
