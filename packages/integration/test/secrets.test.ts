import { inspect } from "node:util";
import { type Logger, NotificationHub } from "@nhub/core";
import { startEmulator } from "@nhub/emulator";
import { createAppleNotification } from "@nhub/platform-apns";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const KEY = "VGhpcy1pcy10aGUtc2VjcmV0LWtleS0xMjM0NQ==";
const alert = createAppleNotification({ aps: { alert: "psst" } });

let emulator: Awaited<ReturnType<typeof startEmulator>>;
beforeAll(async () => {
  emulator = await startEmulator({
    hubs: [{ name: "myhub", keys: { full: KEY } }],
    devices: [{ installationId: "ios-1", platform: "apns", pushChannel: "aaaa", tags: ["sports"] }],
  });
});
afterAll(() => emulator.close());

/** Everything a person could see of a value: its text, stack, JSON and inspection, causes included. */
function surfaces(value: unknown): string[] {
  const out = [inspect(value, { depth: 10, showHidden: true }), String(value)];
  try {
    out.push(JSON.stringify(value) ?? "");
  } catch {
    // not serialisable: inspection covers it
  }
  if (value instanceof Error) out.push(value.message, value.stack ?? "", ...surfaces(value.cause ?? ""));
  return out;
}

describe("no secret leaves through errors, logs or dumps", () => {
  it("scans a debug send, retried failures, a timeout and a refused connection for the key and the signature", async () => {
    const seen: string[] = [];
    const logger: Logger = {
      debug: (...a) => seen.push(a.map(String).join(" ")),
      info: (...a) => seen.push(a.map(String).join(" ")),
      warn: (...a) => seen.push(a.map(String).join(" ")),
      error: (...a) => seen.push(a.map(String).join(" ")),
    };
    const cs = emulator.connectionString();
    const debugHub = new NotificationHub(cs, "myhub", {
      debug: true,
      logger,
      retry: { maxRetries: 1, baseDelayMs: 1 },
    });
    const results: unknown[] = [];
    results.push(await debugHub.send(alert, { tags: "sports" }));
    emulator.hub().injectFault({ status: 500, count: 2 });
    results.push(await debugHub.send(alert).catch((e: unknown) => e));
    emulator.hub().injectFault({ status: 429, retryAfter: "0", count: 2 });
    results.push(await debugHub.send(alert).catch((e: unknown) => e));
    emulator.hub().injectFault({ delayMs: 3000 });
    results.push(await debugHub.send(alert, { timeoutMs: 200, retry: false }).catch((e: unknown) => e));
    const wrongKey = new NotificationHub(cs.replace(KEY, "d3Jvbmc="), "myhub", { logger });
    results.push(await wrongKey.send(alert).catch((e: unknown) => e));
    const refused = new NotificationHub(cs.replace(/127\.0\.0\.1:\d+/, "127.0.0.1:1"), "myhub", {
      logger,
      retry: false,
    });
    results.push(await refused.send(alert).catch((e: unknown) => e));
    results.push(debugHub, wrongKey, refused);
    await Promise.all([debugHub.close(), wrongKey.close(), refused.close()]);

    // Dumps show the token's shape with its signature redacted, and no other signature anywhere.
    expect(seen.some((l) => l.includes("sig=<redacted>"))).toBe(true);
    const sigs = seen
      .flatMap((l) => [...l.matchAll(/sig=([^&\s]+)/g)].map((m) => m[1]!))
      .filter((s) => s !== "<redacted>");
    expect(sigs).toEqual([]);

    const everything = [...seen, ...results.flatMap(surfaces)].join("\n");
    expect(everything).not.toContain(KEY);
    expect(everything).not.toContain(encodeURIComponent(KEY));
    expect(everything).not.toMatch(/SharedAccessSignature sr=[^\s]*&sig=(?!<redacted>)/);
    // The failures are all there to be scanned, typed.
    expect(results.slice(1, 6).map((e) => (e as Error).name)).toEqual([
      "ServiceError",
      "ServiceError",
      "TimeoutError",
      "ServiceError",
      "ConnectionError",
    ]);
  });
});
