import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from "node:http";
import { type AddressInfo, connect, type Socket } from "node:net";
import { sendMismatches } from "@nhub/testkit";
import { ProxyAgent } from "undici";
import { afterEach, describe, expect, it } from "vitest";
import { NotificationHub } from "../src/index";
import { apple, useRecordingHub } from "./recording-hub";

/** A forward proxy on 127.0.0.1 that only reaches loopback targets, counting what it relays. */
interface LoopbackProxy {
  readonly url: string;
  /** `CONNECT host:port` tunnels opened. */
  readonly tunnels: string[];
  /** Absolute-URI requests forwarded (`POST http://127.0.0.1:PORT/...`). */
  readonly forwarded: string[];
  close(): Promise<void>;
}

const HOP_BY_HOP = ["connection", "keep-alive", "proxy-connection", "proxy-authorization", "te", "upgrade"];

async function startLoopbackProxy(): Promise<LoopbackProxy> {
  const tunnels: string[] = [];
  const forwarded: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    // Plain HTTP through a proxy: the request line holds the absolute URI.
    const target = new URL(req.url ?? "");
    if (target.hostname !== "127.0.0.1") {
      res.writeHead(403).end();
      return;
    }
    forwarded.push(`${req.method} ${req.url}`);
    const headers: IncomingHttpHeaders = {};
    for (const [name, value] of Object.entries(req.headers))
      if (!HOP_BY_HOP.includes(name)) headers[name] = value;
    const upstream = httpRequest(
      {
        host: target.hostname,
        port: target.port,
        method: req.method,
        path: target.pathname + target.search,
        headers,
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on("error", () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  server.on("connect", (req, client: Socket, head: Buffer) => {
    const [host, port] = (req.url ?? "").split(":");
    if (host !== "127.0.0.1") {
      client.end("HTTP/1.1 403 Forbidden\r\n\r\n");
      return;
    }
    tunnels.push(req.url ?? "");
    const upstream = connect(Number(port), host, () => {
      client.write("HTTP/1.1 200 Connection Established\r\n\r\n");
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on("error", () => s.destroy());
      s.on("close", () => sockets.delete(s));
    }
  });
  server.on("connection", (s: Socket) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    tunnels,
    forwarded,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

const start = useRecordingHub();
let proxy: LoopbackProxy | undefined;
let agent: ProxyAgent | undefined;
afterEach(async () => {
  await agent?.close();
  await proxy?.close();
  agent = undefined;
  proxy = undefined;
});

const expected = {
  format: "apple",
  body: '{"aps":{"alert":"Hello!"}}',
  platformHeaders: { "apns-push-type": "alert" },
  tags: "sports",
};

describe("sending through an HTTP proxy with undici's ProxyAgent", () => {
  it("tunnels with CONNECT and the request arrives intact", async () => {
    proxy = await startLoopbackProxy();
    agent = new ProxyAgent(proxy.url);
    const { server, hub } = await start({}, { dispatcher: agent });
    await hub.send(apple, { tags: "sports" });
    await hub.send(apple, { tags: "sports" });
    const target = server.origin.replace("http://", "");
    // One tunnel, kept alive for both sends.
    // Every tunnel goes to the hub, and once open they are kept alive: more sends open none.
    expect(proxy.tunnels.length).toBeGreaterThanOrEqual(1);
    expect(new Set(proxy.tunnels)).toEqual(new Set([target]));
    const opened = proxy.tunnels.length;
    for (let i = 0; i < 5; i++) await hub.send(apple, { tags: "sports" });
    expect(proxy.tunnels).toHaveLength(opened);
    expect(server.requests).toHaveLength(7);
    for (const req of server.requests) expect(sendMismatches(req, expected)).toEqual([]);
    // A ProxyAgent keeps its pools to itself.
    expect(hub.stats).toMatchObject({ requests: 7, failures: 0, pool: undefined });
    // nhub does not close a dispatcher it did not create: the agent still works after the hub is closed.
    await hub.close();
    const again = new NotificationHub(server.connectionString, "myhub", { dispatcher: agent });
    await again.send(apple, { tags: "sports" });
    await again.close();
    expect(server.requests).toHaveLength(8);
  });

  it("forwards absolute-URI requests when tunnelling is off", async () => {
    proxy = await startLoopbackProxy();
    agent = new ProxyAgent({ uri: proxy.url, proxyTunnel: false });
    const { server, hub } = await start({}, { dispatcher: agent });
    const result = await hub.send(apple, { tags: "sports" });
    expect(result.status).toBe(201);
    expect(proxy.tunnels).toEqual([]);
    expect(proxy.forwarded).toEqual([`POST ${server.origin}/myhub/messages/?api-version=2020-06`]);
    expect(sendMismatches(server.requests[0], expected)).toEqual([]);
  });
});
