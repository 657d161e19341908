/**
 * Bounded responses over both transports: a body over `maxResponseBytes` (declared or counted) fails at once and
 * drops its connection, `timeoutMs` is one deadline for headers and body, a body that breaks or cannot be decoded
 * rejects, and the hub keeps working and closes after each of these.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import {
  ConnectionError,
  createFetchTransport,
  createNotification,
  createUndiciTransport,
  DEFAULT_MAX_RESPONSE_BYTES,
  NhubError,
  NotificationHub,
  ResponseTooLargeError,
  shouldRetry,
  TimeoutError,
  type Transport,
  type TransportRequest,
  ValidationError,
} from "../src/index";

let server: Server | undefined;
let transport: Transport | undefined;
let hub: NotificationHub | undefined;
afterEach(async () => {
  vi.restoreAllMocks();
  await hub?.destroy();
  await transport?.destroy();
  server?.closeAllConnections();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = transport = hub = undefined;
});

/** Sockets the server accepted, each with a promise that settles when it closes. */
let closed: Array<Promise<void>> = [];

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  closed = [];
  server = createServer((req, res) => {
    req.resume();
    handler(req, res);
  });
  server.on("connection", (socket: Socket) => {
    closed.push(new Promise((resolve) => socket.once("close", () => resolve())));
  });
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Resolves with `promise`, or rejects once `ms` have passed. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/** A body that writes `chunk` every `everyMs` until the client goes away, never ending. */
function trickle(res: ServerResponse, chunk: string, everyMs: number): void {
  const timer = setInterval(() => res.write(chunk), everyMs);
  res.on("close", () => clearInterval(timer));
}

/** What the test servers answer, by the request's path. */
function answer(req: IncomingMessage, res: ServerResponse): void {
  const path = (req.url ?? "").split("?")[0] ?? "";
  if (path.endsWith("/huge-declared")) {
    // 600 MB declared, a few bytes sent, the socket left open: only the declaration can fail it.
    res.writeHead(200, { "Content-Type": "application/xml", "Content-Length": String(600 * 1024 * 1024) });
    res.write("<feed>");
  } else if (path.endsWith("/chunked-over")) {
    // Twice the limit of the tests (1024), in chunks, and never finished: only counting can fail it.
    res.writeHead(200, { "Content-Type": "application/xml" });
    for (let i = 0; i < 8; i++) res.write("x".repeat(256));
  } else if (path.endsWith("/trickle")) {
    res.writeHead(200, { "Content-Type": "application/xml" });
    trickle(res, "<", 20);
  } else if (path.endsWith("/broken")) {
    res.writeHead(200, { "Content-Type": "application/xml", "Content-Length": "1000" });
    res.write("x".repeat(100), () => res.socket?.destroy());
  } else if (path.endsWith("/boom")) {
    res.writeHead(200, { "Content-Type": "application/xml" });
    res.end("<BOOM-BODY/>");
  } else if (path.endsWith("/exact")) {
    res.writeHead(200, { "Content-Type": "application/xml", "Content-Length": "1024" });
    res.end("y".repeat(1024));
  } else if (path.endsWith("/kilobytes")) {
    res.writeHead(200, { "Content-Type": "application/xml" });
    for (let i = 0; i < 8; i++) res.write("z".repeat(256));
    res.end();
  } else {
    res.writeHead(201, { Location: `http://127.0.0.1/myhub/messages/n1?api-version=2020-06` });
    res.end();
  }
}

/** Makes a decoder throw for the body marked `BOOM-BODY`, as one too long for a string does. */
const throwingDecoders = {
  undici() {
    // Buffer's toString is overloaded (Uint8Array's takes no arguments): spied through a one-signature view.
    type Stringify = { toString(this: Buffer, ...args: unknown[]): string };
    const proto = Buffer.prototype as unknown as Stringify;
    const original = proto.toString;
    vi.spyOn(proto, "toString").mockImplementation(function (this: Buffer, ...args: unknown[]) {
      if (args[0] === "utf8" && this.includes("BOOM-BODY")) {
        throw new RangeError("Cannot create a string longer than 0x1fffffe8 characters");
      }
      return original.apply(this, args);
    });
  },
  fetch() {
    const original = TextDecoder.prototype.decode;
    vi.spyOn(TextDecoder.prototype, "decode").mockImplementation(function (
      this: TextDecoder,
      ...args: Parameters<TextDecoder["decode"]>
    ) {
      const input = args[0];
      if (input !== undefined && Buffer.from(input as Uint8Array).includes("BOOM-BODY")) {
        throw new RangeError("Cannot create a string longer than 0x1fffffe8 characters");
      }
      return original.apply(this, args);
    });
  },
};

