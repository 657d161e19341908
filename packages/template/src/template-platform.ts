import { definePlatform, MAX_REQUEST_BODY_BYTES } from "@nhub/core";
import {
  createTemplateNotification,
  sendTemplateNotification,
  TEMPLATE_CONTENT_TYPE,
  TEMPLATE_FORMAT,
} from "./template-notification";

/**
 * The template platform descriptor, for `@nhub/core` and tools such as `@nhub/testkit`'s `testPlatform`: format
 * `template`, a flat JSON object of string properties, up to the hub's 64 KB. The size error names the field
 * `properties`.
 */
export const templatePlatform = /* @__PURE__ */ definePlatform({
  specificationVersion: 1,
  name: "template",
  format: TEMPLATE_FORMAT,
  contentTypes: [TEMPLATE_CONTENT_TYPE],
  maxBytes: MAX_REQUEST_BODY_BYTES,
  create: createTemplateNotification,
  send: sendTemplateNotification,
});
