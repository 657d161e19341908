import { Writable } from "node:stream";
import { NotificationHub } from "@nhub/core";
import { type Emulator, startEmulator } from "@nhub/emulator";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createProgressBar } from "../src/progress-bar.mjs";
import {
  failureReason,
  formatSummary,
  makeUsers,
  registerUsers,
  sendGreetings,
} from "../src/send-greetings.mjs";

const USERS = makeUsers(300);

let emulator: Emulator;
let hub: NotificationHub;

beforeEach(async () => {
  emulator = await startEmulator({ hubs: ["myhub"] });
  // Short backoff so the retried faults do not slow the test; Retry-After is still honoured.
  hub = new NotificationHub(emulator.connectionString(), "myhub", {
    retry: { baseDelayMs: 5, maxDelayMs: 50 },
  });
});

afterEach(async () => {
  await hub.close();
  await emulator.close();
});

/** What the hub should render for a user from their platform's template. */
function expectedBody(user: (typeof USERS)[number]) {
  const alert = { title: "Welcome back", body: `${user.greeting}, ${user.name}!` };
  return user.platform === "apns"
    ? { aps: { alert, sound: "default" } }
    : { message: { notification: { title: alert.title, body: alert.body } } };
}

describe("makeUsers", () => {
  it("makes users whose name and greeting together are all different, half on each platform", () => {
    expect(new Set(USERS.map((u) => `${u.greeting}, ${u.name}`)).size).toBe(300);
    expect(USERS.filter((u) => u.platform === "apns")).toHaveLength(150);
    expect(new Set(USERS.map((u) => u.installationId)).size).toBe(300);
  });
});

describe("registerUsers + sendGreetings", () => {
  it("delivers every user exactly their own rendering, retrying a 503 injected mid-way", async () => {
    const registered = await registerUsers({ hub, users: USERS, concurrency: 32 });
    expect(registered).toMatchObject({ total: 300, ok: 300, failed: 0, failures: {} });
    expect(emulator.hub().installations()).toHaveLength(300);

    const progress: number[] = [];
    let injected = false;
    const summary = await sendGreetings({
      hub,
      users: USERS,
      concurrency: 32,
      onProgress: ({ done, total, failed }) => {
        expect(total).toBe(300);
        expect(failed).toBe(0);
        progress.push(done);
        if (done === 150 && !injected) {
          injected = true;
          emulator.hub().injectFault({ status: 503, retryAfter: "0", count: 3 });
        }
      },
    });

    expect(progress).toHaveLength(300);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress.at(-1)).toBe(300);
    expect(summary).toMatchObject({ total: 300, ok: 300, failed: 0, failures: {} });
    expect(summary.elapsedMs).toBeGreaterThan(0);
    expect(summary.perSecond).toBeCloseTo(300 / (summary.elapsedMs / 1000));

    const faulted = emulator
      .hub()
      .requests()
      .filter((r) => r.status === 503);
    expect(faulted).toHaveLength(3);

    const deliveries = emulator.hub().deliveries();
    expect(deliveries).toHaveLength(300);
    const byDevice = new Map(deliveries.map((d) => [d.installationId, d]));
    for (const user of USERS) {
      const delivery = byDevice.get(user.installationId);
      expect(delivery, user.installationId).toBeDefined();
      expect(delivery!.format).toBe("template");
      expect(delivery!.templateName).toBe("greeting");
      expect(JSON.parse(delivery!.body)).toEqual(expectedBody(user));
    }
  });

  it("counts what still fails by reason and carries on", async () => {
    const users = USERS.slice(0, 40);
    await registerUsers({ hub, users });
    emulator.hub().injectFault({ status: 403, count: 5 }); // not retryable
    const summary = await sendGreetings({ hub, users, concurrency: 4 });
    expect(summary).toMatchObject({ total: 40, ok: 35, failed: 5, failures: { "HTTP 403": 5 } });
    expect(emulator.hub().deliveries()).toHaveLength(35);

    const table = formatSummary(summary, { retries: 0 });
    expect(table).toMatch(/\| sent\s+\|\s+35 \|/);
    expect(table).toMatch(/\| failed\s+\|\s+5 \|/);
    expect(table).toMatch(/\| {3}HTTP 403\s+\|\s+5 \|/);
    expect(table).toMatch(/\| sends\/s\s+\|\s+\d+ \|/);
  });
});

describe("failureReason", () => {
  it("names bad input by field and rule", async () => {
    const bad = { ...USERS[0]!, name: 42 as unknown as string };
    const summary = await sendGreetings({ hub, users: [bad] });
    expect(summary.failures).toEqual({ "invalid properties.name (string-value)": 1 });
    expect(failureReason(new Error("boom"))).toBe("Error");
  });
});

describe("createProgressBar", () => {
  function sink(isTTY: boolean) {
    const chunks: string[] = [];
    const stream = Object.assign(
      new Writable({
        write(chunk, _encoding, done) {
          chunks.push(String(chunk));
          done();
        },
      }),
      { isTTY },
    );
    return { stream, chunks };
  }

  it("prints a line every 10 % when the stream is not a terminal", () => {
    const { stream, chunks } = sink(false);
    const bar = createProgressBar({ label: "sending", total: 200, stream });
    for (let done = 1; done <= 200; done++) bar.update({ done, failed: done > 190 ? 1 : 0 });
    expect(chunks).toHaveLength(11);
    expect(chunks.every((c) => c.endsWith("\n") && !c.includes("\r"))).toBe(true);
    expect(chunks[5]).toBe(`sending [${"#".repeat(15)}${".".repeat(15)}]  50% 100/200\n`);
    expect(chunks.at(-1)).toBe(`sending [${"#".repeat(30)}] 100% 200/200  1 failed\n`);
  });

  it("redraws one line with \\r on a terminal and ends it when done", () => {
    const { stream, chunks } = sink(true);
    const bar = createProgressBar({ label: "sending", total: 3, stream });
    bar.update({ done: 1, failed: 0 });
    bar.update({ done: 3, failed: 0 });
    expect(chunks.every((c) => c.startsWith("\r"))).toBe(true);
    expect(chunks.at(-1)).toMatch(/100% 3\/3\n$/);
  });
});