const kinds = [
  {
    name: "undici",
    transport: (origin: string, maxResponseBytes?: number) =>
      createUndiciTransport({ origin, maxResponseBytes }),
    hubTransport: (): Transport | undefined => undefined,
    throwingDecoder: throwingDecoders.undici,
  },
  {
    name: "fetch",
    transport: (_origin: string, maxResponseBytes?: number) => createFetchTransport({ maxResponseBytes }),
    hubTransport: (): Transport | undefined => createFetchTransport(),
    throwingDecoder: throwingDecoders.fetch,
  },
] as const;

const get = (origin: string, path: string, timeoutMs = 2000): TransportRequest => ({
  method: "GET",
  origin,
  path: `/myhub${path}?api-version=2020-06`,
  headers: { "x-ms-version": "2020-06" },
  timeoutMs,
});

describe.each(kinds)("the $name transport", (kind) => {
  it("fails at once on a declared Content-Length over the limit, and drops the connection", async () => {
    const origin = await serve(answer);
    transport = kind.transport(origin, 1024);
    const started = Date.now();
    const error = await transport.request(get(origin, "/huge-declared")).catch((e: unknown) => e);
    expect(ResponseTooLargeError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      code: "NHUB_RESPONSE_TOO_LARGE",
      statusCode: 200,
      limit: 1024,
      contentLength: 600 * 1024 * 1024,
      isRetryable: false,
    });
    expect((error as Error).message).toBe(
      "GET /myhub/huge-declared answered 200 with a body over the 1024-byte limit (Content-Length 629145600); raise maxResponseBytes to accept it",
    );
    expect(Date.now() - started).toBeLessThan(1000);
    await within(closed[0]!, 1000, "the server's socket");
  });

  it("fails a chunked body once it counts past the limit, and drops the connection", async () => {
    const origin = await serve(answer);
    transport = kind.transport(origin, 1024);
    const error = await transport.request(get(origin, "/chunked-over")).catch((e: unknown) => e);
    expect(ResponseTooLargeError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ statusCode: 200, limit: 1024, isRetryable: false });
    expect((error as ResponseTooLargeError).contentLength).toBeUndefined();
    await within(closed[0]!, 1000, "the server's socket");
  });

  it("reads a body exactly at the limit, and takes a request's own limit over its own", async () => {
    const origin = await serve(answer);
    transport = kind.transport(origin, 1024);
    expect((await transport.request(get(origin, "/exact"))).body).toBe("y".repeat(1024));
    const bigger = await transport.request({ ...get(origin, "/kilobytes"), maxResponseBytes: 4096 });
    expect(bigger.body).toBe("z".repeat(2048));
    const smaller = await transport
      .request({ ...get(origin, "/exact"), maxResponseBytes: 1023 })
      .catch((e: unknown) => e);
    expect(smaller).toMatchObject({ code: "NHUB_RESPONSE_TOO_LARGE", limit: 1023, contentLength: 1024 });
  });

  it("applies the 8 MiB default when it is given no limit", async () => {
    expect(DEFAULT_MAX_RESPONSE_BYTES).toBe(8 * 1024 * 1024);
    const origin = await serve(answer);
    transport = kind.transport(origin);
    const error = await transport.request(get(origin, "/huge-declared")).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "NHUB_RESPONSE_TOO_LARGE", limit: DEFAULT_MAX_RESPONSE_BYTES });
  });

  it("times out a body that trickles forever at timeoutMs, one deadline for headers and body", async () => {
    const origin = await serve(answer);
    transport = kind.transport(origin);
    const started = Date.now();
    const error = await transport.request(get(origin, "/trickle", 300)).catch((e: unknown) => e);
    const took = Date.now() - started;
    expect(TimeoutError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain("within 300 ms");
    expect(took).toBeGreaterThanOrEqual(250);
    expect(took).toBeLessThan(1000);
    await within(closed[0]!, 1000, "the server's socket");
  });

  it("rejects a body that breaks off mid-way as a ConnectionError", async () => {
    const origin = await serve(answer);
    transport = kind.transport(origin);
    const error = await transport.request(get(origin, "/broken")).catch((e: unknown) => e);
    expect(ConnectionError.isInstance(error)).toBe(true);
  });

  it("rejects, and does not hang, when decoding the body throws", async () => {
    const origin = await serve(answer);
    transport = kind.transport(origin);
    kind.throwingDecoder();
    const error = await within(
      transport.request(get(origin, "/boom")).catch((e: unknown) => e),
      1000,
      "the request",
    );
    expect(ConnectionError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ isRetryable: false });
    expect((error as Error).message).toBe(
      "GET /myhub/boom failed: the response body could not be decoded (Cannot create a string longer than 0x1fffffe8 characters)",
    );
  });

  it("refuses a maxResponseBytes that is not a positive whole number", async () => {
    for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, "1024"]) {
      let thrown: unknown;
      try {
        kind.transport("http://127.0.0.1:1", bad as number);
      } catch (error) {
        thrown = error;
      }
      expect(ValidationError.isInstance(thrown), String(bad)).toBe(true);
      expect(thrown).toMatchObject({ field: "maxResponseBytes", rule: "positive-integer" });
    }
    transport = kind.transport("http://127.0.0.1:1");
    const error = await transport
      .request({ ...get("http://127.0.0.1:1", "/x"), maxResponseBytes: 0 })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ field: "maxResponseBytes", rule: "positive-integer" });
  });
});

