import type { Notification } from "@nhub/core";
import { createAdmNotification } from "@nhub/platform-adm";
import { createAppleNotification } from "@nhub/platform-apns";
import { createBaiduNotification } from "@nhub/platform-baidu";
import { createFcmLegacyNotification, createFcmV1Notification } from "@nhub/platform-fcm";
import { createMpnsNotification } from "@nhub/platform-mpns";
import { createWindowsNotification } from "@nhub/platform-wns";
import { createTemplateNotification } from "@nhub/template";

/** How the CLI turns payload text into a notification for one platform. */
export interface PlatformEntry {
  /** Whether the payload text is JSON to parse before handing it to the platform package. */
  readonly json: boolean;
  /** The platform package's factory; it validates the payload and throws a ValidationError when it is wrong. */
  readonly create: (payload: unknown) => Notification;
}

// The payload is parsed user input: each platform package checks it at run time, so the casts only hand the
// value over, they do not vouch for it.
const entries = {
  apns: {
    json: true,
    create: (p) => createAppleNotification(p as Parameters<typeof createAppleNotification>[0]),
  },
  fcm: {
    json: true,
    create: (p) => createFcmV1Notification(p as Parameters<typeof createFcmV1Notification>[0]),
  },
  "fcm-legacy": {
    json: true,
    create: (p) => createFcmLegacyNotification(p as Parameters<typeof createFcmLegacyNotification>[0]),
  },
  wns: { json: false, create: (p) => createWindowsNotification(p as string) },
  mpns: { json: false, create: (p) => createMpnsNotification(p as string) },
  adm: { json: true, create: (p) => createAdmNotification(p as Parameters<typeof createAdmNotification>[0]) },
  baidu: {
    json: true,
    create: (p) => createBaiduNotification(p as Parameters<typeof createBaiduNotification>[0]),
  },
  template: {
    json: true,
    create: (p) => createTemplateNotification(p as Parameters<typeof createTemplateNotification>[0]),
  },
} satisfies Record<PlatformName, PlatformEntry>;

/** The CLI's platform names. */
export type PlatformName = "apns" | "fcm" | "fcm-legacy" | "wns" | "mpns" | "adm" | "baidu" | "template";

/** The service's format names, accepted as aliases. */
const aliases: Record<string, PlatformName> = {
  apple: "apns",
  fcmv1: "fcm",
  gcm: "fcm-legacy",
  windows: "wns",
  windowsphone: "mpns",
};

/** Every name `nhub send` accepts, for help and error text. */
export const PLATFORM_NAMES: readonly string[] = [...Object.keys(entries), ...Object.keys(aliases)];

/** The entry for a platform or format name, or `undefined` when it is unknown. */
export function platformEntry(name: string): (PlatformEntry & { name: PlatformName }) | undefined {
  const key = (name in entries ? name : aliases[name]) as PlatformName | undefined;
  return key ? { ...entries[key], name: key } : undefined;
}
