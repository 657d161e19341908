import { NotificationHub } from "@nhub/core";
import { type Emulator, startEmulator } from "@nhub/emulator";
import { afterEach, beforeEach, expect, it } from "vitest";
import { describeFleet, run } from "../src/main.mjs";

let emulator: Emulator;
let hub: NotificationHub;

beforeEach(async () => {
  emulator = await startEmulator({ hubs: ["fleet"] });
  hub = new NotificationHub(emulator.connectionString(), "fleet");
});

afterEach(async () => {
  await hub.close();
  await emulator.close();
});

it("removes the two dead phones and leaves only FCM v1 devices", async () => {
  const printed: string[] = [];
  const { cleanup, migration } = await run(
    hub,
    (...parts: unknown[]) => printed.push(parts.join("")),
    (id: string, state: "expired" | "bad") => emulator.hub().setDeviceState(id, state),
  );
  expect(cleanup.counts).toMatchObject({ deleted: 2, failed: 0 });
  expect(printed.join("\n")).toMatch(/Per-device results: .*phone-2 ExpiredChannel/);
  expect(printed.join("\n")).toMatch(/Per-device results: .*phone-5 BadChannel/);
  expect(migration.counts).toMatchObject({ migrated: 3, untranslatable: 0, failed: 0 });
  // The four live phones got the send; the two marked gone did not.
  expect(emulator.hub().deliveries().length).toBe(4);
  const after = await describeFleet(hub);
  expect(after.join("\n")).not.toMatch(/Gcm|gcm|phone-2|phone-5/);
  expect(after).toHaveLength(7);
  expect(printed.join("\n")).toContain("Cleanup, dry run: would delete");
});
