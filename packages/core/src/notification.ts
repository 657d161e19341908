/**
 * The {@link Notification}: the one value a platform hands to core, and the checks every notification passes
 * whatever its platform. How a platform package produces it, and what else it declares, is the platform
 * contract in `platform.ts`.
 */
import { ValidationError } from "./errors";
import { quoteExcerpt } from "./excerpt";

/** A notification ready to send: everything platform-specific, already validated and serialised. */
export interface Notification {
  /** The `ServiceBusNotification-Format` value, e.g. `apple`, `fcmv1`, `windows`, `template`. */
  readonly format: string;
  /** The `Content-Type` of the body, e.g. `application/json;charset=utf-8`. */
  readonly contentType: string;
  /** The serialised payload: text (sent as UTF-8) or bytes. */
  readonly body: string | Uint8Array;
  /** Platform headers that travel with the notification, e.g. `apns-priority`, `X-WNS-Type`. */
  readonly headers?: Readonly<Record<string, string>>;
}

/** The largest request body the service takes: 64 KB. */
export const MAX_REQUEST_BODY_BYTES = 64 * 1024;

/** A `ServiceBusNotification-Format` name: lowercase letters and digits. Shared with `platform.ts`. */
export const FORMAT_PATTERN = /^[a-z][a-z0-9]*$/;
// RFC 9110 token characters.
const HEADER_NAME_PATTERN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
/**
 * What may not appear in a header value: anything but visible ASCII, space and tab (RFC 9110 `field-vchar`, SP,
 * HTAB). CR, LF, NUL and the other controls would split or end the header. `obs-text` (0x80-0xFF) is refused too:
 * a JS string is UTF-16, undici and fetch send each such character as one Latin-1 byte, and the service reads
 * that byte as something other than the character the caller meant (a `$UserId:{José}` tag would silently
 * match no device whose tag was stored as UTF-8 JSON); past 0xFF undici refuses the request outright. RFC 9110
 * also asks new fields to keep to visible ASCII.
 */
const HEADER_VALUE_FORBIDDEN = /[^\t\x20-\x7e]/;
// Headers stored in an installation or registration template travel in a JSON or XML body, and the hub (not
// nhub) sends them on to the push service: only what would split a header is refused there, as before.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const TEMPLATE_HEADER_VALUE_FORBIDDEN = /[\u0000-\u0008\u000a-\u001f\u007f]/;

/**
 * Where a header value goes: `request` (the default) for a header of a request nhub sends, held to
 * {@link assertHeaderValue}; `template` for a header stored in an installation or registration template, which
 * travels in a body and may hold any text without control characters.
 */
export type HeaderValueKind = "request" | "template";

/**
 * Headers that belong to core: authorization, framing and routing. Neither a platform nor a caller may set
 * them, so no payload can redirect a send or replace its credentials.
 */
const RESERVED_HEADERS = new Set([
  "authorization",
  "content-type",
  "content-length",
  "transfer-encoding",
  "host",
  "connection",
  "x-ms-version",
  "servicebusnotification-format",
  "servicebusnotification-tags",
  "servicebusnotification-devicehandle",
  "servicebusnotification-scheduletime",
  "auth",
  "p256dh",
]);

/**
 * Strings already found valid, per rule. A back end sends the same few formats, content types, header names and
 * values over and over, and a set lookup costs a fraction of a regular expression run in a busy process. Strings
 * are immutable, so a remembered verdict cannot go stale; each set is emptied when it reaches 256 entries.
 */
const validFormats = new Set<string>();
const validContentTypes = new Set<string>();
const validHeaderNames = new Set<string>();
const validHeaderValues = new Set<string>();

function remember(set: Set<string>, value: string): void {
  if (set.size >= 256) set.clear();
  set.add(value);
}

/** Whether `name` is a header core sets itself and refuses from platforms and callers. */
export function isReservedHeader(name: string): boolean {
  return RESERVED_HEADERS.has(name.toLowerCase());
}

