import { ConnectionError, NotificationHub, ServiceError, ValidationError } from "@nhub/core";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type Emulator, startEmulator } from "../src/index";
import { apple, errorParts, JSON_TYPE, raw, rawSend } from "./helpers";

let emulator: Emulator;
const clients: NotificationHub[] = [];

function client(retry: false | { maxRetries: number } = false): NotificationHub {
  const hub = new NotificationHub(emulator.connectionString(), "myhub", { retry });
  clients.push(hub);
  return hub;
}

const send = () => rawSend(emulator, { format: "apple", contentType: JSON_TYPE, body: '{"aps":{}}' });

beforeAll(async () => {
  emulator = await startEmulator({
    hubs: ["myhub", "quiet"],
    devices: [{ installationId: "d1", platform: "apns", pushChannel: "h1" }],
  });
});

afterEach(async () => {
  emulator.hub().clearFaults();
  emulator.hub().clearDeliveries();
  await Promise.all(clients.splice(0).map((c) => c.close()));
});

afterAll(async () => {
  await emulator.close();
});

describe("status faults", () => {
  it("answers the next request with 429 and Retry-After, then recovers", async () => {
    emulator.hub().injectFault({ status: 429, retryAfter: "7" });
    const faulted = await send();
    expect(faulted.status).toBe(429);
    expect(faulted.headers.get("retry-after")).toBe("7");
    expect(errorParts(faulted.text).code).toBe("429");
    expect(faulted.headers.get("trackingid")).toBeTruthy();
    expect(emulator.hub().deliveries()).toEqual([]);
    expect((await send()).status).toBe(201);
    expect(
      emulator
        .hub()
        .requests()
        .slice(-2)
        .map((r) => [r.status, r.fault]),
    ).toEqual([
      [429, "status"],
      [201, undefined],
    ]);
  });

  it("answers `count` requests, in order with other queued faults, with a custom body", async () => {
    emulator
      .hub()
      .injectFault({ status: 500, count: 2, body: "<Error><Code>500</Code><Detail>boom</Detail></Error>" });
    emulator.hub().injectFault({ status: 503, retryAfter: "1" });
    const statuses: number[] = [];
    for (let i = 0; i < 4; i++) statuses.push((await send()).status);
    expect(statuses).toEqual([500, 500, 503, 201]);
  });

  it("surfaces as a retryable ServiceError with retryAfterMs", async () => {
    emulator.hub().injectFault({ status: 503, retryAfter: "2" });
    const error = await client()
      .send(apple())
      .catch((e: unknown) => e);
    expect(ServiceError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ statusCode: 503, retryAfterMs: 2000, isRetryable: true });
  });

  it("lets a NotificationHub with retries recover from 503 Retry-After: 1", async () => {
    emulator.hub().injectFault({ status: 503, retryAfter: "1" });
    const started = Date.now();
    const result = await client({ maxRetries: 3 }).send(apple("retried"));
    expect(result.status).toBe(201);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(emulator.hub().deliveries()).toHaveLength(1);
    expect(
      emulator
        .hub()
        .requests()
        .slice(-2)
        .map((r) => r.status),
    ).toEqual([503, 201]);
  });

  it("applies only to the hub it was set on", async () => {
    emulator.hub("quiet").injectFault({ status: 500 });
    expect((await send()).status).toBe(201);
    emulator.hub("quiet").clearFaults();
  });

  it("clearFaults drops queued faults", async () => {
    emulator.hub().injectFault({ status: 500, count: 5 });
    emulator.hub().clearFaults();
    expect((await send()).status).toBe(201);
  });

  it("refuses invalid faults", () => {
    const h = emulator.hub();
    expect(() => h.injectFault({ status: 200 })).toThrow(ValidationError);
    expect(() => h.injectFault({ status: 503, count: 0 })).toThrow(/count/);
    expect(() => h.injectFault({ delayMs: -1 })).toThrow(/delayMs/);
    expect(() => h.injectFault({} as never)).toThrow(ValidationError);
  });
});

describe("delay faults", () => {
  it("holds the answer back, then answers normally", async () => {
    emulator.hub().injectFault({ delayMs: 600 });
    const started = Date.now();
    const res = await send();
    expect(res.status).toBe(201);
    expect(Date.now() - started).toBeGreaterThanOrEqual(590);
    expect(emulator.hub().requests().at(-1)).toMatchObject({ status: 201, fault: "delay" });
    const quick = Date.now();
    await send();
    expect(Date.now() - quick).toBeLessThan(500);
  });

  it("trips a client timeout", async () => {
    // undici checks timeouts on a coarse clock, so the delay is well past the timeout.
    emulator.hub().injectFault({ delayMs: 3000 });
    const hub = new NotificationHub(emulator.connectionString(), "myhub", { retry: false, timeoutMs: 200 });
    const started = Date.now();
    const error = await hub.send(apple()).catch((e: unknown) => e);
    expect((error as Error).name).toBe("TimeoutError");
    expect(Date.now() - started).toBeLessThan(2500);
    await hub.destroy();
    // The emulator lets go of the request as soon as the client does.
    await new Promise((r) => setTimeout(r, 50));
    expect(emulator.hub().requests().at(-1)).toMatchObject({ status: 0, fault: "delay" });
    expect(emulator.hub().deliveries()).toEqual([]);
  });

  it("settles when the emulator closes during the delay", async () => {
    const other = await startEmulator();
    other.hub().injectFault({ delayMs: 60_000 });
    const pending = raw(other, "myhub/messages/?api-version=2020-06", { body: "{}" }).catch(
      (e: unknown) => e,
    );
    await new Promise((r) => setTimeout(r, 50));
    const started = Date.now();
    await other.close();
    expect(Date.now() - started).toBeLessThan(1000);
    expect(await pending).toBeInstanceOf(Error);
  });
});

describe("drop faults", () => {
  it("closes the connection without an answer, then recovers", async () => {
    emulator.hub().injectFault({ drop: true });
    const error = await client()
      .send(apple())
      .catch((e: unknown) => e);
    expect(ConnectionError.isInstance(error)).toBe(true);
    expect(emulator.hub().deliveries()).toEqual([]);
    expect(emulator.hub().requests().at(-1)).toMatchObject({ status: 0, fault: "drop" });
    expect((await client().send(apple())).status).toBe(201);
  });

  it("is retried by a NotificationHub with retries", async () => {
    emulator.hub().injectFault({ drop: true, count: 2 });
    const result = await client({ maxRetries: 3 }).send(apple());
    expect(result.status).toBe(201);
    expect(
      emulator
        .hub()
        .requests()
        .slice(-3)
        .map((r) => r.status),
    ).toEqual([0, 0, 201]);
  });
});

describe("faults through the admin endpoint", () => {
  it("sets and clears faults per hub", async () => {
    const set = await fetch(`${emulator.url}_emulator/hubs/myhub/faults`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ status: 429, retryAfter: "3", count: 2 }),
    });
    expect(set.status).toBe(204);
    expect((await send()).status).toBe(429);
    const cleared = await fetch(`${emulator.url}_emulator/hubs/myhub/faults`, { method: "DELETE" });
    expect(cleared.status).toBe(204);
    expect((await send()).status).toBe(201);
    const bad = await fetch(`${emulator.url}_emulator/hubs/myhub/faults`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ status: 99 }),
    });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain("fault.status");
  });
});