describe.each(kinds)("a hub on the $name transport", (kind) => {
  const apple = createNotification({
    format: "apple",
    contentType: "application/json;charset=utf-8",
    body: '{"aps":{"alert":"hi"}}',
  });

  function newHub(origin: string, options: { maxResponseBytes?: number; retry?: false } = {}) {
    hub = new NotificationHub(`Endpoint=${origin}/;SharedAccessKeyName=n;SharedAccessKey=k`, "myhub", {
      transport: kind.hubTransport(),
      timeoutMs: 300,
      retry: { baseDelayMs: 1, maxDelayMs: 1 },
      ...options,
    });
    return hub;
  }

  it("sends fine after each kind of failed answer, and closes at once", async () => {
    let requests = 0;
    const origin = await serve((req, res) => {
      requests++;
      answer(req, res);
    });
    const h = newHub(origin, { maxResponseBytes: 1024 });
    const cases: Array<[string, (e: unknown) => boolean]> = [
      ["/huge-declared", ResponseTooLargeError.isInstance],
      ["/chunked-over", ResponseTooLargeError.isInstance],
      ["/trickle", TimeoutError.isInstance],
      ["/broken", ConnectionError.isInstance],
      ["/boom", ConnectionError.isInstance],
    ];
    for (const [path, is] of cases) {
      if (path === "/boom") kind.throwingDecoder();
      const error = await within(
        h.request({ method: "GET", path, retry: false }).catch((e: unknown) => e),
        1500,
        path,
      );
      vi.restoreAllMocks();
      expect(is(error), `${path}: ${String(error)}`).toBe(true);
      expect(NhubError.isInstance(error)).toBe(true);
      const sent = await within(h.send(apple), 1000, `the send after ${path}`);
      expect(sent).toMatchObject({ status: 201, notificationId: "n1" });
    }
    expect(requests).toBe(cases.length * 2);
    await within(h.close(), 1000, "hub.close()");
    hub = undefined;
  });

  it("never retries an answer over the limit", async () => {
    let requests = 0;
    const origin = await serve((req, res) => {
      requests++;
      answer(req, res);
    });
    const error = await newHub(origin, { maxResponseBytes: 1024 })
      .request({ method: "GET", path: "/chunked-over" })
      .catch((e: unknown) => e);
    expect(ResponseTooLargeError.isInstance(error)).toBe(true);
    expect(shouldRetry(error)).toBe(false);
    expect(requests).toBe(1);
  });

  it("takes a per-request maxResponseBytes over the hub's", async () => {
    const origin = await serve(answer);
    const h = newHub(origin, { maxResponseBytes: 1024 });
    const over = await h.request({ method: "GET", path: "/kilobytes" }).catch((e: unknown) => e);
    expect(over).toMatchObject({ code: "NHUB_RESPONSE_TOO_LARGE", limit: 1024 });
    const res = await h.request({ method: "GET", path: "/kilobytes", maxResponseBytes: 2048 });
    expect(res.body).toHaveLength(2048);
    await expect(h.request({ method: "GET", path: "/kilobytes", maxResponseBytes: 0 })).rejects.toMatchObject(
      {
        field: "maxResponseBytes",
        rule: "positive-integer",
      },
    );
  });

  it("refuses a bad maxResponseBytes before anything is sent", () => {
    for (const bad of [0, -5, 2.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53]) {
      expect(() => newHub("http://127.0.0.1:1", { maxResponseBytes: bad }), String(bad)).toThrow(
        expect.objectContaining({
          name: "ValidationError",
          field: "maxResponseBytes",
          rule: "positive-integer",
        }),
      );
    }
  });
});
