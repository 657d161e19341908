import { inspect } from "node:util";
import { parseSasToken } from "@nhub/sas";
import { type CannedResponse, type RecordingServer, startRecordingServer } from "@nhub/testkit";
import { afterEach, describe, expect, it } from "vitest";
import {
  AbortError,
  ClosedError,
  createNotification,
  type Logger,
  NotificationHub,
  ServiceError,
  ValidationError,
} from "../src/index";

const apple = createNotification({
  format: "apple",
  contentType: "application/json;charset=utf-8",
  body: '{"aps":{"alert":"Hello!"}}',
  headers: { "apns-push-type": "alert" },
});

let server: RecordingServer;
let hub: NotificationHub;
afterEach(async () => {
  await hub?.destroy();
  await server?.close();
});

async function setup(
  options: Parameters<typeof startRecordingServer>[0] = {},
  hubOptions: ConstructorParameters<typeof NotificationHub>[2] = {},
) {
  server = await startRecordingServer(options);
  hub = new NotificationHub(server.connectionString, "myhub", { retry: false, ...hubOptions });
  return server;
}

const outcomeXml = `<NotificationOutcome xmlns="http://schemas.microsoft.com/netservices/2010/10/servicebus/connect" xmlns:i="http://www.w3.org/2001/XMLSchema-instance"><Success>1</Success><Failure>1</Failure><Results><RegistrationResult><ApplicationPlatform>apple</ApplicationPlatform><PnsHandle>abcd</PnsHandle><RegistrationId>r1</RegistrationId><Outcome>The Notification was successfully sent to the Push Notification System</Outcome></RegistrationResult><RegistrationResult><ApplicationPlatform>apple</ApplicationPlatform><PnsHandle>efgh</PnsHandle><RegistrationId>r2</RegistrationId><Outcome>InvalidToken</Outcome></RegistrationResult></Results></NotificationOutcome>`;

describe("NotificationHub.send", () => {
  it("sends exactly the request the service expects, with a valid token", async () => {
    await setup();
    const result = await hub.send(apple, { tags: "sports && !politics" });
    const [req] = server.requests;
    expect(req).toBeDefined();
    expect(req!.method).toBe("POST");
    expect(req!.path).toBe("/myhub/messages/");
    expect([...req!.query]).toEqual([["api-version", "2020-06"]]);
    expect(req!.headers["servicebusnotification-format"]).toBe("apple");
    expect(req!.headers["content-type"]).toBe("application/json;charset=utf-8");
    expect(req!.headers["servicebusnotification-tags"]).toBe("sports && !politics");
    expect(req!.headers["x-ms-version"]).toBe("2020-06");
    expect(req!.headers["apns-push-type"]).toBe("alert");
    expect(req!.text).toBe('{"aps":{"alert":"Hello!"}}');
    expect(req!.tokenValid).toBe(true);
    expect(decodeURIComponent(parseSasToken(req!.headers.authorization!)!.sr)).toBe(`${server.origin}/myhub`);
    expect(result.status).toBe(201);
    expect(result.notificationId).toMatch(/^[a-z0-9-]+$/);
    expect(result.trackingId).toBe(`tracking-${result.notificationId}`);
    expect(result.correlationId).toBe(`correlation-${result.notificationId}`);
    expect(result.location).toContain(`/myhub/messages/${result.notificationId}?api-version=2020-06`);
    expect(result.outcome).toBeUndefined();
  });

  it("broadcasts without a tags header, and OR-joins a set of tags", async () => {
    await setup();
    await hub.send(apple);
    await hub.send(apple, { tags: new Set(["sports", "politics"]) });
    await hub.send(apple, { tags: ["a", "b", "a"] });
    await hub.send(apple, { tags: "sports" });
    expect(server.requests.map((r) => r.headers["servicebusnotification-tags"])).toEqual([
      undefined,
      "sports || politics",
      "a || b",
      "sports",
    ]);
  });

  it("signs once for many sends", async () => {
    await setup();
    await Promise.all(Array.from({ length: 25 }, () => hub.send(apple)));
    const tokens = new Set(server.requests.map((r) => r.headers.authorization));
    expect(server.requests).toHaveLength(25);
    expect(tokens.size).toBe(1);
    expect(server.requests.every((r) => r.tokenValid)).toBe(true);
  });

  it("reuses keep-alive connections across sends", async () => {
    await setup();
    for (let i = 0; i < 5; i++) await hub.send(apple);
    expect(new Set(server.requests.map((r) => r.headers.connection ?? "keep-alive"))).toEqual(
      new Set(["keep-alive"]),
    );
  });

  it("sends per-call headers and a test send on request", async () => {
    await setup({ respond: () => ({ status: 201, body: outcomeXml }) });
    const result = await hub.send(apple, { test: true, headers: { "apns-collapse-id": "c1" } });
    const req = server.requests[0]!;
    expect(req.query.get("test")).toBe("true");
    expect(req.headers["apns-collapse-id"]).toBe("c1");
    expect(result.outcome).toEqual({
      success: 1,
      failure: 1,
      results: [
        {
          applicationPlatform: "apple",
          pnsHandle: "abcd",
          registrationId: "r1",
          outcome: "The Notification was successfully sent to the Push Notification System",
        },
        { applicationPlatform: "apple", pnsHandle: "efgh", registrationId: "r2", outcome: "InvalidToken" },
      ],
    });
  });

  it("sends bytes bodies unchanged", async () => {
    await setup();
    const bytes = new Uint8Array([0, 1, 2, 255]);
    await hub.send(
      createNotification({
        format: "windows",
        contentType: "application/octet-stream",
        body: bytes,
        headers: { "X-WNS-Type": "wns/raw" },
      }),
    );
    expect([...server.requests[0]!.body]).toEqual([0, 1, 2, 255]);
  });
});

