/**
 * The message a hub forwards to Xiaomi Mi Push, and the checks that run on it before anything is sent. The hub
 * treats the `xiaomi` body as opaque JSON and how it maps onto Mi Push's own request is not documented, so nhub
 * types the Mi Push message fields that are commonly documented, loosely, and refuses only what cannot be sent:
 * anything that is not a JSON object, and bodies over the size limit.
 */
import { assertJsonObject, assertJsonValue, type JsonObject } from "@nhub/core";

/**
 * Largest Xiaomi message nhub sends: 4096 bytes of UTF-8. The hub's real limit for `xiaomi` is unverified;
 * 4 KB is the figure of the hub's other JSON platforms (FCM, browser, Baidu), so nothing nhub accepts should be
 * refused for size downstream.
 */
export const XIAOMI_MAX_PAYLOAD_BYTES = 4096;

/**
 * The Mi Push message fields most senders set. Every field is optional and none is checked at run time (the
 * hub forwards the JSON as it is); the types say what Mi Push documents for each.
 */
export interface XiaomiMessage {
  /** Title of the notification shown in the notification bar. */
  readonly title?: string;
  /** Text of the notification shown in the notification bar. */
  readonly description?: string;
  /** The message content handed to the app (a string; serialise structured data yourself). */
  readonly payload?: string;
  /** Alert style: a bit set of 1 (sound), 2 (vibration), 4 (lights); -1 for all. */
  readonly notify_type?: number;
  /** 1 hands the message to the app silently (pass-through); 0 shows a notification. */
  readonly pass_through?: 0 | 1;
  /** The Android package name the message is for. */
  readonly restricted_package_name?: string;
  /** How long Mi Push keeps the message for an offline device, in milliseconds. */
  readonly time_to_live?: number;
  /** Extra settings and custom key-value pairs (Mi Push's `extra.*` parameters); values are strings. */
  readonly extra?: Readonly<Record<string, string>>;
}

/**
 * What `createXiaomiNotification` takes as an object: the typed Mi Push fields above, or any other JSON object.
 */
export type XiaomiPayload = XiaomiMessage | JsonObject;

/**
 * Checks that a value can be sent as a Xiaomi message: a plain JSON object whose every value survives
 * `JSON.stringify` unchanged in meaning. The Mi Push fields are not checked, since the hub passes the JSON on
 * as it is.
 *
 * @param payload the message to check
 * @param field the dotted path to report, `payload` by default
 * @throws {ValidationError} rule `type` for a value that is not a plain object, or rule `json` with the dotted
 * path of the first value JSON cannot carry (a function, `NaN`, a `Date`, a cycle)
 */
export function assertXiaomiPayload(payload: unknown, field = "payload"): asserts payload is XiaomiPayload {
  assertJsonObject(payload, field, "a Xiaomi message");
  assertJsonValue(payload, field);
}
