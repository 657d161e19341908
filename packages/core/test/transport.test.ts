import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Agent } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { createUndiciTransport, TimeoutError, type Transport } from "../src/index";

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
});
