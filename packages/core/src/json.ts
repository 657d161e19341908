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
      if (at.objects.length >= MAX_JSON_DEPTH) {
        const field = `${at.field}.${at.keys.slice(0, 3).join(".")}...`;
        throw new ValidationError(
          field,
          "max-depth",
          `arrays and objects are nested more than ${MAX_JSON_DEPTH} deep; the limit is ${MAX_JSON_DEPTH}`,
        );
      }
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
