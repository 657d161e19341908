import {
  assertJsonValue,
  assertMaxBytes,
  createNotification,
  definePlatformSend,
  describeValue,
  isPlainObject,
  type JsonPlatformOptions,
  type Notification,
  optionHeaders,
  quoteExcerpt,
  readJsonObjectPayload,
  ValidationError,
} from "@nhub/core";
import type { FcmV1Envelope, FcmV1Message } from "./fcm-payload";

/**
 * Options of {@link createFcmV1Notification} and {@link sendFcmNotification}: `headers`, extra headers sent with
 * the notification. FCM defines none the hub reads; reserved headers (`Authorization`, `Content-Type`,
 * `ServiceBusNotification-*`) are refused.
 */
export type FcmNotificationOptions = JsonPlatformOptions;

/** The `ServiceBusNotification-Format` of FCM v1 notifications. */
export const FCM_V1_FORMAT = "fcmv1";

/** The `Content-Type` of FCM notifications. */
export const FCM_CONTENT_TYPE = "application/json;charset=utf-8";

/** Largest FCM request body nhub sends, in UTF-8 bytes (the whole body, envelope included). */
export const FCM_MAX_PAYLOAD_BYTES = 4096;

const TARGETS = ["token", "topic", "condition"];
const MESSAGE_FIELDS = new Set([
  "data",
  "notification",
  "android",
  "webpush",
  "apns",
  "fcm_options",
  "fcmOptions",
]);
// Where legacy fields went in v1, for the error message of someone migrating.
const LEGACY_HINTS: Readonly<Record<string, string>> = {
  to: "the hub targets devices; use tags",
  registration_ids: "the hub targets devices; use tags",
  priority: 'use android.priority ("HIGH" or "NORMAL") and apns.headers["apns-priority"]',
  time_to_live: 'use android.ttl (a duration such as "3600s")',
  collapse_key: "use android.collapse_key",
  restricted_package_name: "use android.restricted_package_name",
  content_available: 'use apns.payload: { aps: { "content-available": 1 } }',
  mutable_content: 'use apns.payload: { aps: { "mutable-content": 1 } }',
  dry_run: "the hub has no dry run; send to a test tag instead",
};
const DURATION_PATTERN = /^\d+(\.\d{1,9})?s$/;
const ANALYTICS_LABEL_PATTERN = /^[a-zA-Z0-9-_.~%]{1,50}$/;
const COLOR_PATTERN = /^#[0-9a-fA-F]{6}$/;
const RFC3339_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/i;
const ANDROID_PRIORITIES = ["NORMAL", "HIGH"];
const NOTIFICATION_PRIORITIES = [
  "PRIORITY_UNSPECIFIED",
  "PRIORITY_MIN",
  "PRIORITY_LOW",
  "PRIORITY_DEFAULT",
  "PRIORITY_HIGH",
  "PRIORITY_MAX",
];
const VISIBILITIES = ["VISIBILITY_UNSPECIFIED", "PRIVATE", "PUBLIC", "SECRET"];
const ANDROID_NOTIFICATION_STRINGS = [
  "title",
  "body",
  "icon",
  "sound",
  "tag",
  "click_action",
  "body_loc_key",
  "title_loc_key",
  "channel_id",
  "ticker",
  "image",
];
const ANDROID_NOTIFICATION_BOOLEANS = [
  "sticky",
  "local_only",
  "default_sound",
  "default_vibrate_timings",
  "default_light_settings",
];

/**
 * Whether FCM reserves a data key: `from`, `message_type`, and keys starting with `google.` or `gcm.`.
 */
export function isReservedFcmDataKey(key: string): boolean {
  return key === "from" || key === "message_type" || key.startsWith("google.") || key.startsWith("gcm.");
}

/**
 * Checks an FCM data map: an object whose keys are not reserved (see {@link isReservedFcmDataKey}) and, unless
 * `anyJson` is set (legacy bodies), whose values are strings.
 *
 * @throws {ValidationError} naming `<field>.<key>` with rule `reserved-key` or `type`.
 */
