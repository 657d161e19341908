/**
 * Behaviour recorded from the live service that the emulator imitates: installations shown as registrations,
 * normalised registration kinds and values, installation template push variables, expiry and name tags, tiers,
 * the status of an insufficient-rights send, and the ETag header by api-version.
 */
import { ValidationError } from "@nhub/core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Emulator, startEmulator } from "../src/index";
import {
  ATOM_ENTRY,
  atomEntry,
  description,
  elements,
  errorParts,
  JSON_TYPE,
  raw,
  rawSend,
  tokenFor,
} from "./helpers";

let emulator: Emulator;

beforeAll(async () => {
  emulator = await startEmulator({
    hubs: ["myhub", { name: "freehub", tier: "free" }, { name: "basichub", tier: "basic" }],
  });
});

afterAll(async () => {
  await emulator.close();
});

beforeEach(() => {
  const hub = emulator.hub();
  for (const i of hub.installations()) hub.deleteInstallation(i.installationId);
  for (const r of hub.registrations()) hub.deleteRegistration(r.registrationId);
  hub.clearDeliveries();
});

const TOKEN = "ab12cd34";

function putInstallation(id: string, body: Record<string, unknown>, hub = "myhub") {
  return raw(emulator, `${hub}/installations/${id}?api-version=2020-06`, {
    method: "PUT",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ installationId: id, ...body }),
  });
}

function get(path: string, authorization?: string) {
  return raw(emulator, path, { method: "GET", ...(authorization !== undefined ? { authorization } : {}) });
}

function sendTemplate(properties: Record<string, string>, tags?: string) {
  return rawSend(emulator, {
    format: "template",
    contentType: JSON_TYPE,
    body: JSON.stringify(properties),
    ...(tags !== undefined ? { tags } : {}),
  });
}

/** The registration descriptions of a feed or entry, by their root element's kind. */
function kinds(xml: string): string[] {
  return [...xml.matchAll(/<(\w+)RegistrationDescription /g)].map((m) => m[1]!);
}

