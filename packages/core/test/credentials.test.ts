import { parseSasToken, signSasToken } from "@nhub/sas";
import { type CannedResponse, type RecordingServer, startRecordingServer } from "@nhub/testkit";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createCallbackTokenProvider, type HubToken } from "../src/credentials";
import * as edge from "../src/edge";
import { CredentialError, NotificationHub, ServiceError, TimeoutError, ValidationError } from "../src/index";
import { apple } from "./recording-hub";

const KEY = "testkey=";
const KEY_NAME = "DefaultFullSharedAccessSignature";
const hubs: NotificationHub[] = [];
let server: RecordingServer | undefined;

afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(hubs.splice(0).map((h) => h.destroy()));
  await server?.close();
  server = undefined;
});

function track(hub: NotificationHub): NotificationHub {
  hubs.push(hub);
  return hub;
}

/** Mints tokens the recording server accepts, for `lifetimeSeconds` from the (possibly faked) clock. */
function minter(lifetimeSeconds = 3600, key = KEY) {
  const audiences: string[] = [];
  const fn = vi.fn(async (audience: string): Promise<HubToken> => {
    audiences.push(audience);
    const expiresAt = Math.floor(Date.now() / 1000) + lifetimeSeconds;
    return {
      token: signSasToken({ resourceUri: audience, keyName: KEY_NAME, key, expiresAt }),
      expiresOn: new Date(expiresAt * 1000),
    };
  });
  return { fn, audiences };
}

async function tokenHub(token: (audience: string) => Promise<HubToken> | HubToken, options = {}) {
  server ??= await startRecordingServer({ key: KEY });
  return track(new NotificationHub({ endpoint: `${server.origin}/`, hubName: "myhub", token }, options));
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => expect.unreachable("expected a rejection"),
    (error: unknown) => error,
  );
}

