import { ValidationError } from "./errors";
import { quoteExcerpt } from "./excerpt";

// Ids are opaque, but they go into a path: no separators, no whitespace or control characters, no dot segments.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const UNSAFE = /[\s\u0000-\u001f\u007f/\\?#%]/;

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
  if (id.length > 256 || UNSAFE.test(id) || id === "." || id === "..") {
    throw new ValidationError(field, "characters", `${quoteExcerpt(id)} is not a notification id`);
  }
}
