import { type RecordingServer, startRecordingServer } from "@nhub/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { NotificationHub as EdgeNotificationHub } from "../src/edge";
import {
  createFetchTransport,
  createUndiciTransport,
  NotificationHub,
  ValidationError,
  waitForNotificationOutcome,
} from "../src/index";
import { apple } from "./recording-hub";

const CONNECTION = "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=n;SharedAccessKey=k";

let server: RecordingServer | undefined;
let hub: NotificationHub | undefined;
afterEach(async () => {
  await hub?.destroy();
  await server?.close();
  hub = undefined;
  server = undefined;
});

/** The ValidationError `run` throws, synchronously or as a rejection. */
async function validationError(run: () => unknown): Promise<ValidationError> {
  let error: unknown;
  try {
    await run();
  } catch (e) {
    error = e;
  }
  expect(ValidationError.isInstance(error), `expected a ValidationError, got ${String(error)}`).toBe(true);
  return error as ValidationError;
}

type HubOptions = ConstructorParameters<typeof NotificationHub>[2];

describe("the NotificationHub constructor refuses bad options by name", () => {
  it.each<[string, HubOptions]>([
    ["tokenTtlSeconds", { tokenTtlSeconds: 0 }],
    ["tokenTtlSeconds", { tokenTtlSeconds: 200 }],
    ["tokenTtlSeconds", { tokenTtlSeconds: 300 }],
    ["tokenTtlSeconds", { tokenTtlSeconds: 301.5 }],
    ["tokenTtlSeconds", { tokenTtlSeconds: Number.POSITIVE_INFINITY }],
    ["tokenTtlSeconds", { tokenTtlSeconds: 1e12 }],
    ["tokenTtlSeconds", { tokenTtlSeconds: "3600" as unknown as number }],
    ["connections", { connections: -1 }],
    ["connections", { connections: 0 }],
    ["connections", { connections: 1.5 }],
    ["timeoutMs", { timeoutMs: -1 }],
    ["timeoutMs", { timeoutMs: "100" as unknown as number }],
    ["timeoutMs", { timeoutMs: Number.POSITIVE_INFINITY }],
    ["timeoutMs", { timeoutMs: 2 ** 31 }],
    ["debug", { debug: "yes" as unknown as boolean }],
    ["retry", { retry: true as unknown as false }],
    ["retry.maxRetries", { retry: { maxRetries: 2.5 } }],
    ["logger", { logger: "console" as unknown as Console }],
    ["transport", { transport: {} as never }],
    ["dispatcher", { dispatcher: {} as never }],
  ])("%s in %o", async (field, options) => {
    const error = await validationError(() => new NotificationHub(CONNECTION, "h", options));
    expect(error.field).toBe(field);
    expect(error.message).toContain(field);
  });

  it("takes the edges of each range", () => {
    for (const options of [
      { tokenTtlSeconds: 301 },
      { tokenTtlSeconds: 365 * 24 * 3600 },
      { connections: 1 },
      { timeoutMs: 1 },
      { timeoutMs: 2 ** 31 - 1 },
      { retry: { maxRetries: 0, baseDelayMs: 0, maxDelayMs: 0, maxRetryAfterMs: 0 } },
    ]) {
      const h = new NotificationHub(CONNECTION, "h", options);
      void h.destroy();
    }
  });

  it("refuses an Endpoint whose host is no host name", async () => {
    for (const endpoint of [
      "sb://a%2fb/",
      "sb://%C3%BF.servicebus.windows.net/",
      "sb://a..b/",
      "sb://a_b!/",
    ]) {
      const connection = `Endpoint=${endpoint};SharedAccessKeyName=n;SharedAccessKey=k`;
      const error = await validationError(() => new NotificationHub(connection, "h"));
      expect(error).toMatchObject({ field: "connectionString.Endpoint", rule: "host" });
    }
    for (const endpoint of [
      "sb://my-ns.servicebus.windows.net/",
      "http://127.0.0.1:1234/",
      "http://[::1]:8080/",
    ]) {
      const h = new NotificationHub(`Endpoint=${endpoint};SharedAccessKeyName=n;SharedAccessKey=k`, "h");
      void h.destroy();
    }
  });

  it("the edge hub refuses a fetch that is not a function", async () => {
    const error = await validationError(
      () => new EdgeNotificationHub(CONNECTION, "h", { fetch: "fetch" as unknown as typeof fetch }),
    );
    expect(error.field).toBe("fetch");
  });
});

