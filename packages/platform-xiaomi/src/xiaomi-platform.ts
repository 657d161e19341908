import { definePlatform } from "@nhub/core";
import {
  createXiaomiNotification,
  sendXiaomiNotification,
  XIAOMI_CONTENT_TYPE,
  XIAOMI_FORMAT,
} from "./xiaomi-notification";
import { XIAOMI_MAX_PAYLOAD_BYTES } from "./xiaomi-payload";

/**
 * The Xiaomi platform descriptor: what `@nhub/core` and tools (`@nhub/testkit`'s `testPlatform`) need to know
 * about this package. Format `xiaomi`, JSON bodies of at most 4096 bytes.
 */
export const xiaomiPlatform = /* @__PURE__ */ definePlatform({
  specificationVersion: 1,
  name: "xiaomi",
  format: XIAOMI_FORMAT,
  contentTypes: [XIAOMI_CONTENT_TYPE],
  maxBytes: XIAOMI_MAX_PAYLOAD_BYTES,
  create: createXiaomiNotification,
  send: sendXiaomiNotification,
});
