import { request } from "node:http";
import { signSasToken } from "@nhub/sas";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  assertSend,
  type ExpectedSend,
  type RecordedRequest,
  type RecordingServer,
  sendMismatches,
  startRecordingServer,
} from "../src/index";

let server: RecordingServer;

beforeAll(async () => {
  server = await startRecordingServer();
});

afterAll(async () => {
  await server.close();
});

const body = '{"aps":{"alert":"h\u00e9"}}';
const expected: ExpectedSend = {
  format: "apple",
  body,
  tags: "t",
  platformHeaders: { "apns-priority": "10" },
};

async function send(init: { path?: string; headers?: Record<string, string>; body?: string } = {}) {
  const url = `${server.origin}${init.path ?? "/myhub/messages/"}?api-version=2020-06`;
  const authorization = signSasToken({
    resourceUri: url,
    keyName: server.keyName,
    key: "testkey=",
    expiresAt: Math.floor(Date.now() / 1000) + 600,
  });
  const text = init.body ?? body;
  // node:http adds no headers of its own beyond host, connection and content-length, as undici does not.
  await new Promise<void>((resolve, reject) => {
    const req = request(url, {
      method: "POST",
      headers: {
        Authorization: authorization,
        "Content-Type": "application/json;charset=utf-8",
        "Content-Length": Buffer.byteLength(text),
        "x-ms-version": "2020-06",
        "ServiceBusNotification-Format": "apple",
        "ServiceBusNotification-Tags": "t",
        "apns-priority": "10",
        ...init.headers,
      },
    });
    req.on("response", (res) => {
      res.resume();
      res.on("end", () => resolve());
    });
    req.on("error", reject);
    req.end(text);
  });
  return server.requests.at(-1);
}

describe("assertSend against the recording server", () => {
  it("accepts the exact send", async () => {
    const req = await send();
    expect(sendMismatches(req, expected)).toEqual([]);
    expect(() => assertSend(req, expected)).not.toThrow();
  });

  it("names every header that differs, is missing or is extra", async () => {
    const req = await send({ headers: { "apns-priority": "5", "apns-topic": "x" } });
    expect(sendMismatches(req, expected)).toEqual([
      'header apns-priority: expected "10", got "5"',
      'header apns-topic: expected none, got "x"',
    ]);
    expect(() => assertSend(req, expected)).toThrow(/apns-topic/);
  });

  it("names a wrong hub path, body and tags", async () => {
    const req = await send({ path: "/other/messages/", body: "{}" });
    expect(sendMismatches(req, { ...expected, tags: undefined })).toEqual([
      'path: expected "/myhub/messages/", got "/other/messages/"',
      'header servicebusnotification-tags: expected undefined, got "t"',
      `body text: expected ${JSON.stringify(body)}, got "{}"`,
      "body bytes: not the UTF-8 bytes of the expected body",
    ]);
    expect(sendMismatches(req, { ...expected, hubName: "other", body: "{}" })).toEqual([]);
  });
});

describe("sendMismatches on hand-made requests", () => {
  const good: RecordedRequest = {
    method: "POST",
    path: "/myhub/messages/",
    query: new URLSearchParams("api-version=2020-06"),
    headers: {
      "content-type": "text/xml",
      "x-ms-version": "2020-06",
      "servicebusnotification-format": "windows",
    },
    body: Buffer.from("<toast/>"),
    text: "<toast/>",
    tokenValid: true,
  };
  const xml: ExpectedSend = {
    format: "windows",
    body: "<toast/>",
    contentType: "text/xml",
    platformHeaders: {},
  };

  it("accepts a matching request with another content type", () => {
    expect(sendMismatches(good, xml)).toEqual([]);
  });

  it("reports a missing request", () => {
    expect(sendMismatches(undefined, xml)).toEqual(["no request was recorded"]);
    expect(() => assertSend(undefined, xml)).toThrow("no request was recorded");
  });

  it.each([
    ["method", { method: "PUT" }],
    ["query", { query: new URLSearchParams("api-version=2020-06&x=1") }],
    ["tokenValid", { tokenValid: false }],
    ["header content-type", { headers: { ...good.headers, "content-type": "application/json" } }],
    ["header x-ms-version", { headers: { ...good.headers, "x-ms-version": "2015-01" } }],
    [
      "header servicebusnotification-format",
      { headers: { ...good.headers, "servicebusnotification-format": "wns" } },
    ],
    ["body bytes", { body: Buffer.from("<toast/>\0") }],
  ] as const)("reports a wrong %s", (what, change) => {
    const problems = sendMismatches({ ...good, ...change } as RecordedRequest, xml);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(new RegExp(`^${what}: `));
  });
});
