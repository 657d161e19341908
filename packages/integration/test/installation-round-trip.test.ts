/**
 * Installations through the emulator end to end: push variables and fields nhub does not model survive a put,
 * a get, a patch and a second put.
 */
import { NotificationHub } from "@nhub/core";
import { startEmulator } from "@nhub/emulator";
import {
  createOrUpdateInstallation,
  getInstallation,
  type Installation,
  updateInstallation,
} from "@nhub/installations";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let emulator: Awaited<ReturnType<typeof startEmulator>>;
let hub: NotificationHub;
beforeAll(async () => {
  emulator = await startEmulator({ hubs: [{ name: "myhub" }] });
  hub = new NotificationHub(emulator.connectionString(), "myhub", { retry: false });
});
afterAll(async () => {
  await hub.close();
  await emulator.close();
});

describe("installation round trip through the emulator", () => {
  it("stores and returns pushVariables and unknown fields; a patch changes one variable and keeps the rest", async () => {
    const installation: Installation = {
      installationId: "fcm-1",
      platform: "fcmv1",
      pushChannel: "fcm-token-1",
      tags: ["sports"],
      pushVariables: { name: "Ann", city: "Oslo" },
      extensionData: { advertisingId: "ad-1", future: { list: [1, "two", null] } },
    };
    await createOrUpdateInstallation(hub, installation);
    const read = await getInstallation(hub, "fcm-1");
    expect(read.pushVariables).toEqual({ name: "Ann", city: "Oslo" });
    expect(read.extensionData).toEqual({ advertisingId: "ad-1", future: { list: [1, "two", null] } });

    await updateInstallation(hub, "fcm-1", [
      { op: "replace", path: "/pushVariables/name", value: "Bob" },
      { op: "add", path: "/tags", value: "news" },
    ]);
    const patched = await getInstallation(hub, "fcm-1");
    expect(patched.pushVariables).toEqual({ name: "Bob", city: "Oslo" });
    expect(patched.tags).toEqual(["sports", "news"]);
    expect(patched.extensionData).toEqual(read.extensionData);

    // A read-modify-write through the full replace loses nothing.
    await createOrUpdateInstallation(hub, { ...patched, userId: "bob" });
    const again = await getInstallation(hub, "fcm-1");
    expect(again).toEqual({ ...patched, userId: "bob" });
  });
});
