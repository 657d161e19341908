/**
 * Fleet hygiene against the emulator: dead-handle cleanup, the FCM legacy → v1 migration kit, read-after-write
 * for installations and listing installations through the registrations feed.
 */
import { type DeviceOutcomeRecord, NotificationHub, TimeoutError, ValidationError } from "@nhub/core";
import { type Emulator, startEmulator } from "@nhub/emulator";
import {
  createOrUpdateInstallation,
  createOrUpdateRegistration,
  createRegistrationId,
  deleteInstallation,
  getInstallation,
  type Installation,
  listInstallations,
  listRegistrations,
  migrateToFcmV1,
  type RegistrationDescription,
  removeDeadDevices,
  translateLegacyFcmTemplate,
  waitForInstallation,
} from "@nhub/installations";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

let emulator: Emulator;
let hub: NotificationHub;

beforeEach(async () => {
  emulator = await startEmulator({ hubs: ["myhub"] });
  hub = new NotificationHub(emulator.connectionString(), "myhub", {
    retry: { baseDelayMs: 5, maxDelayMs: 20 },
  });
});

afterEach(async () => {
  await hub.close();
  await emulator.close();
});

async function register<T extends RegistrationDescription>(registration: T): Promise<string> {
  const registrationId = await createRegistrationId(hub);
  await createOrUpdateRegistration(hub, { ...registration, registrationId });
  return registrationId;
}

async function allRegistrations(): Promise<RegistrationDescription[]> {
  const out: RegistrationDescription[] = [];
  for await (const r of listRegistrations(hub, { top: 3 })) out.push(r);
  return out;
}

const dead = (fields: Partial<DeviceOutcomeRecord>): DeviceOutcomeRecord => ({
  outcome: "ExpiredChannel",
  rawOutcome: "ExpiredChannel",
  source: "feedback",
  ...fields,
});

