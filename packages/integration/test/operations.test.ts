import { and, NotificationHub, not, waitForNotificationOutcome } from "@nhub/core";
import { type Emulator, startEmulator } from "@nhub/emulator";
import {
  createOrUpdateInstallation,
  createOrUpdateRegistration,
  createRegistrationId,
  deleteRegistration,
  getInstallation,
  getRegistration,
  installationIdTag,
  listRegistrationsByTag,
  submitNotificationHubJob,
  updateInstallation,
  updateRegistration,
  waitForNotificationHubJob,
} from "@nhub/installations";
import { createAppleNotification } from "@nhub/platform-apns";
import { createFcmV1Notification } from "@nhub/platform-fcm";
import { createTemplateNotification } from "@nhub/template";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

// Every operation nhub's packages offer, end to end against the emulator: what the client sends, the emulator
// understands, and the devices receive.
let emulator: Emulator;
let hub: NotificationHub;
beforeEach(async () => {
  emulator = await startEmulator({ hubs: ["myhub"], jobDurationMs: 50 });
  hub = new NotificationHub(emulator.connectionString(), "myhub", { retry: false });
});
afterEach(async () => {
  await hub.close();
  await emulator.close();
});

const alert = (text: string) => createAppleNotification({ aps: { alert: text } });

describe("installations and registrations route sends", () => {
  it("an installation created, patched and read back receives tag and template sends", async () => {
    await createOrUpdateInstallation(hub, {
      installationId: "ann-phone",
      platform: "apns",
      pushChannel: "a".repeat(64),
      userId: "ann",
      tags: ["sports"],
    });
    await updateInstallation(hub, "ann-phone", [
      { op: "add", path: "/tags", value: "news" },
      { op: "add", path: "/templates/greeting", value: { body: '{"aps":{"alert":"$(greeting)"}}' } },
    ]);
    const stored = await getInstallation(hub, "ann-phone");
    expect([...(stored.tags ?? [])].sort()).toEqual(["news", "sports"]);
    expect(Object.keys(stored.templates ?? {})).toEqual(["greeting"]);

    await hub.send(alert("native"), { tags: and("sports", not("politics")) });
    await hub.send(createTemplateNotification({ greeting: "Hi Ann" }), {
      tags: installationIdTag("ann-phone"),
    });
    await hub.send(alert("by user"), { tags: "$UserId:{ann}" });
    const bodies = emulator
      .hub()
      .deliveries()
      .map((d) => JSON.parse(d.body).aps.alert);
    expect(bodies).toEqual(["native", "Hi Ann", "by user"]);
  });

  it("registrations: id, create, read, update with ETag, list by tag, delete; they receive sends", async () => {
    const id = await createRegistrationId(hub);
    const created = await createOrUpdateRegistration(hub, {
      kind: "FcmV1",
      registrationId: id,
      fcmV1RegistrationId: "fcm-token-1",
      tags: ["sports"],
    });
    expect(created.registrationId).toBe(id);
    const read = await getRegistration(hub, id);
    const updated = await updateRegistration(hub, { ...read, tags: ["sports", "news"] });
    expect([...(updated.tags ?? [])].sort()).toEqual(["news", "sports"]);
    // A stale ETag is refused by the hub.
    await expect(updateRegistration(hub, { ...read, tags: ["x"] })).rejects.toMatchObject({
      statusCode: 412,
    });

    const template = await createOrUpdateRegistration(hub, {
      kind: "FcmV1Template",
      registrationId: await createRegistrationId(hub),
      fcmV1RegistrationId: "fcm-token-2",
      tags: ["news"],
      bodyTemplate: '{"message":{"notification":{"title":"$(title)"}}}',
    });
    const listed: string[] = [];
    for await (const r of listRegistrationsByTag(hub, "news", { top: 1 })) listed.push(r.registrationId!);
    expect(listed.sort()).toEqual([id, template.registrationId!].sort());

    await hub.send(createFcmV1Notification({ data: { msg: "native" } }), { tags: "news" });
    await hub.send(createTemplateNotification({ title: "templated" }), { tags: "news" });
    const got = emulator
      .hub()
      .deliveries()
      .map((d) => [d.registrationId, JSON.parse(d.body).message]);
    expect(got).toEqual([
      [id, { data: { msg: "native" } }],
      [template.registrationId, { notification: { title: "templated" } }],
    ]);
    await deleteRegistration(hub, id);
    await expect(getRegistration(hub, id)).rejects.toMatchObject({ statusCode: 404 });
  });
});

describe("direct, batch, scheduled and outcome operations", () => {
  it("direct and batch sends reach the named handles; outcome details count them", async () => {
    const direct = await hub.send(alert("just you"), { deviceHandle: "b".repeat(64) });
    const batch = await hub.sendDirectBatch(alert("all of you"), ["h1", "h2", "h3"], { chunkSize: 2 });
    expect(batch.sentHandles).toBe(3);
    expect(batch.failedHandles).toBe(0);
    expect(batch.chunks.map((c) => c.handles)).toEqual([["h1", "h2"], ["h3"]]);
    expect(
      emulator
        .hub()
        .deliveries()
        .map((d) => d.pushChannel),
    ).toEqual(["b".repeat(64), "h1", "h2", "h3"]);
    const details = await waitForNotificationOutcome(hub, direct.notificationId!, {
      intervalMs: 20,
      timeoutMs: 5000,
    });
    expect(details.state).toBe("Completed");
    expect(details.apnsOutcomeCounts).toEqual([{ name: "Success", count: 1 }]);
    expect(await hub.getFeedbackContainerUrl()).toMatch(/^https?:\/\//);
  });

  it("a scheduled send is delivered when due, a cancelled one never", async () => {
    await createOrUpdateInstallation(hub, {
      installationId: "d1",
      platform: "apns",
      pushChannel: "c".repeat(64),
      tags: ["digest"],
    });
    const soon = new Date(Date.now() + 600);
    const kept = await hub.scheduleNotification(alert("due"), soon, { tags: "digest" });
    const dropped = await hub.scheduleNotification(alert("cancelled"), soon, { tags: "digest" });
    await hub.cancelScheduledNotification(dropped.notificationId!);
    expect(kept.notificationId).toBeTruthy();
    expect(emulator.hub().deliveries()).toEqual([]);
    await new Promise((r) => setTimeout(r, 1200));
    expect(
      emulator
        .hub()
        .deliveries()
        .map((d) => JSON.parse(d.body).aps.alert),
    ).toEqual(["due"]);
  });

  it("an export job runs to completion", async () => {
    const job = await submitNotificationHubJob(hub, {
      type: "ExportRegistrations",
      outputContainerUrl: "https://storage.example/container?sig=abc",
    });
    const done = await waitForNotificationHubJob(hub, job.jobId, { intervalMs: 20, timeoutMs: 5000 });
    expect(done.status).toBe("Completed");
  });
});