export function assertFcmData(data: unknown, field: string, anyJson = false): void {
  if (data === undefined) return;
  if (!isPlainObject(data)) {
    throw new ValidationError(field, "type", `"data" is an object of strings, not ${describeValue(data)}`);
  }
  for (const key of Object.keys(data)) {
    if (isReservedFcmDataKey(key)) {
      throw new ValidationError(
        `${field}.${key}`,
        "reserved-key",
        `${quoteExcerpt(key)} is reserved by FCM (from, message_type, google.*, gcm.*); rename the key`,
      );
    }
    const value = data[key];
    if (!anyJson && value !== undefined && typeof value !== "string") {
      throw new ValidationError(
        `${field}.${key}`,
        "type",
        `FCM data values must be strings, not ${describeValue(value)}; convert with String() or JSON.stringify()`,
      );
    }
  }
}

/**
 * Checks an FCM v1 `Message` before it is sent: no target (`token`, `topic`, `condition`), only v1 top-level
 * fields, string-valued data maps without reserved keys, durations such as `"3.5s"`, enum strings,
 * `#rrggbb` colours, RFC 3339 times, analytics labels and HTTPS links. Fields below the top level that nhub does
 * not know pass through unchecked, so newer FCM fields stay usable.
 *
 * @throws {ValidationError} naming the field, e.g. `payload.message.data.count` with rule `type`.
 */
export function assertFcmV1Message(
  message: unknown,
  field = "payload.message",
): asserts message is FcmV1Message {
  if (!isPlainObject(message)) {
    throw new ValidationError(field, "type", `an FCM v1 message is an object, not ${describeValue(message)}`);
  }
  for (const key of TARGETS) {
    if (message[key] !== undefined) {
      throw new ValidationError(
        `${field}.${key}`,
        "hub-targets",
        `leave ${quoteExcerpt(key)} out: the hub sets the target of each device it sends to; choose devices with tags`,
      );
    }
  }
  for (const key of Object.keys(message)) {
    if (!MESSAGE_FIELDS.has(key) && !TARGETS.includes(key) && message[key] !== undefined) {
      const hint = LEGACY_HINTS[key];
      throw new ValidationError(
        `${field}.${key}`,
        "unknown-field",
        `${quoteExcerpt(key)} is not a field of an FCM v1 Message${hint ? ` (${hint})` : ""}; FCM would reject the message`,
      );
    }
  }
  assertFcmData(message.data, `${field}.data`);
  const notification = optionalObject(message.notification, `${field}.notification`);
  if (notification)
    for (const key of ["title", "body", "image"])
      assertString(notification[key], `${field}.notification.${key}`);
  const android = optionalObject(message.android, `${field}.android`);
  if (android) assertAndroidConfig(android, `${field}.android`);
  const webpush = optionalObject(message.webpush, `${field}.webpush`);
  if (webpush) assertWebpushConfig(webpush, `${field}.webpush`);
  const apns = optionalObject(message.apns, `${field}.apns`);
  if (apns) {
    assertStringMap(apns.headers, `${field}.apns.headers`);
    optionalObject(apns.payload, `${field}.apns.payload`);
    const options = optionalObject(apns.fcm_options, `${field}.apns.fcm_options`);
    if (options) {
      assertAnalyticsLabel(options.analytics_label, `${field}.apns.fcm_options.analytics_label`);
      assertString(options.image, `${field}.apns.fcm_options.image`);
    }
  }
  if (message.fcm_options !== undefined && message.fcmOptions !== undefined) {
    throw new ValidationError(
      `${field}.fcmOptions`,
      "duplicate",
      "fcm_options and fcmOptions are the same field; give it once",
    );
  }
  const options = optionalObject(message.fcm_options ?? message.fcmOptions, `${field}.fcm_options`);
  if (options) assertAnalyticsLabel(options.analytics_label, `${field}.fcm_options.analytics_label`);
  // Last, so a field's own rule (data values are strings) is reported before the generic JSON one.
  assertJsonValue(message, field);
}

