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
 * The deepest nesting of arrays and objects a JSON payload may have: far beyond any push payload (which must
 * fit in a few KB anyway), and far below where nhub's recursive checks would exhaust the call stack.
 */
export const MAX_JSON_DEPTH = 256;

/**
 * Checks that `value` survives `JSON.stringify` unchanged in meaning: no functions, symbols, bigints, non-finite
 * numbers, class instances (a Date would silently become a string) or cycles, and no more than
 * {@link MAX_JSON_DEPTH} arrays and objects nested in each other.
 *
 * @throws {ValidationError} with the dotted path of the first bad value and rule `json`, or `max-depth`.
 */
export function assertJsonValue(value: unknown, field: string): asserts value is JsonValue {
  walk(value, field, undefined, undefined, 0);
}

/**
 * An array or object the walk is inside: a chain up to the root, so the cycle check can see every object above a
 * value (payloads are a few levels deep, so a scan beats a Set) and the keys leading to a value are joined into a
 * field name only when there is an error to report. One link per array or object, nothing per key.
 */
interface JsonLevel {
  readonly value: object;
  /** The key this array or object has in the level above; `undefined` at the root. */
  readonly key: string | number | undefined;
  readonly up: JsonLevel | undefined;
}

/** The keys from the root down to the value reached by `key` from `up`. */
function keysTo(key: string | number | undefined, up: JsonLevel | undefined): (string | number)[] {
  const keys: (string | number)[] = key === undefined ? [] : [key];
  for (let level = up; level?.key !== undefined; level = level.up) keys.unshift(level.key);
  return keys;
}

function fail(
  field: string,
  key: string | number | undefined,
  up: JsonLevel | undefined,
  message: string,
): never {
  const keys = keysTo(key, up);
  throw new ValidationError(keys.length === 0 ? field : `${field}.${keys.join(".")}`, "json", message);
}

/** Checks `value`, reached by `key` from `up`, with `depth` arrays and objects above it. */
function walk(
  value: unknown,
  field: string,
  key: string | number | undefined,
  up: JsonLevel | undefined,
  depth: number,
): void {
  switch (typeof value) {
    case "string":
    case "boolean":
      return;
    case "number":
      if (!Number.isFinite(value))
        fail(field, key, up, `${value} is not a JSON number (JSON would send null)`);
      return;
    case "object": {
      if (value === null) return;
      for (let level = up; level !== undefined; level = level.up) {
        if (level.value === value)
          fail(field, key, up, "the value refers to itself; JSON cannot hold cycles");
      }
      if (depth >= MAX_JSON_DEPTH) {
        throw new ValidationError(
          `${field}.${keysTo(key, up).slice(0, 3).join(".")}...`,
          "max-depth",
          `arrays and objects are nested more than ${MAX_JSON_DEPTH} deep; the limit is ${MAX_JSON_DEPTH}`,
        );
      }
      if (Array.isArray(value)) {
        const level: JsonLevel = { value, key, up };
        for (let i = 0; i < value.length; i++) walk(value[i], field, i, level, depth + 1);
        return;
      }
      if (!isPlainObject(value))
        fail(field, key, up, `${describeValue(value)} is not a JSON value; convert it first`);
      const level: JsonLevel = { value, key, up };
      for (const name in value) {
        const member = value[name];
        // Dropped by JSON.stringify, like an optional property left out.
        if (member !== undefined) walk(member, field, name, level, depth + 1);
      }
      return;
    }
    default:
      fail(field, key, up, `${describeValue(value)} is not a JSON value`);
  }
}

/**
 * Parses a payload given as JSON text, for platforms that accept a string and send it byte for byte. The text
 * obeys the same {@link MAX_JSON_DEPTH} as a payload given as a value, whether or not its platform walks it.
 *
 * @throws {ValidationError} with rule `json` when the text is not valid JSON, or `max-depth`.
 */
export function parseJsonText(text: string, field = "payload"): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
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
  // Fewer characters than twice the limit cannot open that many arrays and objects.
  if (text.length > 2 * MAX_JSON_DEPTH && jsonTextDepth(text) > MAX_JSON_DEPTH) {
    throw new ValidationError(
      field,
      "max-depth",
      `arrays and objects are nested more than ${MAX_JSON_DEPTH} deep; the limit is ${MAX_JSON_DEPTH}`,
    );
  }
  return parsed;
}

/** The deepest nesting of `[` and `{` in valid JSON text, outside strings; a loop, so any depth is safe. */
function jsonTextDepth(text: string): number {
  let depth = 0;
  let max = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // Skip the string: past each backslash's escaped character, up to the closing quote.
      for (i++; i < text.length && text.charCodeAt(i) !== 0x22; i++) if (text.charCodeAt(i) === 0x5c) i++;
    } else if (c === 0x5b || c === 0x7b) {
      if (++depth > max) max = depth;
    } else if (c === 0x5d || c === 0x7d) {
      depth--;
    }
  }
  return max;
}