/**
 * Checks a value that travels in an HTTP header (a platform header, a device handle, an ETag, a Content-Type):
 * a string of visible ASCII (0x21-0x7E), spaces and tabs, as RFC 9110 `field-value` without `obs-text`. Control
 * characters would split the header; characters above 0x7E are refused because no transport sends them as the
 * caller meant (undici refuses those above 0xFF as a connection error, the rest go as Latin-1 bytes). Checked
 * before a request is built, so a bad value is a {@link ValidationError}, never a retried connection error.
 *
 * @throws {ValidationError} with `field` and rule `type` or `header-value`.
 */
export function assertHeaderValue(value: unknown, field: string): asserts value is string {
  if (typeof value !== "string") {
    throw new ValidationError(
      field,
      "type",
      `header values must be strings, got ${value === null ? "null" : typeof value}`,
    );
  }
  const bad = value.search(HEADER_VALUE_FORBIDDEN);
  if (bad >= 0) {
    const code = value.codePointAt(bad)!;
    throw new ValidationError(
      field,
      "header-value",
      `header values may hold only visible ASCII, spaces and tabs; found U+${code.toString(16).toUpperCase().padStart(4, "0")} at position ${bad + 1}`,
    );
  }
}

/**
 * Checks one header: a valid name, not reserved, and a value of visible ASCII, spaces and tabs (no CR or LF
 * for header injection, nothing a transport would refuse or mangle); see {@link assertHeaderValue}.
 *
 * @param kind `template` for a header stored in a template rather than sent by nhub (see {@link HeaderValueKind}).
 * @throws {ValidationError} with field `headers.<name>`.
 */
export function assertHeader(
  name: string,
  value: unknown,
  fieldPrefix = "headers",
  kind: HeaderValueKind = "request",
): asserts value is string {
  if (!validHeaderNames.has(name)) {
    if (!HEADER_NAME_PATTERN.test(name)) {
      throw new ValidationError(
        `${fieldPrefix}.${name}`,
        "header-name",
        `${quoteExcerpt(name)} is not a valid HTTP header name`,
      );
    }
    if (RESERVED_HEADERS.has(name.toLowerCase())) {
      throw new ValidationError(
        `${fieldPrefix}.${name}`,
        "reserved-header",
        `${quoteExcerpt(name)} is set by nhub itself and cannot be overridden`,
      );
    }
    remember(validHeaderNames, name);
  }
  if (typeof value === "string" && validHeaderValues.has(value)) return;
  if (kind === "template" && typeof value === "string") {
    if (TEMPLATE_HEADER_VALUE_FORBIDDEN.test(value)) {
      throw new ValidationError(
        `${fieldPrefix}.${name}`,
        "header-value",
        "header values cannot contain CR, LF or other control characters",
      );
    }
    // Not remembered: the set holds values valid as request headers, which this one may not be.
    return;
  }
  assertHeaderValue(value, `${fieldPrefix}.${name}`);
  remember(validHeaderValues, value);
}

/** Checks every header of a record; see {@link assertHeader}. */
export function assertHeaders(
  headers: Readonly<Record<string, unknown>> | undefined,
  fieldPrefix = "headers",
  kind: HeaderValueKind = "request",
): void {
  if (headers === undefined) return;
  if (headers === null || typeof headers !== "object") {
    throw new ValidationError(fieldPrefix, "type", "headers must be an object of string values");
  }
  for (const name of Object.keys(headers)) assertHeader(name, headers[name], fieldPrefix, kind);
}

/** UTF-8 size of a body. */
export function byteLength(body: string | Uint8Array): number {
  if (typeof body !== "string") return body.byteLength;
  // Counted by hand rather than with Buffer (absent on edge runtimes) or TextEncoder (which would allocate).
  let n = body.length;
  for (let i = 0; i < body.length; i++) {
    const c = body.charCodeAt(i);
    if (c < 0x80) continue;
    n += c < 0x800 ? 1 : 2;
    // A surrogate pair is 2 UTF-16 units and 4 UTF-8 bytes; a lone surrogate is sent as U+FFFD (3 bytes).
    if (c >= 0xd800 && c < 0xdc00 && (body.charCodeAt(i + 1) & 0xfc00) === 0xdc00) i++;
  }
  return n;
}

