import { inspect } from "node:util";
import { parseSasToken } from "@nhub/sas";
import {
  type CannedResponse,
  type RecordedRequest,
  type RecordingServer,
  startRecordingServer,
} from "@nhub/testkit";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createNotification,
  type Logger,
  MAX_EXCERPT_LENGTH,
  NotificationHub,
  parseErrorBody,
  parseTagExpression,
  quoteExcerpt,
  ServiceError,
  ValidationError,
} from "../src/index";

// A key with "+", "/" and "=", so its percent-encoded and base64 forms differ from it.
const KEY = "Zk9vQmFy+/S3cr3tK3yV4lu3s0123456789abcdefgh=";

const apple = createNotification({
  format: "apple",
  contentType: "application/json;charset=utf-8",
  body: '{"aps":{"alert":"Hello!"}}',
  headers: { "apns-push-type": "alert" },
});

/** Every way an error is commonly turned into text. */
const renderings = (e: unknown): string[] => {
  const error = e as Error;
  return [
    error.message,
    error.stack ?? "",
    String(error),
    JSON.stringify(error),
    inspect(error, { depth: 5 }),
  ];
};

const escapeXml = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

/** The forms a server or a proxy may echo a secret in: raw, percent-encoded, XML-escaped, base64. */
const echoForms = (secret: string): string[] => [
  secret,
  encodeURIComponent(secret),
  escapeXml(secret),
  btoa(secret),
];

const base64Char = fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");
/** A generated signature: 43 base64 characters and "=", like an HMAC-SHA256 in base64. */
const signature = fc.string({ unit: base64Char, minLength: 43, maxLength: 43 }).map((s) => `${s}=`);
/** Server text around the secret: any printable text without "<" (it goes into XML as text). */
const filler = fc
  .string({ maxLength: 40 })
  .map((s) => [...s].map((c) => (c < " " || c === "<" || c === "&" ? " " : c)).join(""));

/** Text that carries `sig` as a token, a storage URL or the known key, at a random place and in a random form. */
const leakyText = fc
  .tuple(signature, filler, filler, fc.nat(5), fc.nat(3))
  .map(([sig, before, after, kind, form]) => {
    const token = `SharedAccessSignature sr=https%3A%2F%2Fns%2Fhub&sig=${encodeURIComponent(sig)}&se=1&skn=rule`;
    const url = `https://acct.blob.core.windows.net/c?sv=2020-08-04&sig=${encodeURIComponent(sig)}&sp=r`;
    const carriers = [
      token,
      encodeURIComponent(token),
      token.replace(/&/g, "&amp;"),
      url.replace(/&/g, "&amp;"),
      `Endpoint=sb://ns/;SharedAccessKeyName=rule;SharedAccessKey=${sig}`,
      KEY,
    ];
    const carrier = kind === 5 ? echoForms(KEY)[form]! : carriers[kind]!;
    return {
      text: `${before}${carrier}${after}`,
      secrets: kind === 5 ? [KEY] : [sig, encodeURIComponent(sig)],
    };
  });