function assertAndroidConfig(android: Record<string, unknown>, field: string): void {
  assertString(android.collapse_key, `${field}.collapse_key`);
  assertEnum(android.priority, ANDROID_PRIORITIES, `${field}.priority`);
  assertDuration(android.ttl, `${field}.ttl`);
  assertString(android.restricted_package_name, `${field}.restricted_package_name`);
  assertFcmData(android.data, `${field}.data`);
  assertBoolean(android.direct_boot_ok, `${field}.direct_boot_ok`);
  const options = optionalObject(android.fcm_options, `${field}.fcm_options`);
  if (options) assertAnalyticsLabel(options.analytics_label, `${field}.fcm_options.analytics_label`);
  const n = optionalObject(android.notification, `${field}.notification`);
  if (!n) return;
  const at = `${field}.notification`;
  for (const key of ANDROID_NOTIFICATION_STRINGS) assertString(n[key], `${at}.${key}`);
  for (const key of ANDROID_NOTIFICATION_BOOLEANS) assertBoolean(n[key], `${at}.${key}`);
  for (const key of ["body_loc_args", "title_loc_args"]) assertArray(n[key], `${at}.${key}`, assertString);
  assertArray(n.vibrate_timings, `${at}.vibrate_timings`, assertDuration);
  assertString(n.color, `${at}.color`);
  if (typeof n.color === "string" && !COLOR_PATTERN.test(n.color)) {
    throw new ValidationError(`${at}.color`, "color", `${quoteExcerpt(n.color)} is not a #rrggbb colour`);
  }
  assertString(n.event_time, `${at}.event_time`);
  if (typeof n.event_time === "string" && !RFC3339_PATTERN.test(n.event_time)) {
    throw new ValidationError(
      `${at}.event_time`,
      "rfc3339",
      `${quoteExcerpt(n.event_time)} is not an RFC 3339 time such as 2026-01-31T12:00:00Z`,
    );
  }
  assertEnum(n.notification_priority, NOTIFICATION_PRIORITIES, `${at}.notification_priority`);
  assertEnum(n.visibility, VISIBILITIES, `${at}.visibility`);
  const count = n.notification_count;
  if (
    count !== undefined &&
    !(Number.isInteger(count) && (count as number) >= 0 && (count as number) <= 2 ** 31 - 1)
  ) {
    throw new ValidationError(
      `${at}.notification_count`,
      "non-negative-integer",
      `expected a whole number >= 0, not ${describeValue(count)}`,
    );
  }
  const light = optionalObject(n.light_settings, `${at}.light_settings`);
  if (light) {
    const color = optionalObject(light.color, `${at}.light_settings.color`);
    if (!color) {
      throw new ValidationError(`${at}.light_settings.color`, "required", "light settings need a color");
    }
    for (const channel of ["red", "green", "blue", "alpha"]) {
      const v = color[channel];
      if (v !== undefined && !(typeof v === "number" && v >= 0 && v <= 1)) {
        throw new ValidationError(
          `${at}.light_settings.color.${channel}`,
          "range",
          `colour channels are numbers from 0 to 1, not ${describeValue(v)}`,
        );
      }
    }
    for (const key of ["light_on_duration", "light_off_duration"]) {
      if (light[key] === undefined) {
        throw new ValidationError(`${at}.light_settings.${key}`, "required", `light settings need ${key}`);
      }
      assertDuration(light[key], `${at}.light_settings.${key}`);
    }
  }
}

function assertWebpushConfig(webpush: Record<string, unknown>, field: string): void {
  assertStringMap(webpush.headers, `${field}.headers`);
  assertStringMap(webpush.data, `${field}.data`);
  optionalObject(webpush.notification, `${field}.notification`);
  const options = optionalObject(webpush.fcm_options, `${field}.fcm_options`);
  if (!options) return;
  assertAnalyticsLabel(options.analytics_label, `${field}.fcm_options.analytics_label`);
  assertString(options.link, `${field}.fcm_options.link`);
  if (typeof options.link === "string" && !options.link.toLowerCase().startsWith("https://")) {
    throw new ValidationError(`${field}.fcm_options.link`, "https", "FCM requires an https:// link");
  }
}

function optionalObject(value: unknown, field: string): Record<string, unknown> | undefined {
  if (value === undefined) return undefined;
  if (!isPlainObject(value)) {
    throw new ValidationError(field, "type", `expected an object, not ${describeValue(value)}`);
  }
  return value;
}

function assertString(value: unknown, field: string): void {
  if (value !== undefined && typeof value !== "string") {
    throw new ValidationError(field, "type", `expected a string, not ${describeValue(value)}`);
  }
}

function assertBoolean(value: unknown, field: string): void {
  if (value !== undefined && typeof value !== "boolean") {
    throw new ValidationError(field, "type", `expected true or false, not ${describeValue(value)}`);
  }
}

function assertArray(value: unknown, field: string, item: (value: unknown, field: string) => void): void {
  if (value === undefined) return;
  if (!Array.isArray(value)) {
    throw new ValidationError(field, "type", `expected an array, not ${describeValue(value)}`);
  }
  for (let i = 0; i < value.length; i++) {
    if (value[i] === undefined) {
      throw new ValidationError(`${field}.${i}`, "type", "expected a value, not undefined");
    }
    item(value[i], `${field}.${i}`);
  }
}

