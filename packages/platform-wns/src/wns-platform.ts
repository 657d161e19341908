import { definePlatform } from "@nhub/core";
import {
  createWindowsNotification,
  sendWindowsNotification,
  WINDOWS_FORMAT,
  WNS_MAX_PAYLOAD_BYTES,
  WNS_RAW_CONTENT_TYPE,
  WNS_XML_CONTENT_TYPE,
} from "./wns-notification";

/**
 * The WNS platform descriptor, for `@nhub/core` and tools such as `@nhub/testkit`'s `testPlatform`: format
 * `windows`, `application/xml` for toast, tile and badge XML and `application/octet-stream` for raw
 * notifications, at most 5000 bytes.
 */
export const windowsPlatform = /* @__PURE__ */ definePlatform({
  specificationVersion: 1,
  name: "wns",
  format: WINDOWS_FORMAT,
  contentTypes: [WNS_XML_CONTENT_TYPE, WNS_RAW_CONTENT_TYPE],
  maxBytes: WNS_MAX_PAYLOAD_BYTES,
  create: createWindowsNotification,
  send: sendWindowsNotification,
});
