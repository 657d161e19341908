import { NotificationHub, ValidationError } from "@nhub/core";
import { parseConnectionString } from "@nhub/sas";
import { describe, expect, it } from "vitest";
import { startEmulator } from "../src/index";
import { apple, rawSend, tokenFor } from "./helpers";

async function refused(options: Parameters<typeof startEmulator>[0]): Promise<ValidationError> {
  const error = await startEmulator(options).then(
    async (e) => {
      await e.close();
      return undefined;
    },
    (e: unknown) => e,
  );
  expect(ValidationError.isInstance(error)).toBe(true);
  return error as ValidationError;
}

describe("startEmulator options", () => {
  it("binds 127.0.0.1 on a random port by default, with one hub named myhub", async () => {
    const emulator = await startEmulator();
    try {
      expect(emulator.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      expect(emulator.hubNames).toEqual(["myhub"]);
      expect(emulator.hub().name).toBe("myhub");
      const parts = parseConnectionString(emulator.connectionString());
      expect(parts.namespaceUrl).toBe(emulator.url);
      expect(parts.sharedAccessKey).toMatch(/^[A-Za-z0-9+/]{43}=$/);
    } finally {
      await emulator.close();
    }
  });

  it("refuses a non-loopback host unless allowRemote is set", async () => {
    const error = await refused({ host: "0.0.0.0" });
    expect(error.field).toBe("host");
    expect(error.rule).toBe("loopback");
    const remote = await startEmulator({ host: "0.0.0.0", allowRemote: true });
    try {
      expect(remote.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
      const res = await rawSend(
        remote,
        { format: "apple", contentType: "application/json", body: "{}" },
        tokenFor(remote),
      );
      expect(res.status).toBe(201);
    } finally {
      await remote.close();
    }
  });

  it("listens on IPv6 loopback", async () => {
    const emulator = await startEmulator({ host: "::1" });
    try {
      expect(emulator.url).toMatch(/^http:\/\/\[::1\]:\d+\/$/);
      const hub = new NotificationHub(emulator.connectionString(), "myhub");
      await hub.send(apple());
      await hub.close();
      expect(emulator.hub().requests()).toHaveLength(1);
    } finally {
      await emulator.close();
    }
  });

  it("uses the keys it is given and fresh random keys otherwise", async () => {
    const a = await startEmulator({
      hubs: [{ name: "fixed", keys: { full: "full-key=", listen: "listen-key=" } }],
    });
    const b = await startEmulator({ hubs: [{ name: "fixed", keys: { full: "full-key=" } }] });
    try {
      expect(a.connectionString()).toBe(
        `Endpoint=${a.url};SharedAccessKeyName=DefaultFullSharedAccessSignature;SharedAccessKey=full-key=`,
      );
      expect(a.connectionString({ rule: "listen" })).toContain("SharedAccessKey=listen-key=");
      const sendA = parseConnectionString(a.connectionString({ rule: "send" })).sharedAccessKey;
      const sendB = parseConnectionString(b.connectionString({ rule: "send" })).sharedAccessKey;
      expect(sendA).not.toBe(sendB);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it("refuses bad hubs, keys, ports and devices before listening", async () => {
    expect((await refused({ hubs: [] })).field).toBe("hubs");
    expect((await refused({ hubs: ["-bad"] })).field).toBe("hubs.0.hubName");
    expect((await refused({ hubs: ["a", "A"] })).rule).toBe("unique");
    expect((await refused({ hubs: [{ name: "a", keys: { full: "has space" } }] })).field).toBe(
      "hubs.0.keys.full",
    );
    expect((await refused({ port: 70000 })).field).toBe("port");
    expect((await refused({ devices: { nohub: [] } })).field).toBe("devices.nohub");
    const bad = await refused({ devices: [{ installationId: "x", platform: "apns", pushChannel: "" }] });
    expect(bad.field).toBe("devices.0.pushChannel");
  });

  it("seeds devices per hub or into the first hub", async () => {
    const emulator = await startEmulator({
      hubs: ["one", "two"],
      devices: { two: [{ installationId: "d2", platform: "fcmv1", pushChannel: "t2" }] },
    });
    const plain = await startEmulator({
      hubs: ["one", "two"],
      devices: [{ installationId: "d1", platform: "apns", pushChannel: "t1" }],
    });
    try {
      expect(emulator.hub("one").installations()).toEqual([]);
      expect(
        emulator
          .hub("two")
          .installations()
          .map((i) => i.installationId),
      ).toEqual(["d2"]);
      expect(
        plain
          .hub()
          .installations()
          .map((i) => i.installationId),
      ).toEqual(["d1"]);
      expect(() => emulator.hub("three")).toThrow(ValidationError);
      expect(() => emulator.connectionString({ hub: "three" })).toThrow(ValidationError);
    } finally {
      await emulator.close();
      await plain.close();
    }
  });

  it("logs one line per request and never a key or token", async () => {
    const lines: string[] = [];
    const emulator = await startEmulator({ logger: (l) => lines.push(l) });
    const key = parseConnectionString(emulator.connectionString()).sharedAccessKey;
    const hub = new NotificationHub(emulator.connectionString(), "myhub");
    await hub.send(apple(), { tags: "a || b" });
    await hub.close();
    await emulator.close();
    const text = lines.join("\n");
    expect(lines[0]).toContain("development tool");
    expect(text).toMatch(
      /POST \/myhub\/messages\/\?api-version=2020-06 -> 201 .*format=apple tags="a \|\| b" 0 deliveries/,
    );
    expect(text).not.toContain(key);
    expect(text).not.toMatch(/SharedAccessSignature|sig=/);
  });

  it("close is idempotent and frees the port", async () => {
    const emulator = await startEmulator();
    const port = Number(new URL(emulator.url).port);
    await Promise.all([emulator.close(), emulator.close()]);
    const again = await startEmulator({ port });
    expect(again.url).toBe(emulator.url);
    await again.close();
  });
});
