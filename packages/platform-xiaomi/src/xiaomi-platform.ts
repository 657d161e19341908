import { definePlatform } from "@nhub/core";
import { XIAOMI_DEFINITION } from "./xiaomi-notification";

/**
 * The Xiaomi platform descriptor: what `@nhub/core` and tools (`@nhub/testkit`'s `testPlatform`, the `nhub` CLI)
 * need to know about this package. Name `xiaomi`, format `xiaomi`, JSON bodies of at most 4096 bytes.
 */
export const xiaomiPlatform = /* @__PURE__ */ definePlatform(XIAOMI_DEFINITION);
