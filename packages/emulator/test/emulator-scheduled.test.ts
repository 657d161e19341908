import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Emulator, startEmulator } from "../src/index";
import { elements, errorParts, JSON_TYPE, raw, tokenFor } from "./helpers";

let emulator: Emulator;
const lines: string[] = [];

beforeAll(async () => {
  emulator = await startEmulator({
    devices: [
      { installationId: "ann", platform: "apns", pushChannel: "tok-ann", tags: ["sports"] },
      { installationId: "bob", platform: "apns", pushChannel: "tok-bob", tags: ["news"] },
    ],
    logger: (line) => lines.push(line),
  });
});

beforeEach(() => {
  emulator.hub().clearDeliveries();
});

afterAll(async () => {
  await emulator.close();
});

const aps = JSON.stringify({ aps: { alert: "Later" } });

function schedule(time: string | undefined, options: { tags?: string; query?: string; body?: string } = {}) {
  return raw(emulator, `myhub/schedulednotifications/?${options.query ?? "api-version=2020-06"}`, {
    method: "POST",
    headers: {
      "Content-Type": JSON_TYPE,
      "ServiceBusNotification-Format": "apple",
      ...(time !== undefined ? { "ServiceBusNotification-ScheduleTime": time } : {}),
      ...(options.tags !== undefined ? { "ServiceBusNotification-Tags": options.tags } : {}),
    },
    body: options.body ?? aps,
  });
}

