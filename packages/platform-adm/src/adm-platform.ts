import { definePlatform } from "@nhub/core";
import { ADM_CONTENT_TYPE, ADM_FORMAT, createAdmNotification, sendAdmNotification } from "./adm-notification";
import { ADM_MAX_PAYLOAD_BYTES } from "./adm-payload";

/**
 * The ADM (Amazon Device Messaging) platform descriptor, for `@nhub/core` and tools such as `@nhub/testkit`'s
 * `testPlatform`: format `adm`, JSON bodies of at most 6144 bytes.
 */
export const admPlatform = /* @__PURE__ */ definePlatform({
  specificationVersion: 1,
  name: "adm",
  format: ADM_FORMAT,
  contentTypes: [ADM_CONTENT_TYPE],
  maxBytes: ADM_MAX_PAYLOAD_BYTES,
  create: createAdmNotification,
  send: sendAdmNotification,
});
