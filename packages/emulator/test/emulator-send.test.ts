import { createNotification, NotificationHub, parseNotificationOutcome } from "@nhub/core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Emulator, type Installation, startEmulator } from "../src/index";
import { apple, errorParts, JSON_TYPE, raw, rawSend } from "./helpers";

let emulator: Emulator;
let hub: NotificationHub;

const aps = JSON.stringify({ aps: { alert: "hi" } });
const toast = '<toast><visual><binding template="ToastGeneric"><text>Hi</text></binding></visual></toast>';

const devices: Installation[] = [
  { installationId: "ios-1", platform: "apns", pushChannel: "apns-1", tags: ["a", "b"] },
  { installationId: "ios-2", platform: "apns", pushChannel: "apns-2", tags: ["b"] },
  { installationId: "win-1", platform: "wns", pushChannel: "https://wns.example/1", tags: ["a"] },
  { installationId: "fcm-1", platform: "fcmv1", pushChannel: "fcm-1", tags: ["a"], displayName: "Pixel" },
];

beforeAll(async () => {
  emulator = await startEmulator({ devices });
  hub = new NotificationHub(emulator.connectionString(), "myhub", { retry: false });
});

beforeEach(() => {
  emulator.hub().clearDeliveries();
});

afterAll(async () => {
  await hub.close();
  await emulator.close();
});

async function expect400(
  send: Parameters<typeof rawSend>[1],
  detail: string | RegExp,
  status = 400,
): Promise<void> {
  const res = await rawSend(emulator, send);
  expect(res.status, res.text).toBe(status);
  expect(res.headers.get("content-type")).toContain("application/xml");
  const parts = errorParts(res.text);
  expect(parts.code).toBe(String(status));
  if (typeof detail === "string") expect(parts.detail).toContain(detail);
  else expect(parts.detail).toMatch(detail);
  expect(emulator.hub().deliveries()).toEqual([]);
}

describe("successful sends", () => {
  it("answers 201 with Location, TrackingId and x-ms-correlation-request-id and no body", async () => {
    const res = await rawSend(emulator, { format: "apple", contentType: JSON_TYPE, body: aps });
    expect(res.status).toBe(201);
    expect(res.headers.get("location")).toMatch(
      new RegExp(`^${emulator.url}myhub/messages/[0-9a-f-]{36}\\?api-version=2020-06$`),
    );
    expect(res.headers.get("trackingid")).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers.get("x-ms-correlation-request-id")).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.text).toBe("");
  });

  it("records what each device received: platform headers, content type and the exact body", async () => {
    const result = await hub.send(apple("Hello", { "apns-priority": "10", "apns-push-type": "alert" }), {
      tags: "a",
    });
    const deliveries = emulator.hub().deliveries();
    expect(deliveries).toHaveLength(1);
    expect(deliveries[0]).toMatchObject({
      notificationId: result.notificationId,
      installationId: "ios-1",
      platform: "apns",
      pushChannel: "apns-1",
      format: "apple",
      body: JSON.stringify({ aps: { alert: "Hello" } }),
      headers: { "apns-priority": "10", "apns-push-type": "alert", "content-type": JSON_TYPE },
    });
    expect(Object.keys(deliveries[0]!.headers).some((h) => /authorization|servicebus/i.test(h))).toBe(false);
  });

  it("accepts a windows toast with X-WNS-Type and delivers it to wns devices only", async () => {
    const n = createNotification({
      format: "windows",
      contentType: "application/xml",
      body: toast,
      headers: { "X-WNS-Type": "wns/toast" },
    });
    await hub.send(n);
    const [d, ...rest] = emulator.hub().deliveries();
    expect(rest).toEqual([]);
    expect(d).toMatchObject({
      installationId: "win-1",
      platform: "wns",
      body: toast,
      headers: { "X-WNS-Type": "wns/toast", "content-type": "application/xml" },
    });
  });

  it("accepts a raw wns notification as application/octet-stream", async () => {
    const res = await rawSend(emulator, {
      format: "windows",
      contentType: "application/octet-stream",
      body: "raw bytes",
      headers: { "X-WNS-Type": "wns/raw" },
    });
    expect(res.status).toBe(201);
  });

  it("takes 20 OR-ed tags and 6 tags in a mixed expression", async () => {
    const twenty = Array.from({ length: 20 }, (_, i) => `t${i}`).join(" || ");
    expect(
      (await rawSend(emulator, { format: "apple", contentType: JSON_TYPE, body: aps, tags: twenty })).status,
    ).toBe(201);
    const six = "(t1 && t2) || (t3 && !t4) || t5 || t6";
    expect(
      (await rawSend(emulator, { format: "apple", contentType: JSON_TYPE, body: aps, tags: six })).status,
    ).toBe(201);
  });

  it("routes a direct send to the device holding the handle", async () => {
    const res = await rawSend(emulator, {
      format: "apple",
      contentType: JSON_TYPE,
      body: aps,
      query: "api-version=2020-06&direct=true",
      headers: { "ServiceBusNotification-DeviceHandle": "apns-2" },
    });
    expect(res.status).toBe(201);
    expect(
      emulator
        .hub()
        .deliveries()
        .map((d) => d.installationId),
    ).toEqual(["ios-2"]);
    const unknown = await rawSend(emulator, {
      format: "apple",
      contentType: JSON_TYPE,
      body: aps,
      query: "api-version=2020-06&direct=true",
      headers: { "ServiceBusNotification-DeviceHandle": "somebody-else" },
    });
    expect(unknown.status).toBe(201);
    expect(emulator.hub().deliveries()[1]).toMatchObject({
      installationId: "",
      pushChannel: "somebody-else",
      platform: "apns",
    });
  });
});