describe("the transports refuse bad options by name", () => {
  it.each([
    ["connections", { connections: -1 }],
    ["keepAliveTimeoutMs", { keepAliveTimeoutMs: 0 }],
    ["keepAliveTimeoutMs", { keepAliveTimeoutMs: Number.POSITIVE_INFINITY }],
    ["timeoutMs", { timeoutMs: -5 }],
    ["origin", { origin: "https://ns.example/path" }],
  ])("createUndiciTransport %s", async (field, options) => {
    const error = await validationError(() =>
      createUndiciTransport({ origin: "https://ns.example", ...options }),
    );
    expect(error.field).toBe(field);
  });

  it("createFetchTransport fetch", async () => {
    const error = await validationError(() => createFetchTransport({ fetch: 42 as unknown as typeof fetch }));
    expect(error.field).toBe("fetch");
  });
});

describe("per-call options are refused by name before any request", () => {
  async function recordingHub(): Promise<{ server: RecordingServer; hub: NotificationHub }> {
    server = await startRecordingServer();
    hub = new NotificationHub(server.connectionString, "myhub", { retry: { maxRetries: 3, baseDelayMs: 1 } });
    return { server, hub };
  }

  it.each<[string, Record<string, unknown>]>([
    ["timeoutMs", { timeoutMs: -1 }],
    ["timeoutMs", { timeoutMs: "100" }],
    ["timeoutMs", { timeoutMs: 0 }],
    ["timeoutMs", { timeoutMs: 2 ** 40 }],
    ["signal", { signal: {} }],
    ["retry.baseDelayMs", { retry: { baseDelayMs: -1 } }],
    ["test", { test: "false" }],
  ])("send %s in %o", async (field, options) => {
    const { server, hub } = await recordingHub();
    const error = await validationError(() => hub.send(apple, options));
    expect(error.field).toBe(field);
    expect(server.requests).toHaveLength(0);
  });

  it("every other request of the hub checks them the same way", async () => {
    const { server, hub } = await recordingHub();
    const bad = { timeoutMs: -1 };
    const calls: Array<() => Promise<unknown>> = [
      () => hub.scheduleNotification(apple, new Date(Date.now() + 60_000), bad),
      () => hub.cancelScheduledNotification("n1", bad),
      () => hub.getNotificationOutcomeDetails("n1", bad),
      () => hub.getFeedbackContainerUrl(bad),
      () => hub.request({ method: "GET", path: "/installations/a", ...bad }),
    ];
    for (const call of calls) expect((await validationError(call)).field).toBe("timeoutMs");
    expect(server.requests).toHaveLength(0);
  });

  it("a direct batch rejects as a whole instead of failing every chunk", async () => {
    const { server, hub } = await recordingHub();
    const error = await validationError(() => hub.sendDirectBatch(apple, ["a", "b"], { timeoutMs: -1 }));
    expect(error.field).toBe("timeoutMs");
    expect(server.requests).toHaveLength(0);
  });

  it("waitForNotificationOutcome refuses intervals and deadlines no timer can wait", async () => {
    const { server, hub } = await recordingHub();
    for (const [field, options] of [
      ["intervalMs", { intervalMs: Number.POSITIVE_INFINITY }],
      ["timeoutMs", { timeoutMs: 2 ** 31 }],
      ["signal", { signal: "stop" }],
    ] as const) {
      const error = await validationError(() => waitForNotificationOutcome(hub, "n1", options as never));
      expect(error.field).toBe(field);
    }
    expect(server.requests).toHaveLength(0);
  });
});
