import { ValidationError } from "./errors";
import { quoteExcerpt } from "./excerpt";

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

/** How a value looks in an error message: its type, and a string quoted through {@link quoteExcerpt}. */
export function describeValue(value: unknown): string {
  if (value === null) return "null";
  if (value === undefined) return "undefined";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return `the string ${quoteExcerpt(value)}`;
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
  walk(value, { field, objects: [], keys: [] });
}

/**
 * Where the walk is: the objects above the value (for cycles; payloads are a few levels deep, so a scan beats a
 * Set) and the keys leading to it, joined into a field name only when there is an error to report.
 */
interface JsonWalk {
  readonly field: string;
  readonly objects: object[];
  readonly keys: (string | number)[];
}

function fail(at: JsonWalk, message: string): never {
  const field = at.keys.length === 0 ? at.field : `${at.field}.${at.keys.join(".")}`;
  throw new ValidationError(field, "json", message);
}

function walk(value: unknown, at: JsonWalk): void {
  switch (typeof value) {
    case "string":
    case "boolean":
      return;
    case "number":
      if (!Number.isFinite(value)) fail(at, `${value} is not a JSON number (JSON would send null)`);
      return;
    case "object": {
      if (value === null) return;
      if (at.objects.includes(value)) fail(at, "the value refers to itself; JSON cannot hold cycles");
      if (Array.isArray(value)) {
        at.objects.push(value);
        for (let i = 0; i < value.length; i++) {
          at.keys.push(i);
          walk(value[i], at);
          at.keys.pop();
        }
        at.objects.pop();
        return;
      }
      if (!isPlainObject(value)) fail(at, `${describeValue(value)} is not a JSON value; convert it first`);
      at.objects.push(value);
      for (const key in value) {
        const member = value[key];
        // Dropped by JSON.stringify, like an optional property left out.
        if (member !== undefined) {
          at.keys.push(key);
          walk(member, at);
          at.keys.pop();
        }
      }
      at.objects.pop();
      return;
    }
    default:
      fail(at, `${describeValue(value)} is not a JSON value`);
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
