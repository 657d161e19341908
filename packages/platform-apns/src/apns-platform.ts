import { definePlatform } from "@nhub/core";
import {
  APNS_MAX_VOIP_PAYLOAD_BYTES,
  APPLE_CONTENT_TYPE,
  APPLE_FORMAT,
  createAppleNotification,
  sendAppleNotification,
} from "./apns-notification";

/**
 * The APNs platform descriptor, for `@nhub/core` and tools such as `@nhub/testkit`'s `testPlatform`: format
 * `apple`, JSON bodies. `maxBytes` is 5120, the VoIP limit; every other push type stops at 4096, which
 * `createAppleNotification` enforces itself.
 */
export const applePlatform = /* @__PURE__ */ definePlatform({
  specificationVersion: 1,
  name: "apns",
  format: APPLE_FORMAT,
  contentTypes: [APPLE_CONTENT_TYPE],
  maxBytes: APNS_MAX_VOIP_PAYLOAD_BYTES,
  create: createAppleNotification,
  send: sendAppleNotification,
});
