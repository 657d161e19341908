/**
 * The notification builder of platforms whose body is a JSON object sent as the caller gave it (ADM, browsers,
 * Xiaomi): one place for the object-or-text rule, the size limit and the hand-over to `createNotification`.
 */
import { ValidationError } from "./errors";
import { describeValue, isPlainObject, parseJsonText } from "./json";
import { assertMaxBytes, createNotification, type Notification } from "./notification";

/** What {@link createJsonNotification} needs to know of a platform whose body is a JSON object. */
export interface JsonNotificationKind {
  /** The `ServiceBusNotification-Format`, e.g. `adm`. */
  readonly format: string;
  /** The body's `Content-Type`, e.g. `application/json;charset=utf-8`. */
  readonly contentType: string;
  /** The largest body, in UTF-8 bytes. */
  readonly maxBytes: number;
  /** The payload as the size error names it, e.g. `the ADM message`. */
  readonly what: string;
  /** Checks a payload given as a value, before it is serialised with `JSON.stringify`. */
  readonly check: (payload: unknown) => void;
  /** Checks a payload given as JSON text, once parsed; the text is then sent byte for byte. Default: none. */
  readonly checkParsed?: (parsed: unknown) => void;
}

/**
 * Builds a notification whose body is JSON. A value is checked with `kind.check` and serialised once, keys in the
 * caller's order; a string must be JSON (and pass `kind.checkParsed`) and is sent exactly as given. Either way the
 * body must fit in `kind.maxBytes`.
 *
 * @example
 * const kind: JsonNotificationKind = {
 *   format: "myplatform",
 *   contentType: "application/json;charset=utf-8",
 *   maxBytes: 4096,
 *   what: "the message",
 *   check: (payload) => assertJsonValue(payload, "payload"),
 *   checkParsed: assertParsedJsonObject,
 * };
 * createJsonNotification(kind, { title: "Hello" }); // body {"title":"Hello"}
 * @throws {ValidationError} from the checks, with rule `json` for text that is not JSON, or `max-bytes`.
 */
export function createJsonNotification(
  kind: JsonNotificationKind,
  payload: unknown,
  headers?: Readonly<Record<string, string>>,
): Notification {
  let body: string;
  if (typeof payload === "string") {
    kind.checkParsed?.(parseJsonText(payload));
    body = payload;
  } else {
    kind.check(payload);
    body = JSON.stringify(payload);
  }
  assertMaxBytes(body, kind.maxBytes, "payload", kind.what);
  return createNotification({ format: kind.format, contentType: kind.contentType, body, headers });
}

/**
 * A `checkParsed` for platforms that take any JSON object: refuses text holding an array, a string or a number.
 *
 * @throws {ValidationError} with field `payload` and rule `type`.
 */
export function assertParsedJsonObject(parsed: unknown): void {
  if (!isPlainObject(parsed)) {
    throw new ValidationError(
      "payload",
      "type",
      `the payload string must hold a JSON object, got ${describeValue(parsed)}`,
    );
  }
}

/**
 * Checks that a payload is a plain JSON object, naming it in the message: `<what> must be a JSON object, got …`.
 *
 * @param what the payload as the message names it, e.g. `an ADM message`
 * @throws {ValidationError} at `field` with rule `type`.
 */
export function assertJsonObject(
  value: unknown,
  field: string,
  what: string,
): asserts value is Record<string, unknown> {
  if (!isPlainObject(value)) {
    throw new ValidationError(field, "type", `${what} must be a JSON object, got ${describeValue(value)}`);
  }
}

/**
 * Reads a payload given as a value or as JSON text into the object to check, keeping the text (to send byte for
 * byte) when there is one.
 *
 * @throws {ValidationError} field `payload`: rule `json` (or `max-depth`) for text that is not JSON, `type` for
 * anything but an object.
 */
export function readJsonObjectPayload(
  payload: unknown,
  what: string,
): { readonly value: Record<string, unknown>; readonly text: string | undefined } {
  const text = typeof payload === "string" ? payload : undefined;
  const value = text === undefined ? payload : parseJsonText(text);
  assertJsonObject(value, "payload", what);
  return { value, text };
}
