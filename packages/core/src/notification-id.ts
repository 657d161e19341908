import { ValidationError } from "./errors";
import { quoteExcerpt } from "./excerpt";

// Ids are opaque, but they go into a path: no separators, no whitespace or control characters, no dot segments.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const UNSAFE = /[\s\u0000-\u001f\u007f/\\?#%]/;

/** Whether a non-empty id may go into a path segment: at most 256 characters, none unsafe, not a dot segment. */
function isSafeId(id: string): boolean {
  return id.length <= 256 && !UNSAFE.test(id) && id !== "." && id !== "..";
}

/**
 * Checks a notification id before it is put into a URL path (it is also percent-encoded there): 1-256
 * characters, no `/ \ ? # %`, whitespace or control characters, not `.` or `..`.
 *
 * @throws {ValidationError} with field `notificationId`.
 */
export function assertNotificationId(id: string, field = "notificationId"): void {
  if (typeof id !== "string" || id === "") {
    throw new ValidationError(field, "required", "a notification id is required");
  }
  if (!isSafeId(id)) {
    throw new ValidationError(field, "characters", `${quoteExcerpt(id)} is not a notification id`);
  }
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
