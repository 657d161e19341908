import { Server } from "node:http";
import { ClosedError, createNotification, NotificationHub, ServiceError } from "@nhub/core";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  type CleanupHook,
  lastSend,
  type RecordingHub,
  sentNotification,
  useRecordingHub,
} from "../src/index";

const apple = createNotification({
  format: "apple",
  contentType: "application/json;charset=utf-8",
  body: '{"aps":{"alert":"Hi"}}',
  headers: { "apns-push-type": "alert" },
});

describe("useRecordingHub", () => {
  const startHub = useRecordingHub(afterEach);
  let previous: RecordingHub | undefined;

  it("starts a recording server and a hub named myhub that sends to it", async () => {
    const pair = await startHub();
    expect(pair.hub).toBeInstanceOf(NotificationHub);
    await pair.hub.send(apple, { tags: "sports" });
    expect(pair.server.requests).toHaveLength(1);
    expect(pair.server.requests[0]?.path).toBe("/myhub/messages/");
    expect(pair.server.requests[0]?.tokenValid).toBe(true);
    previous = pair;
  });

  it("closed the previous test's hub and server after it", async () => {
    expect(previous).toBeDefined();
    const error = await previous!.hub.send(apple).catch((e: unknown) => e);
    expect(ClosedError.isInstance(error)).toBe(true);
    await expect(fetch(previous!.server.origin)).rejects.toThrow();
  });

  it("turns retries off unless the hub options turn them on", async () => {
    const failing = { respond: () => ({ status: 503 }) };
    const { server, hub } = await startHub(failing);
    const error = await hub.send(apple).catch((e: unknown) => e);
    expect(ServiceError.isInstance(error)).toBe(true);
    expect(server.requests).toHaveLength(1);

    const retrying = await startHub(failing, { retry: { maxRetries: 1, baseDelayMs: 1, maxDelayMs: 1 } });
    await retrying.hub.send(apple).catch(() => undefined);
    expect(retrying.server.requests).toHaveLength(2);
  });

  it("passes server options through", async () => {
    const { server, hub } = await startHub({ keyName: "other", key: "b3RoZXI=" });
    await hub.send(apple);
    expect(server.keyName).toBe("other");
    expect(server.requests[0]?.tokenValid).toBe(true);
  });
});

describe("useRecordingHub cleanup", () => {
  it("registers one cleanup with the hook it is given, which closes every pair started", async () => {
    const cleanups: (() => Promise<void>)[] = [];
    const start = useRecordingHub((cleanup) => cleanups.push(cleanup));
    expect(cleanups).toHaveLength(1);
    const pairs = [await start(), await start()];
    await cleanups[0]!();
    for (const { hub, server } of pairs) {
      expect(ClosedError.isInstance(await hub.send(apple).catch((e: unknown) => e))).toBe(true);
      await expect(fetch(server.origin)).rejects.toThrow();
    }
    // Nothing is left to close a second time.
    await expect(cleanups[0]!()).resolves.toBeUndefined();
  });

  it("closes the other pairs when one fails to close, then reports the failure", async () => {
    const cleanups: (() => Promise<void>)[] = [];
    const start = useRecordingHub((cleanup) => cleanups.push(cleanup));
    const broken = await start();
    const sound = await start();
    const destroy = broken.hub.destroy.bind(broken.hub);
    broken.hub.destroy = async () => {
      await destroy();
      throw new Error("destroy failed");
    };
    await expect(cleanups[0]!()).rejects.toThrow("closing a recording hub failed");
    await expect(fetch(broken.server.origin)).rejects.toThrow();
    await expect(fetch(sound.server.origin)).rejects.toThrow();
  });

  it("closes the server when the hub options are refused", async () => {
    const cleanups: (() => Promise<void>)[] = [];
    const start = useRecordingHub((cleanup) => cleanups.push(cleanup));
    const close = vi.spyOn(Server.prototype, "close");
    try {
      await expect(start({}, { timeoutMs: -1 })).rejects.toThrow();
      expect(close).toHaveBeenCalledTimes(1);
      expect((close.mock.contexts[0] as Server).listening).toBe(false);
    } finally {
      close.mockRestore();
    }
    await expect(cleanups[0]!()).resolves.toBeUndefined();
  });

  it("uses the global afterEach, and without one says what to pass", () => {
    const globals = globalThis as { afterEach?: CleanupHook };
    expect(globals.afterEach).toBeUndefined();
    expect(() => useRecordingHub()).toThrow("useRecordingHub needs the afterEach of your test runner");
    const registered: unknown[] = [];
    globals.afterEach = (cleanup) => registered.push(cleanup);
    try {
      useRecordingHub();
    } finally {
      delete globals.afterEach;
    }
    expect(registered).toHaveLength(1);
  });
});

describe("lastSend and sentNotification", () => {
  const startHub = useRecordingHub(afterEach);

  it("read the newest request's format, content type, tags, platform headers and body", async () => {
    const { server, hub } = await startHub();
    await hub.send(
      createNotification({ format: "gcm", contentType: "application/json;charset=utf-8", body: "{}" }),
    );
    await hub.send(apple, { tags: new Set(["a", "b"]) });
    expect(lastSend(server)).toEqual({
      format: "apple",
      contentType: "application/json;charset=utf-8",
      tags: "a || b",
      platformHeaders: { "apns-push-type": "alert" },
      body: '{"aps":{"alert":"Hi"}}',
      bytes: Buffer.from('{"aps":{"alert":"Hi"}}'),
      tokenValid: true,
    });
    expect(sentNotification(server.requests[0]!)).toMatchObject({
      format: "gcm",
      tags: undefined,
      platformHeaders: {},
      body: "{}",
    });
  });

  it("keep a header named __proto__ as a header", () => {
    const request = {
      method: "POST",
      path: "/myhub/messages/",
      query: new URLSearchParams(),
      headers: JSON.parse('{"__proto__":"x","x-a":"1"}'),
      body: Buffer.alloc(0),
      text: "",
      tokenValid: false,
    };
    const sent = sentNotification(request);
    expect(Object.getPrototypeOf(sent.platformHeaders)).toBe(Object.prototype);
    expect(Object.entries(sent.platformHeaders)).toEqual([
      ["__proto__", "x"],
      ["x-a", "1"],
    ]);
  });

  it("lastSend throws when nothing was sent", async () => {
    const { server } = await startHub();
    expect(() => lastSend(server)).toThrow("the recording server has recorded no request");
  });
});
