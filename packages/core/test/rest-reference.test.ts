/**
 * The service's own published examples, one fixture per example in `fixtures/rest-reference/` (each names its
 * source). Each documented response is served from a loopback server and read through nhub's public API, and the
 * request nhub builds for the same operation is compared with the documented one: method, path, query, headers,
 * token and body. Every way nhub's request differs from a page is listed in ALLOWED_DIFFERENCES with its reason,
 * and every entry of that list must still occur, so it cannot go stale.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parseSasToken } from "@nhub/sas";
import type { RecordedRequest } from "@nhub/testkit";
import { describe, expect, it } from "vitest";
import { createNotification, type Notification, ServiceError } from "../src/index";
import { expectValidation, useRecordingHub } from "./recording-hub";

type Operation =
  | "send"
  | "direct-send"
  | "direct-batch"
  | "outcome-details"
  | "feedback-container"
  | "schedule"
  | "cancel-scheduled"
  | "send-error";

interface Fixture {
  readonly source: string;
  readonly note: string;
  readonly operation: Operation;
  readonly request: {
    readonly method: string;
    readonly uri: string;
    readonly headers: Readonly<Record<string, string>>;
    readonly body: string | null;
  };
  readonly response: {
    readonly status: number;
    readonly headers: Readonly<Record<string, string>>;
    readonly body: string;
  };
}

const DIR = join(import.meta.dirname, "fixtures/rest-reference");
const HOUR = 60 * 60 * 1000;

/**
 * The id that the pages' id placeholders become: a notification id printed in the get-pns-feedback page's own
 * PnsFeedback example, so the id has the service's shape rather than one made up here.
 */
const EXAMPLE_ID = "215e3aba529b49da9b6d35c134147952-20160727204710-2001061088-1";
/** When the scheduled-send fixture is scheduled for: an hour ahead, on a whole second. */
const AT = new Date(Math.ceil((Date.now() + HOUR) / 1000) * 1000);

/**
 * What each placeholder becomes. Namespace and hub names are the test's (the server is on 127.0.0.1 and only the
 * path reaches it); the tag and the device handle are the test's own choices, since the pages give none. Braces
 * not listed here (`{Token1}`, `{Signature}`, `{Blob uri}`) stay as the page wrote them.
 */
const FILL: Readonly<Record<string, string>> = {
  "{namespace}": "mynamespace",
  "{Namespace}": "mynamespace",
  "{your namespace}": "mynamespace",
  "{Your namespace}": "mynamespace",
  "{NotificationHub}": "myhub",
  "{Notification Hub}": "myhub",
  "{your hub name}": "myhub",
  "{notification message ID}": EXAMPLE_ID,
  "{notification message id}": EXAMPLE_ID,
  "{Your message id}": EXAMPLE_ID,
  "{your message id}": EXAMPLE_ID,
  "{single tag identifier}": "sports",
  "{device handle}": "device-token-1",
  "{ISO-8601 UTC}": AT.toISOString(),
};

function fill(text: string): string {
  return text.replace(/\{[^{}]+\}/g, (placeholder) => FILL[placeholder] ?? placeholder);
}

function load(file: string): Fixture {
  const raw = JSON.parse(readFileSync(join(DIR, file), "utf8")) as Fixture;
  const headers = (h: Readonly<Record<string, string>>) =>
    Object.fromEntries(Object.entries(h).map(([k, v]) => [k, fill(v)]));
  return {
    ...raw,
    request: {
      ...raw.request,
      uri: fill(raw.request.uri),
      headers: headers(raw.request.headers),
      body: raw.request.body === null ? null : fill(raw.request.body),
    },
    response: { ...raw.response, headers: headers(raw.response.headers), body: fill(raw.response.body) },
  };
}

const FILES = readdirSync(DIR)
  .filter((f) => f.endsWith(".json"))
  .sort();

