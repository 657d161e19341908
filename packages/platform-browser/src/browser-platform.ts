import { definePlatform } from "@nhub/core";
import { BROWSER_DEFINITION } from "./browser-notification";

/**
 * The browser (Web Push) platform descriptor, for `@nhub/core` and tools such as `@nhub/testkit`'s
 * `testPlatform` and the `nhub` CLI: name `browser`, format `browser`, JSON bodies of at most 4096 bytes.
 */
export const browserPlatform = /* @__PURE__ */ definePlatform(BROWSER_DEFINITION);
