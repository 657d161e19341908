import { ConnectionError, NotificationHub, type SendResult, ServiceError, TimeoutError } from "@nhub/core";
import { type Emulator, startEmulator } from "@nhub/emulator";
import { createAppleNotification } from "@nhub/platform-apns";
import { afterEach, describe, expect, it } from "vitest";

const alert = createAppleNotification({ aps: { alert: "Goal!" } });
const device = { installationId: "ios-1", platform: "apns" as const, pushChannel: "aaaa", tags: ["sports"] };

const open: Array<{ close(): Promise<void> }> = [];
afterEach(async () => {
  for (const o of open.splice(0).reverse()) await o.close();
});

async function emulatorWithHub(options: ConstructorParameters<typeof NotificationHub>[2] = {}, port = 0) {
  const emulator = await startEmulator({
    port,
    hubs: [{ name: "myhub", keys: { full: "c2VjcmV0LWtleQ==" } }],
    devices: [device],
  });
  const hub = new NotificationHub(emulator.connectionString(), "myhub", options);
  open.push(emulator, hub);
  return { emulator, hub };
}

const accepted = (emulator: Emulator) =>
  emulator
    .hub()
    .requests()
    .filter((r) => r.status === 201 && !r.fault).length;

describe("the client under the emulator's faults", () => {
  it("503 with Retry-After: 1 twice, then success: three requests, the wait honoured", async () => {
    const { emulator, hub } = await emulatorWithHub();
    emulator.hub().injectFault({ status: 503, retryAfter: "1", count: 2 });
    const started = Date.now();
    const result = await hub.send(alert, { tags: "sports" });
    const elapsed = Date.now() - started;
    expect(result.status).toBe(201);
    expect(
      emulator
        .hub()
        .requests()
        .map((r) => r.status),
    ).toEqual([503, 503, 201]);
    expect(elapsed).toBeGreaterThanOrEqual(2000);
    expect(elapsed).toBeLessThan(5000);
    expect(emulator.hub().deliveries()).toHaveLength(1);
  });

  it("a 429 storm across 200 concurrent sends: all settle, typed, none twice, successes match the server", async () => {
    const { emulator, hub } = await emulatorWithHub({
      retry: { maxRetries: 3, baseDelayMs: 1, maxDelayMs: 5 },
    });
    emulator.hub().injectFault({ status: 429, retryAfter: "0", count: 500 });
    const sends = Array.from({ length: 200 }, () => hub.send(alert, { tags: "sports" }));
    const settled = await Promise.race([
      Promise.allSettled(sends),
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error("a send hung")), 15_000)),
    ]);
    const ok = settled
      .filter((s): s is PromiseFulfilledResult<SendResult> => s.status === "fulfilled")
      .map((s) => s.value);
    const failed = settled
      .filter((s): s is PromiseRejectedResult => s.status === "rejected")
      .map((s) => s.reason);
    expect(ok.length + failed.length).toBe(200);
    for (const e of failed) {
      expect(ServiceError.isInstance(e)).toBe(true);
      expect((e as ServiceError).statusCode).toBe(429);
      expect((e as ServiceError).isRetryable).toBe(true);
    }
    // Each send made at most 1 + 3 attempts, and the storm ended after 500 refusals.
    expect(emulator.hub().requests()).toHaveLength(500 + ok.length);
    expect(ok.length).toBe(accepted(emulator));
    expect(new Set(ok.map((r) => r.notificationId)).size).toBe(ok.length);
    expect(emulator.hub().deliveries()).toHaveLength(ok.length);
    expect(ok.length).toBeGreaterThan(0);
    expect(failed.length).toBeGreaterThan(0);
  });

  it("a connection cut mid-response: retried and succeeds, and the device gets it twice (at-least-once)", async () => {
    const { emulator, hub } = await emulatorWithHub({ retry: { maxRetries: 2, baseDelayMs: 1 } });
    emulator.hub().injectFault({ drop: "mid-response" });
    const result = await hub.send(alert, { tags: "sports" });
    expect(result.status).toBe(201);
    expect(emulator.hub().deliveries()).toHaveLength(2);
  });

  it("with retry off for the call, a cut answer rejects, though the hub had delivered it", async () => {
    const { emulator, hub } = await emulatorWithHub();
    emulator.hub().injectFault({ drop: "mid-response" });
    const error = await hub.send(alert, { tags: "sports", retry: false }).catch((e: unknown) => e);
    expect(ConnectionError.isInstance(error)).toBe(true);
    expect(emulator.hub().deliveries()).toHaveLength(1);
    await expect(hub.send(alert, { tags: "sports" })).resolves.toMatchObject({ status: 201 });
  });

  it("a connection closed before any answer is retried on a fresh socket", async () => {
    const { emulator, hub } = await emulatorWithHub({ retry: { maxRetries: 2, baseDelayMs: 1 } });
    emulator.hub().injectFault({ drop: true, count: 2 });
    await expect(hub.send(alert)).resolves.toMatchObject({ status: 201 });
    expect(
      emulator
        .hub()
        .requests()
        .map((r) => r.status),
    ).toEqual([0, 0, 201]);
    expect(emulator.hub().deliveries()).toHaveLength(1);
  });

  it("a server that stops answering times out, and the pool serves the next send", async () => {
    const { emulator, hub } = await emulatorWithHub({ timeoutMs: 300, retry: false });
    emulator.hub().injectFault({ delayMs: 10_000 });
    const started = Date.now();
    const error = await hub.send(alert).catch((e: unknown) => e);
    expect(TimeoutError.isInstance(error)).toBe(true);
    expect(Date.now() - started).toBeLessThan(5000);
    await expect(hub.send(alert)).resolves.toMatchObject({ status: 201 });
  });

  it("a server restarted between sends: the pool reconnects", async () => {
    const first = await emulatorWithHub({ retry: { maxRetries: 2, baseDelayMs: 1 } });
    const port = Number(new URL(first.emulator.url).port);
    await first.hub.send(alert);
    await first.emulator.close();
    const second = await startEmulator({
      port,
      hubs: [{ name: "myhub", keys: { full: "c2VjcmV0LWtleQ==" } }],
      devices: [device],
    });
    open.push(second);
    await expect(first.hub.send(alert, { tags: "sports" })).resolves.toMatchObject({ status: 201 });
    expect(second.hub().deliveries()).toHaveLength(1);
  });

  it("leaves no sockets or servers open once hubs and emulators are closed", async () => {
    const { hub } = await emulatorWithHub();
    await hub.send(alert);
    for (const o of open.splice(0).reverse()) await o.close();
    await new Promise((r) => setTimeout(r, 50));
    const handles = process.getActiveResourcesInfo().filter((h) => /^TCP/.test(h));
    expect(handles).toEqual([]);
  });
});
