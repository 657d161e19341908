import { NotificationHub, ServiceError } from "@nhub/core";
import { XMLParser } from "fast-xml-parser";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Emulator, startEmulator } from "../src/index";
import { apple, elements, errorParts, raw, template, tokenFor } from "./helpers";

let emulator: Emulator;
let hub: NotificationHub;

beforeAll(async () => {
  emulator = await startEmulator({
    devices: [
      { installationId: "a1", platform: "apns", pushChannel: "t1", tags: ["x"] },
      { installationId: "a2", platform: "apns", pushChannel: "t2", tags: ["x"] },
      {
        installationId: "w1",
        platform: "wns",
        pushChannel: "https://wns/1",
        tags: ["x"],
        templates: {
          ok: { body: "<toast><text>$(m)</text></toast>", headers: { "X-WNS-Type": "wns/toast" } },
          big: {
            body: "<toast><text>$(m)</text><text>$(pad)</text></toast>",
            headers: { "X-WNS-Type": "wns/toast" },
          },
        },
      },
      {
        installationId: "f1",
        platform: "fcmv1",
        pushChannel: "f1",
        templates: { t: { body: '{"message":{"data":{"m":"$(m)"}}}' } },
      },
    ],
  });
  hub = new NotificationHub(emulator.connectionString(), "myhub", { retry: false });
});

beforeEach(() => {
  emulator.hub().clearDeliveries();
});

afterAll(async () => {
  await hub.close();
  await emulator.close();
});

const parser = new XMLParser({ parseTagValue: false, isArray: (name) => name === "Outcome" });

async function details(id: string) {
  const res = await hub.request({ method: "GET", path: `/messages/${id}` });
  expect(res.status).toBe(200);
  expect(res.headers["content-type"]).toContain("application/xml");
  return { text: res.body, xml: parser.parse(res.body).NotificationDetails };
}

describe("notification outcome details", () => {
  it("shows Completed and the per-platform counts after a send", async () => {
    const result = await hub.send(apple("hi"), { tags: "x" });
    const { text, xml } = await details(result.notificationId!);
    expect(xml).toMatchObject({
      NotificationId: result.notificationId,
      Location: result.location,
      State: "Completed",
      NotificationBody: JSON.stringify({ aps: { alert: "hi" } }),
      Tags: "x",
      TargetPlatforms: "apple",
      ApnsOutcomeCounts: { Outcome: [{ Name: "Success", Count: "2" }] },
    });
    expect(text).toContain(
      "<ApnsOutcomeCounts><Outcome><Name>Success</Name><Count>2</Count></Outcome></ApnsOutcomeCounts>",
    );
    for (const t of [xml.EnqueueTime, xml.StartTime, xml.EndTime])
      expect(Number.isNaN(Date.parse(t))).toBe(false);
    // The service's element order.
    const order = [
      "NotificationId",
      "Location",
      "State",
      "EnqueueTime",
      "StartTime",
      "EndTime",
      "NotificationBody",
      "Tags",
      "TargetPlatforms",
      "ApnsOutcomeCounts",
    ].map((e) => text.indexOf(`<${e}>`));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(text).toMatch(
      /^<NotificationDetails xmlns="http:\/\/schemas.microsoft.com\/netservices\/2010\/10\/servicebus\/connect"/,
    );
  });

  it("counts a template send per platform, failures included", async () => {
    const result = await hub.send(template({ m: "yo", pad: "p".repeat(6000) }));
    const { xml } = await details(result.notificationId!);
    expect(xml.TargetPlatforms).toBe("windows,fcmv1");
    expect(xml.WnsOutcomeCounts.Outcome).toEqual([
      { Name: "Success", Count: "1" },
      { Name: "InvalidNotificationSize", Count: "1" },
    ]);
    expect(xml.FcmV1OutcomeCounts.Outcome).toEqual([{ Name: "Success", Count: "1" }]);
    expect(xml.ApnsOutcomeCounts).toBeUndefined();
  });

  it("reports a send that reached nobody as Completed without counts", async () => {
    const result = await hub.send(apple(), { tags: "nobody" });
    const { text } = await details(result.notificationId!);
    expect(elements(text, "State")).toEqual(["Completed"]);
    expect(text).not.toContain("OutcomeCounts");
  });

  it("answers 404 for an unknown id", async () => {
    const error = await hub.request({ method: "GET", path: "/messages/nope" }).catch((e: unknown) => e);
    expect(ServiceError.isInstance(error) && error.statusCode).toBe(404);
    expect((error as ServiceError).serviceCode).toBe("404");
  });

  it("needs the Send right", async () => {
    const result = await hub.send(apple());
    const res = await raw(emulator, `myhub/messages/${result.notificationId}?api-version=2020-06`, {
      method: "GET",
      authorization: tokenFor(emulator, { rule: "listen" }),
    });
    // The service refuses a valid token that lacks the Send claim with 403.
    expect(res.status).toBe(403);
  });
});

describe("feedback container", () => {
  it("answers a container URL whose listing is empty", async () => {
    const res = await hub.request({ method: "GET", path: "/feedbackcontainer" });
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toContain("text/plain");
    const url = new URL(res.body);
    expect(url.origin + "/").toBe(emulator.url);
    expect(url.searchParams.get("sr")).toBe("c");
    expect(url.searchParams.get("sig")).toBeTruthy();
    const listing = await fetch(url);
    expect(listing.status).toBe(200);
    expect(await listing.text()).toContain("<Blobs />");
    const denied = await raw(emulator, "myhub/feedbackcontainer?api-version=2020-06", {
      method: "GET",
      authorization: tokenFor(emulator, { rule: "send" }),
    });
    expect(denied.status).toBe(401);
    expect(errorParts(denied.text).detail).toContain("Manage");
  });
});
