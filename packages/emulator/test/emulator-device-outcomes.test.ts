import {
  createNotification,
  isDeadHandle,
  NotificationHub,
  readFeedback,
  readPnsErrorDetails,
  testSendRecords,
} from "@nhub/core";
import { createOrUpdateInstallation, getInstallation, updateInstallation } from "@nhub/installations";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Emulator, startEmulator } from "../src/index";

let emulator: Emulator;
let hub: NotificationHub;
const apple = createNotification({
  format: "apple",
  contentType: "application/json;charset=utf-8",
  body: JSON.stringify({ aps: { alert: "hi" } }),
});

beforeAll(async () => {
  emulator = await startEmulator({
    hubs: ["myhub"],
    devices: [
      { installationId: "anna", platform: "apns", pushChannel: "aa11", tags: ["sports"] },
      { installationId: "bruno", platform: "apns", pushChannel: "bb22", tags: ["sports"] },
      { installationId: "carl", platform: "apns", pushChannel: "cc33", tags: ["sports"] },
    ],
  });
  hub = new NotificationHub(emulator.connectionString(), "myhub");
});
afterAll(async () => {
  await hub.close();
  await emulator.close();
});

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe("dead devices", () => {
  it("marks devices over the admin endpoint (JSON, Origin checked) and reports sends to them three ways", async () => {
    const mark = (id: string, state: unknown, headers: Record<string, string> = {}) =>
      fetch(`${emulator.url}_emulator/hubs/myhub/devices/${id}/state`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify({ state }),
      });
    expect((await mark("anna", "expired")).status).toBe(204);
    expect((await mark("bruno", "bad")).status).toBe(204);
    expect((await mark("bruno", "gone")).status).toBe(400);
    expect((await mark("nobody", "bad")).status).toBe(404);
    expect((await mark("carl", "bad", { origin: "https://evil.example" })).status).toBe(403);

    emulator.hub().clearDeliveries();
    const test = await hub.send(apple, { tags: "sports", test: true });
    const records = testSendRecords(test.outcome!);
    const byHandle = Object.fromEntries(records.map((r) => [r.pnsHandle!.toLowerCase(), r.outcome]));
    expect(byHandle).toEqual({ aa11: "ExpiredChannel", bb22: "BadChannel", cc33: "Success" });
    expect(
      emulator
        .hub()
        .deliveries()
        .map((d) => d.installationId),
    ).toEqual(["carl"]);

    const sent = await hub.send(apple, { tags: "sports" });
    const details = await hub.getNotificationOutcomeDetails(sent.notificationId!);
    expect(details.pnsErrorDetailsUri).toMatch(
      /^http:\/\/127\.0\.0\.1:\d+\/_emulator\/hubs\/myhub\/pnserrors\//,
    );
    expect(details.apnsOutcomeCounts).toEqual(
      expect.arrayContaining([
        { name: "ExpiredChannel", count: 1 },
        { name: "BadChannel", count: 1 },
        { name: "Success", count: 1 },
      ]),
    );
    const errors = await collect(readPnsErrorDetails(hub, details));
    expect(errors).toEqual([
      expect.objectContaining({
        platform: "apple",
        installationId: "anna",
        notificationId: sent.notificationId,
        outcome: "ExpiredChannel",
        source: "pnsErrorDetails",
      }),
      expect.objectContaining({ installationId: "bruno", outcome: "BadChannel" }),
    ]);
    expect(errors.every((r) => r.time instanceof Date && isDeadHandle(r))).toBe(true);
    // By id: the outcome details are read first.
    expect(await collect(readPnsErrorDetails(hub, sent.notificationId!))).toHaveLength(2);

    const feedback = await collect(readFeedback(hub));
    // Two sends, two dead devices each, newest first.
    expect(feedback).toHaveLength(4);
    expect(feedback[0]!.notificationId).toBe(sent.notificationId);
    expect(feedback.every((r) => r.source === "feedback")).toBe(true);
    expect(await collect(readFeedback(hub, { since: new Date(Date.now() + 60_000) }))).toEqual([]);

    // A device that comes back with a new channel is reachable; "ok" clears the mark too.
    emulator.hub().upsertInstallation({
      installationId: "anna",
      platform: "apns",
      pushChannel: "aa99",
      tags: ["sports"],
    });
    emulator.hub().setDeviceState("bruno", "ok");
    const again = await hub.send(apple, { tags: "sports", test: true });
    expect(testSendRecords(again.outcome!).every((r) => r.outcome === "Success")).toBe(true);
  });

  it("serves the container listing in pages and 404s unknown blobs the storage way", async () => {
    const url = new URL(await hub.getFeedbackContainerUrl());
    url.searchParams.set("restype", "container");
    url.searchParams.set("comp", "list");
    url.searchParams.set("maxresults", "1");
    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(
      /<EnumerationResults[^>]*><MaxResults>1<\/MaxResults><Blobs><Blob><Name>\d{8}<\/Name>/,
    );
    const missing = await fetch(`${emulator.url}_emulator/hubs/myhub/feedback/nope`);
    expect(missing.status).toBe(404);
    expect(await missing.text()).toContain("<Code>BlobNotFound</Code>");
  });
});

