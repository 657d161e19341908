import { definePlatform } from "@nhub/core";
import { ADM_DEFINITION } from "./adm-notification";

/**
 * The ADM (Amazon Device Messaging) platform descriptor, for `@nhub/core` and tools such as `@nhub/testkit`'s
 * `testPlatform` and the `nhub` CLI: name `adm`, format `adm`, JSON bodies of at most 6144 bytes.
 */
export const admPlatform = /* @__PURE__ */ definePlatform(ADM_DEFINITION);