describe("a hub built from a token provider", () => {
  it("sends with the provider's token, asking once for the hub's URL however many sends", async () => {
    const { fn, audiences } = minter();
    const hub = await tokenHub(fn, { retry: false });
    for (let i = 0; i < 5; i++) await hub.send(apple);
    expect(fn).toHaveBeenCalledTimes(1);
    expect(audiences).toEqual([hub.hubUrl]);
    expect(server!.requests).toHaveLength(5);
    expect(server!.requests.every((r) => r.tokenValid)).toBe(true);
  });

  it("shares one pending fetch among concurrent sends", async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const { fn: mint } = minter();
    const fn = vi.fn(async (audience: string) => {
      await gate;
      return mint(audience);
    });
    const hub = await tokenHub(fn, { retry: false });
    const sends = Array.from({ length: 20 }, () => hub.send(apple));
    await new Promise((r) => setTimeout(r, 20));
    release();
    await Promise.all(sends);
    expect(fn).toHaveBeenCalledTimes(1);
    expect(server!.requests).toHaveLength(20);
  });

  it("asks again 5 minutes before a one-hour token expires", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    const start = Date.UTC(2026, 0, 1, 12);
    vi.setSystemTime(start);
    const { fn } = minter(3600);
    const hub = await tokenHub(fn, { retry: false });
    await hub.send(apple);
    vi.setSystemTime(start + 54 * 60_000);
    await hub.send(apple);
    expect(fn).toHaveBeenCalledTimes(1);
    vi.setSystemTime(start + 55 * 60_000 + 1000);
    await hub.send(apple);
    expect(fn).toHaveBeenCalledTimes(2);
    expect(server!.requests.every((r) => r.tokenValid)).toBe(true);
  });

  it("asks again at 90% of a short token's lifetime (10% under 50 minutes)", async () => {
    let t = 1_800_000_000_000;
    const calls: number[] = [];
    const provider = createCallbackTokenProvider({
      audience: "https://ns.servicebus.windows.net/hub",
      now: () => t,
      callback: (audience) => {
        calls.push(t);
        const se = Math.floor(t / 1000) + 600;
        return { token: signSasToken({ resourceUri: audience, keyName: "k", key: KEY, expiresAt: se }) };
      },
    });
    const first = await provider.getToken();
    t += 539_000;
    // Fresh: the cached token comes back synchronously, as a string, with no promise to await.
    expect(provider.getToken()).toBe(first);
    t += 2000;
    const next = provider.getToken();
    expect(typeof next).not.toBe("string");
    expect(await next).not.toBe(first);
    expect(calls).toHaveLength(2);
  });

  it("uses the token's se when expiresOn is later, or absent", async () => {
    let t = 1_800_000_000_000;
    let calls = 0;
    const provider = createCallbackTokenProvider({
      audience: "https://ns.servicebus.windows.net/hub",
      now: () => t,
      callback: (audience) => {
        calls++;
        const se = Math.floor(t / 1000) + 1000;
        return {
          token: signSasToken({ resourceUri: audience, keyName: "k", key: KEY, expiresAt: se }),
          expiresOn: t + 10 * 3600_000,
        };
      },
    });
    await provider.getToken();
    t += 901_000;
    await provider.getToken();
    expect(calls).toBe(2);
  });

  it("rejects with a CredentialError, not retried, when the provider throws; the next send asks again", async () => {
    const { fn: mint } = minter();
    let fail = true;
    const fn = vi.fn(async (audience: string) => {
      if (fail) throw new Error("vault unreachable");
      return mint(audience);
    });
    const hub = await tokenHub(fn, { retry: { maxRetries: 3, baseDelayMs: 1 } });
    const error = await rejection(hub.send(apple));
    expect(CredentialError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ reason: "provider-failed", isRetryable: false, code: "NHUB_CREDENTIAL" });
    expect((error as Error).message).toContain("vault unreachable");
    expect((error as Error).cause).toBeInstanceOf(Error);
    expect(fn).toHaveBeenCalledTimes(1);
    expect(server!.requests).toHaveLength(0);
    fail = false;
    await hub.send(apple);
    expect(fn).toHaveBeenCalledTimes(2);
  });

  it("retries when the provider's error says isRetryable", async () => {
    const { fn: mint } = minter();
    let calls = 0;
    const fn = vi.fn(async (audience: string) => {
      if (++calls === 1) throw Object.assign(new Error("throttled"), { isRetryable: true });
      return mint(audience);
    });
    const hub = await tokenHub(fn, { retry: { maxRetries: 2, baseDelayMs: 1 } });
    await hub.send(apple);
    expect(fn).toHaveBeenCalledTimes(2);
    expect(hub.stats.retries).toBe(1);
  });

  it.each<[string, string, (audience: string) => unknown]>([
    ["malformed-token", "not an object", () => "SharedAccessSignature sr=a&sig=b&se=1&skn=c"],
    [
      "malformed-token",
      "a bearer token",
      () => ({ token: "Bearer abc.def.ghi", expiresOn: Date.now() + 3600_000 }),
    ],
    [
      "malformed-token",
      "a token with CR/LF",
      (a) => ({
        token: `${signSasToken({ resourceUri: a, keyName: "k", key: KEY, expiresAt: 4_000_000_000 })}\r\nX: y`,
      }),
    ],
    [
      "malformed-token",
      "a bad expiresOn",
      (a) => ({
        token: signSasToken({ resourceUri: a, keyName: "k", key: KEY, expiresAt: 4_000_000_000 }),
        expiresOn: new Date(Number.NaN),
      }),
    ],
    [
      "expired-token",
      "an expired token",
      (a) => ({ token: signSasToken({ resourceUri: a, keyName: "k", key: KEY, expiresAt: 1_000_000 }) }),
    ],
    [
      "expired-token",
      "expiresOn in seconds",
      (a) => ({
        token: signSasToken({ resourceUri: a, keyName: "k", key: KEY, expiresAt: 4_000_000_000 }),
        expiresOn: Math.floor(Date.now() / 1000) + 3600,
      }),
    ],
    [
      "wrong-audience",
      "a token for another hub",
      (a) => ({
        token: signSasToken({ resourceUri: `${a}2`, keyName: "k", key: KEY, expiresAt: 4_000_000_000 }),
      }),
    ],
  ])("refuses %s (%s) before sending, without quoting it", async (reason, _what, token) => {
    const hub = await tokenHub(token as (a: string) => HubToken);
    const error = await rejection(hub.send(apple));
    expect(error).toBeInstanceOf(CredentialError);
    expect(error).toMatchObject({ reason, isRetryable: false });
    expect((error as Error).message).not.toMatch(/sig=|abc\.def/);
    expect(server!.requests).toHaveLength(0);
  });

  it("never shows the token: not in debug dumps, logs or a provider error that quotes it", async () => {
    const { fn: mint } = minter();
    const lines: string[] = [];
    const logger = { debug: (m: string) => lines.push(m), warn: (m: string) => lines.push(m) };
    let token = "";
    const hub = await tokenHub(
      async (a) => {
        const t = await mint(a);
        token = t.token;
        return t;
      },
      { debug: true, logger, retry: false },
    );
    await hub.send(apple);
    const sig = decodeURIComponent(parseSasToken(token)!.sig);
    expect(lines.join("\n")).toContain("Authorization");
    expect(lines.join("\n")).not.toContain(parseSasToken(token)!.sig);
    expect(lines.join("\n")).not.toContain(sig);

    const leaky = await tokenHub(async () => {
      throw new Error(`refused ${token}`);
    });
    const error = (await rejection(leaky.send(apple))) as CredentialError;
    expect(error.message).not.toContain(parseSasToken(token)!.sig);
    expect(JSON.stringify(error)).not.toContain(parseSasToken(token)!.sig);
  });

  it("does not wait past the request's timeout for a provider that never answers", async () => {
    const hub = await tokenHub(() => new Promise<HubToken>(() => {}), { retry: false, timeoutMs: 50 });
    const error = await rejection(hub.send(apple));
    expect(error).toBeInstanceOf(TimeoutError);
    await hub.close();
  });

  it("asks the callback again once when the service refuses its cached token (401), then keeps the new one", async () => {
    server = await startRecordingServer({
      key: KEY,
      respond: (req) =>
        req.tokenValid
          ? { status: 201, headers: { Location: `${server!.origin}/myhub/messages/1?api-version=2020-06` } }
          : {
              status: 401,
              body: "<Error><Code>401</Code><Detail>ExpiredToken: The token is expired.</Detail></Error>",
            },
    });
    // The first token was signed with a key the hub has since regenerated; the callback then signs with the new one.
    const keys = ["regenerated-old-key=", KEY];
    const fn = vi.fn(
      async (audience: string): Promise<HubToken> => minter(3600, keys.shift() ?? KEY).fn(audience),
    );
    const hub = await tokenHub(fn, { retry: false });
    // Five sends refused together share one new fetch.
    const results = await Promise.all(Array.from({ length: 5 }, () => hub.send(apple)));
    expect(results.every((r) => r.status === 201)).toBe(true);
    expect(fn).toHaveBeenCalledTimes(2);
    await hub.send(apple);
    expect(fn).toHaveBeenCalledTimes(2);
    const statuses = server.requests.map((r) => r.tokenValid);
    expect(statuses.filter((v) => !v)).toHaveLength(5);
    expect(statuses.slice(-1)).toEqual([true]);
  });

  it("rejects with the 401 after one new token when the callback's tokens keep being refused", async () => {
    server = await startRecordingServer({ key: KEY, respond: () => ({ status: 401, body: "Unauthorized" }) });
    const { fn } = minter();
    const hub = await tokenHub(fn, { retry: { maxRetries: 3, baseDelayMs: 1 } });
    const error = await rejection(hub.send(apple));
    expect(ServiceError.isInstance(error) && error.statusCode).toBe(401);
    expect(server.requests).toHaveLength(2);
    expect(fn).toHaveBeenCalledTimes(2);
  });

  it("refuses a bad endpoint, hub name or token function by name", () => {
    const token = async () => ({ token: "" });
    const field = (make: () => unknown) => {
      try {
        make();
      } catch (error) {
        expect(error).toBeInstanceOf(ValidationError);
        return (error as ValidationError).field;
      }
      return expect.unreachable("expected a ValidationError");
    };
    expect(field(() => new NotificationHub({ endpoint: "ftp://x/", hubName: "h", token }))).toBe(
      "credential.endpoint",
    );
    expect(field(() => new NotificationHub({ endpoint: "http://example.com/", hubName: "h", token }))).toBe(
      "credential.endpoint",
    );
    expect(
      field(() => new NotificationHub({ endpoint: "sb://ns.servicebus.windows.net/", hubName: "", token })),
    ).toBe("hubName");
    expect(
      field(
        () =>
          new NotificationHub({
            endpoint: "sb://ns.servicebus.windows.net/",
            hubName: "h",
            token: "abc" as unknown as () => HubToken,
          }),
      ),
    ).toBe("credential.token");
    const hub = track(
      new NotificationHub({ endpoint: "sb://ns.servicebus.windows.net/", hubName: "h", token }),
    );
    expect(hub.hubUrl).toBe("https://ns.servicebus.windows.net/h");
  });
});

