/** Installations: create or replace (every platform both support), patch, get and delete. */
import type * as sdk from "@azure/notification-hubs";
import {
  createOrUpdateInstallation,
  deleteInstallation,
  getInstallation,
  type Installation,
  updateInstallation,
} from "@nhub/installations";
import { describe, expect, it } from "vitest";
import { runOne } from "../src/capture";
import { BROWSER_SUBSCRIPTION } from "./notification-pairs";

// The SDK sends `Content-Type: application/json` on GET installations/{id}, which has no body; nhub sends no
// Content-Type without a body. Asserted and explained in differences.test.ts.
const GET_CONTENT_TYPE = 'header content-type: sdk "application/json" nhub (absent)';
// The SDK labels a JSON Patch document `application/json`; nhub labels it `application/json-patch+json`, as
// protocol.md says. Asserted and explained in differences.test.ts.
const PATCH_CONTENT_TYPE = 'header content-type: sdk "application/json" nhub "application/json-patch+json"';

const jsonTemplate = (body: string) => ({ body, headers: {}, tags: ["alerts"] });

/** One installation of each platform both clients support, with a user id, tags and a template. */
const INSTALLATIONS: readonly { name: string; installation: sdk.Installation }[] = [
  {
    name: "apns",
    installation: {
      installationId: "device-apns",
      platform: "apns",
      pushChannel: "62BCD3484834B7E2DC56733AC5509259230CC1BA82BA1AE7D06E91908A05A8FA",
      userId: "ann@example.com",
      tags: ["sports", "lang:en"],
      templates: {
        alert: {
          body: '{"aps":{"alert":"$(message)","badge":"#(badge)"}}',
          headers: { "apns-push-type": "alert", "apns-priority": "10" },
          tags: ["alerts"],
        },
      },
    },
  },
  {
    name: "wns",
    installation: {
      installationId: "device-wns",
      platform: "wns",
      pushChannel: "https://db5p.notify.windows.com/w/?token=AwYAAAB%2bWvq%2fexample",
      tags: ["sports"],
      templates: {
        toast: {
          body: '<toast><visual><binding template="ToastGeneric"><text id="1">$(message)</text></binding></visual></toast>',
          headers: { "X-WNS-Type": "wns/toast" },
        },
      },
    },
  },
  {
    name: "fcmv1",
    installation: {
      installationId: "device-fcmv1",
      platform: "fcmv1",
      pushChannel: "dGVzdC1mY20tdG9rZW4:APA91bH-example-registration-token",
      userId: "bob",
      tags: ["sports"],
      templates: { news: jsonTemplate('{"message":{"notification":{"title":"$(title)"}}}') },
    },
  },
  {
    name: "gcm",
    installation: {
      installationId: "device-gcm",
      platform: "gcm",
      pushChannel: "dGVzdC1nY20tdG9rZW4:APA91bH-legacy-registration-token",
      templates: { news: jsonTemplate('{"notification":{"title":"$(title)"}}') },
    },
  },
  {
    name: "adm",
    installation: {
      installationId: "device-adm",
      platform: "adm",
      pushChannel: "amzn1.adm-registration.v3.Y29tLmFtYXpvbi5EZXZpY2VNZXNzYWdpbmc",
      tags: ["fire"],
      templates: { news: jsonTemplate('{"data":{"message":"$(message)"}}') },
    },
  },
  {
    name: "baidu",
    installation: {
      installationId: "device-baidu",
      platform: "baidu",
      pushChannel: "4266437413278745621-3583915183623447231",
      tags: ["cn"],
      templates: { news: jsonTemplate('{"title":"$(title)","description":"$(message)"}') },
    },
  },
  {
    name: "browser",
    installation: {
      installationId: "device-browser",
      platform: "browser",
      pushChannel: { ...BROWSER_SUBSCRIPTION },
      userId: "ann@example.com",
      tags: ["web"],
      templates: { news: jsonTemplate('{"title":"$(title)","body":"$(message)"}') },
    },
  },
  {
    name: "xiaomi",
    installation: {
      installationId: "device-xiaomi",
      platform: "xiaomi",
      pushChannel: "xiaomi-reg-id-ABCDEF0123456789",
      tags: ["cn"],
      templates: { news: jsonTemplate('{"title":"$(title)","description":"$(message)"}') },
    },
  },
];