describe("debug mode", () => {
  it("test-sends, parses the outcome, and dumps request and response without the key or signature", async () => {
    const lines: string[] = [];
    const logger: Logger = { debug: (m) => lines.push(m), warn: (m) => lines.push(m) };
    await setup(
      {
        key: "SUPERSECRETKEY=",
        respond: () => ({ status: 201, headers: { TrackingId: "t-1" }, body: outcomeXml }),
      },
      { debug: true, logger },
    );
    const result = await hub.send(apple, { tags: "sports" });
    const req = server.requests[0]!;
    expect(req.query.get("test")).toBe("true");
    expect(result.outcome?.success).toBe(1);
    const dump = lines.join("\n");
    const sig = parseSasToken(req.headers.authorization!)!.sig;
    expect(dump).toContain("--- nhub request ---");
    expect(dump).toContain("POST http://127.0.0.1:");
    expect(dump).toContain("/myhub/messages/?api-version=2020-06&test=true");
    expect(dump).toContain("ServiceBusNotification-Tags: sports");
    expect(dump).toContain("sig=<redacted>");
    expect(dump).toContain("--- nhub response 201");
    expect(dump).toContain("<Success>1</Success>");
    expect(dump).not.toContain("SUPERSECRETKEY");
    expect(dump).not.toContain(sig);
    expect(dump).not.toContain(decodeURIComponent(sig));
  });
});