describe("removeDeadDevices", () => {
  it("deletes installations and registrations behind dead handles only, once each, after a dry run", async () => {
    await createOrUpdateInstallation(hub, {
      installationId: "phone-dead",
      platform: "fcmv1",
      pushChannel: "tok-dead-i",
    });
    await createOrUpdateInstallation(hub, {
      installationId: "phone-ok",
      platform: "fcmv1",
      pushChannel: "tok-ok-i",
    });
    const byId = await register({ kind: "FcmV1", fcmV1RegistrationId: "tok-dead-r" });
    const byChannel1 = await register({ kind: "FcmV1", fcmV1RegistrationId: "tok-dead-c", tags: ["a"] });
    const byChannel2 = await register({
      kind: "FcmV1Template",
      fcmV1RegistrationId: "tok-dead-c",
      bodyTemplate: '{"message":{"notification":{"title":"$(t)"}}}',
    });
    const throttled = await register({ kind: "FcmV1", fcmV1RegistrationId: "tok-throttled" });
    const records: DeviceOutcomeRecord[] = [
      dead({ installationId: "phone-dead", pnsHandle: "tok-dead-i", platform: "fcmv1" }),
      dead({ installationId: "phone-dead", outcome: "BadChannel", rawOutcome: "BadChannel" }),
      dead({ registrationId: byId, outcome: "BadChannel", rawOutcome: "BadChannel" }),
      dead({ pnsHandle: "tok-dead-c", platform: "fcmv1" }),
      dead({ pnsHandle: "tok-never-registered" }),
      dead({ registrationId: "1234567890-missing" }),
      dead({}),
      { outcome: "Throttled", rawOutcome: "Throttled", source: "feedback", registrationId: throttled },
      {
        outcome: "PnsUnavailable",
        rawOutcome: "PnsUnavailable",
        source: "pnsErrorDetails",
        installationId: "phone-ok",
      },
    ];
    async function* stream() {
      yield* records;
    }

    const preview = await removeDeadDevices(hub, stream());
    expect(preview.dryRun).toBe(true);
    expect(preview.counts.wouldDelete).toBe(5);
    expect(emulator.hub().installations()).toHaveLength(2);
    expect(await allRegistrations()).toHaveLength(6);
    expect(
      emulator
        .hub()
        .requests()
        .filter((r) => r.method === "DELETE"),
    ).toHaveLength(0);

    const report = await removeDeadDevices(hub, records, { dryRun: false, concurrency: 3 });
    expect(report).toMatchObject({ dryRun: false, examined: 9, dead: 7, unaddressable: 1 });
    expect(report.ignored).toEqual({ Throttled: 1, PnsUnavailable: 1 });
    const summary = report.actions
      .map((a) => `${a.target} ${a.id} via ${a.via}: ${a.reason} -> ${a.result} x${a.records}`)
      .sort();
    expect(summary).toEqual(
      [
        "installation phone-dead via installationId: ExpiredChannel -> deleted x2",
        `registration ${byId} via registrationId: BadChannel -> deleted x1`,
        `registration ${byChannel1} via channel: ExpiredChannel -> deleted x1`,
        `registration ${byChannel2} via channel: ExpiredChannel -> deleted x1`,
        "registration tok-never-registered via channel: ExpiredChannel -> alreadyGone x1",
        "registration 1234567890-missing via registrationId: ExpiredChannel -> alreadyGone x1",
      ].sort(),
    );
    expect(report.counts).toEqual({ deleted: 4, wouldDelete: 0, alreadyGone: 2, failed: 0 });
    expect(
      emulator
        .hub()
        .installations()
        .map((i) => i.installationId),
    ).toEqual(["phone-ok"]);
    const left = (await allRegistrations()).map((r) => r.registrationId);
    expect(left).toContain(throttled);
    expect(left).not.toContain(byId);

    // Running it again finds everything already gone.
    const again = await removeDeadDevices(hub, records, { dryRun: false });
    expect(again.counts.deleted).toBe(1); // the installation: the service answers 204 for a missing one
    expect(again.counts.alreadyGone).toBe(4);
  });

  it("deletes the installation behind a channel whose registrations stand for one", async () => {
    await createOrUpdateInstallation(hub, {
      installationId: "inst-9",
      platform: "fcmv1",
      pushChannel: "tok-9",
    });
    const report = await removeDeadDevices(hub, [dead({ pnsHandle: "tok-9" })], { dryRun: false });
    expect(report.actions).toMatchObject([
      { target: "installation", id: "inst-9", via: "channel", result: "deleted" },
    ]);
    expect(emulator.hub().installations()).toHaveLength(0);
  });

  it("refuses a malformed record before deleting anything", async () => {
    await createOrUpdateInstallation(hub, { installationId: "keep", platform: "fcmv1", pushChannel: "t" });
    const bad = [
      dead({ installationId: "keep" }),
      { rawOutcome: "x", source: "feedback" } as unknown as DeviceOutcomeRecord,
    ];
    const error = await removeDeadDevices(hub, bad, { dryRun: false }).catch((e: unknown) => e);
    expect(ValidationError.isInstance(error) && error.field).toBe("records[1].outcome");
    expect(emulator.hub().installations()).toHaveLength(1);
    await expect(removeDeadDevices(hub, [], { concurrency: 0 })).rejects.toMatchObject({
      field: "concurrency",
    });
  });
});

