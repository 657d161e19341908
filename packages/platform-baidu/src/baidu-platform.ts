import { definePlatform } from "@nhub/core";
import {
  BAIDU_CONTENT_TYPE,
  BAIDU_FORMAT,
  createBaiduNotification,
  sendBaiduNotification,
} from "./baidu-notification";
import { BAIDU_MAX_PAYLOAD_BYTES } from "./baidu-payload";

/**
 * The Baidu platform descriptor, for `@nhub/core` and tools such as `@nhub/testkit`'s `testPlatform`: format
 * `baidu`, JSON bodies of at most 4096 bytes (the hub's real limit is unverified).
 */
export const baiduPlatform = /* @__PURE__ */ definePlatform({
  specificationVersion: 1,
  name: "baidu",
  format: BAIDU_FORMAT,
  contentTypes: [BAIDU_CONTENT_TYPE],
  maxBytes: BAIDU_MAX_PAYLOAD_BYTES,
  create: createBaiduNotification,
  send: sendBaiduNotification,
});