describe("quoteExcerpt", () => {
  it("quotes a short value whole, as a JSON string", () => {
    expect(quoteExcerpt("sports")).toBe('"sports"');
    expect(quoteExcerpt('a"b\nc')).toBe('"a\\"b\\nc"');
  });

  it("quotes at most 60 characters of a long value, with markers and the excerpt's place", () => {
    const long = `${"a".repeat(500_000)}X${"b".repeat(500_000)}`;
    const head = quoteExcerpt(long);
    expect(head).toBe(`"${"a".repeat(60)}…" (characters 1-60 of 1000001)`);
    const around = quoteExcerpt(long, 500_000);
    expect(around).toBe(`"…${"a".repeat(30)}X${"b".repeat(29)}…" (characters 499971-500030 of 1000001)`);
    expect(quoteExcerpt(long, long.length)).toBe(
      `"…${"b".repeat(60)}" (characters 999942-1000001 of 1000001)`,
    );
    expect(MAX_EXCERPT_LENGTH).toBe(60);
  });

  it("never splits a surrogate pair", () => {
    const out = quoteExcerpt("😀".repeat(100));
    expect(out).not.toMatch(/\\ud83d"|\\ud83d…/i);
    expect(out.startsWith(`"${"😀".repeat(30)}…"`)).toBe(true);
  });

  it("redacts a signature or key in the excerpt, even one the cut splits", () => {
    const sig = "QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVo0123456789ab%3D";
    const text = `${"x".repeat(100)}&sig=${sig}&se=1`;
    for (const at of [undefined, 90, 105, 120, 140]) {
      const out = quoteExcerpt(text, at);
      expect(out).not.toMatch(/QUJD|VldY|89ab/);
    }
    expect(quoteExcerpt("Endpoint=sb://a/;SharedAccessKey=abcdefgh12345678")).not.toContain("abcdefgh");
  });

  it("keeps a 1 MB tag expression's error message short and pointing at the fault", () => {
    const source = `${"a || ".repeat(200_000)}(b &`;
    const error = (() => {
      try {
        parseTagExpression(source);
      } catch (e) {
        return e as ValidationError;
      }
    })()!;
    expect(ValidationError.isInstance(error)).toBe(true);
    expect(error.message.length).toBeLessThan(300);
    expect(error.message).toContain(`at position ${source.length} of "…`);
    expect(error.message).toContain(`of ${source.length})`);
  });

  it("caps a long field path in the message but keeps the field whole", () => {
    const field = `payload.${"k".repeat(100_000)}`;
    const e = new ValidationError(field, "type", "bad");
    expect(e.field).toBe(field);
    expect(e.message.length).toBeLessThan(200);
  });
});

describe("ServiceError", () => {
  it("redacts and caps every piece of server text it keeps", () => {
    const sig = "c2lnbmF0dXJlc2lnbmF0dXJlc2lnbmF0dXJlMTIzNDU2Nzg%3D";
    const token = `SharedAccessSignature sr=x&sig=${sig}&se=1&skn=rule`;
    const e = new ServiceError({
      statusCode: 401,
      method: "POST",
      url: "https://ns/hub/messages/",
      serviceCode: `401 ${token}`,
      detail: `${"d".repeat(10_000_000)} ${token}`,
      trackingId: `t-${KEY}`,
      correlationId: encodeURIComponent(KEY),
      secrets: [KEY],
    });
    for (const text of renderings(e)) {
      expect(text).not.toContain(sig);
      expect(text).not.toContain(KEY);
      expect(text).not.toContain(encodeURIComponent(KEY));
    }
    expect(e.detail!.length).toBeLessThanOrEqual(500);
    expect(e.detail!.endsWith("…")).toBe(true);
    expect(e.message.length).toBeLessThan(1200);
    expect(e.serviceCode).toBe("401 SharedAccessSignature sr=x&sig=<redacted>&se=1&skn=rule");
    expect(e.trackingId).toBe("t-<redacted>");
    expect(e.correlationId).toBe("<redacted>");
    expect(Object.values(e)).not.toContainEqual([KEY]);
  });

  it("property: no rendering shows a secret embedded anywhere in any form", () => {
    fc.assert(
      fc.property(leakyText, leakyText, ({ text, secrets }, other) => {
        const e = new ServiceError({
          statusCode: 403,
          method: "PUT",
          url: "https://ns/hub/installations/x",
          serviceCode: other.text,
          detail: text,
          trackingId: other.text,
          secrets: [KEY],
        });
        for (const rendered of renderings(e)) {
          for (const secret of [...secrets, ...other.secrets]) expect(rendered).not.toContain(secret);
        }
      }),
    );
  });

  it("parseErrorBody applies the one cap to plain-text and XML details alike", async () => {
    const long = "z".repeat(2000);
    expect((await parseErrorBody(long)).detail!.length).toBe(500);
    const xml = await parseErrorBody(`<Error><Code>400</Code><Detail>${long}</Detail></Error>`);
    expect(xml.detail!.length).toBe(500);
    expect((await parseErrorBody("sig=abcdefgh12345678&x")).detail).toBe("sig=<redacted>&x");
  });
});

describe("end to end, against a loopback server echoing secrets", () => {
  let server: RecordingServer;
  let hub: NotificationHub;
  let reply: CannedResponse;
  let respond: ((req: RecordedRequest) => CannedResponse) | undefined;
  const lines: string[] = [];

  beforeAll(async () => {
    server = await startRecordingServer({ key: KEY, respond: (req) => respond?.(req) ?? reply });
    const logger: Logger = { debug: (m) => lines.push(m), warn: (m) => lines.push(m) };
    hub = new NotificationHub(server.connectionString, "myhub", { retry: false, logger, debug: true });
  });
  afterAll(async () => {
    await hub?.destroy();
    await server?.close();
  });

  it("property: an error from a body echoing a key or signature shows neither, in any rendering", async () => {
    await fc.assert(
      fc.asyncProperty(leakyText, fc.boolean(), async ({ text, secrets }, asXml) => {
        reply = {
          status: 400,
          headers: { TrackingId: "t-1", "Content-Type": asXml ? "application/xml" : "text/plain" },
          body: asXml ? `<Error><Code>400</Code><Detail>${escapeXml(text)}</Detail></Error>` : text,
        };
        const error = await hub.send(apple).catch((e: unknown) => e);
        expect(ServiceError.isInstance(error)).toBe(true);
        const sig = parseSasToken(server.requests.at(-1)!.headers.authorization!)!.sig;
        for (const rendered of renderings(error)) {
          for (const secret of [...secrets, KEY, sig, decodeURIComponent(sig)]) {
            expect(rendered).not.toContain(secret);
          }
        }
      }),
      { numRuns: 40 },
    );
  });

  it("echoes the hub's own signature back in the detail, and the error hides it", async () => {
    // The server echoes the Authorization header it received, in the three forms a proxy might use.
    respond = (req) => {
      const auth = req.headers.authorization!;
      const body = `<Error><Code>401</Code><Detail>${escapeXml(auth)} | ${encodeURIComponent(auth)} | ${auth.replace(/&/g, "&amp;")}</Detail></Error>`;
      return { status: 401, headers: { TrackingId: "t-2" }, body };
    };
    try {
      const error = await hub.send(apple).catch((e: unknown) => e);
      const sig = parseSasToken(server.requests.at(-1)!.headers.authorization!)!.sig;
      expect((error as ServiceError).detail).toContain("sig=<redacted>");
      for (const rendered of renderings(error)) {
        expect(rendered).not.toContain(sig);
        expect(rendered).not.toContain(decodeURIComponent(sig));
        expect(rendered).not.toContain(encodeURIComponent(sig));
      }
    } finally {
      respond = undefined;
    }
  });

  it("debug dumps redact a job body's XML-escaped storage signature and a response's percent-encoded one", async () => {
    lines.length = 0;
    const storageSig = "U3RvcmFnZVNpZ25hdHVyZVZhbHVlMDEyMzQ1Njc4OQ%3D%3D";
    const url = `https://acct.blob.core.windows.net/c?sv=2020-08-04&sr=c&sig=${storageSig}&sp=rwl`;
    reply = {
      status: 201,
      headers: { Location: "x" },
      body: `<entry>${encodeURIComponent(url)}</entry>`,
    };
    await hub.request({
      method: "POST",
      path: "/myhub/jobs",
      contentType: "application/atom+xml;type=entry;charset=utf-8",
      body: `<NotificationHubJob><OutputContainerUri>${escapeXml(url)}</OutputContainerUri></NotificationHubJob>`,
    });
    const dump = lines.join("\n");
    expect(dump).toContain("--- nhub request ---");
    expect(dump).toContain("&amp;sig=<redacted>");
    expect(dump).toContain("sig%3D<redacted>");
    expect(dump).not.toContain("U3RvcmFnZVNpZ25h");
    expect(dump).not.toContain(KEY);
  });
});