/** One way nhub's request differs from the documented one. */
interface Difference {
  readonly fixture: string;
  readonly kind: "method" | "path" | "query" | "header" | "authorization" | "body";
  readonly name: string;
  readonly documented: string | undefined;
  readonly nhub: string | undefined;
}

/** A difference nhub makes on purpose: `nhub` (and `fixtures`, when given) must match; `why` says why. */
interface AllowedDifference {
  readonly kind: Difference["kind"];
  readonly name: string;
  readonly nhub: string | undefined;
  readonly fixtures?: readonly string[];
  readonly why: string;
}

const ALLOWED_DIFFERENCES: readonly AllowedDifference[] = [
  {
    kind: "query",
    name: "api-version",
    nhub: "2020-06",
    why: "nhub speaks REST api-version 2020-06 (API_VERSION), as the current official SDKs do; the pages show the older versions they were written for",
  },
  {
    kind: "header",
    name: "x-ms-version",
    nhub: "2020-06",
    why: "nhub sends x-ms-version with its api-version on every request, as the official JavaScript SDK does (protocol.md); the native send pages do not list it, the others show an older version",
  },
  {
    kind: "query",
    name: "direct",
    nhub: "true",
    why: "the pages write a bare `direct` flag; nhub writes direct=true, as the official JavaScript SDK does (protocol.md)",
  },
  {
    kind: "header",
    name: "servicebusnotification-tags",
    nhub: undefined,
    fixtures: ["direct-send.json"],
    why: "the direct send page lists tags as optional, but a direct send goes to the one handle: nhub refuses tags with a deviceHandle (checked below) rather than send a header whose effect no page describes",
  },
  {
    kind: "header",
    name: "content-type",
    nhub: undefined,
    fixtures: ["get-pns-feedback.json"],
    why: "the page lists a Content-Type on a GET that has no body; nhub sends Content-Type only with a body",
  },
  {
    kind: "header",
    name: "content-type boundary",
    nhub: "nhub-{uuid}",
    why: "nhub draws a fresh multipart boundary for every request (one that no notification body can contain by chance); the media type is the page's",
  },
  {
    kind: "authorization",
    name: "sr",
    nhub: "/myhub",
    why: "the page signs the whole request URL; nhub signs the hub URL, a prefix of every request URL of the hub, which the service accepts (protocol.md), so one cached token serves every request",
  },
  {
    kind: "authorization",
    name: "se",
    nhub: "present",
    why: "the page's example token leaves out the expiry; a SAS token carries one (protocol.md), and nhub's tokens expire",
  },
  {
    kind: "body",
    name: "devices",
    nhub: "JSON array",
    why: "the page writes the handles with single quotes, which JSON does not allow although the same page asks for a JSON array; nhub writes JSON (the handles themselves are compared and equal)",
  },
];

/** Request headers the comparison leaves to the HTTP layer: framing and connection management, not the API. */
const TRANSPORT_HEADERS = new Set(["host", "content-length", "expect", "connection", "transfer-encoding"]);

/** Headers core sets itself; the rest of a documented request's headers travel with the notification. */
const CORE_HEADERS = new Set([
  "authorization",
  "content-type",
  "x-ms-version",
  "servicebusnotification-format",
  "servicebusnotification-tags",
  "servicebusnotification-devicehandle",
  "servicebusnotification-scheduletime",
]);

function lower(headers: Readonly<Record<string, string>>): Map<string, string> {
  return new Map(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

/** `type/subtype` and the boundary of a multipart Content-Type, parameters read by value, not spelling. */
function multipartType(value: string): { type: string; boundary: string | undefined } {
  const [type = ""] = value.split(";");
  const boundary = /;\s*boundary\s*=\s*"?([^";]+)"?/i.exec(value)?.[1];
  return { type: type.trim().toLowerCase(), boundary };
}