describe("migrateToFcmV1", () => {
  const legacyTemplate = JSON.stringify({
    notification: { title: "$(title)", body: "$(body)", sound: "default", android_channel_id: "news" },
    data: { article: "$(id)" },
    priority: "high",
    time_to_live: 3600,
    collapse_key: "news",
  });

  async function legacyFleet() {
    const native = await register({
      kind: "Gcm",
      gcmRegistrationId: "legacy-1",
      tags: ["sports", "lang:en"],
    });
    const template = await register({
      kind: "GcmTemplate",
      gcmRegistrationId: "legacy-2",
      tags: ["news"],
      templateName: "breaking",
      bodyTemplate: legacyTemplate,
      pushVariables: { region: "eu" },
    });
    const odd = await register({
      kind: "GcmTemplate",
      gcmRegistrationId: "legacy-3",
      bodyTemplate: '{"data":{"count":"#(n)"}}',
    });
    const apple = await register({ kind: "Apple", deviceToken: "AB12" });
    await createOrUpdateInstallation(hub, {
      installationId: "android-7",
      platform: "gcm",
      pushChannel: "legacy-inst-7",
      userId: "ann",
      tags: ["vip"],
      pushVariables: { tier: "gold" },
      templates: { hello: { body: '{"data":{"msg":"$(msg)"}}', tags: ["greet"] } },
    });
    return { native, template, odd, apple };
  }

  it("recreates legacy registrations and installations as FCM v1, deleting the old ones after", async () => {
    const fleet = await legacyFleet();

    const preview = await migrateToFcmV1(hub);
    expect(preview.counts).toMatchObject({ wouldMigrate: 3, untranslatable: 1, migrated: 0 });
    expect((await allRegistrations()).filter((r) => r.kind.startsWith("Gcm"))).toHaveLength(5);

    const progress: number[] = [];
    const report = await migrateToFcmV1(hub, {
      dryRun: false,
      concurrency: 2,
      onProgress: (p) => progress.push(p.handled),
    });
    expect(report.counts).toMatchObject({ migrated: 3, untranslatable: 1, failed: 0 });
    expect(progress.at(-1)).toBe(report.items.length);
    expect(report.items.find((i) => i.id === fleet.odd)).toMatchObject({
      result: "untranslatable",
      reason: "data.count is not a string (FCM v1 data values are strings)",
    });

    const after = await allRegistrations();
    const v1 = after.filter((r) => r.kind === "FcmV1" || r.kind === "FcmV1Template");
    expect(after.filter((r) => r.kind.startsWith("Gcm")).map((r) => r.registrationId)).toEqual([fleet.odd]);
    expect(after.find((r) => r.registrationId === fleet.apple)).toBeDefined();
    const native = v1.find((r) => r.kind === "FcmV1" && r.fcmV1RegistrationId === "legacy-1");
    expect(native?.tags).toEqual(["sports", "lang:en"]);
    const template = v1.find((r) => r.kind === "FcmV1Template" && r.fcmV1RegistrationId === "legacy-2");
    expect(template).toMatchObject({
      templateName: "breaking",
      tags: ["news"],
      pushVariables: { region: "eu" },
    });
    expect(JSON.parse((template as { bodyTemplate: string }).bodyTemplate)).toEqual({
      message: {
        notification: { title: "$(title)", body: "$(body)" },
        data: { article: "$(id)" },
        android: {
          priority: "HIGH",
          ttl: "3600s",
          collapse_key: "news",
          notification: { sound: "default", channel_id: "news" },
        },
      },
    });

    const installation = await getInstallation(hub, "android-7");
    expect(installation).toMatchObject({
      platform: "fcmv1",
      pushChannel: "legacy-inst-7",
      userId: "ann",
      tags: ["vip"],
      pushVariables: { tier: "gold" },
      templates: { hello: { body: '{"message":{"data":{"msg":"$(msg)"}}}', tags: ["greet"] } },
    });

    // A second run changes nothing and creates no duplicates.
    const before = (await allRegistrations()).length;
    const again = await migrateToFcmV1(hub, { dryRun: false });
    expect(again.counts).toMatchObject({ migrated: 0, untranslatable: 1 });
    expect(await allRegistrations()).toHaveLength(before);
  });

  it("resumes after a crash between create and delete without a duplicate", async () => {
    const legacy = await register({ kind: "Gcm", gcmRegistrationId: "crash-1", tags: ["t"] });
    // What the crashed run left: the v1 registration exists, the legacy one was never deleted.
    const created = await register({ kind: "FcmV1", fcmV1RegistrationId: "crash-1", tags: ["t"] });
    const report = await migrateToFcmV1(hub, { dryRun: false });
    expect(report.items).toEqual([
      {
        target: "registration",
        id: legacy,
        kind: "Gcm",
        result: "alreadyMigrated",
        newRegistrationId: created,
      },
    ]);
    const left = await allRegistrations();
    expect(left.map((r) => r.registrationId)).toEqual([created]);
  });

  it("rides out throttling: 429 with Retry-After is retried by core", async () => {
    await register({ kind: "Gcm", gcmRegistrationId: "thr-1" });
    emulator.hub().injectFault({ status: 429, retryAfter: "0", count: 2 });
    const report = await migrateToFcmV1(hub, { dryRun: false });
    expect(report.counts.migrated).toBe(1);
    expect(
      emulator
        .hub()
        .requests()
        .filter((r) => r.status === 429),
    ).toHaveLength(2);
  });
});

