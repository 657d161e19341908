import { ValidationError } from "./errors";
import { quoteExcerpt } from "./excerpt";
import { assertPathSegment } from "./path-segment";

const HUB_NAME_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9._/-]{0,258}[A-Za-z0-9])?$/;

/**
 * Checks a hub name against the service's rules: 1-260 characters of letters, digits, `.`, `-`, `_` and `/`,
 * starting and ending with a letter or digit. A `/` separates path segments (`team/alerts`), and each segment
 * passes the path segment rule ({@link assertPathSegment}): none is empty, `.` or `..`.
 *
 * @throws {ValidationError} with field `hubName`.
 */
export function assertHubName(hubName: string): void {
  if (typeof hubName !== "string" || hubName.length === 0) {
    throw new ValidationError("hubName", "required", "a hub name is required");
  }
  if (hubName.length > 260) {
    throw new ValidationError(
      "hubName",
      "max-length",
      `the hub name is ${hubName.length} characters; the limit is 260`,
    );
  }
  if (!HUB_NAME_PATTERN.test(hubName) || hubName.includes("//")) {
    throw new ValidationError(
      "hubName",
      "characters",
      `${quoteExcerpt(hubName)} is not a valid hub name: use letters, digits, ".", "-", "_" and "/", starting and ending with a letter or digit`,
    );
  }
  for (const segment of hubName.split("/")) assertPathSegment(segment, "hubName");
}
