import { ValidationError } from "./errors";
import { assertPathSegment, pathSegmentProblem } from "./path-segment";

/** Whether a non-empty id is one {@link assertNotificationId} accepts: at most 256 characters, one path segment. */
function isSafeId(id: string): boolean {
  return id.length <= 256 && pathSegmentProblem(id) === undefined;
}

/**
 * Checks a notification id before it is put into a URL path (it is also percent-encoded there): 1-256
 * characters that pass the path segment rule ({@link assertPathSegment}: not `.` or `..`, no `/ \ ? # %`,
 * whitespace or control characters).
 *
 * @throws {ValidationError} with field `notificationId`.
 */
export function assertNotificationId(id: string, field = "notificationId"): void {
  if (typeof id !== "string" || id === "") {
    throw new ValidationError(field, "required", "a notification id is required");
  }
  if (id.length > 256) {
    throw new ValidationError(field, "characters", `the id is ${id.length} characters; the limit is 256`);
  }
  assertPathSegment(id, field);
}

/** The collections whose members are notifications: a send's `messages/{id}`, a schedule's `schedulednotifications/{id}`. */
const NOTIFICATION_COLLECTIONS = new Set(["messages", "schedulednotifications"]);

/** One path segment decoded once; `undefined` for a malformed escape. */
function decodeSegment(segment: string): string | undefined {
  if (!segment.includes("%")) return segment;
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/**
 * The notification id in a `Location` the service answered: the last non-empty path segment of
 * `.../messages/{id}`, `.../messages/$batch/{id}` (a direct batch) or `.../schedulednotifications/{id}`, absolute
 * or relative, with or without a query or fragment, percent-decoded once. Anything else gives `undefined` rather
 * than a wrong id: no id after the collection (`messages/`, `messages/$batch`), a segment that is not under one
 * of those collections (a bare hub URL), a dot segment, or an id {@link assertNotificationId} would refuse, so a
 * returned id can always be handed back to `getNotificationOutcomeDetails` or `cancelScheduledNotification`.
 */
export function notificationIdFromLocation(location: string): string | undefined {
  if (typeof location !== "string") return undefined;
  return plainNotificationId(location) ?? readNotificationId(location);
}

// Characters of a path segment that need neither decoding nor a closer look (a subset of what
// pathSegmentProblem lets through), as a table by character code: checked in the same loop that finds the id.
const PLAIN = /* @__PURE__ */ plainTable(
  "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~!$&'()*+,;=:@",
);

function plainTable(chars: string): Uint8Array {
  const table = new Uint8Array(128);
  for (let i = 0; i < chars.length; i++) table[chars.charCodeAt(i)] = 1;
  return table;
}

/**
 * The id of the `Location` every accepted send carries, `https://NS/HUB/messages/ID?api-version=...`, found
 * without splitting or decoding the URL: read on every send, so it is kept cheap. Gives `undefined` for anything
 * less plain (an escape, another letter case, a `$batch` parent or id, a `//` before the parent), which
 * {@link readNotificationId} then reads; an id it returns is the one that reading gives.
 */
function plainNotificationId(location: string): string | undefined {
  let end = location.indexOf("?");
  const hash = location.indexOf("#");
  if (hash !== -1 && (end === -1 || hash < end)) end = hash;
  if (end === -1) end = location.length;
  // Loops rather than lastIndexOf, which V8 runs several times slower than indexOf.
  let slash = end - 1;
  while (slash >= 0 && location.charCodeAt(slash) !== 47) slash--;
  const length = end - slash - 1;
  if (slash <= 0 || length < 1 || length > 256) return undefined;
  for (let i = slash + 1; i < end; i++) {
    const c = location.charCodeAt(i);
    // "$" starts no plain id, so "$batch" in any letter case is left to the long way.
    if (c > 127 || PLAIN[c] === 0 || (c === 36 && i === slash + 1)) return undefined;
  }
  if (length <= 2 && location.startsWith(".", slash + 1) && (length === 1 || location[slash + 2] === "."))
    return undefined;
  let prev = slash - 1;
  while (prev >= 0 && location.charCodeAt(prev) !== 47) prev--;
  // A "/" before the parent's own would make it part of an authority (`//host`) or leave an empty segment.
  if (prev === -1 || (prev > 0 && location.charCodeAt(prev - 1) === 47)) return undefined;
  const parentLength = slash - prev - 1;
  const collection =
    (parentLength === 8 && location.startsWith("messages", prev + 1)) ||
    (parentLength === 22 && location.startsWith("schedulednotifications", prev + 1));
  return collection ? location.slice(slash + 1, end) : undefined;
}

/** {@link notificationIdFromLocation} for any `Location`: split, decoded and checked segment by segment. */
function readNotificationId(location: string): string | undefined {
  let path = location;
  const end = path.search(/[?#]/);
  if (end !== -1) path = path.slice(0, end);
  // Drop `scheme://authority` (or a protocol-relative `//authority`), so a host is never read as a segment.
  path = path.replace(/^(?:[A-Za-z][A-Za-z0-9+.-]*:)?\/\/[^/]*/, "");
  const segments = path.split("/").filter((s) => s !== "");
  if (segments.length < 2) return undefined;
  const id = decodeSegment(segments[segments.length - 1]!);
  const parent = decodeSegment(segments[segments.length - 2]!)?.toLowerCase();
  if (id === undefined || parent === undefined) return undefined;
  let inCollection = NOTIFICATION_COLLECTIONS.has(parent);
  if (parent === "$batch" && segments.length >= 3) {
    inCollection = decodeSegment(segments[segments.length - 3]!)?.toLowerCase() === "messages";
  }
  return inCollection && id !== "" && id.toLowerCase() !== "$batch" && isSafeId(id) ? id : undefined;
}