describe.each(INSTALLATIONS)("createOrUpdateInstallation: $name", ({ installation }) => {
  it("PUTs installations/{id} with the same JSON", async () => {
    const run = await runOne(
      (c) => c.createOrUpdateInstallation(structuredClone(installation)),
      (h) => createOrUpdateInstallation(h, installation as Installation),
    );
    expect(run.diff).toEqual([]);
    expect(run.nhub.method).toBe("PUT");
    expect(run.nhub.path).toBe(`/myhub/installations/${installation.installationId}`);
    expect(run.nhub.headers["content-type"]).toBe("application/json");
  });
});

describe("installations", () => {
  it("creates a minimal installation (id, platform, channel) alike", async () => {
    const installation: sdk.Installation = {
      installationId: "minimal",
      platform: "fcmv1",
      pushChannel: "fcm-token-1",
    };
    const run = await runOne(
      (c) => c.createOrUpdateInstallation({ ...installation }),
      (h) => createOrUpdateInstallation(h, installation as Installation),
    );
    expect(run.diff).toEqual([]);
    expect(JSON.parse(run.nhub.body!)).toEqual(installation);
  });

  it("patches with a JSON Patch document", async () => {
    const template = { body: '{"aps":{"alert":"$(headline)"}}', headers: { "apns-push-type": "alert" } };
    const run = await runOne(
      (c) =>
        c.updateInstallation("device-apns", [
          { op: "add", path: "/tags", value: "football" },
          { op: "remove", path: "/tags/lang:en" },
          { op: "replace", path: "/userId", value: "bob@example.com" },
          { op: "replace", path: "/pushChannel", value: "AB12CD34" },
          { op: "add", path: "/templates/news", value: JSON.stringify(template) },
          { op: "remove", path: "/templates/alert" },
        ]),
      (h) =>
        updateInstallation(h, "device-apns", [
          { op: "add", path: "/tags", value: "football" },
          { op: "remove", path: "/tags/lang:en" },
          { op: "replace", path: "/userId", value: "bob@example.com" },
          { op: "replace", path: "/pushChannel", value: "AB12CD34" },
          // nhub takes the template as an object and sends it JSON-encoded, as the SDK's caller must.
          { op: "add", path: "/templates/news", value: template },
          { op: "remove", path: "/templates/alert" },
        ]),
    );
    expect(run.diff).toEqual([PATCH_CONTENT_TYPE]);
    expect(run.nhub.method).toBe("PATCH");
    expect(run.nhub.path).toBe("/myhub/installations/device-apns");
  });

  it("gets an installation and reads the same fields", async () => {
    const run = await runOne(
      (c) => c.getInstallation("device-42"),
      (h) => getInstallation(h, "device-42"),
    );
    expect(run.diff).toEqual([GET_CONTENT_TYPE]);
    expect(run.nhub.method).toBe("GET");
    expect(run.nhub.path).toBe("/myhub/installations/device-42");
    expect(run.nhubResult).toEqual(run.sdkResult);
    expect(run.nhubResult).toMatchObject({ installationId: "device-42", platform: "apns" });
  });

  it("deletes an installation", async () => {
    const run = await runOne(
      (c) => c.deleteInstallation("device-42"),
      (h) => deleteInstallation(h, "device-42"),
    );
    expect(run.diff).toEqual([]);
    expect(run.nhub.method).toBe("DELETE");
    expect(run.nhub.path).toBe("/myhub/installations/device-42");
    expect(run.nhub.body).toBeUndefined();
  });
});
