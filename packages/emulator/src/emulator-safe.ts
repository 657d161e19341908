/**
 * The emulator runs inside the user's test process, so whatever a caller sends (with no more than a Listen key,
 * or no key at all on the admin surface) must not reach that process's `Object.prototype`, and a request must be
 * authorised for the same path it is routed by. The checks every handler shares live here: names no map keyed by
 * caller input may take, the null-prototype records those maps are, JSON parsing that refuses `__proto__` keys,
 * and the refusal of request targets whose path a URL parser would rewrite.
 */
import { ValidationError } from "@nhub/core";

/**
 * Names a record keyed by caller input never takes: on an ordinary object, reading them reaches a prototype and
 * writing through them changes one.
 */
export const RESERVED_NAMES: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);

/** Whether `name` is one of {@link RESERVED_NAMES}. */
export function isReservedName(name: string): boolean {
  return RESERVED_NAMES.has(name);
}

/**
 * Refuses a reserved name as a key of a map (template names, header names, push variables, patch path segments).
 *
 * @throws {ValidationError} with rule `reserved-name`, naming `field`.
 */
export function assertSafeName(name: string, field: string, what: string): void {
  if (isReservedName(name)) {
    throw new ValidationError(
      field,
      "reserved-name",
      `${what} cannot be "${name}" (${[...RESERVED_NAMES].join(", ")} are reserved)`,
    );
  }
}

/**
 * An empty record without a prototype, for maps keyed by caller input: a missing name reads as `undefined`
 * and writing `__proto__` makes an own property instead of swapping the prototype.
 */
export function dictionary<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/** A null-prototype copy of `record`'s own enumerable entries. */
export function dictionaryOf<T>(record: Readonly<Record<string, T>>): Record<string, T> {
  return Object.assign(dictionary<T>(), record);
}

/** Thrown by {@link parseJsonSafely} for an own `__proto__` key; a `SyntaxError` means malformed JSON. */
export class ReservedKeyError extends Error {
  override name = "ReservedKeyError";
}

function refuseProtoKey(key: string, value: unknown): unknown {
  if (key === "__proto__")
    throw new ReservedKeyError('the JSON has a "__proto__" key, which the emulator does not accept');
  return value;
}

/**
 * `JSON.parse` for request data. `JSON.parse` makes `"__proto__"` an own key, which turns into a prototype write
 * as soon as the object is merged into another with `Object.assign` or a key-by-key copy; no request the
 * emulator takes has a reason to carry one, so the whole document is refused.
 *
 * @throws {SyntaxError} for malformed JSON; {@link ReservedKeyError} for a `__proto__` key at any depth.
 */
export function parseJsonSafely(text: string): unknown {
  return JSON.parse(text, refuseProtoKey);
}

const ABSOLUTE_FORM = /^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/?#]*/;
const ENCODED_DOT = /%2e/gi;
const SEPARATOR_IN_SEGMENT = /\\|%2f|%5c/i;

/**
 * Why a request target is refused before any auth or routing, or `undefined`. A URL parser resolves `.` and
 * `..` segments (also written `%2e`) and treats `\` as `/`, so such a path would be authorised as one resource
 * and routed as another; an encoded `/` or `\` inside a segment would be one segment to the router and two to
 * anything that decodes first. None of them appears in a request a client builds.
 */
export function requestTargetProblem(rawTarget: string): string | undefined {
  const end = rawTarget.search(/[?#]/);
  let path = end < 0 ? rawTarget : rawTarget.slice(0, end);
  path = path.replace(ABSOLUTE_FORM, "");
  for (const segment of path.split("/")) {
    if (SEPARATOR_IN_SEGMENT.test(segment))
      return "The request path has a backslash or an encoded slash or backslash in a segment (write a slash in a hub name as /).";
    const plain = segment.replace(ENCODED_DOT, ".");
    if (plain === "." || plain === "..")
      return 'The request path has a "." or ".." segment (dot segments are not resolved).';
  }
  return undefined;
}