/**
 * Checks that a body fits a platform's limit, naming the limit in the error.
 *
 * @throws {ValidationError} with rule `max-bytes`.
 */
export function assertMaxBytes(
  body: string | Uint8Array,
  maxBytes: number,
  field = "payload",
  what = "the payload",
): void {
  // No UTF-16 unit takes more than 3 bytes in UTF-8, so a short text needs no counting.
  if (typeof body === "string" && body.length * 3 <= maxBytes) return;
  const size = byteLength(body);
  if (size > maxBytes) {
    throw new ValidationError(
      field,
      "max-bytes",
      `${what} is ${size} bytes in UTF-8; the limit is ${maxBytes}`,
    );
  }
}

/**
 * What {@link createNotification} returns. The private brand tells the hub that a notification was checked at
 * creation: unlike membership in a WeakSet, it cannot be forged and costs the garbage collector nothing.
 */
class CheckedNotification implements Notification {
  readonly #checked = undefined;
  readonly format: string;
  readonly contentType: string;
  readonly body: string | Uint8Array;
  declare readonly headers?: Readonly<Record<string, string>>;

  constructor(init: Notification) {
    this.format = init.format;
    this.contentType = init.contentType;
    this.body = init.body;
    const headers = init.headers;
    if (headers !== undefined) {
      // Kept only when it holds a header; a for-in that stops at the first key tells without allocating.
      // Object.assign, not a spread: V8 freezes a spread copy about six times slower (0.49 vs 0.08 us). Assign
      // sets "__proto__" as the prototype instead of copying it, so a header of that name takes the spread.
      for (const _ in headers) {
        const copy = Object.hasOwn(headers, "__proto__") ? { ...headers } : Object.assign({}, headers);
        this.headers = Object.freeze(copy);
        break;
      }
    }
    Object.freeze(this);
  }

  static has(n: object): boolean {
    return #checked in n;
  }
}

/**
 * Builds a frozen {@link Notification} after checking what every notification needs: a lowercase format name,
 * a content type, a body within the service's 64 KB and valid, unreserved headers. Platform packages call this
 * once at creation, so the hub need not check the same notification again on every send.
 *
 * @throws {ValidationError}
 */
export function createNotification(init: Notification): Notification {
  assertNotification(init);
  return new CheckedNotification(init);
}

/**
 * Checks a notification that may not have come from {@link createNotification} (a hand-made object).
 *
 * @throws {ValidationError}
 */
export function assertNotification(n: Notification): void {
  if (n === null || typeof n !== "object") {
    throw new ValidationError("notification", "type", "expected a Notification object");
  }
  if (CheckedNotification.has(n)) return;
  const { format, contentType } = n;
  if (!validFormats.has(format)) {
    if (typeof format !== "string" || !FORMAT_PATTERN.test(format)) {
      throw new ValidationError(
        "format",
        "format-name",
        `${quoteExcerpt(String(format))} is not a format name (lowercase letters and digits)`,
      );
    }
    remember(validFormats, format);
  }
  if (!validContentTypes.has(contentType)) {
    if (typeof contentType !== "string" || contentType === "" || HEADER_VALUE_FORBIDDEN.test(contentType)) {
      throw new ValidationError(
        "contentType",
        "required",
        "a notification needs a Content-Type of visible ASCII, spaces and tabs (no control characters)",
      );
    }
    remember(validContentTypes, contentType);
  }
  if (typeof n.body !== "string" && !(n.body instanceof Uint8Array)) {
    throw new ValidationError("body", "type", "the body must be a string or a Uint8Array");
  }
  assertMaxBytes(n.body, MAX_REQUEST_BODY_BYTES, "body", "the request body");
  assertHeaders(n.headers);
}