describe("translateLegacyFcmTemplate", () => {
  it("refuses what has no v1 equivalent, naming it", () => {
    expect(translateLegacyFcmTemplate('{"content_available":true}')).toEqual({
      ok: false,
      reason: "content_available has no FCM v1 equivalent",
    });
    expect(translateLegacyFcmTemplate('{"notification":{"badge":"1"}}')).toMatchObject({ ok: false });
    expect(translateLegacyFcmTemplate('{"data":{"from":"x"}}')).toMatchObject({ ok: false });
    expect(translateLegacyFcmTemplate("<xml/>")).toEqual({ ok: false, reason: "the body is not JSON" });
    expect(translateLegacyFcmTemplate('{"message":{"data":{"a":"b"}}}')).toEqual({
      ok: true,
      body: '{"message":{"data":{"a":"b"}}}',
    });
  });
});

describe("waitForInstallation", () => {
  const device: Installation = { installationId: "slow-1", platform: "fcmv1", pushChannel: "tok-slow" };

  it("polls through 404s until the write shows, then until a condition holds, then until gone", async () => {
    emulator.hub().injectFault({ status: 404, count: 2 });
    setTimeout(() => void createOrUpdateInstallation(hub, device), 150);
    const seen = await waitForInstallation(hub, "slow-1", { intervalMs: 20, timeoutMs: 5_000 });
    expect(seen?.pushChannel).toBe("tok-slow");

    setTimeout(() => void createOrUpdateInstallation(hub, { ...device, tags: ["news"] }), 100);
    const tagged = await waitForInstallation(hub, "slow-1", {
      until: (i) => i.tags?.includes("news") ?? false,
      intervalMs: 20,
    });
    expect(tagged?.tags).toEqual(["news"]);

    setTimeout(() => void deleteInstallation(hub, "slow-1"), 100);
    await expect(
      waitForInstallation(hub, "slow-1", { until: "gone", intervalMs: 20 }),
    ).resolves.toBeUndefined();
  });

  it("gives up with a TimeoutError, and checks its options before sending", async () => {
    const error = await waitForInstallation(hub, "never", { timeoutMs: 120, intervalMs: 30 }).catch(
      (e: unknown) => e,
    );
    expect(TimeoutError.isInstance(error)).toBe(true);
    expect(String((error as Error).message)).toMatch(
      /installation never was not seen to be readable after \d+ reads/,
    );
    const requests = emulator.hub().requests().length;
    await expect(waitForInstallation(hub, "x", { timeoutMs: -1 })).rejects.toMatchObject({
      field: "timeoutMs",
    });
    await expect(waitForInstallation(hub, "a/b")).rejects.toMatchObject({ field: "installationId" });
    expect(emulator.hub().requests()).toHaveLength(requests);
  });
});

describe("listInstallations", () => {
  it("yields every installation once, read in full, and none of the plain registrations", async () => {
    for (let i = 0; i < 7; i++) {
      await createOrUpdateInstallation(hub, {
        installationId: `dev-${i}`,
        platform: i % 2 ? "apns" : "fcmv1",
        pushChannel: i % 2 ? `AB${i}0` : `tok-${i}`,
        tags: [`n${i}`],
        ...(i % 3 === 0 ? { templates: { a: { body: '{"x":"$(x)"}' }, b: { body: '{"y":"$(y)"}' } } } : {}),
      });
    }
    await register({ kind: "FcmV1", fcmV1RegistrationId: "plain" });
    const listed: Installation[] = [];
    for await (const installation of listInstallations(hub, { top: 2, concurrency: 2 }))
      listed.push(installation);
    expect(listed.map((i) => i.installationId).sort()).toEqual(
      Array.from({ length: 7 }, (_, i) => `dev-${i}`),
    );
    expect(listed.find((i) => i.installationId === "dev-3")?.templates).toBeDefined();
    const gets = emulator
      .hub()
      .requests()
      .filter((r) => r.method === "GET" && r.path.includes("/installations/"));
    expect(gets).toHaveLength(7);
  });
});
