/**
 * `createTestHub`: the emulator and a `NotificationHub` on it in one call, for unit tests of code that sends
 * notifications. Nothing is mocked: the code under test sends real requests over loopback, the emulator routes
 * them to the devices given, and the test reads what each device got. Assertions on deliveries
 * (`expect(testHub).toHaveDelivered(...)`, `assertDelivered`) are in `@nhub/testkit` and read any object with a
 * `deliveries()` method, this one included.
 */
import { NotificationHub, type NotificationHubOptions } from "@nhub/core";
import { startEmulator } from "./emulator";
import type { Delivery, Emulator, Installation } from "./types";

/** Options of {@link createTestHub}. */
export interface TestHubOptions {
  /** Devices registered before the first send. */
  readonly devices?: readonly Installation[];
  /** The hub's name; default `myhub`. */
  readonly hubName?: string;
  /** Options of the `NotificationHub`; default `{ retry: false }`, so a failure shows at once. */
  readonly hubOptions?: NotificationHubOptions;
}

/** A running test hub; see {@link createTestHub}. */
export interface TestHub {
  /** A real `NotificationHub`, full rights, pointed at the emulator: hand it to the code under test. */
  readonly hub: NotificationHub;
  /** The emulator behind it, for faults (`emulator.hub().injectFault(...)`), registrations and the rest. */
  readonly emulator: Emulator;
  /** The connection string of the hub, for code that builds its own `NotificationHub`. */
  readonly connectionString: string;
  /** Every delivery so far, oldest first. */
  deliveries(): Delivery[];
  /** The deliveries one installation got, oldest first. */
  deliveredTo(installationId: string): Delivery[];
  /**
   * Registers or replaces a device.
   *
   * @throws {ValidationError} for an invalid installation
   */
  addDevice(installation: Installation): void;
  /** Forgets the deliveries so far, e.g. between tests that share one test hub. */
  clearDeliveries(): void;
  /** Closes the hub, then the emulator. */
  close(): Promise<void>;
}

/**
 * Starts an in-process emulator (loopback, random port) with the given devices and a `NotificationHub` on it.
 *
 * @example
 * const t = await createTestHub({
 *   devices: [{ installationId: "ios-1", platform: "apns", pushChannel: "token-1", tags: ["user:ann"] }],
 * });
 * await notifyAnn(t.hub); // your code
 * expect(t).toHaveDelivered({ installationId: "ios-1", json: { aps: { alert: "Hi Ann" } } });
 * await t.close();
 * @throws {ValidationError} for an invalid device or hub name
 */
export async function createTestHub(options: TestHubOptions = {}): Promise<TestHub> {
  const hubName = options.hubName ?? "myhub";
  const emulator = await startEmulator({ hubs: [hubName], devices: options.devices ?? [] });
  const connectionString = emulator.connectionString();
  let hub: NotificationHub;
  try {
    hub = new NotificationHub(connectionString, hubName, { retry: false, ...options.hubOptions });
  } catch (error) {
    await emulator.close();
    throw error;
  }
  const state = () => emulator.hub(hubName);
  return {
    hub,
    emulator,
    connectionString,
    deliveries: () => state().deliveries(),
    deliveredTo: (installationId) =>
      state()
        .deliveries()
        .filter((d) => d.installationId === installationId),
    addDevice: (installation) => state().upsertInstallation(installation),
    clearDeliveries: () => state().clearDeliveries(),
    close: async () => {
      try {
        await hub.close();
      } finally {
        await emulator.close();
      }
    },
  };
}
