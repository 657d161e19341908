/**
 * The fixture most send tests start with: a {@link startRecordingServer} server and a real `NotificationHub` on
 * it, torn down after the test. It takes the runner's `afterEach` rather than importing one, so this package
 * stays free of any test framework at run time (vitest, jest, mocha and `node:test` all fit).
 */
import { NotificationHub, type NotificationHubOptions } from "@nhub/core";
import { type RecordingServer, type RecordingServerOptions, startRecordingServer } from "./recording-server";

/** A hook that runs `cleanup` later: a test runner's `afterEach`, or `afterAll` to keep pairs for a whole file. */
export type CleanupHook = (cleanup: () => Promise<void>) => unknown;

/** A recording server and a hub named `myhub` that sends to it. */
export interface RecordingHub {
  readonly server: RecordingServer;
  readonly hub: NotificationHub;
}

/**
 * Starts a {@link RecordingHub}. `options` go to {@link startRecordingServer}; `hubOptions` to the hub, whose
 * retries are off unless these turn them on, so a failing answer surfaces at once.
 */
export type StartRecordingHub = (
  options?: RecordingServerOptions,
  hubOptions?: NotificationHubOptions,
) => Promise<RecordingHub>;

/**
 * Registers the cleanup with `after` and returns a function that starts a recording server and a hub on it.
 * Every pair started is destroyed when `after` runs: the hub first (in-flight requests are aborted, so a test
 * that left one hanging still ends), then the server. Call it at the top level of a test file or `describe`.
 *
 * @param after your runner's `afterEach` (default: the global one, as jest and vitest with `globals: true` have)
 * @example
 * import { useRecordingHub } from "@nhub/testkit";
 * import { afterEach, it } from "vitest";
 *
 * const startHub = useRecordingHub(afterEach);
 *
 * it("sends", async () => {
 *   const { server, hub } = await startHub();
 *   await notifyFans(hub, "Goal!");
 *   assertSend(server.requests[0], { format: "apple", body: '{"aps":{"alert":"Goal!"}}', platformHeaders: {} });
 * });
 * @throws {Error} at once when no `after` is given and there is no global `afterEach`
 */
export function useRecordingHub(after?: CleanupHook): StartRecordingHub {
  const hook = after ?? (globalThis as { afterEach?: CleanupHook }).afterEach;
  if (typeof hook !== "function") {
    throw new Error(
      "useRecordingHub needs the afterEach of your test runner: useRecordingHub(afterEach) (from vitest, jest, " +
        "mocha or node:test)",
    );
  }
  const started: RecordingHub[] = [];
  hook(async () => {
    // Every pair is closed even when one fails to, so a broken test cannot leave ports open for the next.
    const results = await Promise.allSettled(
      started.splice(0).map(async ({ server, hub }) => {
        try {
          await hub.destroy();
        } finally {
          await server.close();
        }
      }),
    );
    const failed = results.flatMap((r) => (r.status === "rejected" ? [r.reason] : []));
    if (failed.length > 0) throw new AggregateError(failed, "closing a recording hub failed");
  });
  return async (options = {}, hubOptions = {}) => {
    const server = await startRecordingServer(options);
    let hub: NotificationHub;
    try {
      hub = new NotificationHub(server.connectionString, "myhub", { retry: false, ...hubOptions });
    } catch (error) {
      // Bad hub options throw here; the server must not outlive the test that asked for it.
      await server.close();
      throw error;
    }
    const pair = { server, hub };
    started.push(pair);
    return pair;
  };
}
