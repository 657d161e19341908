/**
 * The Baidu Cloud Push messages a hub forwards, and the checks that run on them before anything is sent.
 * Baidu Push is legacy and its schema was never pinned down for Notification Hubs, so nhub checks the types
 * of the fields it knows and lets other fields through as long as they are plain JSON.
 */
import {
  assertJsonObject,
  assertJsonValue,
  describeValue,
  isPlainObject,
  type JsonObject,
  type JsonValue,
  ValidationError,
} from "@nhub/core";

/**
 * Largest Baidu message nhub sends: 4096 bytes of UTF-8. The service's real limit is unverified; 4 KB is the
 * smaller of the figures seen, so nothing nhub accepts is refused for size downstream.
 */
export const BAIDU_MAX_PAYLOAD_BYTES = 4096;

/**
 * A JSON value: what may appear in `custom_content` and in the custom keys of an iOS message. The same type as
 * core's `JsonValue`, kept under this name so code written against it keeps compiling.
 */
export type BaiduJsonValue = JsonValue;

/** A Baidu message for Android devices. */
export type BaiduAndroidMessage = {
  /** Notification title; Baidu shows the app name when it is absent. */
  readonly title?: string;
  /** Notification text. */
  readonly description?: string;
  /** Id of a notification style the app registered with the Baidu SDK (0 = the basic style). */
  readonly notification_builder_id?: number;
  /** Flags of the basic style, 0 to 7: 1 = clearable, 2 = vibrate, 4 = ring. */
  readonly notification_basic_style?: number;
  /** What a tap does, e.g. 1 = open `url`, 2 = run `pkg_content`. */
  readonly open_type?: number;
  /** The page to open when `open_type` is 1. */
  readonly url?: string;
  /** The intent URI to run when `open_type` is 2. */
  readonly pkg_content?: string;
  /** Custom key-value pairs handed to the app. */
  readonly custom_content?: JsonObject;
  /** Absent: a message with `aps` is an iOS message. */
  readonly aps?: never;
};

/** The `aps` dictionary of a Baidu message for iOS devices, as APNs defines it. */
export type BaiduAps = {
  /** Alert text, or an alert dictionary (`title`, `body`, `loc-key`, ...). */
  readonly alert?: string | JsonObject;
  /** Badge number; 0 removes the badge. */
  readonly badge?: number;
  /** Sound file name, or `default`. */
  readonly sound?: string;
  /** 1 wakes the app in the background. */
  readonly "content-available"?: 0 | 1;
  /** Further APNs keys. */
  readonly [key: string]: JsonValue | undefined;
};

/** A Baidu message for iOS devices: an APNs-style `aps` dictionary plus custom top-level keys. */
export type BaiduIosMessage = {
  /** The APNs dictionary. */
  readonly aps: BaiduAps;
  /** Custom keys handed to the app. */
  readonly [key: string]: JsonValue | BaiduAps | undefined;
};

/** A Baidu message: the Android shape, or the iOS shape when it has `aps`. */
export type BaiduPayload = BaiduAndroidMessage | BaiduIosMessage;

const ANDROID_STRING_FIELDS = ["title", "description", "url", "pkg_content"] as const;
const ANDROID_INTEGER_FIELDS = ["notification_builder_id", "open_type"] as const;

/**
 * Checks a Baidu message and names the first thing wrong with it. A message with an `aps` key is checked as
 * an iOS message, any other as an Android message; neither may be empty.
 *
 * @param payload the message
 * @param field the dotted path to report, `payload` by default
 * @throws {ValidationError} e.g. field `payload.notification_basic_style` rule `range`
 */
export function assertBaiduPayload(payload: unknown, field = "payload"): asserts payload is BaiduPayload {
  assertJsonObject(payload, field, "a Baidu message");
  if (!Object.keys(payload).some((key) => payload[key] !== undefined)) {
    throw new ValidationError(field, "required", "a Baidu message needs at least one field");
  }
  if (payload["aps"] !== undefined) assertIos(payload, field);
  else assertAndroid(payload, field);
  // An undefined field is dropped by JSON.stringify, like an optional property left out.
  for (const key of Object.keys(payload)) {
    const value = payload[key];
    if (value !== undefined) assertJsonValue(value, `${field}.${key}`);
  }
}

function assertAndroid(message: Record<string, unknown>, field: string): void {
  for (const key of ANDROID_STRING_FIELDS) {
    const value = message[key];
    if (value !== undefined && typeof value !== "string") {
      throw new ValidationError(
        `${field}.${key}`,
        "type",
        `${key} must be a string, got ${describeValue(value)}`,
      );
    }
  }
  for (const key of ANDROID_INTEGER_FIELDS) assertNonNegativeInteger(message[key], `${field}.${key}`);
  const style = message["notification_basic_style"];
  assertNonNegativeInteger(style, `${field}.notification_basic_style`);
  if (typeof style === "number" && style > 7) {
    throw new ValidationError(
      `${field}.notification_basic_style`,
      "range",
      `notification_basic_style is a set of flags from 0 to 7 (1 clearable, 2 vibrate, 4 ring), got ${style}`,
    );
  }
  const custom = message["custom_content"];
  if (custom !== undefined && !isPlainObject(custom)) {
    throw new ValidationError(
      `${field}.custom_content`,
      "type",
      `custom_content must be an object, got ${describeValue(custom)}`,
    );
  }
}

function assertIos(message: Record<string, unknown>, field: string): void {
  const aps = message["aps"];
  if (!isPlainObject(aps)) {
    throw new ValidationError(`${field}.aps`, "type", `aps must be an object, got ${describeValue(aps)}`);
  }
  const { alert, badge, sound } = aps;
  if (alert !== undefined && typeof alert !== "string" && !isPlainObject(alert)) {
    throw new ValidationError(
      `${field}.aps.alert`,
      "type",
      `alert must be a string or an object, got ${describeValue(alert)}`,
    );
  }
  assertNonNegativeInteger(badge, `${field}.aps.badge`);
  if (sound !== undefined && typeof sound !== "string") {
    throw new ValidationError(
      `${field}.aps.sound`,
      "type",
      `sound must be a string, got ${describeValue(sound)}`,
    );
  }
  const available = aps["content-available"];
  if (available !== undefined && available !== 0 && available !== 1) {
    throw new ValidationError(
      `${field}.aps.content-available`,
      "enum",
      `content-available must be 0 or 1, got ${describeValue(available)}`,
    );
  }
}

function assertNonNegativeInteger(value: unknown, field: string): void {
  if (value === undefined) return;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
    throw new ValidationError(
      field,
      "integer",
      `expected a whole number of 0 or more, got ${describeValue(value)}`,
    );
  }
}
