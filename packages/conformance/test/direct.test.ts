/**
 * Direct sends (one device handle, registered or not), browser direct sends (a push subscription) and batch
 * direct sends (multipart/mixed: the notification part and the JSON array of handles).
 */
import * as sdk from "@azure/notification-hubs";
import { createBrowserNotification } from "@nhub/platform-browser";
import { describe, expect, it } from "vitest";
import { runBoth, runOne } from "../src/capture";
import { diffRequests, multipartBoundary, parseMultipart } from "../src/compare";
import { BROWSER_SUBSCRIPTION, DEVICE_HANDLES, NATIVE_PAIRS, pair } from "./notification-pairs";

// The SDK writes `boundary = "..."`, with spaces around "=", which HTTP's parameter syntax does not allow
// (RFC 9110, section 5.6.6); nhub writes `boundary="..."`. Asserted and explained in differences.test.ts.
const BOUNDARY_SYNTAX =
  'header content-type: sdk "multipart/mixed; boundary = \\"<boundary>\\"" nhub "multipart/mixed; boundary=\\"<boundary>\\""';

describe.each(NATIVE_PAIRS.filter((p) => p.name !== "browser"))("direct send: $name", (p) => {
  const handle = DEVICE_HANDLES[p.name]!;

  it("sends direct=true with ServiceBusNotification-DeviceHandle", async () => {
    const run = await runOne(
      (c) => c.sendNotification(p.sdk, { deviceHandle: handle }),
      (h) => h.send(p.nhub, { deviceHandle: handle }),
    );
    expect(run.diff).toEqual([]);
    expect(run.nhub.query).toContainEqual(["direct", "true"]);
    expect(run.nhub.headers["servicebusnotification-devicehandle"]).toBe(handle);
    expect(run.nhub.headers["servicebusnotification-tags"]).toBeUndefined();
    expect(run.nhubResult.notificationId).toBe(run.sdkResult.notificationId);
  });

  it("batch-sends to three handles as the same multipart body", async () => {
    const handles = [handle, `${handle}-2`, `${handle}-3`];
    const run = await runOne(
      (c) => c.sendNotification(p.sdk, { deviceHandle: handles }),
      (h) => h.sendDirectBatch(p.nhub, handles),
    );
    expect(run.diff).toEqual([BOUNDARY_SYNTAX]);
    expect(run.nhub.path).toBe("/myhub/messages/$batch");
    expect(run.nhub.query).toEqual([
      ["api-version", "2020-06"],
      ["direct", "true"],
    ]);
    const body = parseMultipart(run.nhub.body!, multipartBoundary(run.nhub.headers["content-type"])!);
    expect(body.parts.map((part) => part.headers["content-disposition"])).toEqual([
      "inline; name=notification",
      "inline; name=devices",
    ]);
    expect(body.parts[0]!.headers["content-type"]).toBe(p.nhub.contentType);
    expect(JSON.parse(body.parts[1]!.body)).toEqual(handles);
    const chunk = run.nhubResult.chunks[0]!;
    expect(chunk.ok && chunk.result.notificationId).toBe(run.sdkResult.notificationId);
  });
});

describe("browser direct send", () => {
  const { sdk: sdkNotification, nhub: nhubNotification } = pair("browser");

  it("sends the endpoint as the device handle and the keys as P256DH and Auth", async () => {
    const run = await runOne(
      (c) => c.sendNotification(sdkNotification, { deviceHandle: { ...BROWSER_SUBSCRIPTION } }),
      (h) => h.send(nhubNotification, { deviceHandle: BROWSER_SUBSCRIPTION }),
    );
    expect(run.diff).toEqual([]);
    expect(run.nhub.headers).toMatchObject({
      "servicebusnotification-devicehandle": BROWSER_SUBSCRIPTION.endpoint,
      p256dh: BROWSER_SUBSCRIPTION.p256dh,
      auth: BROWSER_SUBSCRIPTION.auth,
    });
  });

  it("sends a string payload byte for byte", async () => {
    const body = '{"title":"Game","body":"Ann scored","data":{"url":"/games/42"}}';
    const run = await runOne(
      (c) =>
        c.sendNotification(sdk.createBrowserNotification({ body }), {
          deviceHandle: { ...BROWSER_SUBSCRIPTION },
        }),
      (h) => h.send(createBrowserNotification(body), { deviceHandle: BROWSER_SUBSCRIPTION }),
    );
    expect(run.diff).toEqual([]);
    expect(run.nhub.body).toBe(run.sdk.body);
  });
});

describe("batch direct send", () => {
  it("sends a WNS XML notification part with its X-WNS-Type header on the request", async () => {
    const { sdk: sdkNotification, nhub: nhubNotification } = pair("windows toast");
    const handles = [DEVICE_HANDLES["windows toast"]!];
    const run = await runOne(
      (c) => c.sendNotification(sdkNotification, { deviceHandle: handles }),
      (h) => h.sendDirectBatch(nhubNotification, handles),
    );
    expect(run.diff).toEqual([BOUNDARY_SYNTAX]);
    expect(run.nhub.headers["x-wns-type"]).toBe("wns/toast");
  });

  it("writes both parts with CRLF line ends and no preamble or epilogue, as the SDK does", async () => {
    const { sdk: sdkNotification, nhub: nhubNotification } = pair("fcmv1");
    const handles = ["token-a", "token-b"];
    const run = await runOne(
      (c) => c.sendNotification(sdkNotification, { deviceHandle: handles }),
      (h) => h.sendDirectBatch(nhubNotification, handles),
    );
    for (const request of [run.sdk, run.nhub]) {
      const boundary = multipartBoundary(request.headers["content-type"])!;
      const body = parseMultipart(request.body!, boundary);
      expect(body.preamble).toBe("");
      expect(body.epilogue).toBe("");
      expect(request.body!.replace(/\r\n/g, "")).not.toMatch(/[\r\n]/);
      expect(request.body!.endsWith(`--${boundary}--`)).toBe(true);
    }
    // The boundaries are random on both sides; only their syntax is compared.
    expect(diffRequests(run.sdk, run.nhub)).toEqual([BOUNDARY_SYNTAX]);
  });

  it("sends 1000 handles, the service's limit, in one request on both sides", async () => {
    const { sdk: sdkNotification, nhub: nhubNotification } = pair("adm");
    const handles = Array.from({ length: 1000 }, (_, i) => `amzn1.adm-registration.v3.${i}`);
    const run = await runBoth(
      (c) => c.sendNotification(sdkNotification, { deviceHandle: handles }),
      (h) => h.sendDirectBatch(nhubNotification, handles),
    );
    expect(run.sdkRequests).toHaveLength(1);
    expect(run.nhubRequests).toHaveLength(1);
    expect(diffRequests(run.sdkRequests[0]!, run.nhubRequests[0]!)).toEqual([BOUNDARY_SYNTAX]);
    expect(run.nhubResult).toMatchObject({ sentHandles: 1000, failedHandles: 0 });
  });
});