describe("errors", () => {
  it("rejects a non-201 answer with status, service detail and tracking id", async () => {
    await setup({
      key: "SUPERSECRETKEY=",
      respond: () => ({
        status: 403,
        headers: {
          TrackingId: "track-42",
          "x-ms-correlation-request-id": "corr-9",
          "Content-Type": "application/xml",
        },
        body: "<Error><Code>403</Code><Detail>The notification exceeds the quota. TrackingId:track-42</Detail></Error>",
      }),
    });
    const error = await hub.send(apple, { tags: "x" }).catch((e: unknown) => e);
    expect(ServiceError.isInstance(error)).toBe(true);
    const e = error as ServiceError;
    expect(e.statusCode).toBe(403);
    expect(e.serviceCode).toBe("403");
    expect(e.detail).toContain("exceeds the quota");
    expect(e.trackingId).toBe("track-42");
    expect(e.correlationId).toBe("corr-9");
    expect(e.isRetryable).toBe(false);
    expect(e.method).toBe("POST");
    expect(e.url).toBe(`${server.origin}/myhub/messages/?api-version=2020-06`);
    const sig = parseSasToken(server.requests[0]!.headers.authorization!)!.sig;
    for (const text of [e.message, e.stack ?? "", JSON.stringify(e), inspect(e, { depth: 10 }), String(e)]) {
      expect(text).not.toContain("SUPERSECRETKEY");
      expect(text).not.toContain(sig);
    }
  });

  it("reads the tracking id from the error body of an answer without a TrackingId header", async () => {
    await setup({
      respond: () => ({
        status: 400,
        headers: { "Content-Type": "application/xml; charset=utf-8" },
        body: "<Error><Code>400</Code><Detail>The request is invalid.TrackingId:6c8c2c3f-2d0a-4d6e-9a9d-0a9d1e6c2f3a_G1,TimeStamp:5/23/2017 3:45:02 PM</Detail></Error>",
      }),
    });
    const e = (await hub.send(apple).catch((error: unknown) => error)) as ServiceError;
    expect(ServiceError.isInstance(e)).toBe(true);
    expect(e).toMatchObject({
      statusCode: 400,
      serviceCode: "400",
      trackingId: "6c8c2c3f-2d0a-4d6e-9a9d-0a9d1e6c2f3a_G1",
    });
  });

  it("keeps the TrackingId header when the error body names another id", async () => {
    await setup({
      respond: () => ({
        status: 404,
        headers: { TrackingId: "from-header" },
        body: "<Error><Code>404</Code><Detail>Not found.TrackingId:from-body,TimeStamp:x</Detail></Error>",
      }),
    });
    const e = (await hub
      .getNotificationOutcomeDetails("n1")
      .catch((error: unknown) => error)) as ServiceError;
    expect(e.trackingId).toBe("from-header");
  });

  it("marks throttling as retryable and reads Retry-After", async () => {
    await setup({ respond: () => ({ status: 429, headers: { "Retry-After": "7" }, body: "" }) });
    const e = (await hub.send(apple).catch((x: unknown) => x)) as ServiceError;
    expect(e.statusCode).toBe(429);
    expect(e.isRetryable).toBe(true);
    expect(e.retryAfterMs).toBe(7000);
  });

  it("refuses bad input before anything is sent", async () => {
    await setup();
    const bad: Array<[Promise<unknown>, string, string]> = [
      [hub.send(apple, { tags: "a &&" }), "tags", "syntax"],
      [hub.send(apple, { tags: "(a || b" }), "tags", "syntax"],
      [hub.send(apple, { tags: "has space" }), "tags", "syntax"],
      [hub.send(apple, { tags: "x".repeat(121) }), "tags", "max-length"],
      [hub.send(apple, { tags: new Set() }), "tags", "required"],
      [hub.send(apple, { tags: ["ok", "not ok"] }), "tags", "characters"],
      [hub.send(apple, { headers: { Authorization: "x" } }), "headers.Authorization", "reserved-header"],
      [
        hub.send(apple, { headers: { "ServiceBusNotification-Tags": "x" } }),
        "headers.ServiceBusNotification-Tags",
        "reserved-header",
      ],
      [hub.send(apple, { headers: { "apns-id": "a\r\nInjected: 1" } }), "headers.apns-id", "header-value"],
      [hub.send({ ...apple, format: "Apple Push" }), "format", "format-name"],
      [hub.send({ ...apple, body: "x".repeat(64 * 1024 + 1) }), "body", "max-bytes"],
      [hub.send({ ...apple, headers: { "bad header": "v" } }), "headers.bad header", "header-name"],
    ];
    for (const [promise, field, rule] of bad) {
      const e = await promise.catch((x: unknown) => x);
      expect(ValidationError.isInstance(e), String(e)).toBe(true);
      expect((e as ValidationError).field).toBe(field);
      expect((e as ValidationError).rule).toBe(rule);
    }
    expect(server.requests).toHaveLength(0);
  });

  it("rejects a bad connection string or hub name at construction, naming the part", () => {
    const field = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        return ValidationError.isInstance(e) ? `${e.field}/${e.rule}` : String(e);
      }
      return "no error";
    };
    const cs = "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=n;SharedAccessKey=k";
    expect(field(() => new NotificationHub("Endpoint=sb://ns/;SharedAccessKeyName=n", "h"))).toBe(
      "connectionString.SharedAccessKey/required",
    );
    expect(field(() => new NotificationHub(cs.replace("sb://", "http://"), "h"))).toBe(
      "connectionString.Endpoint/https-required",
    );
    expect(field(() => new NotificationHub(cs, ""))).toBe("hubName/required");
    expect(field(() => new NotificationHub(cs, "my hub"))).toBe("hubName/characters");
    expect(field(() => new NotificationHub(cs, "-hub"))).toBe("hubName/characters");
    expect(field(() => new NotificationHub(cs, "a//b"))).toBe("hubName/characters");
    expect(field(() => new NotificationHub(cs, "h".repeat(261)))).toBe("hubName/max-length");
    expect(field(() => new NotificationHub(cs, "team.hub-1/prod_2"))).toBe("no error");
  });

  it("shows no credentials when inspected or serialised", () => {
    const h = new NotificationHub(
      "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=n;SharedAccessKey=SECRETKEY",
      "h",
    );
    expect(inspect(h, { showHidden: true, depth: 10 })).not.toContain("SECRETKEY");
    expect(JSON.stringify(h)).toBe('{"hubName":"h","hubUrl":"https://ns.servicebus.windows.net/h"}');
  });
});