describe("installations are registrations too", () => {
  const installation = {
    platform: "apns",
    pushChannel: TOKEN,
    userId: "u1",
    tags: ["news"],
    templates: { greet: { body: '{"aps":{"alert":"$(msg)"}}', tags: ["t1"] } },
  };

  it("lists a native and a template registration with the system tags, readable by id and by tag", async () => {
    expect((await putInstallation("i1", installation)).status).toBe(200);
    const list = await get("myhub/registrations?api-version=2020-06");
    expect(list.status, list.text).toBe(200);
    expect(kinds(list.text).sort()).toEqual(["Apple", "AppleTemplate"]);
    const tags = elements(list.text, "Tags");
    expect(tags).toContain("news,$InstallationId:{i1},$UserId:{u1}");
    expect(tags).toContain("news,t1,greet,$InstallationId:{i1},$UserId:{u1}");
    expect(elements(list.text, "DeviceToken")).toEqual([TOKEN.toUpperCase(), TOKEN.toUpperCase()]);
    expect(elements(list.text, "TemplateName")).toEqual(["greet"]);

    const byTag = await get(
      `myhub/tags/${encodeURIComponent("$InstallationId:{i1}")}/registrations?api-version=2020-06`,
    );
    expect(byTag.status, byTag.text).toBe(200);
    expect(elements(byTag.text, "RegistrationId").sort()).toEqual(
      elements(list.text, "RegistrationId").sort(),
    );
    const byName = await get("myhub/tags/greet/registrations?api-version=2020-06");
    expect(kinds(byName.text)).toEqual(["AppleTemplate"]);

    for (const id of elements(list.text, "RegistrationId")) {
      const one = await get(`myhub/registrations/${id}?api-version=2020-06`);
      expect(one.status, one.text).toBe(200);
      expect(elements(one.text, "RegistrationId")).toEqual([id]);
    }
    // Routing still goes through the installation: one delivery, not one per listed registration.
    const native = await rawSend(emulator, {
      format: "apple",
      contentType: JSON_TYPE,
      body: '{"aps":{"alert":"x"}}',
    });
    expect(native.status).toBe(201);
    expect(emulator.hub().deliveries()).toHaveLength(1);
  });

  it("keeps them in sync with installation put, patch and delete", async () => {
    await putInstallation("i2", installation);
    const ids = async () =>
      elements((await get("myhub/registrations?api-version=2020-06")).text, "RegistrationId");
    const before = await ids();
    expect(before).toHaveLength(2);
    const patch = await raw(emulator, "myhub/installations/i2?api-version=2020-06", {
      method: "PATCH",
      headers: { "Content-Type": "application/json-patch+json" },
      body: JSON.stringify([{ op: "remove", path: "/templates/greet" }]),
    });
    expect(patch.status, patch.text).toBe(200);
    const after = await ids();
    expect(after).toHaveLength(1);
    // The native registration keeps its id across changes; its ETag counts them.
    expect(before).toContain(after[0]);
    const entry = await get(`myhub/registrations/${after[0]}?api-version=2020-06`);
    expect(elements(entry.text, "ETag")).toEqual(["2"]);
    await raw(emulator, "myhub/installations/i2?api-version=2020-06", { method: "DELETE" });
    expect(await ids()).toEqual([]);
    expect((await get(`myhub/registrations/${after[0]}?api-version=2020-06`)).status).toBe(404);
  });

  it("deletes by registration id: a template's removes the template, the native one the installation", async () => {
    await putInstallation("i3", installation);
    const all = elements((await get("myhub/registrations?api-version=2020-06")).text, "RegistrationId");
    const [tmplId] = elements(
      (await get("myhub/tags/greet/registrations?api-version=2020-06")).text,
      "RegistrationId",
    );
    const natId = all.find((id) => id !== tmplId)!;
    expect(all).toHaveLength(2);

    // Such a registration changes only through its installation.
    const put = await raw(emulator, `myhub/registrations/${natId}?api-version=2020-06`, {
      method: "PUT",
      headers: { "Content-Type": ATOM_ENTRY },
      body: atomEntry(description("Apple", `<DeviceToken>${TOKEN}</DeviceToken>`)),
    });
    expect(put.status, put.text).toBe(409);

    expect(
      (await raw(emulator, `myhub/registrations/${tmplId}?api-version=2020-06`, { method: "DELETE" })).status,
    ).toBe(200);
    const left = emulator.hub().installations()[0]!;
    expect(left.installationId).toBe("i3");
    expect(left.templates).toBeUndefined();
    expect(
      (await raw(emulator, `myhub/registrations/${natId}?api-version=2020-06`, { method: "DELETE" })).status,
    ).toBe(200);
    expect(emulator.hub().installations()).toEqual([]);
    expect((await get("myhub/installations/i3?api-version=2020-06")).status).toBe(404);
  });

  it("names every platform's registration kind", async () => {
    const platforms: Array<[string, unknown, string]> = [
      ["fcmv1", "fcm-token", "FcmV1"],
      ["gcm", "gcm-token", "Gcm"],
      ["wns", "https://wns.example/1", "Windows"],
      ["mpns", "https://mpns.example/1", "Mpns"],
      ["adm", "amzn1.adm", "Adm"],
      ["baidu", "user-channel", "Baidu"],
      ["browser", { endpoint: "https://push.example/1", p256dh: "k", auth: "a" }, "Browser"],
      ["xiaomi", "mi-1", "Xiaomi"],
    ];
    for (const [platform, pushChannel, kind] of platforms) {
      const res = await putInstallation(`k-${platform}`, { platform, pushChannel });
      expect(res.status, `${platform}: ${res.text}`).toBe(200);
      const byTag = await get(
        `myhub/tags/${encodeURIComponent(`$InstallationId:{k-${platform}}`)}/registrations?api-version=2020-06`,
      );
      expect(kinds(byTag.text), platform).toEqual([kind]);
    }
    const baidu = await get(
      `myhub/tags/${encodeURIComponent("$InstallationId:{k-baidu}")}/registrations?api-version=2020-06`,
    );
    expect(elements(baidu.text, "BaiduUserId")).toEqual(["user"]);
    expect(elements(baidu.text, "BaiduChannelId")).toEqual(["channel"]);
  });
});

