import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  isDeadHandle,
  NhubError,
  PNS_OUTCOMES,
  readFeedback,
  readPnsErrorDetails,
  ServiceError,
  testSendRecords,
  toPnsOutcome,
  ValidationError,
} from "../src/index";
import { pnsFeedbackRecords, readContainerListing } from "../src/pns-feedback-xml";

const fixture = (name: string) =>
  readFileSync(new URL(`./fixtures/pns-feedback/${name}`, import.meta.url), "utf8");

const noHub = {
  request: () => Promise.reject(new Error("the hub must not be asked")),
};

async function collect<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

describe("outcome names", () => {
  it("reads every documented name, in any letter case, and sentences naming one", () => {
    for (const name of PNS_OUTCOMES) {
      expect(toPnsOutcome(name)).toBe(name);
      expect(toPnsOutcome(name.toUpperCase())).toBe(name);
    }
    expect(toPnsOutcome("The Notification was successfully sent to the Push Notification System")).toBe(
      "Success",
    );
    expect(toPnsOutcome("The Push Notification System answered ExpiredChannel")).toBe("ExpiredChannel");
    expect(toPnsOutcome("something new")).toBe("Unknown");
  });

  it("calls only expired and bad channels dead", () => {
    const dead = PNS_OUTCOMES.filter((outcome) => isDeadHandle({ outcome }));
    expect(dead).toEqual(["BadChannel", "ExpiredChannel"]);
  });

  it("turns a test send's results into records", () => {
    const records = testSendRecords({
      success: 1,
      failure: 1,
      results: [
        {
          applicationPlatform: "apple",
          pnsHandle: "AB",
          registrationId: "anna",
          outcome: "The Notification was successfully sent to the Push Notification System",
        },
        { applicationPlatform: "fcmv1", pnsHandle: "x", registrationId: "", outcome: "BadChannel" },
      ],
    });
    expect(records).toEqual([
      {
        platform: "apple",
        pnsHandle: "AB",
        registrationId: "anna",
        outcome: "Success",
        rawOutcome: "The Notification was successfully sent to the Push Notification System",
        source: "testSend",
      },
      {
        platform: "fcmv1",
        pnsHandle: "x",
        outcome: "BadChannel",
        rawOutcome: "BadChannel",
        source: "testSend",
      },
    ]);
  });
});

describe("the documented formats", () => {
  it("reads the REST reference's feedback blob, in file order and newest first", async () => {
    const records = await collect(pnsFeedbackRecords(fixture("feedback-blob.xml"), "feedback"));
    expect(records).toEqual([
      {
        platform: "windows",
        pnsHandle: "---Removed---",
        notificationId: "215e3aba529b49da9b6d35c134147952-20160727204710-2001061088-1",
        outcome: "ExpiredChannel",
        rawOutcome: "ExpiredChannel",
        time: new Date("2016-07-27T20:47:10.890Z"),
        source: "feedback",
      },
      expect.objectContaining({ time: new Date("2016-07-27T20:56:34.158Z") }),
    ]);
    const newest = await collect(pnsFeedbackRecords(fixture("feedback-blob.xml"), "feedback", true));
    expect(newest.map((r) => r.time)).toEqual([records[1]!.time, records[0]!.time]);
  });

  it("reads the REST reference's container listing", async () => {
    expect(await readContainerListing(fixture("container-listing.xml"))).toEqual({
      blobs: [{ name: "07272016", lastModified: new Date("2016-07-27T20:57:07Z"), contentLength: 7150 }],
    });
  });

  it("reads an error details blob of one record a line, as the .NET sample reads it", async () => {
    const records = await collect(pnsFeedbackRecords(fixture("pns-error-details.txt"), "pnsErrorDetails"));
    expect(records).toEqual([
      {
        platform: "fcmv1",
        pnsHandle: "fcm-token-1",
        installationId: "phone-1",
        notificationId: "n-1",
        outcome: "BadChannel",
        rawOutcome: "BadChannel",
        time: new Date("2024-05-01T10:00:00.123Z"),
        source: "pnsErrorDetails",
      },
      {
        platform: "apple",
        pnsHandle: "ABCDEF01",
        registrationId: "1234567890123456789-1",
        outcome: "WrongToken",
        rawOutcome: "WrongToken",
        time: new Date("2024-05-01T10:00:01Z"),
        source: "pnsErrorDetails",
      },
    ]);
  });
});

