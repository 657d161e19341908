import { type RecordingServer, startRecordingServer } from "@nhub/testkit";
import { afterEach, describe, expect, it } from "vitest";
import {
  AbortError,
  ConnectionError,
  DEFAULT_RETRY,
  NotificationHub,
  parseRetryAfter,
  resolveRetry,
  ServiceError,
  sleep,
  type Transport,
  ValidationError,
} from "../src/index";
import { parseHttpDate } from "../src/retry";
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

describe("Retry-After is read strictly", () => {
  const now = Date.UTC(2026, 0, 1, 0, 0, 0);

  it.each([
    "-5",
    "5 6",
    "1.5",
    "+5",
    "0x10",
    "5s",
    "1e3",
    "soon",
    "2026-01-01T00:00:10Z",
    "Thu, 1 Jan 2026 00:00:10 GMT",
  ])("ignores %j, so the request backs off instead", (value) => {
    expect(parseRetryAfter({ "retry-after": value }, now)).toBeUndefined();
  });

  it("takes a whole number of seconds", () => {
    expect(parseRetryAfter({ "retry-after": "0" }, now)).toBe(0);
    expect(parseRetryAfter({ "retry-after": " 7 " }, now)).toBe(7000);
  });

  it("takes the three HTTP-date forms of RFC 9110", () => {
    // Thursday, 1 January 2026, ten seconds after `now`.
    expect(parseRetryAfter({ "retry-after": "Thu, 01 Jan 2026 00:00:10 GMT" }, now)).toBe(10_000);
    expect(parseRetryAfter({ "retry-after": "Thursday, 01-Jan-26 00:00:10 GMT" }, now)).toBe(10_000);
    expect(parseRetryAfter({ "retry-after": "Thu Jan  1 00:00:10 2026" }, now)).toBe(10_000);
    // A date in the past means now.
    expect(parseRetryAfter({ "retry-after": "Wed, 31 Dec 2025 23:59:00 GMT" }, now)).toBe(0);
  });

  it("refuses dates that name no instant, and reads RFC 850 years within 50 years of now", () => {
    expect(parseHttpDate("Thu, 31 Feb 2026 00:00:00 GMT", now)).toBeUndefined();
    expect(parseHttpDate("Thu, 01 Jan 2026 24:00:00 GMT", now)).toBeUndefined();
    expect(parseHttpDate("Wed, 31 Dec 2025 23:59:60 GMT", now)).toBe(now);
    expect(parseHttpDate("Tue, 31 Feb 2026 23:59:60 GMT", now)).toBeUndefined();
    expect(parseHttpDate("Thu, 01 Foo 2026 00:00:00 GMT", now)).toBeUndefined();
    expect(parseHttpDate("Thu, 01 Jan 2026 00:00:00 UTC", now)).toBeUndefined();
    expect(parseHttpDate("Friday, 01-Jan-99 00:00:00 GMT", now)).toBe(Date.UTC(1999, 0, 1));
    expect(parseHttpDate("Sunday, 01-Jan-76 00:00:00 GMT", now)).toBe(Date.UTC(2076, 0, 1));
  });

  it("a hub answered 503 with Retry-After -5 backs off instead of retrying at once", async () => {
    server = await startRecordingServer({
      respond: () => ({ status: 503, headers: { "Retry-After": "-5" } }),
    });
    const delays: number[] = [];
    hub = new NotificationHub(server.connectionString, "myhub", {
      retry: { maxRetries: 3, baseDelayMs: 40, maxDelayMs: 40 },
      logger: { warn: (m) => delays.push(Number(/ in (\d+) ms/.exec(m)?.[1])) },
    });
    const error = await hub.send(apple).catch((e: unknown) => e);
    expect(ServiceError.isInstance(error)).toBe(true);
    expect((error as ServiceError).retryAfterMs).toBeUndefined();
    expect(server.requests).toHaveLength(4);
    // The backoff's full jitter drew each wait; a Retry-After read as 0 would have made every one 0.
    expect(delays).toHaveLength(3);
    expect(delays.every((d) => d >= 0 && d < 40)).toBe(true);
  });
});