describe("registration kinds and values are normalised", () => {
  async function create(kind: string, inner: string) {
    const res = await raw(emulator, "myhub/registrations?api-version=2020-06", {
      method: "POST",
      headers: { "Content-Type": ATOM_ENTRY },
      body: atomEntry(description(kind, inner)),
    });
    expect(res.status, res.text).toBe(200);
    return res.text;
  }

  it("answers an Fcm registration as Gcm, upper-cases APNs tokens and keeps SecondaryTileName", async () => {
    const fcm = await create("Fcm", "<FcmRegistrationId>fcm-1</FcmRegistrationId>");
    expect(kinds(fcm)).toEqual(["Gcm"]);
    expect(elements(fcm, "GcmRegistrationId")).toEqual(["fcm-1"]);
    expect(fcm).not.toContain("FcmRegistrationId");
    expect(emulator.hub().registrations()[0]).toMatchObject({ kind: "Gcm", platform: "gcm" });

    const apple = await create("Apple", "<DeviceToken>abcdef01</DeviceToken>");
    expect(elements(apple, "DeviceToken")).toEqual(["ABCDEF01"]);
    // A direct send to the token as the app wrote it still finds the registration.
    const direct = await rawSend(emulator, {
      format: "apple",
      contentType: JSON_TYPE,
      body: '{"aps":{"alert":"x"}}',
      query: "api-version=2020-06&direct=true",
      headers: { "ServiceBusNotification-DeviceHandle": "abcdef01" },
    });
    expect(direct.status, direct.text).toBe(201);
    expect(emulator.hub().deliveries().at(-1)?.registrationId).toBe(elements(apple, "RegistrationId")[0]);

    for (const kind of ["Windows", "Mpns"]) {
      const tile = await create(
        kind,
        "<ChannelUri>https://wns.example/tile</ChannelUri><SecondaryTileName>scores</SecondaryTileName>",
      );
      expect(elements(tile, "SecondaryTileName"), kind).toEqual(["scores"]);
      const id = elements(tile, "RegistrationId")[0]!;
      const again = await get(`myhub/registrations/${id}?api-version=2020-06`);
      expect(elements(again.text, "SecondaryTileName")).toEqual(["scores"]);
    }
  });
});

describe("installation templates", () => {
  it("stores pushVariables and fills templates with them; the send's own properties win", async () => {
    const res = await putInstallation("pv", {
      platform: "apns",
      pushChannel: TOKEN,
      pushVariables: { name: "Ann", greeting: "Hi" },
      templates: { t: { body: `{"aps":{"alert":"{$(greeting) + ' ' + $(name)}"}}` } },
    });
    expect(res.status, res.text).toBe(200);
    const stored = await get("myhub/installations/pv?api-version=2020-06");
    expect(JSON.parse(stored.text).pushVariables).toEqual({ name: "Ann", greeting: "Hi" });

    expect((await sendTemplate({ other: "x" })).status).toBe(201);
    expect((await sendTemplate({ name: "Bob" })).status).toBe(201);
    expect(
      emulator
        .hub()
        .deliveries()
        .map((d) => JSON.parse(d.body).aps.alert),
    ).toEqual(["Hi Ann", "Hi Bob"]);
  });

  it("stores a template's expiry; an expired template receives nothing", async () => {
    const future = new Date(Date.now() + 3_600_000).toISOString();
    await putInstallation("ex", {
      platform: "apns",
      pushChannel: TOKEN,
      templates: {
        old: { body: '{"aps":{"alert":"old $(m)"}}', expiry: "2000-01-01T00:00:00Z" },
        fresh: { body: '{"aps":{"alert":"fresh $(m)"}}', expiry: future },
      },
    });
    const stored = JSON.parse((await get("myhub/installations/ex?api-version=2020-06")).text);
    expect(stored.templates.old.expiry).toBe("2000-01-01T00:00:00Z");
    expect((await sendTemplate({ m: "x" })).status).toBe(201);
    const deliveries = emulator.hub().deliveries();
    expect(deliveries.map((d) => d.templateName)).toEqual(["fresh"]);
    expect(deliveries[0]!.headers["ServiceBusNotification-Apns-Expiry"]).toBe(future);
    const bad = await putInstallation("ex2", {
      platform: "apns",
      pushChannel: TOKEN,
      templates: { t: { body: "{}", expiry: "tomorrow" } },
    });
    expect(bad.status).toBe(400);
    expect(errorParts(bad.text).detail).toContain("templates.t.expiry");
  });

  it("tags a template with its name, so a send to that tag reaches it", async () => {
    await putInstallation("nm", {
      platform: "apns",
      pushChannel: TOKEN,
      templates: {
        promo: { body: '{"aps":{"alert":"promo"}}' },
        alerts: { body: '{"aps":{"alert":"alerts"}}' },
      },
    });
    expect((await sendTemplate({ m: "x" }, "promo")).status).toBe(201);
    expect(
      emulator
        .hub()
        .deliveries()
        .map((d) => d.templateName),
    ).toEqual(["promo"]);
  });
});

