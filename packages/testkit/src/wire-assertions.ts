/**
 * Checks that a request the recording server saw is exactly the send a test expects. Plain code with no test
 * framework behind it: {@link sendMismatches} returns what differs, {@link assertSend} throws a plain `Error`
 * that lists it, which every test runner reports as a failure.
 */
import { API_VERSION } from "@nhub/core";
import type { RecordedRequest, RecordingServer } from "./recording-server";

/** The content type every JSON platform sends, and the default of {@link ExpectedSend.contentType}. */
const JSON_CONTENT_TYPE = "application/json;charset=utf-8";

/**
 * Headers that every send carries whatever the platform. Any other header a request holds is a platform header
 * and must be listed in {@link ExpectedSend.platformHeaders}.
 */
const HUB_HEADERS: ReadonlySet<string> = new Set([
  "authorization",
  "content-type",
  "content-length",
  "host",
  "connection",
  "x-ms-version",
  "servicebusnotification-format",
  "servicebusnotification-tags",
]);

/** What one send must look like on the wire. */
export interface ExpectedSend {
  /** The `ServiceBusNotification-Format` header, e.g. `apple` or `fcmv1`. */
  readonly format: string;
  /**
   * The exact body: text is compared as text and as its UTF-8 bytes, a `Uint8Array` (a WNS raw notification,
   * say) byte for byte.
   */
  readonly body: string | Uint8Array;
  /**
   * The platform headers, names lowercased as Node reports them. A request that carries any other header beyond
   * the ones every send has (authorization, content type and length, host, connection, `x-ms-version`, format
   * and tags) does not match.
   */
  readonly platformHeaders: Readonly<Record<string, string>>;
  /** The `ServiceBusNotification-Tags` header; when absent the request must carry no tags header. */
  readonly tags?: string;
  /** The `Content-Type` header; `application/json;charset=utf-8` by default. */
  readonly contentType?: string;
  /** The hub the request must be addressed to; `myhub` by default, so the path is `/myhub/messages/`. */
  readonly hubName?: string;
}

/**
 * Lists every way `req` differs from the send `expected` describes: POST to `/<hub>/messages/` with exactly the
 * query `api-version=2020-06`, a SAS token that verifies, the format, content type, `x-ms-version` and tags
 * headers, exactly the expected platform headers, and the body byte for byte.
 *
 * @param req a request from {@link RecordingServer.requests}; `undefined` (no such request) is one mismatch
 * @returns one line per mismatch, empty when the request is the expected send
 */
export function sendMismatches(req: RecordedRequest | undefined, expected: ExpectedSend): string[] {
  if (req === undefined) return ["no request was recorded"];
  const problems: string[] = [];
  const check = (what: string, actual: unknown, wanted: unknown): void => {
    if (actual !== wanted) problems.push(`${what}: expected ${show(wanted)}, got ${show(actual)}`);
  };
  check("method", req.method, "POST");
  check("path", req.path, `/${expected.hubName ?? "myhub"}/messages/`);
  check("query", req.query.toString(), `api-version=${API_VERSION}`);
  check("tokenValid", req.tokenValid, true);
  check(
    "header servicebusnotification-format",
    req.headers["servicebusnotification-format"],
    expected.format,
  );
  check("header content-type", req.headers["content-type"], expected.contentType ?? JSON_CONTENT_TYPE);
  check("header x-ms-version", req.headers["x-ms-version"], API_VERSION);
  check("header servicebusnotification-tags", req.headers["servicebusnotification-tags"], expected.tags);
  const platform = new Map(Object.entries(platformHeadersOf(req)));
  for (const [name, value] of Object.entries(expected.platformHeaders)) {
    check(`header ${name}`, platform.get(name), value);
  }
  for (const [name, value] of platform) {
    if (!Object.hasOwn(expected.platformHeaders, name)) {
      problems.push(`header ${name}: expected none, got ${show(value)}`);
    }
  }
  if (typeof expected.body === "string") {
    check("body text", req.text, expected.body);
    if (!req.body.equals(Buffer.from(expected.body, "utf8"))) {
      problems.push("body bytes: not the UTF-8 bytes of the expected body");
    }
  } else if (!req.body.equals(expected.body)) {
    problems.push(
      `body bytes: expected ${expected.body.byteLength} bytes ${hexPrefix(expected.body)}, ` +
        `got ${req.body.byteLength} bytes ${hexPrefix(req.body)}`,
    );
  }
  return problems;
}