describe("test sends", () => {
  it("answers a NotificationOutcome listing the registrations reached", async () => {
    const result = await hub.send(apple(), { tags: "b", test: true });
    expect(result.outcome).toBeDefined();
    expect(result.outcome!.success).toBe(2);
    expect(result.outcome!.failure).toBe(0);
    expect(
      result.outcome!.results.map((r) => [r.applicationPlatform, r.pnsHandle, r.registrationId]),
    ).toEqual([
      ["apple", "apns-1", "ios-1"],
      ["apple", "apns-2", "ios-2"],
    ]);
    expect(result.outcome!.results[0]!.outcome).toContain("successfully sent");
    expect(emulator.hub().deliveries()).toHaveLength(2);
  });

  it("answers an empty outcome when nothing matches", async () => {
    const res = await rawSend(emulator, {
      format: "fcmv1",
      contentType: JSON_TYPE,
      body: "{}",
      tags: "nobody",
      query: "api-version=2020-06&test=true",
    });
    expect(res.status).toBe(201);
    expect(res.headers.get("content-type")).toContain("application/xml");
    expect(await parseNotificationOutcome(res.text)).toEqual({ success: 0, failure: 0, results: [] });
  });

  it("reaches at most 10 devices", async () => {
    const many = await startEmulator({
      devices: Array.from({ length: 12 }, (_, i) => ({
        installationId: `d${i}`,
        platform: "apns" as const,
        pushChannel: `h${i}`,
      })),
    });
    const h = new NotificationHub(many.connectionString(), "myhub");
    try {
      const result = await h.send(apple(), { test: true });
      expect(result.outcome!.results).toHaveLength(10);
      expect(many.hub().deliveries()).toHaveLength(10);
      await h.send(apple());
      expect(many.hub().deliveries()).toHaveLength(22);
    } finally {
      await h.close();
      await many.close();
    }
  });
});

