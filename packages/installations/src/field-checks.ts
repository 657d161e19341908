/**
 * The checks every operation of this package runs on its input before anything is sent. Each throws core's
 * `ValidationError` naming the field (a dotted path) and the rule it breaks.
 */
import {
  assertHeaders,
  assertPathSegment,
  assertTag,
  describeValue,
  isPlainObject,
  ValidationError,
} from "@nhub/core";

/** The service keeps at most 60 tags on one device (installation or registration). */
export const MAX_TAGS_PER_DEVICE = 60;

/** Longest template name the service takes (registrations and installations). */
export const MAX_TEMPLATE_NAME_LENGTH = 200;

// biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point.
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Checks an optional duration: absent, or a positive finite number of milliseconds. */
export function checkPositiveMs(value: unknown, field: string): void {
  if (value !== undefined && !(typeof value === "number" && value > 0 && Number.isFinite(value))) {
    throw new ValidationError(field, "positive", `${field} must be a positive number of milliseconds`);
  }
}

/** Checks a required, non-empty string without control characters and returns it. */
export function requireText(value: unknown, field: string): string {
  if (value === undefined || value === null || value === "") {
    throw new ValidationError(field, "required", `${field} is required`);
  }
  if (typeof value !== "string") {
    throw new ValidationError(field, "type", `${field} must be a string, not ${describeValue(value)}`);
  }
  if (CONTROL.test(value)) {
    throw new ValidationError(field, "characters", `${field} cannot contain control characters`);
  }
  return value;
}

/** Like {@link requireText}, for an optional field: `undefined` passes. */
export function optionalText(value: unknown, field: string): string | undefined {
  return value === undefined ? undefined : requireText(value, field);
}

/**
 * Checks an id that becomes one URL path segment (a registration or job id): 1-256 characters passing core's
 * path segment rule (`assertPathSegment`: not `.` or `..`, no whitespace, control characters, `/`, `\`, `?`,
 * `#` or `%`).
 */
export function requireId(value: unknown, field: string): string {
  const id = requireText(value, field);
  if (id.length > 256) {
    throw new ValidationError(field, "max-length", `${field} is ${id.length} characters; the limit is 256`);
  }
  assertPathSegment(id, field);
  return id;
}

/**
 * Checks a list of tags: an array of valid tags (core's tag rules) with at most {@link MAX_TAGS_PER_DEVICE}
 * distinct ones. Returns a copy.
 */
export function checkTagList(value: unknown, field: string): string[] {
  if (!Array.isArray(value)) {
    throw new ValidationError(
      field,
      "type",
      `${field} must be an array of tags, not ${describeValue(value)}`,
    );
  }
  const tags: string[] = [];
  const distinct = new Set<string>();
  for (const [i, tag] of value.entries()) {
    if (typeof tag !== "string") {
      throw new ValidationError(`${field}.${i}`, "type", `a tag must be a string, not ${describeValue(tag)}`);
    }
    assertTag(tag, `${field}.${i}`);
    distinct.add(tag);
    // Refused at the first tag over the limit: the rest of a huge array is neither checked nor copied.
    if (distinct.size > MAX_TAGS_PER_DEVICE) {
      throw new ValidationError(
        field,
        "max-tags",
        `${distinct.size} distinct tags (reading stopped there); the service keeps at most ${MAX_TAGS_PER_DEVICE} per device`,
      );
    }
    tags.push(tag);
  }
  return tags;
}

/**
 * Checks a record of header names to string values (core's header rules for headers stored in a template: they
 * travel in the body, so any text without control characters) and returns a copy.
 */
export function checkHeaderRecord(value: unknown, field: string): Record<string, string> {
  if (!isPlainObject(value)) {
    throw new ValidationError(field, "type", `${field} must be an object of header values`);
  }
  assertHeaders(value, field, "template");
  return { ...(value as Record<string, string>) };
}

/** Checks a record of string values (push variables) and returns a copy. */
export function checkStringRecord(value: unknown, field: string): Record<string, string> {
  if (!isPlainObject(value)) {
    throw new ValidationError(field, "type", `${field} must be an object of string values`);
  }
  const entries = Object.entries(value);
  for (const [key, v] of entries) {
    if (key === "") throw new ValidationError(field, "required", `${field} cannot have an empty key`);
    if (typeof v !== "string") {
      throw new ValidationError(`${field}.${key}`, "type", `values must be strings, not ${describeValue(v)}`);
    }
  }
  // fromEntries defines own properties, so a key such as "__proto__" stays a key.
  return Object.fromEntries(entries) as Record<string, string>;
}

/**
 * Whether a template slot is an expression rather than literal text: the hub treats it as one only when its first
 * character is one of `$ # . % {`.
 */
export function isTemplateExpression(text: string): boolean {
  return /^[$#.%{]/.test(text);
}

/** Checks that a template body for a JSON platform is a JSON object (expressions live in its string values). */
export function checkJsonBody(body: string, field: string): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch (error) {
    throw new ValidationError(field, "json", `${field} is not valid JSON: ${(error as Error).message}`);
  }
  if (!isPlainObject(parsed)) {
    throw new ValidationError(field, "json", `${field} must be a JSON object`);
  }
}

/** Finds a header by name in any letter case. */
export function headerValue(
  headers: Readonly<Record<string, string>> | undefined,
  name: string,
): string | undefined {
  if (headers === undefined) return undefined;
  const wanted = name.toLowerCase();
  for (const [k, v] of Object.entries(headers)) if (k.toLowerCase() === wanted) return v;
  return undefined;
}

/**
 * Checks an APNs template expiry and returns the string that is sent: a `Date` becomes ISO-8601; a string must
 * be an ISO-8601 date, `"0"` or a template expression such as `$(expiry)`.
 */
export function checkExpiry(value: unknown, field: string): string {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime()))
      throw new ValidationError(field, "date", `${field} is an invalid Date`);
    return value.toISOString();
  }
  const expiry = requireText(value, field);
  if (isTemplateExpression(expiry) || expiry === "0" || !Number.isNaN(Date.parse(expiry))) return expiry;
  throw new ValidationError(
    field,
    "date",
    `${field} must be a Date, an ISO-8601 date, "0" or a template expression such as $(expiry)`,
  );
}
