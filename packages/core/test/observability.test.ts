import { subscribe, unsubscribe } from "node:diagnostics_channel";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { inspect } from "node:util";
import { parseSasToken } from "@nhub/sas";
import type { CannedResponse } from "@nhub/testkit";
import { Agent } from "undici";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  ConnectionError,
  createFetchTransport,
  DIAGNOSTICS_CHANNELS,
  type Logger,
  NotificationHub,
  type RequestDiagnosticsMessage,
  type Transport,
} from "../src/index";
import { apple, delay, expectValidation, useRecordingHub } from "./recording-hub";

const KEY = "SUPERSECRETKEY=";
const start = useRecordingHub();

/** A logger that records every call by level, with the arguments it got. */
function recordingLogger() {
  const lines: { level: string; args: unknown[] }[] = [];
  const logger: Required<Logger> = {
    debug: (...args) => lines.push({ level: "debug", args }),
    info: (...args) => lines.push({ level: "info", args }),
    warn: (...args) => lines.push({ level: "warn", args }),
    error: (...args) => lines.push({ level: "error", args }),
  };
  const at = (level: string) => lines.filter((l) => l.level === level).map((l) => String(l.args[0]));
  return { logger, lines, at };
}

/** A 503 with a short retry-after-ms, then a 201. */
const flaky = {
  key: KEY,
  respond: (_r: unknown, i: number): CannedResponse =>
    i === 0 ? { status: 503, headers: { "retry-after-ms": "10" } } : { status: 201 },
};
const retrying = { retry: { maxRetries: 2, baseDelayMs: 1 } };

describe("logger and logLevel", () => {
  it("logs retries at warn by default, and nothing at debug", async () => {
    const { logger, lines, at } = recordingLogger();
    const { hub } = await start(flaky, { ...retrying, logger });
    await hub.send(apple);
    expect(at("warn")).toHaveLength(1);
    expect(at("warn")[0]).toMatch(
      /^nhub: myhub: retry 1 in 10 ms after POST http:\/\/127\.0\.0\.1:\d+\/myhub\/messages\/\?api-version=2020-06 failed with 503$/,
    );
    expect(lines.map((l) => l.level)).toEqual(["warn"]);
    // One finished string per call, as console and pino both take it.
    expect(lines.every((l) => l.args.length === 1 && typeof l.args[0] === "string")).toBe(true);
  });

  it("logs a request that fails for good at error, and not an abort", async () => {
    const { logger, at } = recordingLogger();
    const { hub } = await start(
      {
        respond: () => ({ status: 400, body: "<Error><Code>400</Code><Detail>bad channel</Detail></Error>" }),
      },
      { logger },
    );
    await expect(hub.send(apple)).rejects.toMatchObject({ statusCode: 400 });
    expect(at("error")).toHaveLength(1);
    expect(at("error")[0]).toMatch(
      /^nhub: myhub: POST \/myhub\/messages\/ failed after 1 attempt\(s\): POST http:\/\/127\.0\.0\.1:\d+\/myhub\/messages\/\?api-version=2020-06 failed with 400: bad channel$/,
    );
    await expect(hub.send(apple, { signal: AbortSignal.abort() })).rejects.toThrow();
    expect(at("error")).toHaveLength(1);
  });

  it("writes one line per attempt at debug, with status and time", async () => {
    const { logger, at } = recordingLogger();
    const { hub } = await start(flaky, { ...retrying, logger, logLevel: "debug" });
    await hub.send(apple);
    expect(at("debug")).toHaveLength(2);
    expect(at("debug")[0]).toMatch(
      /^nhub: myhub: POST \/myhub\/messages\/\?api-version=2020-06 \(attempt 1\) answered 503 in \d+ ms$/,
    );
    expect(at("debug")[1]).toMatch(/\(attempt 2\) answered 201 in \d+ ms$/);
    expect(at("warn")).toHaveLength(1);
  });

  it("filters by level: error keeps failures only, silent keeps nothing", async () => {
    const errorsOnly = recordingLogger();
    const a = await start(
      { respond: (_r, i) => (i === 1 ? { status: 201 } : { status: 503 }) },
      { ...retrying, logger: errorsOnly.logger, logLevel: "error" },
    );
    await a.hub.send(apple);
    await expect(a.hub.send(apple, { retry: false })).rejects.toMatchObject({ statusCode: 503 });
    expect(errorsOnly.lines.map((l) => l.level)).toEqual(["error"]);
    const silent = recordingLogger();
    const b = await start(
      { respond: () => ({ status: 503 }) },
      { ...retrying, logger: silent.logger, logLevel: "silent" },
    );
    await expect(b.hub.send(apple)).rejects.toMatchObject({ statusCode: 503 });
    expect(silent.lines).toEqual([]);
  });

  it("refuses an unknown level at construction", async () => {
    const cs = "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=n;SharedAccessKey=k";
    await expectValidation(
      () => new NotificationHub(cs, "h", { logLevel: "verbose" as unknown as "debug" }),
      "logLevel",
      "one-of",
    );
  });

  it("calls the logger's methods on the logger, as pino needs", async () => {
    // Like pino, this logger reads its own state through `this`: an unbound call would throw.
    class ThisBoundLogger {
      readonly #lines: string[] = [];
      warn(message: string): void {
        this.#lines.push(message);
      }
      get lines(): readonly string[] {
        return this.#lines;
      }
    }
    const logger = new ThisBoundLogger();
    const { hub } = await start(flaky, { ...retrying, logger });
    await hub.send(apple);
    expect(logger.lines).toHaveLength(1);
    expect(logger.lines[0]).toContain("retry 1");
  });

  it("takes console as it is", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    try {
      const { hub } = await start(flaky, { ...retrying, logger: console });
      await hub.send(apple);
      expect(warn).toHaveBeenCalledTimes(1);
      expect(warn.mock.calls[0]).toEqual([expect.stringContaining("nhub: myhub: retry 1")]);
    } finally {
      warn.mockRestore();
    }
  });

  it("redacts keys and signatures even from a transport's own error text", async () => {
    const { logger, lines } = recordingLogger();
    const token = "SharedAccessSignature sr=x&sig=LEAKEDSIGNATURE%3D&se=1&skn=rule";
    const leaky: Transport = {
      request: () =>
        Promise.reject(
          new ConnectionError(`reset while sending ${token} with SharedAccessKey=${KEY} (${KEY})`, {
            isRetryable: true,
          }),
        ),
      close: async () => {},
      destroy: async () => {},
    };
    const hub = new NotificationHub(
      `Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=rule;SharedAccessKey=${KEY}`,
      "myhub",
      { transport: leaky, logger, logLevel: "debug", retry: { maxRetries: 1, baseDelayMs: 1 } },
    );
    await expect(hub.send(apple)).rejects.toSatisfy(ConnectionError.isInstance);
    await hub.close();
    const text = lines.map((l) => String(l.args[0])).join("\n");
    expect(lines.map((l) => l.level)).toEqual(["debug", "warn", "debug", "error"]);
    expect(text).toContain("sig=<redacted>");
    expect(text).toContain("SharedAccessKey=<redacted>");
    expect(text).not.toContain("LEAKEDSIGNATURE");
    expect(text).not.toContain(KEY);
    expect(text).not.toContain("SUPERSECRETKEY");
  });
});

