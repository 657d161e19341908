// The payload types are written in these; re-exported so callers need not reach into core for them.
export { assertJsonValue, type JsonObject, type JsonValue } from "@nhub/core";
export {
  createFcmLegacyNotification,
  FCM_LEGACY_FORMAT,
  sendFcmLegacyNotification,
} from "./fcm-legacy-notification";
export {
  assertFcmData,
  assertFcmV1Message,
  createFcmV1Notification,
  FCM_CONTENT_TYPE,
  FCM_MAX_PAYLOAD_BYTES,
  FCM_V1_FORMAT,
  type FcmNotificationOptions,
  isReservedFcmDataKey,
  sendFcmNotification,
  sendFcmV1Notification,
} from "./fcm-notification";
export type {
  AndroidColor,
  AndroidConfig,
  AndroidFcmOptions,
  AndroidLightSettings,
  AndroidMessagePriority,
  AndroidNotification,
  AndroidNotificationPriority,
  AndroidNotificationVisibility,
  FcmApnsConfig,
  FcmApnsFcmOptions,
  FcmDuration,
  FcmLegacyNotificationPayload,
  FcmLegacyPayload,
  FcmNotification,
  FcmOptions,
  FcmV1Envelope,
  FcmV1Message,
  StringMap,
  WebpushConfig,
  WebpushFcmOptions,
} from "./fcm-payload";
export { fcmLegacyPlatform, fcmV1Platform } from "./fcm-platform";
