import { ValidationError } from "./errors";
import { assertPathSegment } from "./path-segment";

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