describe("the edge NotificationHub", () => {
  it("takes a token provider and a key pair too", async () => {
    const { good, stale } = await rotationServer();
    const { fn } = minter();
    const fromToken = new edge.NotificationHub({
      endpoint: `${server!.origin}/`,
      hubName: "myhub",
      token: fn,
    });
    const fromPair = new edge.NotificationHub([stale, good], "myhub", { retry: false });
    try {
      await fromToken.send(apple);
      await fromPair.send(apple);
      expect(fn).toHaveBeenCalledTimes(1);
      expect(server!.requests.map((r) => r.tokenValid)).toEqual([true, false, true]);
    } finally {
      await fromToken.close();
      await fromPair.close();
    }
  });
});

const INVALID_SIGNATURE: CannedResponse = {
  status: 401,
  headers: { "Content-Type": "application/xml; charset=utf-8" },
  body: "<Error><Code>401</Code><Detail>InvalidSignature: The token has an invalid signature..TrackingId:abc_G1,TimeStamp:1/1/2026 12:00:00 PM</Detail></Error>",
};

/** A server that knows only `KEY` and answers a token it cannot verify as the service does. */
async function rotationServer(refusal: CannedResponse = INVALID_SIGNATURE) {
  server = await startRecordingServer({
    key: KEY,
    respond: (req) =>
      req.tokenValid
        ? { status: 201, headers: { Location: `${server!.origin}/myhub/messages/1?api-version=2020-06` } }
        : refusal,
  });
  const cs = (key: string) =>
    `Endpoint=${server!.origin}/;SharedAccessKeyName=${KEY_NAME};SharedAccessKey=${key}`;
  return { good: cs(KEY), stale: cs("regenerated-old-key="), other: cs("another-bad-key=") };
}

