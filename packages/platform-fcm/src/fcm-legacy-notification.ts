import {
  assertJsonValue,
  assertMaxBytes,
  createNotification,
  definePlatformSend,
  describeValue,
  isPlainObject,
  type Notification,
  optionHeaders,
  quoteExcerpt,
  readJsonObjectPayload,
  ValidationError,
} from "@nhub/core";
import {
  assertFcmData,
  FCM_CONTENT_TYPE,
  FCM_MAX_PAYLOAD_BYTES,
  type FcmNotificationOptions,
} from "./fcm-notification";
import type { FcmLegacyPayload } from "./fcm-payload";

/**
 * The `ServiceBusNotification-Format` of legacy FCM notifications: `gcm`. The service has no `fcm` format,
 * whatever some samples send.
 *
 * @deprecated The legacy FCM API was retired in June 2024; use `FCM_V1_FORMAT`.
 */
export const FCM_LEGACY_FORMAT = "gcm";

/** Longest `time_to_live` of a legacy message: 4 weeks, in seconds. */
const MAX_TIME_TO_LIVE = 2_419_200;
const TARGETS = ["to", "registration_ids", "condition"];

/**
 * Builds a legacy FCM (GCM) notification: format `gcm`, the legacy HTTP body without a target. Data keys must
 * not be reserved (`from`, `message_type`, `google.*`, `gcm.*`); `priority` is `"normal"` or `"high"`;
 * `time_to_live` is 0 to 2 419 200 seconds; the body must fit in 4096 bytes. A string payload is checked and sent
 * as given.
 *
 * @deprecated Google retired the legacy FCM API in June 2024 and the hub can no longer deliver through it. This
 * stays only to help migrate: move to `createFcmV1Notification`, whose error messages say where each legacy
 * field went.
 *
 * @throws {ValidationError} for a target, a v1-shaped body, or a bad field.
 */
export function createFcmLegacyNotification(
  payload: FcmLegacyPayload | string,
  options?: FcmNotificationOptions,
): Notification {
  const headers = optionHeaders(options);
  const { value: parsed, text } = readJsonObjectPayload(payload, "a legacy FCM payload");
  for (const key of TARGETS) {
    if (parsed[key] !== undefined) {
      throw new ValidationError(
        `payload.${key}`,
        "hub-targets",
        `leave ${quoteExcerpt(key)} out: the hub sets the target of each device it sends to; choose devices with tags`,
      );
    }
  }
  if (parsed.message !== undefined) {
    throw new ValidationError(
      "payload.message",
      "fcm-v1-shape",
      "this is an FCM v1 body; send it with createFcmV1Notification",
    );
  }
  assertFcmData(parsed.data, "payload.data", true);
  if (parsed.notification !== undefined && !isPlainObject(parsed.notification)) {
    throw new ValidationError(
      "payload.notification",
      "type",
      `expected an object, not ${describeValue(parsed.notification)}`,
    );
  }
  const priority = parsed.priority;
  if (priority !== undefined && priority !== "normal" && priority !== "high") {
    throw new ValidationError(
      "payload.priority",
      "enum",
      `legacy priority is "normal" or "high", not ${describeValue(priority)}`,
    );
  }
  const ttl = parsed.time_to_live;
  if (
    ttl !== undefined &&
    !(Number.isInteger(ttl) && (ttl as number) >= 0 && (ttl as number) <= MAX_TIME_TO_LIVE)
  ) {
    throw new ValidationError(
      "payload.time_to_live",
      "range",
      `time_to_live is whole seconds from 0 to ${MAX_TIME_TO_LIVE}, not ${describeValue(ttl)}`,
    );
  }
  for (const key of ["collapse_key", "restricted_package_name"]) {
    if (parsed[key] !== undefined && typeof parsed[key] !== "string") {
      throw new ValidationError(
        `payload.${key}`,
        "type",
        `expected a string, not ${describeValue(parsed[key])}`,
      );
    }
  }
  for (const key of ["content_available", "mutable_content", "dry_run"]) {
    if (parsed[key] !== undefined && typeof parsed[key] !== "boolean") {
      throw new ValidationError(
        `payload.${key}`,
        "type",
        `expected true or false, not ${describeValue(parsed[key])}`,
      );
    }
  }
  assertJsonValue(parsed, "payload");
  const body = text ?? JSON.stringify(parsed);
  assertMaxBytes(body, FCM_MAX_PAYLOAD_BYTES, "payload", "the legacy FCM payload");
  return createNotification({ format: FCM_LEGACY_FORMAT, contentType: FCM_CONTENT_TYPE, body, headers });
}

/**
 * Sends a legacy FCM (GCM) notification to the devices matching `tags`, or to all of them when `tags` is left
 * out.
 *
 * @deprecated Google retired the legacy FCM API in June 2024; use `sendFcmNotification` with an FCM v1
 * message. Kept only for migration.
 */
export const sendFcmLegacyNotification = /* @__PURE__ */ definePlatformSend(createFcmLegacyNotification);
