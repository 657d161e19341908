import type { AddressInfo } from "node:net";
import { NotificationHub } from "@nhub/core";
import { type Emulator, startEmulator } from "@nhub/emulator";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createBackend } from "../src/server.mjs";

const APNS_TOKEN = "ab12".repeat(16);

let emulator: Emulator;
let hub: NotificationHub;
let backend: ReturnType<typeof createBackend>;
let base: string;

beforeAll(async () => {
  emulator = await startEmulator({ hubs: ["myhub"] });
  // Retries off, so an injected fault reaches the back end at once.
  hub = new NotificationHub(emulator.connectionString(), "myhub", { retry: false });
  backend = createBackend({ hub });
  await new Promise<void>((resolve) => backend.listen(0, "127.0.0.1", resolve));
  base = `http://127.0.0.1:${(backend.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => backend.close(resolve));
  await hub.close();
  await emulator.close();
});

afterEach(() => {
  emulator.hub().clearFaults();
  emulator.hub().clearDeliveries();
  for (const device of emulator.hub().installations())
    emulator.hub().deleteInstallation(device.installationId);
});

function messageRequests(): number {
  return emulator
    .hub()
    .requests()
    .filter((r) => r.path === "/myhub/messages/").length;
}

async function call(method: string, path: string, body?: unknown) {
  const res = await fetch(base + path, {
    method,
    headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: text ? JSON.parse(text) : undefined };
}

describe("POST /devices", () => {
  it("registers an installation and answers 201 with its location", async () => {
    const res = await call("POST", "/devices", {
      installationId: "anna-iphone",
      platform: "apns",
      pushChannel: APNS_TOKEN,
      tags: ["team:reds"],
      userId: "anna",
    });
    expect(res.status).toBe(201);
    expect(res.headers.get("location")).toBe("/devices/anna-iphone");
    expect(res.json).toEqual({ installationId: "anna-iphone" });
    expect(emulator.hub().installations()).toEqual([
      expect.objectContaining({
        installationId: "anna-iphone",
        platform: "apns",
        pushChannel: APNS_TOKEN,
        tags: ["team:reds"],
        userId: "anna",
      }),
    ]);
  });

  it.each([
    [{ platform: "apns", pushChannel: APNS_TOKEN }, "installationId", "required"],
    [{ installationId: "a b", platform: "apns", pushChannel: APNS_TOKEN }, "installationId", "characters"],
    [{ installationId: "x", platform: "apns", pushChannel: "not-hex" }, "pushChannel", "hex"],
    [{ installationId: "x", platform: "mpns", pushChannel: "https://mpns.example/x" }, "platform", "one-of"],
    [
      { installationId: "x", platform: "fcmv1", pushChannel: "t", tags: ["team reds"] },
      "tags.0",
      "characters",
    ],
  ])("refuses %j with 400 naming %s", async (body, field, rule) => {
    const res = await call("POST", "/devices", body);
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ error: "invalid-input", field, rule });
    expect(emulator.hub().installations()).toEqual([]);
  });

  it("refuses a body that is not a JSON object", async () => {
    expect((await call("POST", "/devices", "{not json")).json).toMatchObject({ field: "body", rule: "json" });
    expect((await call("POST", "/devices", "[1]")).json).toMatchObject({ field: "body", rule: "type" });
  });
});

describe("DELETE /devices/:id", () => {
  it("deletes the installation", async () => {
    await call("POST", "/devices", { installationId: "gone", platform: "fcmv1", pushChannel: "fcm-gone" });
    expect((await call("DELETE", "/devices/gone")).status).toBe(204);
    expect(emulator.hub().installations()).toEqual([]);
  });
});

describe("POST /events", () => {
  it("sends APNs, FCM v1 and template notifications to the team's fans only", async () => {
    const devices = [
      { installationId: "anna-iphone", platform: "apns", pushChannel: APNS_TOKEN, tags: ["team:reds"] },
      { installationId: "bruno-pixel", platform: "fcmv1", pushChannel: "fcm-bruno", tags: ["team:reds"] },
      {
        installationId: "carl-pc",
        platform: "wns",
        pushChannel: "https://wns.example/carl",
        tags: ["team:reds"],
      },
      { installationId: "dora-pixel", platform: "fcmv1", pushChannel: "fcm-dora", tags: ["team:blues"] },
    ];
    for (const device of devices) expect((await call("POST", "/devices", device)).status).toBe(201);

    const res = await call("POST", "/events", { type: "goal", team: "reds", text: "Anna scores, 1-0" });
    expect(res.status).toBe(202);
    expect(res.json.audience).toBe("team:reds");
    expect(Object.keys(res.json.sent).sort()).toEqual(["apple", "fcmv1", "template"]);

    const deliveries = emulator.hub().deliveries();
    const byDevice = Object.fromEntries(deliveries.map((d) => [d.installationId, d]));
    expect(deliveries).toHaveLength(3);
    expect(byDevice["dora-pixel"]).toBeUndefined();

    const apple = byDevice["anna-iphone"]!;
    expect(apple.format).toBe("apple");
    expect(apple.notificationId).toBe(res.json.sent.apple.notificationId);
    expect(apple.headers["apns-push-type"]).toBe("alert");
    expect(JSON.parse(apple.body)).toEqual({
      aps: { alert: { title: "Goal for reds!", body: "Anna scores, 1-0" }, sound: "default" },
      team: "reds",
    });

    const fcm = byDevice["bruno-pixel"]!;
    expect(fcm.format).toBe("fcmv1");
    expect(JSON.parse(fcm.body)).toEqual({
      message: {
        notification: { title: "Goal for reds!", body: "Anna scores, 1-0" },
        data: { type: "goal", team: "reds" },
        android: { priority: "HIGH" },
      },
    });

    const toast = byDevice["carl-pc"]!;
    expect(toast.format).toBe("template");
    expect(toast.templateName).toBe("goal");
    expect(toast.body).toBe(
      '<toast><visual><binding template="ToastText02">' +
        '<text id="1">Goal for reds!</text><text id="2">Anna scores, 1-0</text>' +
        "</binding></visual></toast>",
    );

    const sent = emulator
      .hub()
      .requests()
      .filter((r) => r.path === "/myhub/messages/");
    expect(sent.map((r) => r.tags)).toEqual(["team:reds", "team:reds", "team:reds"]);
  });

  it.each([
    [{ type: "kickoff", team: "reds", text: "x" }, "type", "one-of"],
    [{ type: "goal", text: "x" }, "team", "required"],
    [{ type: "goal", team: "the reds", text: "x" }, "team", "characters"],
    [{ type: "goal", team: "t".repeat(200), text: "x" }, "team", "max-length"],
    [{ type: "goal", team: "reds" }, "text", "required"],
    [{ type: "goal", team: "reds", text: "x".repeat(201) }, "text", "max-length"],
  ])("refuses %j with 400 naming %s, sending nothing", async (body, field, rule) => {
    const before = messageRequests();
    const res = await call("POST", "/events", body);
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ error: "invalid-input", field, rule });
    expect(messageRequests()).toBe(before);
  });

  it("answers 502 with the hub's tracking id when the hub refuses, and says which sends went out", async () => {
    emulator.hub().injectFault({ status: 403, count: 1 });
    const res = await call("POST", "/events", { type: "goal", team: "reds", text: "x" });
    expect(res.status).toBe(502);
    expect(res.json).toMatchObject({ error: "hub-error", status: 403 });
    expect(res.json.trackingId).toMatch(/^[0-9a-f-]{36}$/);
    const failed = Object.keys(res.json.failed);
    expect(failed).toHaveLength(1);
    expect(res.json.failed[failed[0]!]).toMatchObject({ status: 403, trackingId: res.json.trackingId });
    expect(Object.keys(res.json.sent)).toHaveLength(2);
  });
});

it("answers 404 for an unknown path and 405 for a wrong method", async () => {
  expect((await call("GET", "/nope")).status).toBe(404);
  const res = await call("GET", "/devices");
  expect(res.status).toBe(405);
  expect(res.headers.get("allow")).toBe("POST");
});
