import { createNotification, NotificationHub } from "@nhub/core";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  assertDelivered,
  assertNotDelivered,
  type DeliveryMatchers,
  type DeliveryRecord,
  type DeliverySource,
  deliveriesMatching,
  deliveryMatchers,
  matchesDelivery,
  type PlatformNotification,
} from "../src/index";
import { importSibling } from "./sibling";

/** What these tests use of `@nhub/emulator`. */
interface EmulatorModule {
  startEmulator(options: {
    devices: readonly {
      installationId: string;
      platform: string;
      pushChannel: string;
      tags?: readonly string[];
      templates?: Readonly<Record<string, { body: string }>>;
    }[];
  }): Promise<{
    connectionString(): string;
    hub(): DeliverySource & { clearDeliveries(): void };
    close(): Promise<void>;
  }>;
}

declare module "vitest" {
  interface Assertion<T> extends DeliveryMatchers<T> {}
}
expect.extend(deliveryMatchers);

const { startEmulator } = await importSibling<EmulatorModule>("emulator");

const JSON_TYPE = "application/json;charset=utf-8";
const apple = (body: string): PlatformNotification =>
  createNotification({
    format: "apple",
    contentType: JSON_TYPE,
    body,
    headers: { "apns-push-type": "alert" },
  });

let emulator: Awaited<ReturnType<EmulatorModule["startEmulator"]>>;
let hub: NotificationHub;

beforeAll(async () => {
  emulator = await startEmulator({
    devices: [
      { installationId: "ios-1", platform: "apns", pushChannel: "apns-1", tags: ["sports"] },
      { installationId: "ios-2", platform: "apns", pushChannel: "apns-2", tags: ["news"] },
      {
        installationId: "fcm-1",
        platform: "fcmv1",
        pushChannel: "fcm-1",
        tags: ["sports"],
        templates: { greet: { body: '{"message":{"notification":{"title":"$(greeting)"}}}' } },
      },
    ],
  });
  hub = new NotificationHub(emulator.connectionString(), "myhub", { retry: false });
});

beforeEach(() => emulator.hub().clearDeliveries());

afterAll(async () => {
  await hub.close();
  await emulator.close();
});

describe("against the emulator", () => {
  it("finds what a real send delivered, by device, JSON content and header", async () => {
    await hub.send(apple('{"aps":{"alert":"Goal!","badge":1}}'), { tags: "sports" });
    const source = emulator.hub();
    const found = assertDelivered(source, { installationId: "ios-1", json: { aps: { alert: "Goal!" } } }, 1);
    expect(found[0]).toMatchObject({ platform: "apns", format: "apple", pushChannel: "apns-1" });
    assertDelivered(source, { headers: { "APNS-PUSH-TYPE": "alert" }, body: /"badge":1/ });
    assertNotDelivered(source, { installationId: "ios-2" });
    expect(deliveriesMatching(source, { format: "apple" }).map((d) => d.installationId)).toEqual(["ios-1"]);
  });

  it("works as an expect matcher, with and without a count", async () => {
    await hub.send(apple('{"aps":{"alert":"Hi"}}'));
    expect(emulator.hub()).toHaveDelivered({ format: "apple" }, 2);
    expect(emulator.hub()).toHaveDelivered({ installationId: "ios-2", json: { aps: { alert: "Hi" } } });
    expect(emulator.hub()).not.toHaveDelivered({ installationId: "fcm-1" });
  });

  it("matches rendered template deliveries by template name", async () => {
    await hub.send(
      createNotification({ format: "template", contentType: JSON_TYPE, body: '{"greeting":"Hej"}' }),
    );
    expect(emulator.hub()).toHaveDelivered({
      installationId: "fcm-1",
      templateName: "greet",
      json: { message: { notification: { title: "Hej" } } },
    });
  });

  it("fails with the match and the deliveries there were", async () => {
    await hub.send(apple('{"aps":{"alert":"Hi"}}'), { tags: "news" });
    expect(() => assertDelivered(emulator.hub(), { installationId: "ios-1" })).toThrow(
      'expected a delivery matching {"installationId":"ios-1"}, found 0. Deliveries:\n' +
        '  - ios-2 (apns, apple): {"aps":{"alert":"Hi"}}',
    );
    expect(() => assertNotDelivered(emulator.hub(), { body: /Hi/ })).toThrow(
      'expected no delivery matching {"body":"/Hi/"}, found 1.',
    );
    expect(() => expect(emulator.hub()).toHaveDelivered({ installationId: "ios-2" }, 2)).toThrow(
      "expected exactly 2 deliveries matching",
    );
  });
});

describe("matchesDelivery", () => {
  const delivery: DeliveryRecord = {
    notificationId: "n1",
    installationId: "ios-1",
    platform: "apns",
    pushChannel: "apns-1",
    format: "apple",
    headers: { "apns-priority": "10", "content-type": JSON_TYPE },
    body: '{"aps":{"alert":"Hi","badge":0},"list":[1,2]}',
  };

  it.each([
    [{}, true],
    [{ installationId: "ios-1", format: "apple", notificationId: "n1" }, true],
    [{ installationId: "ios-2" }, false],
    [{ registrationId: "r1" }, false],
    [{ body: delivery.body }, true],
    [{ body: "Hi" }, false],
    [{ body: /"alert":"Hi"/ }, true],
    [{ headers: { "Apns-Priority": "10" } }, true],
    [{ headers: { "apns-priority": "5" } }, false],
    [{ headers: { "apns-topic": "x" } }, false],
    [{ json: { aps: { badge: 0 } } }, true],
    [{ json: { aps: { badge: false } } }, false],
    [{ json: { list: [1, 2] } }, true],
    [{ json: { list: [1] } }, false],
    [{ json: { aps: {}, missing: undefined } }, false],
    [{ json: { aps: [] } }, false],
  ])("%j matches: %s", (match, expected) => {
    expect(matchesDelivery(delivery, match)).toBe(expected);
  });

  it("does not match JSON against a body that is not JSON", () => {
    expect(matchesDelivery({ ...delivery, body: "<toast/>" }, { json: {} })).toBe(false);
  });

  it("refuses a source without deliveries()", () => {
    expect(() => deliveriesMatching({} as DeliverySource, {})).toThrow(TypeError);
    const result = deliveryMatchers.toHaveDelivered(42, {});
    expect(result.pass).toBe(false);
    expect(result.message()).toContain("expected something with a deliveries() method");
  });

  it("lists only the newest 20 deliveries in a failure", () => {
    const many: DeliverySource = {
      deliveries: () => Array.from({ length: 25 }, (_, i) => ({ ...delivery, installationId: `d${i}` })),
    };
    let message = "";
    try {
      assertDelivered(many, { installationId: "none" });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain("  - d24 (apns, apple)");
    expect(message).not.toContain("  - d4 (apns, apple)");
    expect(message).toContain("(5 older not shown)");
  });
});