describe("delays are whole milliseconds a timer can wait", () => {
  it.each([
    ["maxRetryAfterMs", Number.POSITIVE_INFINITY],
    ["maxRetryAfterMs", 2 ** 31],
    ["baseDelayMs", -1],
    ["maxDelayMs", Number.NaN],
    ["maxDelayMs", 1.5],
    ["maxRetries", -1],
    ["maxRetries", Number.POSITIVE_INFINITY],
  ])("refuses retry.%s %s on the hub and on a call, before any request", async (name, value) => {
    let attempts = 0;
    const transport: Transport = {
      request: async () => {
        attempts++;
        return { status: 503, headers: {}, body: "" };
      },
      close: async () => {},
      destroy: async () => {},
    };
    const field = `retry.${name}`;
    expect(() => new NotificationHub(CONNECTION, "h", { transport, retry: { [name]: value } })).toThrowError(
      expect.objectContaining({ field, name: "ValidationError" }),
    );
    hub = new NotificationHub(CONNECTION, "h", { transport });
    const error = await hub.send(apple, { retry: { [name]: value } }).catch((e: unknown) => e);
    expect(error).toMatchObject({ field, name: "ValidationError" });
    expect(attempts).toBe(0);
    expect(() => resolveRetry(DEFAULT_RETRY, { [name]: value })).toThrowError(ValidationError);
  });

  it("takes the largest timer delay, and undefined keeps the value below", () => {
    const resolved = resolveRetry(DEFAULT_RETRY, { maxRetryAfterMs: 2 ** 31 - 1, baseDelayMs: undefined });
    expect(resolved).toEqual({ ...DEFAULT_RETRY, maxRetryAfterMs: 2 ** 31 - 1 });
  });
});

describe("retry sleeps put one listener on a shared signal", () => {
  function collectWarnings(): { warnings: Error[]; stop: () => void } {
    const warnings: Error[] = [];
    const onWarning = (w: Error) => warnings.push(w);
    process.on("warning", onWarning);
    return { warnings, stop: () => process.off("warning", onWarning) };
  }
  // Node emits warnings on the next tick; give it a few.
  const settle = () => new Promise((resolve) => setTimeout(resolve, 20));

  it("20,000 concurrent sleeps raise no warning, and one abort cancels them all at once", async () => {
    const { warnings, stop } = collectWarnings();
    try {
      const shared = new AbortController();
      const own = new AbortController();
      const sleeps = Array.from({ length: 20_000 }, () => sleep(60_000, own.signal, shared.signal));
      await settle();
      const started = Date.now();
      shared.abort();
      const results = await Promise.allSettled(sleeps);
      expect(Date.now() - started).toBeLessThan(2000);
      expect(results.every((r) => r.status === "rejected" && AbortError.isInstance(r.reason))).toBe(true);
      await settle();
      expect(warnings.map((w) => w.name)).toEqual([]);
    } finally {
      stop();
    }
  });

  it("a finished sleep leaves no listener behind; a caller's abort cancels only its own sleep", async () => {
    const shared = new AbortController();
    const added: string[] = [];
    const removed: string[] = [];
    const signal = shared.signal;
    const add = signal.addEventListener.bind(signal);
    const remove = signal.removeEventListener.bind(signal);
    signal.addEventListener = ((type: string, ...rest: [never, never]) => {
      added.push(type);
      add(type, ...rest);
    }) as typeof signal.addEventListener;
    signal.removeEventListener = ((type: string, ...rest: [never, never]) => {
      removed.push(type);
      remove(type, ...rest);
    }) as typeof signal.removeEventListener;
    const own = new AbortController();
    const mine = sleep(60_000, own.signal, signal);
    const others = Array.from({ length: 50 }, () => sleep(5, signal));
    own.abort();
    await expect(mine).rejects.toBeInstanceOf(AbortError);
    await Promise.all(others);
    expect(added).toEqual(["abort"]);
    expect(removed).toEqual(["abort"]);
  });

  it("a hub with thousands of sends waiting to retry warns of nothing, and destroy() rejects them all promptly", async () => {
    const { warnings, stop } = collectWarnings();
    try {
      const transport: Transport = {
        request: async () => ({ status: 503, headers: { "retry-after": "60" }, body: "" }),
        close: async () => {},
        destroy: async () => {},
      };
      hub = new NotificationHub(CONNECTION, "h", {
        transport,
        retry: { maxRetries: 3, maxRetryAfterMs: 120_000 },
      });
      const sends = Array.from({ length: 2000 }, () => hub!.send(apple));
      await settle();
      expect(hub.stats.inFlight).toBe(2000);
      const started = Date.now();
      await hub.destroy();
      const results = await Promise.allSettled(sends);
      expect(Date.now() - started).toBeLessThan(2000);
      expect(results.every((r) => r.status === "rejected" && AbortError.isInstance(r.reason))).toBe(true);
      await settle();
      expect(warnings.map((w) => w.name)).toEqual([]);
    } finally {
      stop();
    }
  });
});

