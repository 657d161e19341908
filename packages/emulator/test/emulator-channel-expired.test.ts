import { createNotification, NotificationHub } from "@nhub/core";
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

function markDevice(id: string, state: "expired" | "bad" | "ok") {
  return fetch(`${emulator.url}_emulator/hubs/myhub/devices/${id}/state`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ state }),
  });
}

describe("pushChannelExpired", () => {
  it("is set by the hub once a push service refuses the channel, kept while the channel stays, dropped with a new one", async () => {
    expect((await getInstallation(hub, "anna")).pushChannelExpired).toBeUndefined();
    expect((await markDevice("anna", "expired")).status).toBe(204);
    expect((await markDevice("bruno", "bad")).status).toBe(204);
    // Marking alone changes nothing: the hub learns it from the push service's answer to a send.
    expect((await getInstallation(hub, "anna")).pushChannelExpired).toBeUndefined();

    await hub.send(apple, { tags: "sports" });
    expect((await getInstallation(hub, "anna")).pushChannelExpired).toBe(true);
    expect((await getInstallation(hub, "bruno")).pushChannelExpired).toBe(true);
    expect((await getInstallation(hub, "carl")).pushChannelExpired).toBeUndefined();

    // A get-then-put and a tag patch keep the channel, so the flag stays.
    const anna = await getInstallation(hub, "anna");
    await createOrUpdateInstallation(hub, { ...anna, tags: ["sports", "news"] });
    await updateInstallation(hub, "anna", [{ op: "add", path: "/tags", value: "music" }]);
    const kept = await getInstallation(hub, "anna");
    expect(kept.tags).toEqual(expect.arrayContaining(["news", "music"]));
    expect(kept.pushChannelExpired).toBe(true);

    // A new channel is a new chance.
    await createOrUpdateInstallation(hub, {
      installationId: "anna",
      platform: "apns",
      pushChannel: "dd44",
      tags: kept.tags,
    });
    expect((await getInstallation(hub, "anna")).pushChannelExpired).toBeUndefined();
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
