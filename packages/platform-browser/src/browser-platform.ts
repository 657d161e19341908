import { definePlatform } from "@nhub/core";
import {
  BROWSER_CONTENT_TYPE,
  BROWSER_FORMAT,
  createBrowserNotification,
  sendBrowserNotification,
} from "./browser-notification";
import { BROWSER_MAX_PAYLOAD_BYTES } from "./browser-payload";

/**
 * The browser (Web Push) platform descriptor, for `@nhub/core` and tools such as `@nhub/testkit`'s
 * `testPlatform`: format `browser`, JSON bodies of at most 4096 bytes.
 */
export const browserPlatform = /* @__PURE__ */ definePlatform({
  specificationVersion: 1,
  name: "browser",
  format: BROWSER_FORMAT,
  contentTypes: [BROWSER_CONTENT_TYPE],
  maxBytes: BROWSER_MAX_PAYLOAD_BYTES,
  create: createBrowserNotification,
  send: sendBrowserNotification,
});
