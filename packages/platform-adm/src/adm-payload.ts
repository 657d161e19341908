/**
 * The ADM message a hub forwards to Amazon Device Messaging, and the checks that run on it before anything is
 * sent. ADM's message schema is closed and well documented, so unknown top-level fields are refused rather than
 * passed through: a misspelt `expireAfter` would otherwise reach Amazon and be rejected there, after the hub
 * has already accepted the send.
 */
import {
  assertJsonObject,
  assertJsonValue,
  describeValue,
  isPlainObject,
  quoteExcerpt,
  ValidationError,
} from "@nhub/core";

/** Largest ADM message Amazon accepts: 6 KB, counted over the whole serialised body in UTF-8. */
export const ADM_MAX_PAYLOAD_BYTES = 6144;

/** Longest time ADM keeps a message for an offline device: 31 days, in seconds. */
export const ADM_MAX_EXPIRES_AFTER = 2_678_400;

/** ADM message priorities. */
export type AdmPriority = "normal" | "high";

/**
 * ADM's `notification` object: shown by the ADM SDK on the device without app code. Every field is optional;
 * nhub checks the type of each field it knows and passes the object through unchanged.
 */
export interface AdmNotificationMessage {
  /** Title of the notification. */
  readonly title?: string;
  /** Text of the notification. */
  readonly body?: string;
  /** Name of a drawable resource in the app to use as the icon. */
  readonly icon?: string;
  /** Icon colour, e.g. `#rrggbb`. */
  readonly color?: string;
  /** Name of a sound resource in the app, or `default`. */
  readonly sound?: string;
  /** Replaces an earlier notification with the same tag in the notification drawer. */
  readonly tag?: string;
  /** Intent action to launch when the user taps the notification. */
  readonly click_action?: string;
  /** Key of a localised string resource to use as the title. */
  readonly title_loc_key?: string;
  /** Format arguments for `title_loc_key`. */
  readonly title_loc_args?: readonly string[];
  /** Key of a localised string resource to use as the body. */
  readonly body_loc_key?: string;
  /** Format arguments for `body_loc_key`. */
  readonly body_loc_args?: readonly string[];
  /** Android notification channel to post to. */
  readonly channel_id?: string;
}

/**
 * An ADM message as the hub forwards it to Amazon. At least one of `data` and `notification` must be present;
 * an empty `data` object with a `consolidationKey` is ADM's documented "sync" message.
 */
export interface AdmPayload {
  /** Key-value pairs delivered to the app. Every value must be a string. */
  readonly data?: Readonly<Record<string, string>>;
  /** A notification the ADM SDK displays for the app. */
  readonly notification?: AdmNotificationMessage;
  /** Delivery priority. */
  readonly priority?: AdmPriority;
  /** Lets ADM drop an earlier undelivered message with the same key in favour of this one. */
  readonly consolidationKey?: string;
  /** How long ADM keeps the message for an offline device, in whole seconds from 1 to 2 678 400 (31 days). */
  readonly expiresAfter?: number;
  /** Base64 of the MD5 digest of `data`, which the device checks on arrival. */
  readonly md5?: string;
}

const TOP_LEVEL_FIELDS = new Set([
  "data",
  "notification",
  "priority",
  "consolidationKey",
  "expiresAfter",
  "md5",
]);
const PRIORITIES: ReadonlySet<string> = new Set<AdmPriority>(["normal", "high"]);
const NOTIFICATION_STRING_FIELDS = [
  "title",
  "body",
  "icon",
  "color",
  "sound",
  "tag",
  "click_action",
  "title_loc_key",
  "body_loc_key",
  "channel_id",
] as const;
const NOTIFICATION_ARRAY_FIELDS = ["title_loc_args", "body_loc_args"] as const;
// An MD5 digest is 16 bytes, which is always 24 base64 characters ending in "==".
const MD5_BASE64 = /^[A-Za-z0-9+/]{21}[AQgw]==$/;

/**
 * Checks an ADM message and names the first thing wrong with it.
 *
 * @param payload the message, typed or parsed from JSON
 * @param field the dotted path to report, `payload` by default
 * @throws {ValidationError} e.g. field `payload.data.<key>` rule `type` for a value that is not a string
 */