describe("a hub with a [primary, secondary] key pair", () => {
  it("switches to the other key once on 401 InvalidSignature, logs it once and keeps it", async () => {
    const { good, stale } = await rotationServer();
    const warnings: string[] = [];
    const hub = track(
      new NotificationHub([stale, good], "myhub", {
        retry: false,
        logger: { warn: (m) => warnings.push(m) },
      }),
    );
    const results = await Promise.all(Array.from({ length: 5 }, () => hub.send(apple)));
    expect(results).toHaveLength(5);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/primary key.*secondary key/);
    expect(warnings[0]).not.toContain("regenerated-old-key=");
    const before = server!.requests.length;
    await hub.send(apple);
    await hub.send(apple);
    expect(server!.requests.length - before).toBe(2);
    expect(server!.requests.slice(before).every((r) => r.tokenValid)).toBe(true);
    expect(warnings).toHaveLength(1);
  });

  it("rejects with the 401 when both keys fail, after one try of each, and logs no switch", async () => {
    const { stale, other } = await rotationServer();
    const warnings: string[] = [];
    const hub = track(
      new NotificationHub([stale, other], "myhub", {
        retry: { maxRetries: 3, baseDelayMs: 1 },
        logger: { warn: (m) => warnings.push(m) },
      }),
    );
    const error = await rejection(hub.send(apple));
    expect(ServiceError.isInstance(error) && error.statusCode).toBe(401);
    expect(server!.requests).toHaveLength(2);
    expect(warnings).toHaveLength(0);
    expect(JSON.stringify(error)).not.toMatch(/regenerated-old-key|another-bad-key/);
  });

  it("does not switch on a 401 that is not about the signature", async () => {
    const { stale, good } = await rotationServer({
      status: 401,
      body: "<Error><Code>401</Code><Detail>ExpiredToken: The token is expired.</Detail></Error>",
    });
    const hub = track(new NotificationHub([stale, good], "myhub", { retry: false }));
    await rejection(hub.send(apple));
    expect(server!.requests).toHaveLength(1);
  });

  it("sends with the primary key while it works", async () => {
    const { good, stale } = await rotationServer();
    const hub = track(new NotificationHub([good, stale], "myhub", { retry: false }));
    await hub.send(apple);
    await hub.send(apple);
    expect(server!.requests).toHaveLength(2);
  });

  it("refuses a pair that is not the two keys of one rule", () => {
    const a = "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=R;SharedAccessKey=key1";
    const field = (cs: unknown) => {
      try {
        new NotificationHub(cs as [string, string], "h");
      } catch (error) {
        expect(error).toBeInstanceOf(ValidationError);
        return `${(error as ValidationError).field} ${(error as ValidationError).rule}`;
      }
      return expect.unreachable("expected a ValidationError");
    };
    expect(field([a, a.replace("ns.", "other.")])).toBe("connectionString[1] same-rule");
    expect(field([a, a.replace("=R;", "=S;")])).toBe("connectionString[1] same-rule");
    expect(field([a, a])).toBe("connectionString[1] distinct");
    expect(field([a])).toBe("connectionString pair");
    expect(field([a, a, a])).toBe("connectionString pair");
    expect(field([a, "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=R"])).toBe(
      "connectionString[1].SharedAccessKey required",
    );
  });
});
