import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { parseSasToken } from "@nhub/sas";
import {
  type CannedResponse,
  type RecordedRequest,
  type RecordingServer,
  sendMismatches,
} from "@nhub/testkit";
import { afterEach, describe, expect, it } from "vitest";
import { NotificationHub as EdgeNotificationHub } from "../src/edge";
import {
  AbortError,
  ConnectionError,
  createFetchTransport,
  createNotification,
  NotificationHub,
  ServiceError,
  TimeoutError,
  type TransportRequest,
} from "../src/index";
import { apple, delay, useRecordingHub } from "./recording-hub";

const start = useRecordingHub();
/** Hub options with a fresh fetch transport. */
const fetchHub = () => ({ transport: createFetchTransport() });

/** Headers Node's fetch adds by itself, which undici's `Pool.request` does not send. */
const FETCH_OWN_HEADERS = ["accept", "accept-encoding", "accept-language", "sec-fetch-mode", "user-agent"];

/** A recorded request as nhub built it: the headers fetch adds on its own removed, the token's expiry aside. */
function asSent(req: RecordedRequest) {
  const headers = Object.fromEntries(
    Object.entries(req.headers).filter(([name]) => !FETCH_OWN_HEADERS.includes(name)),
  );
  const token = parseSasToken(req.headers.authorization ?? "");
  return {
    method: req.method,
    path: req.path,
    query: [...req.query],
    headers: { ...headers, authorization: `${token?.sr} ${token?.skn}` },
    body: [...req.body],
    tokenValid: req.tokenValid,
  };
}

