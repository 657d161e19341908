import { NotificationHub, ServiceError } from "@nhub/core";
import { parseConnectionString } from "@nhub/sas";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type Emulator, startEmulator } from "../src/index";
import { apple, errorParts, rawSend, tokenFor } from "./helpers";

let emulator: Emulator;
const hubs: NotificationHub[] = [];

function client(connectionString: string, hubName = "myhub"): NotificationHub {
  const hub = new NotificationHub(connectionString, hubName, { retry: false });
  hubs.push(hub);
  return hub;
}

const body = JSON.stringify({ aps: { alert: "hi" } });
const send = (authorization: string | null) =>
  rawSend(emulator, { format: "apple", contentType: "application/json", body }, authorization);

beforeAll(async () => {
  emulator = await startEmulator({
    hubs: [
      "myhub",
      { name: "myhub2", keys: { full: "shared-full=", send: "shared-send=", listen: "shared-listen=" } },
      { name: "other", keys: { full: "shared-full=" } },
    ],
    devices: [{ installationId: "d1", platform: "apns", pushChannel: "apns-token-1", tags: ["news"] }],
  });
});

afterEach(async () => {
  await Promise.all(hubs.splice(0).map((h) => h.close()));
});

afterAll(async () => {
  await emulator.close();
});

async function expect401(promise: Promise<unknown>, status = 401): Promise<ServiceError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(ServiceError.isInstance(error)).toBe(true);
  const e = error as ServiceError;
  expect(e.statusCode).toBe(status);
  expect(e.serviceCode).toBe(String(status));
  expect(e.trackingId).toMatch(/^[0-9a-f-]{36}$/);
  return e;
}

describe("SAS acceptance", () => {
  it("accepts a real NotificationHub with the full rule and delivers", async () => {
    emulator.hub().clearDeliveries();
    const result = await client(emulator.connectionString()).send(apple("full"), { tags: "news" });
    expect(result.status).toBe(201);
    expect(result.notificationId).toMatch(/^[0-9a-f-]{36}$/);
    expect(result.trackingId).toBeDefined();
    expect(result.correlationId).toBeDefined();
    expect(
      emulator
        .hub()
        .deliveries()
        .map((d) => d.installationId),
    ).toEqual(["d1"]);
  });

  it("accepts the send-only rule for sends", async () => {
    const result = await client(emulator.connectionString({ rule: "send" })).send(apple("send"));
    expect(result.status).toBe(201);
  });

  it("accepts a token scoped to the namespace root, the hub URL or the messages path", async () => {
    for (const resource of [emulator.url, `${emulator.url}myhub`, `${emulator.url}myhub/messages`]) {
      const res = await send(tokenFor(emulator, { resource }));
      expect(res.status, resource).toBe(201);
    }
  });

  it("uses the service's rule names in connection strings", () => {
    const names = (["full", "send", "listen"] as const).map(
      (rule) => parseConnectionString(emulator.connectionString({ rule })).sharedAccessKeyName,
    );
    expect(names).toEqual([
      "DefaultFullSharedAccessSignature",
      "DefaultSendSharedAccessSignature",
      "DefaultListenSharedAccessSignature",
    ]);
  });
});

describe("SAS rejections answer 401 (403 for a missing Send claim) with the service's XML error body", () => {
  it("refuses a Listen key on a send with 403, as the service does", async () => {
    const e = await expect401(client(emulator.connectionString({ rule: "listen" })).send(apple()), 403);
    expect(e.detail).toContain("DefaultListenSharedAccessSignature");
    expect(e.detail).toContain("Send");
  });

  it("refuses a wrong key", async () => {
    const good = emulator.connectionString();
    const wrong = good.replace(/SharedAccessKey=.*$/, "SharedAccessKey=bm90LXRoZS1rZXk=");
    const e = await expect401(client(wrong).send(apple()));
    expect(e.detail).toContain("InvalidSignature");
  });

  it("refuses an expired token", async () => {
    const res = await send(tokenFor(emulator, { expiresAt: Math.floor(Date.now() / 1000) - 5 }));
    expect(res.status).toBe(401);
    expect(res.headers.get("content-type")).toContain("application/xml");
    expect(res.headers.get("trackingid")).toMatch(/^[0-9a-f-]{36}$/);
    const { code, detail } = errorParts(res.text);
    expect(code).toBe("401");
    expect(detail).toContain("ExpiredToken");
    expect(detail).toContain(`TrackingId:${res.headers.get("trackingid")}`);
  });

  it("refuses a token for a foreign namespace", async () => {
    const res = await send(tokenFor(emulator, { resource: "https://myns.servicebus.windows.net/" }));
    expect(res.status).toBe(401);
    expect(errorParts(res.text).detail).toContain("InvalidAudience");
  });

  it("refuses a token scoped to another hub, even one whose name starts the same, with the same keys", async () => {
    // myhub2 and other share a full key, so only the sr scope tells them apart.
    const forOther = tokenFor(emulator, { hub: "other", resource: `${emulator.url}other` });
    const res = await rawSend(
      emulator,
      { hub: "myhub2", format: "apple", contentType: "application/json", body },
      forOther,
    );
    expect(res.status).toBe(401);
    expect(errorParts(res.text).detail).toContain("InvalidAudience");
    const forMy = tokenFor(emulator, { hub: "myhub2", resource: `${emulator.url}my` });
    const prefixOnly = await rawSend(
      emulator,
      { hub: "myhub2", format: "apple", contentType: "application/json", body },
      forMy,
    );
    expect(prefixOnly.status).toBe(401);
  });

  it("refuses a token signed for a different hub's key", async () => {
    const res = await send(tokenFor(emulator, { hub: "myhub2", resource: `${emulator.url}myhub` }));
    expect(res.status).toBe(401);
  });

  it("refuses a missing or malformed Authorization header", async () => {
    const missing = await send(null);
    expect(missing.status).toBe(401);
    expect(errorParts(missing.text).detail).toContain("MissingToken");
    const malformed = await send("Bearer abc");
    expect(malformed.status).toBe(401);
    expect(errorParts(malformed.text).detail).toContain("InvalidToken");
  });

  it("refuses a tampered expiry", async () => {
    const token = tokenFor(emulator).replace(/se=(\d+)/, (_, se: string) => `se=${Number(se) + 1000}`);
    const res = await send(token);
    expect(res.status).toBe(401);
    expect(errorParts(res.text).detail).toContain("InvalidSignature");
  });
});

describe("rights on installations", () => {
  const installation = JSON.stringify({ installationId: "i1", platform: "fcmv1", pushChannel: "fcm-token" });

  it("lets a Listen key register a device but not a Send-only key", async () => {
    const listen = client(emulator.connectionString({ rule: "listen" }));
    const put = await listen.request({
      method: "PUT",
      path: "/installations/i1",
      contentType: "application/json",
      body: installation,
    });
    expect(put.status).toBe(200);
    const sendOnly = client(emulator.connectionString({ rule: "send" }));
    await expect401(sendOnly.request({ method: "GET", path: "/installations/i1" }));
  });
});
