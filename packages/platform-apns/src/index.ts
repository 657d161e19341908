// The payload types are written in these; re-exported so callers need not reach into core for them.
export { assertJsonValue, type JsonObject, type JsonValue } from "@nhub/core";
export {
  APNS_MAX_COLLAPSE_ID_BYTES,
  APNS_PUSH_TYPES,
  type ApnsHeaderOptions,
  type ApnsHeaders,
  type ApnsPriority,
  type ApnsPushType,
  inferApnsPushType,
  type ResolvedApnsHeaders,
  resolveApnsHeaders,
} from "./apns-headers";
export {
  APNS_MAX_PAYLOAD_BYTES,
  APNS_MAX_VOIP_PAYLOAD_BYTES,
  APPLE_CONTENT_TYPE,
  APPLE_FORMAT,
  type AppleNotificationOptions,
  createAppleNotification,
  sendAppleNotification,
} from "./apns-notification";
export {
  type ApnsAlert,
  type ApnsInterruptionLevel,
  type ApnsLiveActivityChange,
  type ApnsLiveActivityEvent,
  type ApnsLiveActivityStart,
  type ApnsPayload,
  type ApnsSound,
  type Aps,
  apnsBackgroundPayload,
  apnsLiveActivityPayload,
  apnsPayload,
  assertApnsPayload,
  assertLiveActivityAps,
} from "./apns-payload";
export { applePlatform } from "./apns-platform";
