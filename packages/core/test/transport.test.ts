import { AsyncLocalStorage } from "node:async_hooks";
import { getEventListeners } from "node:events";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Agent, MockAgent } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import {
  AbortError,
  ConnectionError,
  createUndiciTransport,
  TimeoutError,
  type Transport,
} from "../src/index";

let server: Server | undefined;
let transport: Transport | undefined;
let agent: Agent | undefined;
afterEach(async () => {
  await transport?.destroy();
  await agent?.destroy();
  await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  server = transport = agent = undefined;
});

async function serve(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<string> {
  server = createServer(handler);
  await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

const post = (origin: string, timeoutMs: number) => ({
  method: "POST" as const,
  origin,
  path: "/hub/messages/?api-version=2020-06",
  headers: { "Content-Type": "application/json" },
  body: "{}",
  timeoutMs,
});

describe("createUndiciTransport", () => {
  it("answers an empty 201 with an empty body and the service's headers", async () => {
    const origin = await serve((req, res) => {
      req.resume();
      res.writeHead(201, { Location: "https://x/hub/messages/1?api-version=2020-06", TrackingId: "t1" });
      res.end();
    });
    transport = createUndiciTransport({ origin });
    const res = await transport.request(post(origin, 5000));
    expect(res).toMatchObject({ status: 201, body: "" });
    expect(res.headers.location).toBe("https://x/hub/messages/1?api-version=2020-06");
    expect(res.headers.trackingid).toBe("t1");
  });

  it("reads a body with or without Content-Length, and joins repeated headers", async () => {
    const origin = await serve((req, res) => {
      req.resume();
      res.setHeader("X-Repeated", ["a", "b"]);
      if (req.url?.includes("chunked")) {
        res.writeHead(200, { "Content-Type": "application/xml" });
        res.write("<Outcome>");
        res.end("ok</Outcome>");
      } else {
        res.writeHead(400, { "Content-Length": "9" });
        res.end("<Error/>\n");
      }
    });
    transport = createUndiciTransport({ origin });
    const chunked = await transport.request({ ...post(origin, 5000), path: "/chunked" });
    expect(chunked.body).toBe("<Outcome>ok</Outcome>");
    expect(chunked.headers["x-repeated"]).toBe("a, b");
    const error = await transport.request(post(origin, 5000));
    expect(error).toMatchObject({ status: 400, body: "<Error/>\n" });
  });

  it("applies a request's own timeout when it differs from the pool's", async () => {
    const origin = await serve(() => {});
    transport = createUndiciTransport({ origin, timeoutMs: 60_000 });
    const started = Date.now();
    const error = await transport.request(post(origin, 100)).catch((e: unknown) => e);
    expect(TimeoutError.isInstance(error)).toBe(true);
    expect((error as Error).message).toContain("within 100 ms");
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it("applies the pool's timeout to requests that carry the same one", async () => {
    const origin = await serve(() => {});
    transport = createUndiciTransport({ origin, timeoutMs: 100 });
    const error = await transport.request(post(origin, 100)).catch((e: unknown) => e);
    expect(TimeoutError.isInstance(error)).toBe(true);
  });

  it("gives each request its timeout on a dispatcher it did not create", async () => {
    const origin = await serve(() => {});
    agent = new Agent();
    transport = createUndiciTransport({ origin, dispatcher: agent });
    const error = await transport.request(post(origin, 100)).catch((e: unknown) => e);
    expect(TimeoutError.isInstance(error)).toBe(true);
  });

  it("times out requests of any timeouts each at its own deadline, then holds no timer", async () => {
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
    const before = timers();
    // "fast" answers at once; the others never get an answer.
    const origin = await serve((req, res) => {
      if (req.url?.includes("fast")) res.end();
    });
    transport = createUndiciTransport({ origin });
    const settled: string[] = [];
    const send = (name: string, timeoutMs: number) =>
      transport!
        .request({ ...post(origin, timeoutMs), path: `/hub/${name}` })
        .then(
          () => `${name} answered`,
          (e: unknown) => `${name} ${TimeoutError.isInstance(e) ? (e as Error).message : String(e)}`,
        )
        .then((outcome) => settled.push(outcome));
    const started = performance.now();
    // A long deadline first, then shorter ones that go before it, and one answered before any deadline.
    await Promise.all([send("slow", 400), send("fast", 50), send("short", 100), send("shortest", 60)]);
    expect(settled).toEqual([
      "fast answered",
      expect.stringMatching(/^shortest .*within 60 ms$/),
      expect.stringMatching(/^short .*within 100 ms$/),
      expect.stringMatching(/^slow .*within 400 ms$/),
    ]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(399);
    // A request after all that times out on time again, and nothing keeps the process open once all settled.
    await send("again", 80);
    expect(settled.at(-1)).toMatch(/^again .*within 80 ms$/);
    expect(timers()).toBeLessThanOrEqual(before);
  });

  it("decodes a body as UTF-8 and drops a byte-order mark, as body.text() does", async () => {
    const origin = await serve((req, res) => {
      req.resume();
      res.writeHead(400, { "Content-Type": "application/xml; charset=utf-8" });
      res.write(Buffer.from([0xef, 0xbb, 0xbf]));
      res.write(Buffer.from("<Detail>caf", "utf8"));
      // The two bytes of "é" arrive in separate chunks.
      const e = Buffer.from("é</Detail>", "utf8");
      res.write(e.subarray(0, 1));
      res.end(e.subarray(1));
    });
    transport = createUndiciTransport({ origin });
    const res = await transport.request(post(origin, 5000));
    expect(res).toMatchObject({ status: 400, body: "<Detail>café</Detail>" });
  });

  it("rejects an already aborted request without sending it", async () => {
    let seen = 0;
    const origin = await serve((req, res) => {
      seen++;
      req.resume();
      res.end();
    });
    transport = createUndiciTransport({ origin });
    const error = await transport
      .request({ ...post(origin, 5000), signal: AbortSignal.abort() })
      .catch((e: unknown) => e);
    expect(AbortError.isInstance(error)).toBe(true);
    expect(seen).toBe(0);
  });

  it("leaves no listener on a long-lived signal once requests settle", async () => {
    const origin = await serve((req, res) => {
      req.resume();
      res.writeHead(req.url === "/fail" ? 503 : 201);
      res.end();
    });
    transport = createUndiciTransport({ origin });
    const signal = new AbortController().signal;
    for (let i = 0; i < 20; i++) {
      await transport.request({ ...post(origin, 5000), path: i % 2 ? "/fail" : "/ok", signal });
    }
    expect(getEventListeners(signal, "abort")).toHaveLength(0);
  });

  it("aborts a request in flight", async () => {
    let arrived!: () => void;
    const reached = new Promise<void>((resolve) => (arrived = resolve));
    const origin = await serve((req) => {
      req.resume();
      arrived();
    });
    transport = createUndiciTransport({ origin });
    const controller = new AbortController();
    const pending = transport
      .request({ ...post(origin, 5000), signal: controller.signal })
      .catch((e: unknown) => e);
    await reached;
    controller.abort();
    const error = await pending;
    expect(AbortError.isInstance(error)).toBe(true);
    expect((error as Error).message).toBe("POST /hub/messages/ was aborted");
  });

  it("settles a request still queued for a socket at once when aborted, and never writes it", async () => {
    const paths: string[] = [];
    let release!: () => void;
    const hold = new Promise<void>((resolve) => (release = resolve));
    const origin = await serve((req, res) => {
      paths.push(req.url ?? "");
      req.resume();
      void hold.then(() => res.end());
    });
    transport = createUndiciTransport({ origin, connections: 1 });
    const first = transport.request({ ...post(origin, 5000), path: "/first" });
    const controller = new AbortController();
    const queued = transport
      .request({ ...post(origin, 5000), path: "/queued", signal: controller.signal })
      .catch((e: unknown) => e);
    await new Promise((resolve) => setTimeout(resolve, 50));
    controller.abort();
    expect(AbortError.isInstance(await queued)).toBe(true);
    release();
    expect((await first).status).toBe(200);
    const after = await transport.request({ ...post(origin, 5000), path: "/after" });
    expect(after.status).toBe(200);
    expect(paths).toEqual(["/first", "/after"]);
  });

  it("reports a refused connection as a retryable ConnectionError", async () => {
    const origin = await serve(() => {});
    await new Promise((resolve) => server!.close(resolve));
    server = undefined;
    transport = createUndiciTransport({ origin });
    const error = await transport.request(post(origin, 5000)).catch((e: unknown) => e);
    expect(ConnectionError.isInstance(error)).toBe(true);
    expect((error as ConnectionError).isRetryable).toBe(true);
  });

  it("keeps the caller's async context (AsyncLocalStorage) across a request, as tracing needs", async () => {
    const origin = await serve((req, res) => {
      req.resume();
      res.writeHead(201);
      res.end();
    });
    transport = createUndiciTransport({ origin, connections: 1 });
    const als = new AsyncLocalStorage<string>();
    // Several requests share one socket, so each answer arrives in a callback started by another request.
    const seen = await Promise.all(
      ["a", "b", "c", "d"].map((id) =>
        als.run(id, async () => {
          await transport!.request(post(origin, 5000));
          return als.getStore();
        }),
      ),
    );
    expect(seen).toEqual(["a", "b", "c", "d"]);
  });

  it("works through a dispatcher that undici composes, such as a MockAgent", async () => {
    const mock = new MockAgent();
    mock.disableNetConnect();
    mock
      .get("https://ns.servicebus.windows.net")
      .intercept({ path: "/hub/messages/?api-version=2020-06", method: "POST" })
      .reply(201, "", { headers: { location: "https://x/hub/messages/7", trackingid: "t7" } });
    transport = createUndiciTransport({ origin: "https://ns.servicebus.windows.net", dispatcher: mock });
    const res = await transport.request(post("https://ns.servicebus.windows.net", 5000));
    expect(res).toMatchObject({
      status: 201,
      body: "",
      headers: { location: "https://x/hub/messages/7", trackingid: "t7" },
    });
    await mock.close();
  });
});
