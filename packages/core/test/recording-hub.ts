import { type RecordingServer, type RecordingServerOptions, startRecordingServer } from "@nhub/testkit";
import { afterEach, expect } from "vitest";
import {
  createNotification,
  NotificationHub,
  type NotificationHubOptions,
  ValidationError,
} from "../src/index";

/** The APNs notification the tests send. */
export const apple = createNotification({
  format: "apple",
  contentType: "application/json;charset=utf-8",
  body: '{"aps":{"alert":"Hello!"}}',
  headers: { "apns-push-type": "alert" },
});

/**
 * Registers cleanup and returns a function that starts a recording server and a hub on it (retries off unless
 * asked for). Every pair a test starts is destroyed after it.
 */
export function useRecordingHub(): (
  options?: RecordingServerOptions,
  hubOptions?: NotificationHubOptions,
) => Promise<{ server: RecordingServer; hub: NotificationHub }> {
  const started: { server: RecordingServer; hub: NotificationHub }[] = [];
  afterEach(async () => {
    for (const { server, hub } of started.splice(0)) {
      await hub.destroy();
      await server.close();
    }
  });
  return async (options = {}, hubOptions = {}) => {
    const server = await startRecordingServer(options);
    const hub = new NotificationHub(server.connectionString, "myhub", { retry: false, ...hubOptions });
    started.push({ server, hub });
    return { server, hub };
  };
}

/** Resolves after `ms`. */
export const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Expects `fn` to throw or reject with a ValidationError naming this field and rule. */
export async function expectValidation(fn: () => unknown, field: string, rule: string): Promise<void> {
  let caught: unknown;
  try {
    await fn();
  } catch (error) {
    caught = error;
  }
  expect(ValidationError.isInstance(caught), String(caught)).toBe(true);
  expect(caught).toMatchObject({ field, rule });
}