describe("createFetchTransport through a hub", () => {
  it("sends the same request as the undici transport, with a valid token", async () => {
    // One server for both, so host and token resource are the same.
    const { server, hub: undiciHub } = await start();
    const fetchHubOnSameServer = new NotificationHub(server.connectionString, "myhub", {
      retry: false,
      transport: createFetchTransport(),
    });
    const bytes = createNotification({
      format: "windows",
      contentType: "application/octet-stream",
      body: new Uint8Array([0, 1, 2, 255]),
      headers: { "X-WNS-Type": "wns/raw" },
    });
    for (const hub of [fetchHubOnSameServer, undiciHub]) {
      await hub.send(apple, { tags: "sports && !politics", headers: { "apns-collapse-id": "c1" } });
      await hub.send(bytes);
      await hub.request({ method: "GET", path: "/installations/abc" });
    }
    await fetchHubOnSameServer.close();
    const fetched = server.requests.slice(0, 3);
    const undiciSent = server.requests.slice(3);
    expect(undiciSent).toHaveLength(3);
    // The undici request is exactly the send nhub means; the fetch one matches it header for header.
    expect(
      sendMismatches(undiciSent[0], {
        format: "apple",
        body: '{"aps":{"alert":"Hello!"}}',
        platformHeaders: { "apns-push-type": "alert", "apns-collapse-id": "c1" },
        tags: "sports && !politics",
      }),
    ).toEqual([]);
    for (let i = 0; i < 3; i++) {
      expect(asSent(fetched[i]!)).toEqual(asSent(undiciSent[i]!));
      expect(fetched[i]!.tokenValid).toBe(true);
    }
    // The only difference: the headers Node's fetch always adds.
    const extra = Object.keys(fetched[0]!.headers).filter((name) => !(name in undiciSent[0]!.headers));
    expect(extra.sort()).toEqual(FETCH_OWN_HEADERS);
    expect(fetchHubOnSameServer.stats.pool).toBeUndefined();
  });

  it("maps the answer: lowercased headers, the body read in full", async () => {
    const { hub } = await start(
      {
        respond: () => ({
          status: 200,
          headers: { "X-Custom": "a", TrackingId: "t-1", "Content-Type": "application/json" },
          body: '{"ok":true}',
        }),
      },
      fetchHub(),
    );
    const res = await hub.request({ method: "GET", path: "/installations/x" });
    expect(res.status).toBe(200);
    expect(res.headers["x-custom"]).toBe("a");
    expect(res.headers["trackingid"]).toBe("t-1");
    expect(res.body).toBe('{"ok":true}');
    expect((await hub.send(apple)).trackingId).toBe("t-1");
  });

  it("retries a 503 honouring retry-after-ms, then succeeds", async () => {
    const { server, hub } = await start(
      {
        respond: (_r, i): CannedResponse =>
          i < 2
            ? { status: 503, headers: { "retry-after-ms": "50" } }
            : { status: 201, headers: { TrackingId: "ok" } },
      },
      { ...fetchHub(), retry: { maxRetries: 3, baseDelayMs: 1 } },
    );
    const started = Date.now();
    const result = await hub.send(apple);
    expect(result.trackingId).toBe("ok");
    expect(server.requests).toHaveLength(3);
    expect(server.requests.every((r) => r.tokenValid)).toBe(true);
    expect(Date.now() - started).toBeGreaterThanOrEqual(90);
    expect(hub.stats).toMatchObject({ requests: 1, retries: 2, failures: 0, inFlight: 0 });
  });

  it("rejects a 4xx with the service's detail and does not follow redirects", async () => {
    const { server, hub } = await start(
      {
        respond: (_r, i) =>
          i === 0
            ? { status: 403, body: "<Error><Code>403</Code><Detail>quota</Detail></Error>" }
            : { status: 302, headers: { Location: "http://127.0.0.1:1/elsewhere" } },
      },
      fetchHub(),
    );
    await expect(hub.send(apple)).rejects.toMatchObject({ statusCode: 403, detail: "quota" });
    const moved = await hub.send(apple).catch((e: unknown) => e);
    expect(ServiceError.isInstance(moved)).toBe(true);
    expect((moved as ServiceError).statusCode).toBe(302);
    expect(server.requests).toHaveLength(2);
  });

  it("times out a server that does not answer", async () => {
    const { hub } = await start({ respond: () => new Promise(() => {}) }, { ...fetchHub(), timeoutMs: 100 });
    const started = Date.now();
    const e = await hub.send(apple).catch((x: unknown) => x);
    expect(TimeoutError.isInstance(e)).toBe(true);
    expect((e as TimeoutError).isRetryable).toBe(true);
    expect((e as TimeoutError).message).toBe("POST /myhub/messages/ got no answer within 100 ms");
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("aborts a request in flight, and one whose signal already fired", async () => {
    const { server, hub } = await start({ respond: () => new Promise(() => {}) }, fetchHub());
    const controller = new AbortController();
    const pending = hub.send(apple, { signal: controller.signal });
    await delay(50);
    controller.abort();
    const e = await pending.catch((x: unknown) => x);
    expect(AbortError.isInstance(e)).toBe(true);
    expect(server.requests).toHaveLength(1);
    await expect(hub.send(apple, { signal: AbortSignal.abort() })).rejects.toSatisfy(AbortError.isInstance);
    expect(server.requests).toHaveLength(1);
  });

  it("reports a refused connection as a retryable ConnectionError", async () => {
    const closed = await listenThenClose();
    const hub = new NotificationHub(
      `Endpoint=http://127.0.0.1:${closed}/;SharedAccessKeyName=n;SharedAccessKey=k`,
      "myhub",
      { transport: createFetchTransport(), retry: { maxRetries: 1, baseDelayMs: 1 } },
    );
    const e = await hub.send(apple).catch((x: unknown) => x);
    await hub.close();
    expect(ConnectionError.isInstance(e)).toBe(true);
    expect((e as ConnectionError).isRetryable).toBe(true);
    expect((e as ConnectionError).message).toBe("POST /myhub/messages/ failed: ECONNREFUSED");
    expect(hub.stats).toMatchObject({ requests: 1, retries: 1, failures: 1 });
  });

  it("calls the fetch it was given", async () => {
    const urls: string[] = [];
    const counting: typeof fetch = (input, init) => {
      urls.push(String(input));
      return fetch(input, init);
    };
    const { server, hub } = await start({}, { transport: createFetchTransport({ fetch: counting }) });
    await hub.send(apple);
    expect(urls).toEqual([`${server.origin}/myhub/messages/?api-version=2020-06`]);
  });
});

describe("the edge NotificationHub (fetch + WebCrypto)", () => {
  let server: RecordingServer | undefined;
  let hub: EdgeNotificationHub | undefined;
  afterEach(async () => {
    await hub?.destroy();
    await server?.close();
  });

  it("signs with WebCrypto and sends with fetch, a token the server accepts", async () => {
    const { startRecordingServer } = await import("@nhub/testkit");
    server = await startRecordingServer({ key: "WebCryptoKey123=" });
    const edge = new EdgeNotificationHub(server.connectionString, "myhub", { retry: false });
    hub = edge;
    const result = await edge.send(apple, { tags: new Set(["a", "b"]) });
    await edge.send(apple);
    expect(result.status).toBe(201);
    expect(server.requests.map((r) => r.tokenValid)).toEqual([true, true]);
    expect(server.requests[0]!.headers.authorization).toBe(server.requests[1]!.headers.authorization);
    expect(server.requests[0]!.headers["servicebusnotification-tags"]).toBe("a || b");
    expect(server.requests[0]!.headers["user-agent"]).toBeDefined();
    expect(edge.stats.pool).toBeUndefined();
    // A function typed with Node's NotificationHub takes the edge one: both extend NotificationHubBase.
    const typed: NotificationHub = edge;
    expect(typed.hubName).toBe("myhub");
  });

  it("uses the fetch given in its options", async () => {
    const { startRecordingServer } = await import("@nhub/testkit");
    server = await startRecordingServer();
    let calls = 0;
    hub = new EdgeNotificationHub(server.connectionString, "myhub", {
      fetch: (input, init) => {
        calls++;
        return fetch(input, init);
      },
    });
    await hub.send(apple);
    expect(calls).toBe(1);
    expect(server.requests[0]!.tokenValid).toBe(true);
  });
});

describe("createFetchTransport on its own", () => {
  let slow: Server | undefined;
  afterEach(() => {
    slow?.closeAllConnections();
    slow?.close();
  });

  /** A server that answers each request after `ms`. */
  async function slowServer(ms: number): Promise<string> {
    slow = createServer((req, res) => {
      req.resume();
      setTimeout(() => res.writeHead(201).end("done"), ms);
    });
    await new Promise<void>((resolve) => slow!.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(slow.address() as AddressInfo).port}`;
  }

  const request = (origin: string): TransportRequest => ({
    method: "POST",
    origin,
    path: "/myhub/messages/?api-version=2020-06",
    headers: { "Content-Type": "application/json" },
    body: "{}",
    timeoutMs: 5000,
  });

  it("close waits for requests in flight, then refuses new ones", async () => {
    const origin = await slowServer(100);
    const transport = createFetchTransport();
    const inFlight = transport.request(request(origin));
    await delay(20);
    await transport.close();
    await expect(inFlight).resolves.toMatchObject({ status: 201, body: "done" });
    const refused = await transport.request(request(origin)).catch((e: unknown) => e);
    expect(ConnectionError.isInstance(refused)).toBe(true);
    expect((refused as ConnectionError).isRetryable).toBe(false);
  });

  it("destroy aborts requests in flight at once", async () => {
    const origin = await slowServer(5000);
    const transport = createFetchTransport();
    const inFlight = transport.request(request(origin)).catch((e: unknown) => e);
    await delay(50);
    const started = Date.now();
    await transport.destroy();
    const e = await inFlight;
    expect(Date.now() - started).toBeLessThan(1000);
    expect(ConnectionError.isInstance(e)).toBe(true);
    expect((e as ConnectionError).message).toContain("destroyed");
    expect((e as ConnectionError).isRetryable).toBe(false);
  });

  it("a hub destroyed mid-send rejects the send at once", async () => {
    const origin = await slowServer(5000);
    const hub = new NotificationHub(`Endpoint=${origin}/;SharedAccessKeyName=n;SharedAccessKey=k`, "myhub", {
      transport: createFetchTransport(),
    });
    const pending = hub.send(apple).catch((e: unknown) => e);
    await delay(50);
    await hub.destroy();
    const e = await pending;
    expect(ConnectionError.isInstance(e)).toBe(true);
    expect((e as ConnectionError).message).toBe(
      "POST /myhub/messages/ failed: the fetch transport was destroyed",
    );
    expect((e as ConnectionError).isRetryable).toBe(false);
  });
});

/** A port that was just free and is now closed, so a connection to it is refused. */
async function listenThenClose(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