/** The parts of a multipart body, LF or CRLF; part header names lowercased (they are case-insensitive). */
function parts(text: string, boundary: string): { headers: Map<string, string>; body: string }[] {
  const out: { headers: Map<string, string>; body: string }[] = [];
  for (const chunk of text.replace(/\r\n/g, "\n").split(`--${boundary}`).slice(1)) {
    if (chunk.startsWith("--")) break;
    const part = chunk.replace(/^\n/, "").replace(/\n$/, "");
    const split = part.indexOf("\n\n");
    const headers = new Map<string, string>();
    for (const line of part.slice(0, split).split("\n")) {
      const colon = line.indexOf(":");
      headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
    out.push({ headers, body: part.slice(split + 2) });
  }
  return out;
}

/** A documented devices part: JSON, or the page's single-quoted array (its handles hold no quote of either kind). */
function documentedDevices(text: string): { handles: string[]; json: boolean } {
  try {
    return { handles: JSON.parse(text) as string[], json: true };
  } catch {
    return { handles: JSON.parse(text.replace(/'/g, '"')) as string[], json: false };
  }
}

/** Every way `req` differs from the documented request of `file`. */
function compare(file: string, fx: Fixture, req: RecordedRequest): Difference[] {
  const diffs: Difference[] = [];
  const add = (kind: Difference["kind"], name: string, documented?: string, nhub?: string) =>
    diffs.push({ fixture: file, kind, name, documented, nhub });
  const url = new URL(fx.request.uri);
  if (req.method !== fx.request.method) add("method", "method", fx.request.method, req.method);
  if (req.path !== url.pathname) add("path", "path", url.pathname, req.path);
  // Query parameters are compared by name and value; their order carries no meaning.
  const documentedQuery = new Map(url.searchParams);
  const nhubQuery = new Map(req.query);
  for (const name of new Set([...documentedQuery.keys(), ...nhubQuery.keys()])) {
    if (documentedQuery.get(name) !== nhubQuery.get(name)) {
      add("query", name, documentedQuery.get(name), nhubQuery.get(name));
    }
  }

  const documented = lower(fx.request.headers);
  const sent = new Map(
    Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : (v ?? "")]),
  );
  for (const name of new Set([...documented.keys(), ...sent.keys()])) {
    if (TRANSPORT_HEADERS.has(name) || name === "authorization") continue;
    const want = documented.get(name);
    const got = sent.get(name);
    if (name === "content-type" && want?.toLowerCase().startsWith("multipart/") && got !== undefined) {
      const a = multipartType(want);
      const b = multipartType(got);
      if (a.type !== b.type) add("header", name, want, got);
      if (a.boundary !== b.boundary) {
        add(
          "header",
          "content-type boundary",
          a.boundary,
          b.boundary?.replace(/^nhub-[0-9a-f-]{36}$/, "nhub-{uuid}"),
        );
      }
    } else if (want !== got) {
      add("header", name, want, got);
    }
  }

  const auth = documented.get("authorization");
  expect(req.tokenValid, `${file}: nhub's token verifies`).toBe(true);
  if (auth !== undefined) {
    const mine = parseSasToken(req.headers.authorization ?? "");
    expect(mine, `${file}: nhub sends a SharedAccessSignature`).toBeTruthy();
    const theirs = new URLSearchParams(auth.replace(/^SharedAccessSignature /, ""));
    expect(decodeURIComponent(mine!.skn)).toBe(theirs.get("skn"));
    const documentedSr = new URL(theirs.get("sr")!);
    const nhubSr = new URL(decodeURIComponent(mine!.sr));
    const documentedResource = documentedSr.pathname + documentedSr.search;
    // Signing a prefix of the request URL is what lets one token serve every request of the hub.
    expect(documentedResource.startsWith(nhubSr.pathname), `${file}: nhub signs a prefix`).toBe(true);
    if (documentedResource !== nhubSr.pathname)
      add("authorization", "sr", documentedResource, nhubSr.pathname);
    if (theirs.get("se") === null && mine!.se) add("authorization", "se", undefined, "present");
  }

  const body = fx.request.body;
  if (body !== null && fx.operation === "direct-batch") {
    const documentedParts = parts(body, multipartType(fx.request.headers["Content-Type"]!).boundary!);
    const sentParts = parts(req.text, multipartType(req.headers["content-type"]!).boundary!);
    expect(sentParts.length, file).toBe(documentedParts.length);
    for (const [i, part] of documentedParts.entries()) {
      const mine = sentParts[i]!;
      expect(mine.headers.get("content-type"), `${file} part ${i}`).toBe(part.headers.get("content-type"));
      expect(mine.headers.get("content-disposition"), `${file} part ${i}`).toBe(
        part.headers.get("content-disposition"),
      );
      if (part.headers.get("content-disposition")?.endsWith("name=devices")) {
        const devices = documentedDevices(part.body);
        expect(JSON.parse(mine.body), `${file}: the same handles`).toEqual(devices.handles);
        if (!devices.json) add("body", "devices", "single-quoted array", "JSON array");
      } else if (mine.body !== part.body) {
        add("body", `part ${i}`, part.body, mine.body);
      }
    }
  } else if (body !== null && req.text !== body) {
    add("body", "body", body, req.text);
  }
  return diffs;
}

function isAllowed(d: Difference): AllowedDifference | undefined {
  return ALLOWED_DIFFERENCES.find(
    (a) =>
      a.kind === d.kind &&
      a.name === d.name &&
      a.nhub === d.nhub &&
      (a.fixtures === undefined || a.fixtures.includes(d.fixture)),
  );
}

/** The notification a documented send request describes: its format, content type, body and platform headers. */
function notificationOf(fx: Fixture, body: string, contentType?: string): Notification {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(fx.request.headers)) {
    const key = name.toLowerCase();
    if (!CORE_HEADERS.has(key) && !TRANSPORT_HEADERS.has(key)) headers[name] = value;
  }
  return createNotification({
    format: fx.request.headers["ServiceBusNotification-Format"]!,
    contentType: contentType ?? fx.request.headers["Content-Type"]!,
    body,
    headers,
  });
}

const setup = useRecordingHub();
const used = new Set<AllowedDifference>();

describe("the REST reference's examples", () => {
  it("has a fixture for every operation core implements, each naming its source", () => {
    const fixtures = FILES.map((f) => JSON.parse(readFileSync(join(DIR, f), "utf8")) as Fixture);
    expect(new Set(fixtures.map((f) => f.operation))).toEqual(
      new Set<Operation>([
        "send",
        "direct-send",
        "direct-batch",
        "outcome-details",
        "feedback-container",
        "schedule",
        "cancel-scheduled",
        "send-error",
      ]),
    );
    for (const f of fixtures) {
      expect(f.source).toMatch(/^(https:\/\/|nhub protocol\.md)/);
      expect(f.note.length).toBeGreaterThan(40);
    }
  });

  for (const file of FILES) {
    it(`${file}: reads the documented answer and sends the documented request`, async () => {
      const fx = load(file);
      const { server, hub } = await setup({
        respond: () => ({ status: fx.response.status, headers: fx.response.headers, body: fx.response.body }),
      });
      const location = fx.response.headers["Location"];
      const sent = { status: fx.response.status, location, notificationId: EXAMPLE_ID };
      const tags = fx.request.headers["ServiceBusNotification-Tags"];

      switch (fx.operation) {
        case "send": {
          const result = await hub.send(notificationOf(fx, fx.request.body!), { tags });
          expect(result).toEqual(sent);
          break;
        }
        case "direct-send": {
          // The page has no body of its own and points at the native send pages: the APNs page's example it is.
          const body = load("send-apns-native-notification.json").request.body!;
          const deviceHandle = fx.request.headers["ServiceBusNotification-DeviceHandle"]!;
          const notification = notificationOf(fx, body);
          await expectValidation(() => hub.send(notification, { deviceHandle, tags }), "tags", "conflict");
          expect(await hub.send(notification, { deviceHandle })).toEqual(sent);
          break;
        }
        case "direct-batch": {
          const boundary = multipartType(fx.request.headers["Content-Type"]!).boundary!;
          const [notificationPart, devicesPart] = parts(fx.request.body!, boundary);
          const handles = documentedDevices(devicesPart!.body).handles;
          const notification = notificationOf(
            fx,
            notificationPart!.body,
            notificationPart!.headers.get("content-type"),
          );
          const result = await hub.sendDirectBatch(notification, handles);
          expect(result.sentHandles).toBe(3);
          expect(result.chunks).toHaveLength(1);
          const chunk = result.chunks[0]!;
          expect(chunk.ok && chunk.result).toEqual(sent);
          break;
        }
        case "outcome-details": {
          const details = await hub.getNotificationOutcomeDetails(EXAMPLE_ID);
          expect(details).toEqual({
            notificationId: EXAMPLE_ID,
            location: `sb://mynamespace.servicebus.windows.net/myhub/messages/${EXAMPLE_ID}?api-version=2015-04`,
            state: "Completed",
            enqueueTime: new Date(Date.UTC(2015, 10, 2, 21, 19, 43)),
            // Seven fraction digits on the wire; a Date keeps the milliseconds.
            startTime: new Date(Date.UTC(2015, 10, 2, 21, 19, 43, 992)),
            endTime: new Date(Date.UTC(2015, 10, 2, 21, 19, 43, 992)),
            notificationBody:
              '<?xml version="1.0" encoding="utf-16"?><toast><visual><binding template="ToastText01"><text id="1">Hello from a .NET App!</text></binding></visual></toast>',
            targetPlatforms: ["windows"],
            wnsOutcomeCounts: [
              { name: "Success", count: 3 },
              { name: "WrongToken", count: 1 },
            ],
            pnsErrorDetailsUri: "{Blob uri}",
          });
          break;
        }
        case "feedback-container":
          expect(await hub.getFeedbackContainerUrl()).toBe(fx.response.body);
          break;
        case "schedule": {
          const result = await hub.scheduleNotification(notificationOf(fx, fx.request.body!), AT, { tags });
          expect(result).toEqual(sent);
          expect(result.location).toContain("/schedulednotifications/");
          break;
        }
        case "cancel-scheduled":
          expect(await hub.cancelScheduledNotification(EXAMPLE_ID)).toEqual({ status: 200 });
          break;
        case "send-error": {
          const error = await hub.send(notificationOf(fx, fx.request.body!)).catch((e: unknown) => e);
          expect(ServiceError.isInstance(error), String(error)).toBe(true);
          expect(fx.response.headers["TrackingId"]).toBeUndefined();
          expect(error).toMatchObject({
            statusCode: 500,
            serviceCode: "500",
            detail:
              "50002: Provider Internal Error..TrackingId:427adaf8-eb0a-4a8a-af86-dc5998cc4388,TimeStamp:2019-10-09T13:04:58.7861049Z",
            trackingId: "427adaf8-eb0a-4a8a-af86-dc5998cc4388",
          });
          break;
        }
      }

      expect(server.requests, "one request per example").toHaveLength(1);
      const diffs = compare(file, fx, server.requests[0]!);
      const unexplained = diffs.filter((d) => {
        const allowed = isAllowed(d);
        if (allowed) used.add(allowed);
        return allowed === undefined;
      });
      expect(unexplained, `${file}: differences from the documented request with no stated reason`).toEqual(
        [],
      );
    });
  }

  it("still makes every difference it allows", () => {
    const stale = ALLOWED_DIFFERENCES.filter((a) => !used.has(a)).map((a) => `${a.kind} ${a.name}`);
    expect(stale).toEqual([]);
  });
});
