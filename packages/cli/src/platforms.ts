import type { Notification } from "@nhub/core";
import { admPlatform } from "@nhub/platform-adm";
import { applePlatform } from "@nhub/platform-apns";
import { baiduPlatform } from "@nhub/platform-baidu";
import { browserPlatform } from "@nhub/platform-browser";
import { fcmLegacyPlatform, fcmV1Platform } from "@nhub/platform-fcm";
import { mpnsPlatform } from "@nhub/platform-mpns";
import { windowsPlatform } from "@nhub/platform-wns";
import { xiaomiPlatform } from "@nhub/platform-xiaomi";
import { templatePlatform } from "@nhub/template";

/** What the CLI reads of a platform descriptor: its names, its content types and its `create`. */
interface Descriptor {
  readonly name: string;
  readonly format: string;
  readonly aliases?: readonly string[];
  readonly contentTypes: readonly string[];
  // The payload is parsed user input: each platform checks it at run time, so `never` only hands it over.
  create(payload: never): Notification;
}

// The one list: a platform joins `nhub send` (and its help) by being imported here.
const DESCRIPTORS: readonly Descriptor[] = [
  applePlatform,
  fcmV1Platform,
  fcmLegacyPlatform,
  windowsPlatform,
  mpnsPlatform,
  admPlatform,
  baiduPlatform,
  browserPlatform,
  xiaomiPlatform,
  templatePlatform,
];

/** How the CLI turns payload text into a notification for one platform. */
export interface PlatformEntry {
  /** Whether the payload text is JSON to parse before handing it to the platform package. */
  readonly json: boolean;
  /** The platform package's factory; it validates the payload and throws a ValidationError when it is wrong. */
  readonly create: (payload: unknown) => Notification;
}

/** A platform's name in the CLI: its descriptor's `name`, e.g. `apns`, `fcm-v1`, `xiaomi`. */
export type PlatformName = string;

/** The other names of a descriptor the CLI accepts: its `aliases`, then its format when that differs. */
function otherNames(d: Descriptor): string[] {
  const names = [...(d.aliases ?? [])];
  if (d.format !== d.name && !names.includes(d.format)) names.push(d.format);
  return names;
}

const byName = new Map<string, Descriptor>();
for (const d of DESCRIPTORS) byName.set(d.name, d);
// Primary names first, so an alias can never shadow another platform's own name.
for (const d of DESCRIPTORS) for (const alias of otherNames(d)) if (!byName.has(alias)) byName.set(alias, d);

/** Every name `nhub send` accepts, for help and error text: the descriptors' names, then their other names. */
export const PLATFORM_NAMES: readonly string[] = [
  ...DESCRIPTORS.map((d) => d.name),
  ...DESCRIPTORS.flatMap(otherNames).filter((name) => byName.has(name)),
];

/** The `Platforms:` paragraph of `nhub --help`, one platform a line with the other names it answers to. */
export function platformHelp(): string {
  return DESCRIPTORS.map((d) => {
    const others = otherNames(d).filter((name) => byName.get(name) === d);
    return `  ${d.name}${others.length > 0 ? ` (also ${others.join(", ")})` : ""}`;
  }).join("\n");
}

/** The entry for a platform name, alias or format name, or `undefined` when it is unknown. */
export function platformEntry(name: string): (PlatformEntry & { name: PlatformName }) | undefined {
  const d = byName.get(name);
  if (d === undefined) return undefined;
  return {
    name: d.name,
    // A platform whose usual body is JSON takes the payload as a value, checked the same way as from code.
    json: /json/i.test(d.contentTypes[0] ?? ""),
    create: (payload) => d.create(payload as never),
  };
}