function idFrom(location: string | null): string {
  return /\/messages\/([^?]+)/.exec(location ?? "")![1]!;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("scheduled sends", () => {
  it("delivers a scheduled send after its time, to the devices matching then", async () => {
    const due = new Date(Date.now() + 1500);
    const res = await schedule(due.toISOString(), { tags: "sports" });
    expect(res.status, res.text).toBe(201);
    expect(res.headers.get("location")).toMatch(
      new RegExp(`^${emulator.url}myhub/messages/[0-9a-f-]{36}\\?api-version=2020-06$`),
    );
    const id = idFrom(res.headers.get("location"));
    expect(emulator.hub().scheduled()).toEqual([
      expect.objectContaining({
        notificationId: id,
        scheduledTime: due.toISOString(),
        format: "apple",
        tags: "sports",
        body: aps,
      }),
    ]);
    const admin = await fetch(`${emulator.url}_emulator/hubs/myhub/scheduled`);
    expect(((await admin.json()) as Array<{ notificationId: string }>).map((s) => s.notificationId)).toEqual([
      id,
    ]);

    const pending = await raw(emulator, `myhub/messages/${id}?api-version=2020-06`, { method: "GET" });
    expect(pending.status).toBe(200);
    expect(elements(pending.text, "State")).toEqual(["Enqueued"]);
    expect(pending.text).not.toContain("<StartTime>");

    // A device registered while the send waits is reached too: routing happens when it is due.
    emulator.hub().upsertInstallation({
      installationId: "cat",
      platform: "apns",
      pushChannel: "tok-cat",
      tags: ["sports"],
    });
    await sleep(700);
    expect(emulator.hub().deliveries()).toEqual([]);
    await sleep(1300);
    const deliveries = emulator.hub().deliveries();
    expect(deliveries.map((d) => d.installationId)).toEqual(["ann", "cat"]);
    expect(deliveries[0]).toMatchObject({ notificationId: id, body: aps, format: "apple" });
    expect(Date.parse(deliveries[0]!.at)).toBeGreaterThanOrEqual(due.getTime());
    expect(emulator.hub().scheduled()).toEqual([]);
    expect(lines.some((l) => l.includes(`scheduled ${id} went out`))).toBe(true);

    const done = await raw(emulator, `myhub/messages/${id}?api-version=2020-06`, { method: "GET" });
    expect(elements(done.text, "State")).toEqual(["Completed"]);
    expect(elements(done.text, "Tags")).toEqual(["sports"]);
    expect(done.text).toContain(
      "<ApnsOutcomeCounts><Outcome><Name>Success</Name><Count>2</Count></Outcome></ApnsOutcomeCounts>",
    );
    emulator.hub().deleteInstallation("cat");
  });

  it("never delivers a cancelled send", async () => {
    const res = await schedule(new Date(Date.now() + 1000).toISOString());
    const id = idFrom(res.headers.get("location"));
    const cancel = await raw(emulator, `myhub/schedulednotifications/${id}?api-version=2020-06`, {
      method: "DELETE",
    });
    expect(cancel.status).toBe(200);
    expect(emulator.hub().scheduled()).toEqual([]);
    const again = await raw(emulator, `myhub/schedulednotifications/${id}?api-version=2020-06`, {
      method: "DELETE",
    });
    expect(again.status).toBe(404);
    expect(errorParts(again.text).code).toBe("404");
    const unknown = await raw(emulator, "myhub/schedulednotifications/nope?api-version=2020-06", {
      method: "DELETE",
    });
    expect(unknown.status).toBe(404);
    await sleep(1400);
    expect(emulator.hub().deliveries()).toEqual([]);
    const details = await raw(emulator, `myhub/messages/${id}?api-version=2020-06`, { method: "GET" });
    expect(elements(details.text, "State")).toEqual(["Cancelled"]);
  });

  it("cancels through the in-process API and the admin endpoint", async () => {
    const a = idFrom((await schedule(new Date(Date.now() + 60_000).toISOString())).headers.get("location"));
    const b = idFrom((await schedule(new Date(Date.now() + 30_000).toISOString())).headers.get("location"));
    // Soonest first.
    expect(
      emulator
        .hub()
        .scheduled()
        .map((s) => s.notificationId),
    ).toEqual([b, a]);
    expect(emulator.hub().cancelScheduled(a)).toBe(true);
    expect(emulator.hub().cancelScheduled(a)).toBe(false);
    const admin = await fetch(`${emulator.url}_emulator/hubs/myhub/scheduled/${b}`, { method: "DELETE" });
    expect(admin.status).toBe(204);
    expect(
      (await fetch(`${emulator.url}_emulator/hubs/myhub/scheduled/${b}`, { method: "DELETE" })).status,
    ).toBe(404);
    expect(emulator.hub().scheduled()).toEqual([]);
  });

  it("sends at once a time a moment in the past, and takes a time without a zone as UTC", async () => {
    const res = await schedule(new Date(Date.now() - 1000).toISOString());
    expect(res.status, res.text).toBe(201);
    await sleep(100);
    expect(emulator.hub().deliveries()).toHaveLength(2);
    emulator.hub().clearDeliveries();
    // The Java SDK writes yyyy-MM-dd'T'HH:mm:ss in UTC without a zone.
    const noZone = new Date(Date.now() + 60_000).toISOString().slice(0, 19);
    const later = await schedule(noZone);
    expect(later.status, later.text).toBe(201);
    expect(emulator.hub().scheduled()[0]?.scheduledTime).toBe(`${noZone}.000Z`);
    emulator.hub().cancelScheduled(idFrom(later.headers.get("location")));
  });

  it("refuses a missing, malformed, past or too distant time, and a malformed send", async () => {
    const day = 24 * 60 * 60 * 1000;
    const cases: Array<[string | undefined, string, Parameters<typeof schedule>[1]?]> = [
      [undefined, "ServiceBusNotification-ScheduleTime header"],
      ["tomorrow", "not an ISO-8601"],
      ["2030-02-30T10:00:00Z", "not an ISO-8601"],
      ["2030-01-01", "not an ISO-8601"],
      [new Date(Date.now() - 60_000).toISOString(), "in the past"],
      [new Date(Date.now() + 7 * day + 60_000).toISOString(), "more than 7 days"],
      [new Date(Date.now() + 60_000).toISOString(), "not well-formed JSON", { body: "{nope" }],
      [new Date(Date.now() + 60_000).toISOString(), "tag expression", { tags: "a &&" }],
      [new Date(Date.now() + 60_000).toISOString(), "direct", { query: "api-version=2020-06&direct=true" }],
    ];
    for (const [time, detail, options] of cases) {
      const res = await schedule(time, options);
      expect(res.status, `${time} ${detail}`).toBe(400);
      expect(errorParts(res.text).detail).toContain(detail);
    }
    const sixDays = await schedule(new Date(Date.now() + 6 * day).toISOString());
    expect(sixDays.status).toBe(201);
    emulator.hub().cancelScheduled(idFrom(sixDays.headers.get("location")));
    expect(emulator.hub().scheduled()).toEqual([]);
  });

  it("needs the Send right", async () => {
    const listen = await raw(emulator, "myhub/schedulednotifications/?api-version=2020-06", {
      method: "POST",
      headers: {
        "Content-Type": JSON_TYPE,
        "ServiceBusNotification-Format": "apple",
        "ServiceBusNotification-ScheduleTime": new Date(Date.now() + 60_000).toISOString(),
      },
      body: aps,
      authorization: null,
    });
    expect(listen.status).toBe(401);
  });
});

describe("closing", () => {
  it("clears pending timers so nothing is delivered after close", async () => {
    const other = await startEmulator({
      devices: [{ installationId: "x", platform: "apns", pushChannel: "tok-x" }],
    });
    const res = await fetch(`${other.url}myhub/schedulednotifications?api-version=2020-06`, {
      method: "POST",
      headers: {
        Authorization: tokenFor(other),
        "Content-Type": JSON_TYPE,
        "ServiceBusNotification-Format": "apple",
        "ServiceBusNotification-ScheduleTime": new Date(Date.now() + 300).toISOString(),
      },
      body: aps,
    });
    expect(res.status).toBe(201);
    expect(other.hub().scheduled()).toHaveLength(1);
    await other.close();
    expect(other.hub().scheduled()).toEqual([]);
    await sleep(500);
    expect(other.hub().deliveries()).toEqual([]);
  });
});