describe("validation answers as the service does", () => {
  it("requires api-version", async () => {
    await expect400(
      { format: "apple", contentType: JSON_TYPE, body: aps, query: "test=true" },
      "api-version",
    );
    await expect400(
      { format: "apple", contentType: JSON_TYPE, body: aps, query: "api-version=latest" },
      "api-version",
    );
  });

  it("requires a known format", async () => {
    await expect400({ contentType: JSON_TYPE, body: aps }, "ServiceBusNotification-Format");
    await expect400({ format: "fcm", contentType: JSON_TYPE, body: aps }, '"fcmv1"');
    await expect400({ format: "Apple", contentType: JSON_TYPE, body: aps }, "not supported");
  });

  it("requires the content type of the format", async () => {
    await expect400({ format: "apple", body: aps }, "Content-Type header is missing");
    await expect400({ format: "apple", contentType: "text/plain", body: aps }, "application/json");
    await expect400({ format: "template", contentType: "application/xml", body: "{}" }, "application/json");
    await expect400(
      { format: "apple", contentType: "application/json; charset=latin1", body: aps },
      "charset",
    );
    await expect400(
      {
        format: "windows",
        contentType: "application/json",
        body: toast,
        headers: { "X-WNS-Type": "wns/toast" },
      },
      "application/xml",
    );
    await expect400(
      {
        format: "windows",
        contentType: "application/xml",
        body: "raw",
        headers: { "X-WNS-Type": "wns/raw" },
      },
      "application/octet-stream",
    );
  });

  it("requires a valid X-WNS-Type for windows", async () => {
    await expect400(
      { format: "windows", contentType: "application/xml", body: toast },
      "X-WNS-Type header is required",
    );
    await expect400(
      { format: "windows", contentType: "application/xml", body: toast, headers: { "X-WNS-Type": "toast" } },
      "wns/toast",
    );
  });

  it("requires well-formed JSON and XML bodies", async () => {
    await expect400({ format: "apple", contentType: JSON_TYPE, body: '{"aps": {' }, "not well-formed JSON");
    await expect400({ format: "fcmv1", contentType: JSON_TYPE, body: "[1, 2]" }, "JSON object");
    await expect400({ format: "apple", contentType: JSON_TYPE, body: "" }, "empty");
    await expect400(
      {
        format: "windows",
        contentType: "application/xml",
        body: "<toast><visual></toast>",
        headers: { "X-WNS-Type": "wns/toast" },
      },
      "not well-formed XML",
    );
    await expect400(
      {
        format: "windowsphone",
        contentType: "application/xml",
        body: "<wp:Notification>",
        headers: { "X-WindowsPhone-Target": "toast" },
      },
      "not well-formed XML",
    );
    await expect400(
      { format: "template", contentType: JSON_TYPE, body: '{"badge": 3}' },
      "flat JSON object of strings",
    );
  });

  it("refuses malformed tag expressions", async () => {
    for (const tags of ["a &&", "a & b", "(a || b", "a b", "a || || b", "bad tag!x"]) {
      await expect400({ format: "apple", contentType: JSON_TYPE, body: aps, tags }, "tag expression");
    }
    await expect400(
      { format: "apple", contentType: JSON_TYPE, body: aps, tags: "x".repeat(121) },
      "limit is 120",
    );
    await expect400({ format: "apple", contentType: JSON_TYPE, body: aps, tags: "a$b" }, "tag expression");
  });

  it("refuses 21 OR-ed tags and 7 tags in a mixed expression", async () => {
    const twentyOne = Array.from({ length: 21 }, (_, i) => `t${i}`).join(" || ");
    await expect400({ format: "apple", contentType: JSON_TYPE, body: aps, tags: twentyOne }, "21 tags");
    const seven = "t1 && (t2 || t3 || t4 || t5 || t6 || t7)";
    await expect400({ format: "apple", contentType: JSON_TYPE, body: aps, tags: seven }, "7 tags");
  });

  it("answers 413 for a body over 64 KB", async () => {
    const body = JSON.stringify({ text: "x".repeat(64 * 1024) });
    await expect400({ format: "template", contentType: JSON_TYPE, body }, "limit is 65536", 413);
    const exactly = JSON.stringify({ t: "x".repeat(64 * 1024 - 8) });
    expect(Buffer.byteLength(exactly)).toBe(64 * 1024);
    expect(
      (await rawSend(emulator, { format: "template", contentType: JSON_TYPE, body: exactly })).status,
    ).toBe(201);
  });

  it("answers 403 for a payload over its platform's limit", async () => {
    const big = JSON.stringify({ aps: { alert: "x".repeat(4100) } });
    await expect400({ format: "apple", contentType: JSON_TYPE, body: big }, "apns takes at most 4096", 403);
    const voip = JSON.stringify({ aps: {}, d: "x".repeat(5000) });
    expect(
      (
        await rawSend(emulator, {
          format: "apple",
          contentType: JSON_TYPE,
          body: voip,
          headers: { "apns-push-type": "voip" },
        })
      ).status,
    ).toBe(201);
  });

  it("refuses test=true on a direct send, a direct send without a handle and a direct template send", async () => {
    await expect400(
      {
        format: "apple",
        contentType: JSON_TYPE,
        body: aps,
        query: "api-version=2020-06&direct=true&test=true",
      },
      "test=true",
    );
    await expect400(
      { format: "apple", contentType: JSON_TYPE, body: aps, query: "api-version=2020-06&direct=true" },
      "DeviceHandle",
    );
    await expect400(
      {
        format: "template",
        contentType: JSON_TYPE,
        body: "{}",
        query: "api-version=2020-06&direct=true",
        headers: { "ServiceBusNotification-DeviceHandle": "apns-1" },
      },
      "template",
    );
  });
});

describe("unknown resources", () => {
  it("answers 404 with the XML error body for unknown hubs and paths", async () => {
    for (const [method, path] of [
      ["POST", "nohub/messages/?api-version=2020-06"],
      ["GET", "myhub/messages/?api-version=2020-06"],
      ["POST", "myhub/subscriptions?api-version=2020-06"],
      ["PATCH", "myhub/registrations/r1?api-version=2020-06"],
      // GET / is the live page (see emulator-page.test.ts); other methods on the root are not found.
      ["DELETE", ""],
      ["POST", ""],
    ] as const) {
      const res = await raw(emulator, path, { method, body: method === "POST" ? "{}" : undefined });
      expect(res.status, path).toBe(404);
      expect(errorParts(res.text).code).toBe("404");
      expect(res.headers.get("trackingid")).toBeTruthy();
    }
  });
});