/**
 * Throws unless `req` is exactly the send `expected` describes; see {@link sendMismatches} for what is compared.
 *
 * @throws {Error} whose message lists every mismatch, one a line
 */
export function assertSend(
  req: RecordedRequest | undefined,
  expected: ExpectedSend,
): asserts req is RecordedRequest {
  const problems = sendMismatches(req, expected);
  if (problems.length > 0) {
    throw new Error(`the request is not the expected send:\n- ${problems.join("\n- ")}`);
  }
}

/** One recorded send, read the way a test asserts on it; see {@link sentNotification}. */
export interface SentNotification {
  /** The `ServiceBusNotification-Format` header, e.g. `apple`. */
  readonly format: string | undefined;
  readonly contentType: string | undefined;
  /** The `ServiceBusNotification-Tags` header; `undefined` for a broadcast. */
  readonly tags: string | undefined;
  /** Every header beyond the ones each send carries (see {@link ExpectedSend.platformHeaders}), names lowercased. */
  readonly platformHeaders: Readonly<Record<string, string>>;
  /** The body decoded as UTF-8. */
  readonly body: string;
  /** The body as sent, byte for byte. */
  readonly bytes: Buffer;
  /** Whether the request's SAS token verified. */
  readonly tokenValid: boolean;
}

/**
 * The parts of a recorded send a test usually asserts on, for runners' own matchers (`toEqual`,
 * `toMatchObject`) where {@link assertSend} is too strict, e.g. `JSON.parse(sent.body)` against a partial shape.
 */
export function sentNotification(req: RecordedRequest): SentNotification {
  return {
    format: header(req, "servicebusnotification-format"),
    contentType: header(req, "content-type"),
    tags: header(req, "servicebusnotification-tags"),
    platformHeaders: platformHeadersOf(req),
    body: req.text,
    bytes: req.body,
    tokenValid: req.tokenValid,
  };
}

/**
 * The newest request a recording server saw, as a {@link SentNotification}.
 *
 * @example
 * await sendAppleNotification(hub, { aps: { alert: "Hi" } });
 * expect(lastSend(server)).toMatchObject({ format: "apple", platformHeaders: { "apns-push-type": "alert" } });
 * @throws {Error} when the server has recorded no request
 */
export function lastSend(server: Pick<RecordingServer, "requests">): SentNotification {
  const req = server.requests.at(-1);
  if (req === undefined) throw new Error("the recording server has recorded no request");
  return sentNotification(req);
}

function header(req: RecordedRequest, name: string): string | undefined {
  const value = req.headers[name];
  return typeof value === "string" ? value : undefined;
}

function platformHeadersOf(req: RecordedRequest): Record<string, string> {
  // fromEntries defines own properties, so a header named __proto__ stays a header.
  return Object.fromEntries(
    Object.entries(req.headers).filter(
      (entry): entry is [string, string] => !HUB_HEADERS.has(entry[0]) && typeof entry[1] === "string",
    ),
  );
}

function show(value: unknown): string {
  return value === undefined ? "undefined" : JSON.stringify(value);
}

// Enough of a byte body to tell two apart in a failure message without printing kilobytes.
function hexPrefix(bytes: Uint8Array): string {
  const hex = Buffer.from(bytes.subarray(0, 16)).toString("hex");
  return bytes.byteLength > 16 ? `${hex}...` : hex;
}