describe("hostile bodies", () => {
  const typed = (error: unknown) =>
    NhubError.isInstance(error) && (error as NhubError).code === "NHUB_UNEXPECTED_RESPONSE";

  it("gives arbitrary text and bytes a typed error or records, never a crash", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string(),
          fc.uint8Array().map((b) => Buffer.from(b).toString("utf8")),
          fc.string().map((s) => `<PnsFeedback>${s}</PnsFeedback>`),
          fc.string().map((s) => `<PnsFeedback><NotificationSystemError>${s}</NotificationSystemError>`),
        ),
        async (body) => {
          try {
            for (const record of await collect(pnsFeedbackRecords(body, "feedback"))) {
              expect(PNS_OUTCOMES).toContain(record.outcome);
            }
          } catch (error) {
            expect(typed(error)).toBe(true);
          }
          try {
            await readContainerListing(body);
          } catch (error) {
            expect(typed(error)).toBe(true);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("refuses DTDs and prototype names, and reads a huge unclosed file in linear time", async () => {
    const bodies = [
      '<!DOCTYPE x [<!ENTITY a "b">]><PnsFeedback><NotificationSystemError>&a;</NotificationSystemError></PnsFeedback>',
      "<PnsFeedback><__proto__>x</__proto__><NotificationSystemError>BadChannel</NotificationSystemError></PnsFeedback>",
      "<PnsFeedback>".repeat(200_000),
      "junk <PnsFeedback><NotificationSystemError>BadChannel</NotificationSystemError></PnsFeedback>",
    ];
    for (const body of bodies) {
      await expect(collect(pnsFeedbackRecords(body, "feedback"))).rejects.toSatisfy(typed);
    }
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });
});

describe("reading storage", () => {
  let server: Server;
  let origin: string;
  const seen: string[] = [];
  let blobs: Record<string, string> = {};

  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(`${req.url} auth=${req.headers.authorization ?? ""}`);
      const url = new URL(req.url!, "http://x");
      if (url.searchParams.get("sig") !== "s3cret") {
        res.writeHead(403, { "content-type": "application/xml" });
        res.end("<Error><Code>AuthenticationFailed</Code><Message>Signature did not match</Message></Error>");
        return;
      }
      if (url.pathname === "/c" && url.searchParams.get("comp") === "list") {
        const marker = url.searchParams.get("marker");
        res.writeHead(200, { "content-type": "application/xml" });
        res.end(
          marker === null
            ? "<EnumerationResults><Blobs><Blob><Name>05012024</Name><Properties><Last-Modified>Wed, 01 May 2024 10:00:00 GMT</Last-Modified></Properties></Blob></Blobs><NextMarker>p2</NextMarker></EnumerationResults>"
            : "<EnumerationResults><Blobs><Blob><Name>05022024</Name><Properties><Last-Modified>Thu, 02 May 2024 10:00:00 GMT</Last-Modified></Properties></Blob><Blob><Name>01012020</Name><Properties><Last-Modified>Wed, 01 Jan 2020 10:00:00 GMT</Last-Modified></Properties></Blob></Blobs><NextMarker /></EnumerationResults>",
        );
        return;
      }
      const body = blobs[url.pathname];
      if (body === undefined) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { "content-type": "application/octet-stream" }).end(body);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const record = (time: string, handle: string) =>
    `<?xml version="1.0" encoding="utf-16"?><PnsFeedback xmlns="http://schemas.microsoft.com/netservices/2010/10/servicebus/connect"><FeedbackTime>${time}</FeedbackTime><NotificationSystemError>ExpiredChannel</NotificationSystemError><Platform>apple</Platform><PnsHandle>${handle}</PnsHandle><NotificationId>n</NotificationId></PnsFeedback>`;

  it("pages the listing, reads files newest first, and skips what is older than since", async () => {
    blobs = {
      "/c/05012024": `${record("2024-05-01T09:00:00Z", "a")}\r\n${record("2024-05-01T10:00:00Z", "b")}\r\n`,
      "/c/05022024": `${record("2024-05-02T10:00:00Z", "c")}\r\n`,
      "/c/01012020": `${record("2020-01-01T10:00:00Z", "old")}\r\n`,
    };
    seen.length = 0;
    const all = await collect(readFeedback(noHub, { containerUrl: `${origin}/c?sv=1&sr=c&sig=s3cret` }));
    expect(all.map((r) => r.pnsHandle)).toEqual(["c", "b", "a", "old"]);
    expect(all.every((r) => r.source === "feedback")).toBe(true);
    // The storage SAS only: never a hub token.
    expect(seen.every((s) => s.endsWith("auth="))).toBe(true);
    expect(seen[1]).toContain("marker=p2");

    seen.length = 0;
    const recent = await collect(
      readFeedback(noHub, {
        containerUrl: `${origin}/c?sv=1&sr=c&sig=s3cret`,
        since: new Date("2024-05-01T09:30:00Z"),
      }),
    );
    expect(recent.map((r) => r.pnsHandle)).toEqual(["c", "b"]);
    expect(seen.some((s) => s.startsWith("/c/01012020"))).toBe(false);
  });

  it("reads an error details blob and fills in the notification id; nothing without a URI", async () => {
    blobs = {
      "/c/errors": record("2024-05-01T09:00:00Z", "a").replace("<NotificationId>n</NotificationId>", ""),
    };
    const records = await collect(
      readPnsErrorDetails(noHub, {
        notificationId: "n-7",
        pnsErrorDetailsUri: `${origin}/c/errors?sig=s3cret`,
      }),
    );
    expect(records).toEqual([expect.objectContaining({ notificationId: "n-7", source: "pnsErrorDetails" })]);
    expect(await collect(readPnsErrorDetails(noHub, { notificationId: "n-8" }))).toEqual([]);
  });

  it("keeps the SAS out of errors and refuses plain http to other hosts", async () => {
    const error = await collect(
      readPnsErrorDetails(noHub, { notificationId: "n", pnsErrorDetailsUri: `${origin}/c/errors?sig=wrong` }),
    ).catch((e: unknown) => e);
    expect(ServiceError.isInstance(error)).toBe(true);
    expect((error as ServiceError).statusCode).toBe(403);
    expect((error as ServiceError).serviceCode).toBe("AuthenticationFailed");
    expect(String((error as Error).message)).not.toContain("wrong");
    for (const uri of ["http://example.com/c?sig=x", "https://user:pw@example.com/c", "not a url"]) {
      const refused = await collect(
        readPnsErrorDetails(noHub, { notificationId: "n", pnsErrorDetailsUri: uri }),
      ).catch((e: unknown) => e);
      expect(ValidationError.isInstance(refused)).toBe(true);
    }
    const badSince = await collect(readFeedback(noHub, { since: new Date("x") })).catch((e: unknown) => e);
    expect(ValidationError.isInstance(badSince)).toBe(true);
  });
});