describe("the retry step settles each send once, whichever way its first attempt fails", () => {
  const answer = (status: number) => ({ status, headers: {}, body: "" });
  const hubOver = (attempts: ((n: number) => Promise<ReturnType<typeof answer>>)[]) => {
    let n = 0;
    const transport: Transport = {
      request: () => attempts[n]!(n++),
      close: async () => {},
      destroy: async () => {},
    };
    return new NotificationHub(CONNECTION, "hub", { transport, retry: { maxRetries: 2, baseDelayMs: 1 } });
  };
  const throwsAtOnce = (error: Error) => () => {
    throw error;
  };

  it("retries a transport that throws a retryable error at once, then resolves", async () => {
    hub = hubOver([throwsAtOnce(new ConnectionError("reset")), async () => answer(201)]);
    await expect(hub.send(apple)).resolves.toMatchObject({ status: 201 });
    expect(hub.stats).toMatchObject({ requests: 1, retries: 1, failures: 0, inFlight: 0 });
  });

  it("rejects with an error thrown at once that is not retried, counted as one failure", async () => {
    const error = new Error("transport bug");
    hub = hubOver([throwsAtOnce(error)]);
    await expect(hub.send(apple)).rejects.toBe(error);
    expect(hub.stats).toMatchObject({ requests: 1, retries: 0, failures: 1, inFlight: 0 });
  });

  it("retries an answer outside 2xx and a rejected attempt, then gives the last error", async () => {
    hub = hubOver([
      async () => answer(503),
      async () => {
        throw new ConnectionError("reset");
      },
      async () => answer(503),
    ]);
    await expect(hub.send(apple)).rejects.toMatchObject({ statusCode: 503 });
    expect(hub.stats).toMatchObject({ requests: 1, retries: 2, failures: 1, inFlight: 0 });
  });

  it("takes a transport that answers with a plain value rather than a promise", async () => {
    let n = 0;
    const transport = {
      request: () => (n++ === 0 ? answer(503) : answer(201)),
      close: async () => {},
      destroy: async () => {},
    } as unknown as Transport;
    hub = new NotificationHub(CONNECTION, "hub", { transport, retry: { maxRetries: 1, baseDelayMs: 1 } });
    await expect(hub.send(apple)).resolves.toMatchObject({ status: 201 });
    expect(hub.stats).toMatchObject({ requests: 1, retries: 1, failures: 0, inFlight: 0 });
  });

  it("resolves a first attempt in 2xx without a retry", async () => {
    hub = hubOver([async () => answer(201)]);
    await expect(hub.send(apple)).resolves.toMatchObject({ status: 201 });
    expect(hub.stats).toMatchObject({ requests: 1, retries: 0, failures: 0, inFlight: 0 });
  });
});
