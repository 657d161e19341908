import { definePlatform } from "@nhub/core";
import {
  createMpnsNotification,
  MPNS_CONTENT_TYPE,
  MPNS_MAX_PAYLOAD_BYTES,
  sendMpnsNotification,
  WINDOWS_PHONE_FORMAT,
} from "./mpns-notification";

/**
 * The MPNS platform descriptor, for `@nhub/core` and tools such as `@nhub/testkit`'s `testPlatform`: format
 * `windowsphone`, XML bodies of at most 3072 bytes (raw notifications stop at 1024, which
 * `createMpnsNotification` enforces itself).
 *
 * @deprecated Microsoft retired MPNS; this package is kept only to migrate old back ends. Use `@nhub/platform-wns`.
 */
export const mpnsPlatform = /* @__PURE__ */ definePlatform({
  specificationVersion: 1,
  name: "mpns",
  format: WINDOWS_PHONE_FORMAT,
  contentTypes: [MPNS_CONTENT_TYPE],
  maxBytes: MPNS_MAX_PAYLOAD_BYTES,
  create: createMpnsNotification,
  send: sendMpnsNotification,
});
