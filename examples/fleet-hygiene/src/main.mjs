/**
 * Fleet hygiene end to end: `node examples/fleet-hygiene/src/main.mjs`.
 *
 * Registers a small fleet (FCM v1 installations, some of whose devices are gone, plus FCM legacy registrations
 * and an FCM legacy installation), sends to it, removes the dead devices (a dry run first, then for real) and
 * migrates the legacy devices to FCM v1, printing the fleet before and after. Without
 * NOTIFICATION_HUB_CONNECTION_STRING it runs against an emulator started in-process.
 *
 * The per-device truth comes from the notification's PNS error details (`readPnsErrorDetails`), as on the service.
 * On the emulator two phones are first marked gone (expired, bad channel), as a push service would report them;
 * on a real hub the push services do that themselves.
 */
import { realpathSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { NotificationHub, readPnsErrorDetails, waitForNotificationOutcome } from "@nhub/core";
import { startEmulator } from "@nhub/emulator";
import {
  createOrUpdateInstallation,
  createOrUpdateRegistration,
  createRegistrationId,
  listInstallations,
  listRegistrations,
  migrateToFcmV1,
  removeDeadDevices,
  waitForInstallation,
} from "@nhub/installations";
import { sendFcmNotification } from "@nhub/platform-fcm";

/** The fleet: six current Android phones (two of them gone), two legacy registrations, one legacy installation. */
export async function registerFleet(hub) {
  for (let i = 1; i <= 6; i++) {
    await createOrUpdateInstallation(hub, {
      installationId: `phone-${i}`,
      platform: "fcmv1",
      pushChannel: `fcm-token-${i}`,
      tags: ["fleet"],
    });
  }
  await waitForInstallation(hub, "phone-6");
  for (const registration of [
    { kind: "Gcm", gcmRegistrationId: "legacy-token-1", tags: ["fleet", "legacy"] },
    {
      kind: "GcmTemplate",
      gcmRegistrationId: "legacy-token-2",
      tags: ["fleet", "legacy"],
      templateName: "news",
      bodyTemplate:
        '{"notification":{"title":"$(title)","sound":"default"},"data":{"id":"$(id)"},"priority":"high"}',
    },
  ]) {
    const registrationId = await createRegistrationId(hub);
    await createOrUpdateRegistration(hub, { ...registration, registrationId });
  }
  await createOrUpdateInstallation(hub, {
    installationId: "old-tablet",
    platform: "gcm",
    pushChannel: "legacy-token-3",
    tags: ["fleet", "legacy"],
    templates: { hello: { body: '{"data":{"message":"$(message)"}}' } },
  });
  await waitForInstallation(hub, "old-tablet");
}

/** The devices the emulator is told are gone, as a push service would report them. */
export const DEAD_DEVICES = { "phone-2": "expired", "phone-5": "bad" };

/** What the push services answered for each device the notification failed on: its PNS error details. */
export async function readDeviceOutcomes(hub, notificationId) {
  const details = await waitForNotificationOutcome(hub, notificationId, { timeoutMs: 60_000 });
  const records = [];
  for await (const record of readPnsErrorDetails(hub, details)) records.push(record);
  return records;
}

/** One line per device: the registrations' kinds and the installations' platforms. */
export async function describeFleet(hub) {
  const lines = [];
  for await (const installation of listInstallations(hub)) {
    lines.push(`  installation ${installation.installationId.padEnd(12)} ${installation.platform}`);
  }
  for await (const registration of listRegistrations(hub)) {
    if (registration.tags?.some((t) => t.startsWith("$InstallationId:"))) continue;
    const handle = registration.gcmRegistrationId ?? registration.fcmV1RegistrationId;
    lines.push(`  registration ${registration.kind.padEnd(13)} ${handle}`);
  }
  return lines.sort();
}

/**
 * Runs the whole story, writing to `print`; resolves with the two reports. `markDead(id, state)` marks a device
 * gone where that can be done by hand (the emulator's `hub().setDeviceState`); omit it against a real hub.
 */
export async function run(hub, print = console.log, markDead = undefined) {
  await registerFleet(hub);
  if (markDead) for (const [id, state] of Object.entries(DEAD_DEVICES)) markDead(id, state);
  print(`Fleet before:\n${(await describeFleet(hub)).join("\n")}`);

  const sent = await sendFcmNotification(
    hub,
    { message: { notification: { title: "Hello fleet" } } },
    "fleet",
  );
  print(`\nSent to the fleet: notification ${sent.notificationId ?? "(no id on this tier)"}`);

  if (!sent.notificationId) throw new Error("no notification id: per-device results need a Standard hub");
  const records = await readDeviceOutcomes(hub, sent.notificationId);
  print(
    `Per-device results: ${records.map((r) => `${r.installationId ?? r.pnsHandle} ${r.outcome}`).join(", ") || "none"}`,
  );
  const preview = await removeDeadDevices(hub, records);
  print(
    `\nCleanup, dry run: would delete ${preview.actions.map((a) => `${a.target} ${a.id} (${a.reason})`).join(", ")}`,
  );
  const cleanup = await removeDeadDevices(hub, records, { dryRun: false });
  print(
    `Cleanup, applied: deleted ${cleanup.counts.deleted}, already gone ${cleanup.counts.alreadyGone}, ignored ${JSON.stringify(cleanup.ignored)}`,
  );

  const migration = await migrateToFcmV1(hub, { dryRun: false });
  print(
    `\nFCM v1 migration: migrated ${migration.counts.migrated}, untranslatable ${migration.counts.untranslatable}, failed ${migration.counts.failed}`,
  );
  print(`\nFleet after:\n${(await describeFleet(hub)).join("\n")}`);
  return { cleanup, migration };
}

async function main() {
  const connectionString = process.env.NOTIFICATION_HUB_CONNECTION_STRING;
  const emulator = connectionString ? undefined : await startEmulator({ hubs: ["fleet"] });
  const hub = new NotificationHub(
    connectionString ?? emulator.connectionString(),
    connectionString ? (process.env.NOTIFICATION_HUB_NAME ?? "") : "fleet",
  );
  try {
    await run(
      hub,
      console.log,
      emulator ? (id, state) => emulator.hub().setDeviceState(id, state) : undefined,
    );
  } finally {
    await hub.close();
    await emulator?.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  main().catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
}
