import type { Notification } from "@nhub/core";
import { PLATFORM_DESCRIPTORS } from "@nhub/emulator";
import { templatePlatform } from "@nhub/template";

/** What the CLI reads of a platform descriptor: its names, its content types and its `create`. */
interface Descriptor {
  readonly name: string;
  readonly format: string;
  readonly aliases?: readonly string[];
  readonly contentTypes: readonly string[];
  readonly maxBytes: number;
  // The payload and headers are user input: each platform checks them at run time, so `never` only hands them over.
  create(payload: never, options?: never): Notification;
}

// The platform packages' descriptors are the emulator's list (one list for both): a platform joins `nhub send`
// (and its help) by joining PLATFORM_DESCRIPTORS. Templates are a send format of the CLI's, not of the emulator's.
const DESCRIPTORS: readonly Descriptor[] = [...PLATFORM_DESCRIPTORS, templatePlatform];

/** How the CLI turns payload text into a notification for one platform. */
export interface PlatformEntry {
  /** Whether the payload text is JSON to parse before handing it to the platform package. */
  readonly json: boolean;
  /**
   * The platform package's factory with its create options' `headers`, so the platform's own header rules apply:
   * it validates the payload and headers and throws a ValidationError naming the rule when one is wrong.
   */
  readonly create: (payload: unknown, headers?: Readonly<Record<string, string>>) => Notification;
}

/** What `nhub send <platform> --help` says of a platform: its payload, its headers and an example. */
interface Guide {
  readonly payload: string;
  readonly headers: string;
  readonly example: string;
}

// Help text only: the rules themselves live in (and are enforced by) each platform package.
const GUIDES: Readonly<Record<string, Guide>> = {
  apns: {
    payload: 'JSON with an "aps" dictionary (Apple\'s payload), at most 4096 bytes (5120 for voip)',
    headers:
      "apns-push-type (inferred from aps: alert, background, liveactivity; voip needs a voip payload), " +
      "apns-priority (10, 5 or 1), apns-expiration (Unix seconds), apns-collapse-id (1 to 64 bytes), " +
      "apns-topic, apns-id (a UUID), ServiceBusNotification-Apns-Expiry (a W3C date)",
    example: `nhub send apns --payload '{"aps":{"alert":"Goal!"}}' --tags sports --header 'apns-collapse-id: score'`,
  },
  "fcm-v1": {
    payload: 'JSON: an FCM v1 message {"message":{...}} or its body {"notification":{...},"data":{...}}',
    headers: "none of its own; other headers pass through (reserved ServiceBusNotification-* are refused)",
    example: `nhub send fcm --payload '{"message":{"notification":{"title":"Hi","body":"Goal!"}}}' --tag sports`,
  },
  "fcm-legacy": {
    payload:
      'JSON: a legacy FCM (GCM) message {"notification":{...},"data":{...}}, without "to" or "registration_ids"',
    headers: "none of its own; other headers pass through",
    example: `nhub send fcm-legacy --payload '{"data":{"msg":"Goal!"}}' --tag sports`,
  },
  wns: {
    payload:
      "XML: <toast>, <tile> or <badge> (X-WNS-Type follows from it); raw notifications need X-WNS-Type: wns/raw",
    headers:
      "X-WNS-Type, X-WNS-Cache-Policy (cache, no-cache), X-WNS-TTL (seconds), X-WNS-Tag and X-WNS-Group " +
      "(up to 16 letters and digits), X-WNS-RequestForStatus, X-WNS-PRIORITY (1 to 4)",
    example: `nhub send wns --payload @toast.xml --header 'X-WNS-Tag: score'`,
  },
  mpns: {
    payload: "XML: a Windows Phone <wp:Notification> toast or tile, or raw text",
    headers: "X-NotificationClass and X-WindowsPhone-Target (checked against the payload), other X- headers",
    example: `nhub send mpns --payload @toast.xml`,
  },
  adm: {
    payload: 'JSON: an ADM message {"data":{...}}',
    headers: "none of its own; other headers pass through",
    example: `nhub send adm --payload '{"data":{"msg":"Goal!"}}' --tag kindle`,
  },
  baidu: {
    payload: 'JSON: a Baidu message {"title":"...","description":"..."} (or an iOS {"aps":{...}})',
    headers: "X-Baidu-Message-Type (notification or message)",
    example: `nhub send baidu --payload '{"title":"Hi","description":"Goal!"}'`,
  },
  browser: {
    payload: 'JSON: a Web Push payload {"title":"...","body":"..."}',
    headers: "none of its own; other headers pass through",
    example: `nhub send browser --payload '{"title":"Hi","body":"Goal!"}'`,
  },
  xiaomi: {
    payload: 'JSON: a Xiaomi message {"title":"...","description":"..."}',
    headers: "none of its own; other headers pass through",
    example: `nhub send xiaomi --payload '{"title":"Hi","description":"Goal!"}'`,
  },
  template: {
    payload: 'JSON: the template properties, an object of strings {"name":"value"}',
    headers: "none of its own; other headers pass through",
    example: `nhub send template --payload '{"greeting_en":"Hello","greeting_fr":"Salut"}' --tag en`,
  },
};

/** The `nhub send <platform> --help` text of a known platform name, alias or format name. */
export function platformUsage(name: string): string | undefined {
  const d = byName.get(name);
  if (d === undefined) return undefined;
  const guide = GUIDES[d.name];
  const others = otherNames(d).filter((other) => byName.get(other) === d);
  return [
    `Usage: nhub send ${d.name} --payload <text | @file> [--tags <expression> | --tag <tag>...] [--header "Name: value"]...`,
    "",
    `Platform ${d.name}${others.length > 0 ? ` (also ${others.join(", ")})` : ""}: format ${d.format}, ${d.contentTypes.join(" or ")}, at most ${d.maxBytes} bytes.`,
    ...(guide
      ? [
          `Payload: ${guide.payload}.`,
          `Headers (--header, checked before sending): ${guide.headers}.`,
          "",
          "Example:",
          `  ${guide.example}`,
        ]
      : []),
    "",
    'The other options are those of "nhub send --help".',
  ].join("\n");
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
    create: (payload, headers) =>
      headers === undefined ? d.create(payload as never) : d.create(payload as never, { headers } as never),
  };
}
