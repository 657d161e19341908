/** `nhub cleanup` and `nhub migrate fcm-v1`, run in-process against an emulator. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { NotificationHub } from "@nhub/core";
import { type Emulator, startEmulator } from "@nhub/emulator";
import {
  createOrUpdateInstallation,
  createOrUpdateRegistration,
  createRegistrationId,
} from "@nhub/installations";
import { createAppleNotification } from "@nhub/platform-apns";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { main } from "../src/cli";

let emulator: Emulator;
let hub: NotificationHub;

beforeEach(async () => {
  emulator = await startEmulator({ hubs: ["myhub"] });
  hub = new NotificationHub(emulator.connectionString(), "myhub");
});

afterEach(async () => {
  await hub.close();
  await emulator.close();
});

async function nhub(argv: string[], cwd = tmpdir()) {
  let stdout = "";
  let stderr = "";
  const code = await main(argv, {
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    env: { NOTIFICATION_HUB_CONNECTION_STRING: emulator.connectionString(), NOTIFICATION_HUB_NAME: "myhub" },
    cwd,
    interrupted: () => new Promise(() => {}),
  });
  return { code, stdout, stderr };
}

describe("nhub cleanup", () => {
  it("previews, then deletes with --apply, the devices behind dead records in a JSON lines file", async () => {
    await createOrUpdateInstallation(hub, { installationId: "gone-1", platform: "fcmv1", pushChannel: "t1" });
    await createOrUpdateInstallation(hub, { installationId: "fine-1", platform: "fcmv1", pushChannel: "t2" });
    const dir = mkdtempSync(join(tmpdir(), "nhub-cleanup-"));
    writeFileSync(
      join(dir, "records.jsonl"),
      [
        {
          installationId: "gone-1",
          outcome: "ExpiredChannel",
          rawOutcome: "ExpiredChannel",
          source: "feedback",
          time: "2026-01-01T00:00:00Z",
        },
        { installationId: "fine-1", outcome: "Throttled", rawOutcome: "Throttled", source: "feedback" },
      ]
        .map((r) => JSON.stringify(r))
        .join("\n"),
    );
    const preview = await nhub(["cleanup", "--records", "records.jsonl"], dir);
    expect(preview.code).toBe(0);
    expect(preview.stdout).toContain("wouldDelete installation gone-1 (ExpiredChannel via installationId)");
    expect(preview.stdout).toContain("dry run: would delete 1");
    expect(emulator.hub().installations()).toHaveLength(2);

    const applied = await nhub(["cleanup", "--records", "records.jsonl", "--apply"], dir);
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain("deleted     installation gone-1");
    expect(
      emulator
        .hub()
        .installations()
        .map((i) => i.installationId),
    ).toEqual(["fine-1"]);
  });

  it("reads the hub's feedback container with --since: previews, then deletes the expired device", async () => {
    await createOrUpdateInstallation(hub, {
      installationId: "gone-2",
      platform: "apns",
      pushChannel: "ab".repeat(32),
      tags: ["news"],
    });
    await createOrUpdateInstallation(hub, {
      installationId: "fine-2",
      platform: "apns",
      pushChannel: "cd".repeat(32),
      tags: ["news"],
    });
    emulator.hub().setDeviceState("gone-2", "expired");
    await hub.send(createAppleNotification({ aps: { alert: "hi" } }), { tags: "news" });

    const preview = await nhub(["cleanup", "--since", "24h"]);
    expect(preview.code).toBe(0);
    expect(preview.stdout).toContain("gone-2");
    expect(preview.stdout).not.toContain("fine-2");
    expect(preview.stdout).toContain("dry run: would delete 1");

    const applied = await nhub(["cleanup", "--since", "24h", "--apply"]);
    expect(applied.code).toBe(0);
    expect(
      emulator
        .hub()
        .installations()
        .map((i) => i.installationId),
    ).toEqual(["fine-2"]);
  });

  it("refuses a bad --since, --since with --records, and unknown options without quoting them", async () => {
    const bad = await nhub(["cleanup", "--since", "yesterday"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--since takes a duration");
    const both = await nhub(["cleanup", "--since", "24h", "--records", "x.jsonl"]);
    expect(both.code).toBe(2);
    const unknown = await nhub(["cleanup", "--SharedAccessKey=abc"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).not.toContain("abc");
  });
});

describe("the fleet commands' shared options", () => {
  it("warn once when --connection-string puts the key on the command line, as nhub send does", async () => {
    for (const command of [
      ["cleanup", "--since", "24h"],
      ["migrate", "fcm-v1"],
    ]) {
      const run = await nhub([...command, "--connection-string", emulator.connectionString()]);
      expect(run.code).toBe(0);
      expect(run.stderr.match(/nhub: warning: --connection-string puts the key/g)).toHaveLength(1);
    }
    const fromEnv = await nhub(["cleanup", "--since", "24h"]);
    expect(fromEnv.stderr).not.toContain("warning");
  });

  it("hand --concurrency to the operation in both commands, which refuses one out of range", async () => {
    for (const command of [
      ["cleanup", "--since", "24h"],
      ["migrate", "fcm-v1"],
    ]) {
      const run = await nhub([...command, "--concurrency", "0"]);
      expect(run.code).toBe(2);
      expect(run.stderr).toContain("concurrency must be an integer from 1 to 64");
    }
  });
});

describe("nhub migrate fcm-v1", () => {
  it("reports a dry run, then migrates with --apply, with a progress line on stderr", async () => {
    const registrationId = await createRegistrationId(hub);
    await createOrUpdateRegistration(hub, { kind: "Gcm", registrationId, gcmRegistrationId: "old-1" });
    await createOrUpdateInstallation(hub, { installationId: "a-1", platform: "gcm", pushChannel: "old-2" });

    const dry = await nhub(["migrate", "fcm-v1"]);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain("dry run: would migrate 2");
    expect(dry.stderr).toMatch(/\rscanned \d+, handled 2/);

    const applied = await nhub(["migrate", "fcm-v1", "--apply"]);
    expect(applied.code).toBe(0);
    expect(applied.stdout).toContain("migrated 2,");
    expect(emulator.hub().installations()[0]!.platform).toBe("fcmv1");
    expect(
      emulator
        .hub()
        .registrations()
        .some((r) => r.kind === "Gcm"),
    ).toBe(false);

    const wrong = await nhub(["migrate", "apns"]);
    expect(wrong.code).toBe(2);
  });
});