describe("pushChannelExpired", () => {
  it("is set by the hub once a push service refuses the channel, kept while the channel stays, dropped with a new one", async () => {
    for (const [installationId, pushChannel] of [
      ["erin", "e1e1"],
      ["finn", "f2f2"],
      ["gus", "a3a3"],
    ] as const) {
      emulator.hub().upsertInstallation({ installationId, platform: "apns", pushChannel, tags: ["flags"] });
    }
    expect((await getInstallation(hub, "erin")).pushChannelExpired).toBeUndefined();
    emulator.hub().setDeviceState("erin", "expired");
    emulator.hub().setDeviceState("finn", "bad");
    // Marking alone changes nothing: the hub learns it from the push service's answer to a send.
    expect((await getInstallation(hub, "erin")).pushChannelExpired).toBeUndefined();

    await hub.send(apple, { tags: "flags" });
    expect((await getInstallation(hub, "erin")).pushChannelExpired).toBe(true);
    expect((await getInstallation(hub, "finn")).pushChannelExpired).toBe(true);
    expect((await getInstallation(hub, "gus")).pushChannelExpired).toBeUndefined();

    // A get-then-put and a tag patch keep the channel, so the flag stays.
    const erin = await getInstallation(hub, "erin");
    await createOrUpdateInstallation(hub, { ...erin, tags: ["flags", "news"] });
    await updateInstallation(hub, "erin", [{ op: "add", path: "/tags", value: "music" }]);
    const kept = await getInstallation(hub, "erin");
    expect(kept.tags).toEqual(expect.arrayContaining(["news", "music"]));
    expect(kept.pushChannelExpired).toBe(true);

    // A new channel is a new chance.
    await createOrUpdateInstallation(hub, {
      installationId: "erin",
      platform: "apns",
      pushChannel: "d4d4",
      tags: kept.tags,
    });
    expect((await getInstallation(hub, "erin")).pushChannelExpired).toBeUndefined();
  });

  it("ignores a value a client writes, as the service does with a read-only field", async () => {
    // Raw JSON, since @nhub/installations does not send the read-only field at all.
    await hub.request({
      method: "PUT",
      path: "/installations/dora",
      contentType: "application/json",
      body: JSON.stringify({
        installationId: "dora",
        platform: "apns",
        pushChannel: "ee55",
        pushChannelExpired: true,
      }),
    });
    expect((await getInstallation(hub, "dora")).pushChannelExpired).toBeUndefined();
    const stored = emulator
      .hub()
      .installations()
      .find((i) => i.installationId === "dora");
    expect(stored).toBeDefined();
    expect(stored).not.toHaveProperty("pushChannelExpired");
  });
});