function assertStringMap(value: unknown, field: string): void {
  const map = optionalObject(value, field);
  if (map) for (const key of Object.keys(map)) assertString(map[key], `${field}.${key}`);
}

function assertEnum(value: unknown, allowed: readonly string[], field: string): void {
  if (value !== undefined && !(typeof value === "string" && allowed.includes(value))) {
    throw new ValidationError(
      field,
      "enum",
      `expected one of ${allowed.map((v) => `"${v}"`).join(", ")}, not ${describeValue(value)}`,
    );
  }
}

function assertDuration(value: unknown, field: string): void {
  if (value !== undefined && !(typeof value === "string" && DURATION_PATTERN.test(value))) {
    const hint = typeof value === "number" ? ` (write "${value}s")` : "";
    throw new ValidationError(
      field,
      "duration",
      `expected a duration such as "3.5s", not ${describeValue(value)}${hint}`,
    );
  }
}

function assertAnalyticsLabel(value: unknown, field: string): void {
  if (value !== undefined && !(typeof value === "string" && ANALYTICS_LABEL_PATTERN.test(value))) {
    throw new ValidationError(
      field,
      "analytics-label",
      `an analytics label is 1-50 of A-Z a-z 0-9 - _ . ~ %, not ${describeValue(value)}`,
    );
  }
}

/**
 * Builds an FCM v1 notification (format `fcmv1`). The body is `{"message": Message}`: a bare `Message` is
 * wrapped, an envelope `{ message }` is kept. A string payload is parsed to check it and then sent as given
 * (wrapped in the envelope when it is a bare message). The whole body must fit in 4096 bytes.
 *
 * @example
 * createFcmV1Notification({ data: { msg: "Hello!" } }).body; // '{"message":{"data":{"msg":"Hello!"}}}'
 *
 * @throws {ValidationError} for a target, a non-string data value, a reserved data key, a bad duration or enum,
 * or an oversized body.
 */
export function createFcmV1Notification(
  payload: FcmV1Message | FcmV1Envelope | string,
  options?: FcmNotificationOptions,
): Notification {
  const headers = optionHeaders(options);
  const { value: parsed, text } = readJsonObjectPayload(
    payload,
    "an FCM v1 payload (a Message or { message })",
  );
  let body: string;
  if (Object.hasOwn(parsed, "message")) {
    for (const key of Object.keys(parsed)) {
      if (key !== "message" && parsed[key] !== undefined) {
        throw new ValidationError(
          `payload.${key}`,
          "envelope",
          `only "message" goes in the envelope; move ${quoteExcerpt(key)} into the message or drop it`,
        );
      }
    }
    assertFcmV1Message(parsed.message);
    body = text ?? JSON.stringify({ message: parsed.message });
  } else {
    assertFcmV1Message(parsed);
    body = text === undefined ? JSON.stringify({ message: parsed }) : `{"message":${text}}`;
  }
  assertMaxBytes(body, FCM_MAX_PAYLOAD_BYTES, "payload", "the FCM v1 request body");
  return createNotification({ format: FCM_V1_FORMAT, contentType: FCM_CONTENT_TYPE, body, headers });
}

/**
 * Sends an FCM v1 notification: `sendFcmNotification(hub, payload, tags?, options?)` is
 * `hub.send(createFcmV1Notification(payload, options), { tags })`. It reaches the Android (and FCM) devices
 * matching `tags` (a tag expression, a set of tags sent to anyone with any of them, or an `and`/`or`/`not` tree),
 * or all of them when `tags` is left out. Nothing is sent when the payload is refused; the promise rejects with the
 * {@link ValidationError}. Also exported as {@link sendFcmV1Notification}, the name that pairs with
 * `createFcmV1Notification`.
 *
 * @example
 * await sendFcmNotification(hub, { data: { msg: "Hello!" } }, "sports");
 */
export const sendFcmNotification = /* @__PURE__ */ definePlatformSend(createFcmV1Notification);

/**
 * `sendFcmV1Notification(hub, payload, tags?, options?)`: the same function as {@link sendFcmNotification}, under
 * the name that pairs with {@link createFcmV1Notification}.
 *
 * @example
 * await sendFcmV1Notification(hub, { notification: { title: "Hello" } }, and("sports", "fr"));
 */
export const sendFcmV1Notification: typeof sendFcmNotification = sendFcmNotification;