export function assertAdmPayload(payload: unknown, field = "payload"): asserts payload is AdmPayload {
  assertJsonObject(payload, field, "an ADM message");
  for (const key of Object.keys(payload)) {
    if (payload[key] !== undefined && !TOP_LEVEL_FIELDS.has(key)) {
      throw new ValidationError(
        `${field}.${key}`,
        "unknown-field",
        `${quoteExcerpt(key)} is not an ADM message field (data, notification, priority, consolidationKey, expiresAfter, md5)`,
      );
    }
  }
  const { data, notification, priority, consolidationKey, expiresAfter, md5 } = payload;
  if (data === undefined && notification === undefined) {
    throw new ValidationError(field, "required", "an ADM message needs `data`, `notification` or both");
  }
  if (data !== undefined) assertData(data, `${field}.data`);
  if (notification !== undefined) assertNotificationMessage(notification, `${field}.notification`);
  if (priority !== undefined && (typeof priority !== "string" || !PRIORITIES.has(priority))) {
    throw new ValidationError(
      `${field}.priority`,
      "enum",
      `priority must be "normal" or "high", got ${describeValue(priority)}`,
    );
  }
  if (consolidationKey !== undefined && typeof consolidationKey !== "string") {
    throw new ValidationError(
      `${field}.consolidationKey`,
      "type",
      `consolidationKey must be a string, got ${describeValue(consolidationKey)}`,
    );
  }
  if (expiresAfter !== undefined) {
    if (typeof expiresAfter !== "number" || !Number.isInteger(expiresAfter)) {
      throw new ValidationError(
        `${field}.expiresAfter`,
        "integer",
        `expiresAfter must be a whole number of seconds, got ${describeValue(expiresAfter)}`,
      );
    }
    if (expiresAfter < 1 || expiresAfter > ADM_MAX_EXPIRES_AFTER) {
      throw new ValidationError(
        `${field}.expiresAfter`,
        "range",
        `expiresAfter must be between 1 and ${ADM_MAX_EXPIRES_AFTER} seconds (31 days), got ${expiresAfter}`,
      );
    }
  }
  if (md5 !== undefined && (typeof md5 !== "string" || !MD5_BASE64.test(md5))) {
    throw new ValidationError(
      `${field}.md5`,
      "base64-md5",
      "md5 must be the base64 of a 16-byte MD5 digest (24 characters ending in ==)",
    );
  }
}

function assertData(data: unknown, field: string): void {
  if (!isPlainObject(data)) {
    throw new ValidationError(
      field,
      "type",
      `data must be an object of string values, got ${describeValue(data)}`,
    );
  }
  for (const key of Object.keys(data)) {
    const value = data[key];
    if (typeof value !== "string") {
      throw new ValidationError(
        `${field}.${key}`,
        "type",
        `ADM data values must be strings, got ${describeValue(value)}`,
      );
    }
  }
}

function assertNotificationMessage(notification: unknown, field: string): void {
  if (!isPlainObject(notification)) {
    throw new ValidationError(
      field,
      "type",
      `notification must be an object, got ${describeValue(notification)}`,
    );
  }
  for (const key of NOTIFICATION_STRING_FIELDS) {
    const value = notification[key];
    if (value !== undefined && typeof value !== "string") {
      throw new ValidationError(
        `${field}.${key}`,
        "type",
        `${key} must be a string, got ${describeValue(value)}`,
      );
    }
  }
  for (const key of NOTIFICATION_ARRAY_FIELDS) {
    const value = notification[key];
    if (value === undefined) continue;
    if (!Array.isArray(value)) {
      throw new ValidationError(
        `${field}.${key}`,
        "type",
        `${key} must be an array of strings, got ${describeValue(value)}`,
      );
    }
    value.forEach((item: unknown, i) => {
      if (typeof item !== "string") {
        throw new ValidationError(
          `${field}.${key}.${i}`,
          "type",
          `${key} items must be strings, got ${describeValue(item)}`,
        );
      }
    });
  }
  // Fields nhub does not type still have to survive JSON.stringify unchanged.
  for (const key of Object.keys(notification)) {
    const value = notification[key];
    if (value !== undefined) assertJsonValue(value, `${field}.${key}`);
  }
}