describe("tiers", () => {
  const aps = '{"aps":{"alert":"x"}}';
  const send = (hub: string) =>
    rawSend(
      emulator,
      { hub, format: "apple", contentType: JSON_TYPE, body: aps },
      tokenFor(emulator, { hub }),
    );

  it("sends without Location below Standard", async () => {
    expect((await send("myhub")).headers.get("location")).toMatch(/\/myhub\/messages\//);
    for (const hub of ["freehub", "basichub"]) {
      const res = await send(hub);
      expect(res.status, res.text).toBe(201);
      expect(res.headers.get("location"), hub).toBeNull();
    }
  });

  it("refuses telemetry, scheduled sends and jobs with 403 below Standard, and direct batches on Free", async () => {
    for (const hub of ["freehub", "basichub"]) {
      const authorization = tokenFor(emulator, { hub });
      const telemetry = await get(`${hub}/messages/abc?api-version=2020-06`, authorization);
      expect(telemetry.status, hub).toBe(403);
      expect(errorParts(telemetry.text)).toMatchObject({ code: "403" });
      expect(errorParts(telemetry.text).detail).toContain("Standard");
      const scheduled = await raw(emulator, `${hub}/schedulednotifications/?api-version=2020-06`, {
        headers: {
          "Content-Type": JSON_TYPE,
          "ServiceBusNotification-Format": "apple",
          "ServiceBusNotification-ScheduleTime": new Date(Date.now() + 60_000).toISOString(),
        },
        body: aps,
        authorization,
      });
      expect(scheduled.status, hub).toBe(403);
      expect((await get(`${hub}/jobs?api-version=2020-06`, authorization)).status, hub).toBe(403);
      expect(
        (await raw(emulator, `${hub}/jobs?api-version=2020-06`, { body: "<entry/>", authorization })).status,
      ).toBe(403);
    }
    const boundary = "b1";
    const body =
      `--${boundary}\r\nContent-Type: ${JSON_TYPE}\r\nContent-Disposition: inline; name=notification\r\n\r\n${aps}\r\n` +
      `--${boundary}\r\nContent-Type: application/json\r\nContent-Disposition: inline; name=devices\r\n\r\n["${TOKEN}"]\r\n--${boundary}--`;
    const batch = (hub: string) =>
      raw(emulator, `${hub}/messages/$batch?api-version=2020-06&direct=true`, {
        headers: {
          "Content-Type": `multipart/mixed; boundary="${boundary}"`,
          "ServiceBusNotification-Format": "apple",
        },
        body,
        authorization: tokenFor(emulator, { hub }),
      });
    const free = await batch("freehub");
    expect(free.status, free.text).toBe(403);
    expect(errorParts(free.text).detail).toContain("Basic or Standard");
    const basic = await batch("basichub");
    expect(basic.status, basic.text).toBe(201);
    expect(basic.headers.get("location")).toBeNull();
    expect((await batch("myhub")).headers.get("location")).toMatch(/\$batch/);
  });

  it("takes the tier for every hub, or per hub, and refuses an unknown one", async () => {
    const other = await startEmulator({ tier: "basic", hubs: ["a", { name: "b", tier: "standard" }] });
    try {
      const status = async (hub: string) =>
        (
          await raw(other, `${hub}/jobs?api-version=2020-06`, {
            method: "GET",
            authorization: tokenFor(other, { hub }),
          })
        ).status;
      expect(await status("a")).toBe(403);
      expect(await status("b")).toBe(200);
    } finally {
      await other.close();
    }
    for (const options of [{ tier: "premium" }, { hubs: [{ name: "x", tier: "gold" }] }]) {
      const error = await startEmulator(options as never).catch((e: unknown) => e);
      expect(ValidationError.isInstance(error)).toBe(true);
      expect((error as ValidationError).rule).toBe("one-of");
    }
  });
});

describe("rights", () => {
  it("answers a Listen-key send with 403 and the service's error body; a missing Manage claim with 401", async () => {
    const res = await rawSend(
      emulator,
      { format: "apple", contentType: JSON_TYPE, body: '{"aps":{"alert":"x"}}' },
      tokenFor(emulator, { rule: "listen" }),
    );
    expect(res.status).toBe(403);
    const { code, detail } = errorParts(res.text);
    expect(code).toBe("403");
    expect(detail).toContain("Send claim is required");
    expect(detail).toMatch(/TrackingId:[0-9a-f-]{36},TimeStamp:/);
    const list = await get("myhub/registrations?api-version=2020-06", tokenFor(emulator, { rule: "send" }));
    expect(list.status).toBe(401);
    expect(errorParts(list.text).detail).toContain("Manage claim is required");
  });
});

describe("registration ETag header by api-version", () => {
  it("sends none on 2020-06 (the version is in the entry) and keeps it on older versions", async () => {
    const create = (version: string) =>
      raw(emulator, `myhub/registrations?api-version=${version}`, {
        headers: { "Content-Type": ATOM_ENTRY },
        body: atomEntry(description("FcmV1", "<FcmV1RegistrationId>tok</FcmV1RegistrationId>")),
      });
    const current = await create("2020-06");
    expect(current.headers.get("etag")).toBeNull();
    expect(elements(current.text, "ETag")).toEqual(["1"]);
    const id = elements(current.text, "RegistrationId")[0]!;
    expect((await get(`myhub/registrations/${id}?api-version=2020-06`)).headers.get("etag")).toBeNull();
    const older = await create("2015-01");
    expect(older.headers.get("etag")).toBe('W/"1"');
  });
});

describe("one push-channel rule with @nhub/installations", () => {
  it("refuses a non-hex APNs token in an installation PUT, a patch and a registration", async () => {
    const put = await putInstallation("bad", { platform: "apns", pushChannel: "not-hex" });
    expect(put.status).toBe(400);
    expect(errorParts(put.text).detail).toContain("hexadecimal");
    await putInstallation("good", { platform: "apns", pushChannel: TOKEN });
    const patch = await raw(emulator, "myhub/installations/good?api-version=2020-06", {
      method: "PATCH",
      headers: { "Content-Type": "application/json-patch+json" },
      body: JSON.stringify([{ op: "replace", path: "/pushChannel", value: "abc" }]),
    });
    expect(patch.status).toBe(400);
    const reg = await raw(emulator, "myhub/registrations?api-version=2020-06", {
      headers: { "Content-Type": ATOM_ENTRY },
      body: atomEntry(description("Apple", "<DeviceToken>xyz</DeviceToken>")),
    });
    expect(reg.status).toBe(400);
    expect(errorParts(reg.text).detail).toContain("hexadecimal");
    expect(emulator.hub().registrations()).toEqual([]);
  });
});
