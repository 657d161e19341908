import { ValidationError } from "./errors";

/** Any value JSON can carry. Free-form parts of platform payloads are typed with it instead of `any`. */
export type JsonValue = string | number | boolean | null | readonly JsonValue[] | JsonObject;

/**
 * A JSON object. `undefined` members are allowed because optional TypeScript properties hold them;
 * serialisation drops them, as `JSON.stringify` does.
 */
export type JsonObject = { readonly [key: string]: JsonValue | undefined };

/** Whether `value` is a plain object (an object literal or `JSON.parse` output), not an array, Date or Map. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** How a value looks in an error message. */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string")
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value)}`;
  if (typeof value === "object")
    return `an object (${Object.getPrototypeOf(value)?.constructor?.name ?? "null prototype"})`;
  return `${typeof value} ${String(value)}`;
}

/**
 * Checks that `value` survives `JSON.stringify` unchanged in meaning: no functions, symbols, bigints, non-finite
 * numbers, class instances (a Date would silently become a string) or cycles.
 *
 * @throws {ValidationError} with rule `json` and the dotted path of the first bad value.
 */
export function assertJsonValue(value: unknown, field: string): asserts value is JsonValue {
  walk(value, field, new Set());
}

function walk(value: unknown, field: string, path: Set<object>): void {
  switch (typeof value) {
    case "string":
    case "boolean":
      return;
    case "number":
      if (!Number.isFinite(value)) {
        throw new ValidationError(field, "json", `${value} is not a JSON number (JSON would send null)`);
      }
      return;
    case "object": {
      if (value === null) return;
      if (path.has(value)) {
        throw new ValidationError(field, "json", "the value refers to itself; JSON cannot hold cycles");
      }
      if (Array.isArray(value)) {
        path.add(value);
        for (let i = 0; i < value.length; i++) walk(value[i], `${field}.${i}`, path);
        path.delete(value);
        return;
      }
      if (!isPlainObject(value)) {
        throw new ValidationError(
          field,
          "json",
          `${describeValue(value)} is not a JSON value; convert it first`,
        );
      }
      path.add(value);
      for (const key of Object.keys(value)) {
        const member = value[key];
        // Dropped by JSON.stringify, like an optional property left out.
        if (member !== undefined) walk(member, `${field}.${key}`, path);
      }
      path.delete(value);
      return;
    }
    default:
      throw new ValidationError(field, "json", `${describeValue(value)} is not a JSON value`);
  }
}

/**
 * Parses a payload given as JSON text, for platforms that accept a string and send it byte for byte.
 *
 * @throws {ValidationError} with rule `json` when the text is not valid JSON.
 */
export function parseJsonText(text: string, field = "payload"): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ValidationError(
      field,
      "json",
      `the payload string is not valid JSON: ${(error as Error).message}`,
      {
        cause: error,
      },
    );
  }
}