describe("diagnostics_channel events", () => {
  const seen: { channel: string; message: RequestDiagnosticsMessage; snapshot: Record<string, unknown> }[] =
    [];
  const listeners = Object.entries(DIAGNOSTICS_CHANNELS).map(([name, channel]) => {
    const listener = (message: unknown) => {
      const m = message as RequestDiagnosticsMessage;
      seen.push({ channel: name, message: m, snapshot: { ...m } });
    };
    return { channel, listener };
  });
  const on = () => {
    for (const { channel, listener } of listeners) subscribe(channel, listener);
  };
  afterEach(() => {
    for (const { channel, listener } of listeners) unsubscribe(channel, listener);
    seen.length = 0;
  });

  it("publishes start and finish for each attempt, one object per attempt", async () => {
    const { server, hub } = await start(flaky, retrying);
    on();
    await hub.send(apple, { tags: "sports" });
    const url = `${server.origin}/myhub/messages/?api-version=2020-06`;
    expect(seen.map((s) => [s.channel, s.snapshot["attempt"], s.snapshot["status"]])).toEqual([
      ["start", 1, undefined],
      ["finish", 1, 503],
      ["start", 2, undefined],
      ["finish", 2, 201],
    ]);
    expect(seen[0]!.snapshot).toEqual({ hubName: "myhub", method: "POST", url, attempt: 1, format: "apple" });
    expect(seen[1]!.message).toBe(seen[0]!.message);
    expect(seen[3]!.message).toMatchObject({
      hubName: "myhub",
      method: "POST",
      url,
      attempt: 2,
      status: 201,
    });
    for (const s of seen.filter((x) => x.channel === "finish")) {
      expect(s.message.durationMs).toBeGreaterThanOrEqual(0);
    }
  });

  it("publishes error when no answer comes, and leaves out format for other requests", async () => {
    const port = await closedPort();
    const hub = new NotificationHub(
      `Endpoint=http://127.0.0.1:${port}/;SharedAccessKeyName=n;SharedAccessKey=k`,
      "h",
      {
        retry: false,
      },
    );
    on();
    await expect(hub.request({ method: "GET", path: "/installations/a" })).rejects.toSatisfy(
      ConnectionError.isInstance,
    );
    await hub.close();
    expect(seen.map((s) => s.channel)).toEqual(["start", "error"]);
    expect(seen[1]!.message.error).toBeInstanceOf(ConnectionError);
    expect(seen[1]!.snapshot).toMatchObject({
      hubName: "h",
      method: "GET",
      url: `http://127.0.0.1:${port}/h/installations/a?api-version=2020-06`,
      attempt: 1,
    });
    expect("format" in seen[1]!.message).toBe(false);
    expect("status" in seen[1]!.message).toBe(false);
  });

  it("publishes for the fetch transport too", async () => {
    const { hub } = await start({}, { transport: createFetchTransport() });
    on();
    await hub.send(apple);
    expect(seen.map((s) => [s.channel, s.snapshot["status"]])).toEqual([
      ["start", undefined],
      ["finish", 201],
    ]);
  });

  it("publishes nothing once unsubscribed", async () => {
    const { hub } = await start();
    on();
    await hub.send(apple);
    for (const { channel, listener } of listeners) unsubscribe(channel, listener);
    await hub.send(apple);
    expect(seen).toHaveLength(2);
  });

  it("never shows the key or the signature, in messages or logs", async () => {
    const { logger, lines } = recordingLogger();
    const { server, hub } = await start(
      {
        key: KEY,
        respond: (_r, i): CannedResponse =>
          i === 0 ? { status: 503, headers: { "retry-after-ms": "10" } } : { status: 201 },
      },
      { ...retrying, logger, debug: true },
    );
    on();
    await hub.send(apple, { tags: "sports" });
    await hub.send(apple, { deviceHandle: "device-1" });
    const sig = parseSasToken(server.requests[0]!.headers.authorization!)!.sig;
    const everything = [
      ...seen.flatMap((s) => [JSON.stringify(s.message), inspect(s.message, { depth: 5, showHidden: true })]),
      ...lines.map((l) => l.args.map(String).join(" ")),
    ].join("\n");
    expect(seen.length).toBeGreaterThanOrEqual(6);
    expect(lines.length).toBeGreaterThan(0);
    expect(everything).toContain("sig=<redacted>");
    expect(everything).not.toContain("<redacted><redacted>");
    for (const secret of [KEY, encodeURIComponent(KEY), sig, decodeURIComponent(sig)]) {
      expect(everything).not.toContain(secret);
    }
  });
});

