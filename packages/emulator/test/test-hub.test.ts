import { createNotification, ValidationError } from "@nhub/core";
import { type DeliveryMatchers, deliveryMatchers } from "@nhub/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { createTestHub, type TestHub } from "../src/test-hub";

declare module "vitest" {
  interface Assertion<T> extends DeliveryMatchers<T> {}
}
expect.extend(deliveryMatchers);

let t: TestHub | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

/** Code under test: it only knows a hub. */
async function notifyFans(hub: TestHub["hub"], team: string, text: string) {
  const body = JSON.stringify({ aps: { alert: text } });
  const n = createNotification({
    format: "apple",
    contentType: "application/json;charset=utf-8",
    body,
    headers: { "apns-push-type": "alert" },
  });
  return hub.send(n, { tags: `team:${team}` });
}

describe("createTestHub", () => {
  it("routes real sends from code under test to the devices given", async () => {
    t = await createTestHub({
      devices: [
        { installationId: "ios-1", platform: "apns", pushChannel: "apns-1", tags: ["team:reds"] },
        { installationId: "ios-2", platform: "apns", pushChannel: "apns-2", tags: ["team:blues"] },
      ],
    });
    const result = await notifyFans(t.hub, "reds", "Goal!");
    expect(result.status).toBe(201);
    expect(t).toHaveDelivered({ installationId: "ios-1", json: { aps: { alert: "Goal!" } } }, 1);
    expect(t).not.toHaveDelivered({ installationId: "ios-2" });
    expect(t.deliveredTo("ios-1")).toHaveLength(1);
    expect(t.deliveredTo("ios-1")[0]).toMatchObject({
      format: "apple",
      headers: { "apns-push-type": "alert" },
    });
    t.clearDeliveries();
    expect(t.deliveries()).toEqual([]);
  });

  it("adds devices later, under another hub name", async () => {
    t = await createTestHub({ hubName: "prod" });
    t.addDevice({ installationId: "a1", platform: "fcmv1", pushChannel: "fcm-1" });
    await t.hub.send(
      createNotification({ format: "fcmv1", contentType: "application/json", body: '{"message":{}}' }),
    );
    expect(t.connectionString).toContain("SharedAccessKeyName=DefaultFullSharedAccessSignature");
    expect(t.deliveredTo("a1")).toHaveLength(1);
  });

  it("refuses a bad device and leaves nothing running", async () => {
    await expect(
      createTestHub({ devices: [{ installationId: "", platform: "apns", pushChannel: "x" }] }),
    ).rejects.toSatisfy((e) => ValidationError.isInstance(e));
  });
});