describe("retries, timeouts, abort and close", () => {
  it("retries a 503 honouring retry-after-ms, then succeeds", async () => {
    await setup(
      {
        respond: (_r, i): CannedResponse =>
          i < 2
            ? { status: 503, headers: { "retry-after-ms": "50" } }
            : { status: 201, headers: { TrackingId: "ok" } },
      },
      { retry: { maxRetries: 3, baseDelayMs: 1 } },
    );
    const started = Date.now();
    const result = await hub.send(apple);
    expect(result.trackingId).toBe("ok");
    expect(server.requests).toHaveLength(3);
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
  });

  it("never retries a 400 and sends once when retry is off for the call", async () => {
    await setup({ respond: () => ({ status: 400 }) }, { retry: { maxRetries: 3, baseDelayMs: 1 } });
    await expect(hub.send(apple)).rejects.toMatchObject({ statusCode: 400 });
    expect(server.requests).toHaveLength(1);
    await setup({ respond: () => ({ status: 503 }) }, { retry: { maxRetries: 3, baseDelayMs: 1 } });
    await expect(hub.send(apple, { retry: false })).rejects.toMatchObject({ statusCode: 503 });
    expect(server.requests).toHaveLength(1);
  });

  it("times out a server that does not answer", async () => {
    await setup({ respond: () => new Promise(() => {}) }, { timeoutMs: 100 });
    const e = await hub.send(apple).catch((x: unknown) => x);
    expect((e as { name: string }).name).toBe("TimeoutError");
    expect((e as { isRetryable: boolean }).isRetryable).toBe(true);
  });

  it("aborts a pending retry wait at once", async () => {
    await setup(
      { respond: () => ({ status: 503, headers: { "Retry-After": "30" } }) },
      { retry: { maxRetries: 3 } },
    );
    const controller = new AbortController();
    const started = Date.now();
    const pending = hub.send(apple, { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    const e = await pending.catch((x: unknown) => x);
    expect(AbortError.isInstance(e)).toBe(true);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(server.requests).toHaveLength(1);
  });

  it("rejects a send whose signal already fired, sending nothing", async () => {
    await setup();
    await expect(hub.send(apple, { signal: AbortSignal.abort() })).rejects.toSatisfy(AbortError.isInstance);
    expect(server.requests).toHaveLength(0);
  });

  it("close waits for sends in flight and refuses later sends", async () => {
    await setup({ respond: () => new Promise((r) => setTimeout(() => r({ status: 201 }), 100)) });
    const inFlight = hub.send(apple);
    await new Promise((r) => setTimeout(r, 20));
    await hub.close();
    await expect(inFlight).resolves.toMatchObject({ status: 201 });
    await expect(hub.send(apple)).rejects.toSatisfy(ClosedError.isInstance);
    expect(hub.closed).toBe(true);
  });

  it("close and destroy can be called any number of times, in any order", async () => {
    await setup();
    await hub.send(apple);
    await Promise.all([hub.close(), hub.close()]);
    await hub.close();
    await hub.destroy();
    await hub.close();
    await expect(hub.send(apple)).rejects.toSatisfy(ClosedError.isInstance);
  });

  it("recovers when the server drops connections", async () => {
    await setup(
      { respond: (_r, i) => (i === 0 ? { status: 201, headers: { Connection: "close" } } : { status: 201 }) },
      { retry: { maxRetries: 2, baseDelayMs: 1 } },
    );
    await hub.send(apple);
    await hub.send(apple);
    expect(server.requests).toHaveLength(2);
  });
});

describe("hub.request", () => {
  it("signs arbitrary hub operations and maps errors", async () => {
    await setup({
      respond: (r) =>
        r.method === "GET"
          ? { status: 200, body: "{}" }
          : { status: 404, body: "<Error><Code>404</Code><Detail>nope</Detail></Error>" },
    });
    const res = await hub.request({ method: "GET", path: "/installations/abc", query: { x: "1 2" } });
    expect(res.status).toBe(200);
    expect(server.requests[0]!.path).toBe("/myhub/installations/abc");
    expect(server.requests[0]!.query.get("x")).toBe("1 2");
    expect(server.requests[0]!.tokenValid).toBe(true);
    await expect(hub.request({ method: "DELETE", path: "/installations/abc" })).rejects.toMatchObject({
      statusCode: 404,
      detail: "nope",
    });
  });
});

describe("header merging", () => {
  it("lets a per-call header replace the notification's in any letter case, sending it once", async () => {
    await setup();
    const n = createNotification({
      format: "apple",
      contentType: "application/json",
      body: "{}",
      headers: { "apns-priority": "10", "apns-topic": "t" },
    });
    await hub.send(n, { headers: { "APNS-Priority": "5" } });
    const raw = server.requests[0]!.headers;
    expect(raw["apns-priority"]).toBe("5");
    expect(raw["apns-topic"]).toBe("t");
  });
});