describe("hub.stats", () => {
  it("counts requests, retries and failures, and reads the undici pool", async () => {
    const { hub } = await start(
      {
        respond: (r, i) =>
          i === 0 ? { status: 503 } : r.path.endsWith("/fail") ? { status: 400 } : { status: 201 },
      },
      retrying,
    );
    expect(hub.stats).toEqual({
      requests: 0,
      retries: 0,
      failures: 0,
      inFlight: 0,
      pool: { connected: 0, free: 0, pending: 0, queued: 0, running: 0, size: 0 },
    });
    await hub.send(apple);
    await hub.send(apple);
    await expect(hub.request({ method: "GET", path: "/fail" })).rejects.toMatchObject({ statusCode: 400 });
    await expect(hub.send(apple, { signal: AbortSignal.abort() })).rejects.toThrow();
    const stats = hub.stats;
    expect(stats).toMatchObject({ requests: 3, retries: 1, failures: 1, inFlight: 0 });
    expect(stats.pool).toMatchObject({ pending: 0, queued: 0, running: 0, size: 0 });
    // Sockets come and go on their own schedule; what is counted must add up.
    expect(stats.pool!.connected).toBeGreaterThanOrEqual(1);
    expect(stats.pool!.free).toBeGreaterThanOrEqual(0);
    expect(stats.pool!.free).toBeLessThanOrEqual(stats.pool!.connected);
    expect(hub.stats).not.toBe(stats);
  });

  it("shows a request in flight", async () => {
    const { hub } = await start({
      respond: () => new Promise((r) => setTimeout(() => r({ status: 201 }), 150)),
    });
    const pending = hub.send(apple);
    await delay(50);
    expect(hub.stats).toMatchObject({
      requests: 1,
      inFlight: 1,
      pool: { connected: 1, running: 1, size: 1 },
    });
    await pending;
    expect(hub.stats).toMatchObject({ inFlight: 0, pool: { running: 0 } });
  });

  it("reads the pool of the hub's origin from a shared Agent", async () => {
    const agent = new Agent();
    try {
      const { hub } = await start({}, { dispatcher: agent });
      await hub.send(apple);
      expect(hub.stats.pool).toMatchObject({ connected: 1, pending: 0, queued: 0, running: 0, size: 0 });
    } finally {
      await agent.close();
    }
  });
});

/** A port that was just free and is now closed, so a connection to it is refused. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
