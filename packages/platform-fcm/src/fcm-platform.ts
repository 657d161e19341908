import { definePlatform } from "@nhub/core";
import {
  createFcmLegacyNotification,
  FCM_LEGACY_FORMAT,
  sendFcmLegacyNotification,
} from "./fcm-legacy-notification";
import {
  createFcmV1Notification,
  FCM_CONTENT_TYPE,
  FCM_MAX_PAYLOAD_BYTES,
  FCM_V1_FORMAT,
  sendFcmNotification,
} from "./fcm-notification";

/**
 * The FCM v1 platform descriptor, for `@nhub/core` and tools such as `@nhub/testkit`'s `testPlatform`: format
 * `fcmv1`, JSON bodies of at most 4096 bytes.
 */
export const fcmV1Platform = /* @__PURE__ */ definePlatform({
  specificationVersion: 1,
  name: "fcm-v1",
  // The CLI's name for it since the first release.
  aliases: ["fcm"],
  format: FCM_V1_FORMAT,
  contentTypes: [FCM_CONTENT_TYPE],
  maxBytes: FCM_MAX_PAYLOAD_BYTES,
  create: createFcmV1Notification,
  send: sendFcmNotification,
});

/**
 * The legacy FCM platform descriptor: format `gcm`, JSON bodies of at most 4096 bytes.
 *
 * @deprecated Google retired the legacy FCM API in June 2024; use {@link fcmV1Platform}.
 */
export const fcmLegacyPlatform = /* @__PURE__ */ definePlatform({
  specificationVersion: 1,
  name: "fcm-legacy",
  format: FCM_LEGACY_FORMAT,
  contentTypes: [FCM_CONTENT_TYPE],
  maxBytes: FCM_MAX_PAYLOAD_BYTES,
  create: createFcmLegacyNotification,
  send: sendFcmLegacyNotification,
});
