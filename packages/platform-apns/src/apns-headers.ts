/**
 * The `apns-*` header rules: which headers a notification carries, what values they may hold and how the push
 * type is inferred from the payload when the caller does not name it.
 */
import {
  byteLength,
  defineHeaderRules,
  quoteExcerpt,
  resolvePlatformHeaders,
  ValidationError,
} from "@nhub/core";
import { type Aps, expectValue } from "./apns-payload";

/** Every `apns-push-type` APNs accepts. */
export const APNS_PUSH_TYPES = [
  "alert",
  "background",
  "voip",
  "location",
  "complication",
  "fileprovider",
  "mdm",
  "liveactivity",
  "pushtotalk",
] as const;

/** An `apns-push-type` value. */
export type ApnsPushType = (typeof APNS_PUSH_TYPES)[number];

/** An `apns-priority` value: 10 now, 5 when power allows, 1 power first. */
export type ApnsPriority = 10 | 5 | 1;

/** Longest `apns-collapse-id`, in UTF-8 bytes. */
export const APNS_MAX_COLLAPSE_ID_BYTES = 64;

/**
 * Platform headers of an Apple notification, as they go on the wire. Other headers are passed to the hub as
 * they are (core refuses reserved ones such as `Authorization`).
 */
export interface ApnsHeaders {
  /** The push type; inferred from the payload when absent. */
  readonly "apns-push-type"?: ApnsPushType;
  /** `"10"`, `"5"` or `"1"`. */
  readonly "apns-priority"?: "10" | "5" | "1";
  /** When APNs stops retrying, as Unix seconds; `"0"` means deliver once or drop. */
  readonly "apns-expiration"?: string;
  /** Notifications with the same id replace each other on the device; at most 64 bytes. */
  readonly "apns-collapse-id"?: string;
  /** The topic, normally the bundle id (with a suffix for some push types). */
  readonly "apns-topic"?: string;
  /** A canonical UUID naming this notification. */
  readonly "apns-id"?: string;
  /** The hub's own expiry for the notification, a W3C (ISO 8601) date. */
  readonly "ServiceBusNotification-Apns-Expiry"?: string;
  /** Any other platform header. */
  readonly [name: string]: string | undefined;
}

/**
 * Header settings of {@link createAppleNotification}. Each named option is a typed way to set one header; giving
 * both an option and the same header with different values is an error rather than a silent choice.
 */
export interface ApnsHeaderOptions {
  /** Headers as they go on the wire. Names of `apns-*` headers are matched case-insensitively. */
  readonly headers?: ApnsHeaders;
  /** `apns-push-type`; wins over inference. */
  readonly pushType?: ApnsPushType;
  /** `apns-priority`. */
  readonly priority?: ApnsPriority;
  /** `apns-expiration`: a Date, or Unix seconds (`0` = deliver once or drop). */
  readonly expiration?: Date | number;
  /** `apns-collapse-id`, at most 64 bytes. */
  readonly collapseId?: string;
  /** `apns-topic`. */
  readonly topic?: string;
  /** `apns-id`, a canonical UUID. */
  readonly apnsId?: string;
  /** `ServiceBusNotification-Apns-Expiry`: when the hub gives up on the notification. */
  readonly expiry?: Date;
}

/** The outcome of {@link resolveApnsHeaders}. */
export interface ResolvedApnsHeaders {
  /** The push type sent, given or inferred. */
  readonly pushType: ApnsPushType;
  /** Every platform header to send, with `apns-*` names in lowercase. */
  readonly headers: Readonly<Record<string, string>>;
}

const EXPIRY_HEADER = "ServiceBusNotification-Apns-Expiry";
const PRIORITIES: readonly string[] = ["10", "5", "1"];
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
// Same guard as for payload times: a "seconds" value this large is almost surely milliseconds.
const MAX_UNIX_SECONDS = 1e11;

/** The headers nhub checks, by canonical name, with their rules; other headers pass through. */
const APNS_HEADERS = /* @__PURE__ */ defineHeaderRules({
  "apns-push-type": (v) =>
    (APNS_PUSH_TYPES as readonly string[]).includes(v)
      ? undefined
      : ["enum", `${quoteExcerpt(v)} is not a push type; use one of ${APNS_PUSH_TYPES.join(", ")}`],
  "apns-priority": (v) =>
    PRIORITIES.includes(v)
      ? undefined
      : ["enum", `${quoteExcerpt(v)} is not an APNs priority; use 10, 5 or 1`],
  "apns-expiration": (v) =>
    /^\d+$/.test(v) && Number(v) < MAX_UNIX_SECONDS
      ? undefined
      : [
          "unix-seconds",
          `${quoteExcerpt(v)} is not Unix seconds (a whole number, "0" = deliver once or drop)`,
        ],
  "apns-collapse-id": (v) => {
    const size = byteLength(v);
    return size > 0 && size <= APNS_MAX_COLLAPSE_ID_BYTES
      ? undefined
      : [
          "max-bytes",
          `a collapse id is 1 to ${APNS_MAX_COLLAPSE_ID_BYTES} bytes in UTF-8; this one is ${size}`,
        ];
  },
  "apns-topic": (v) =>
    v.trim() !== "" ? undefined : ["required", "the topic cannot be empty; leave it out to use the hub's"],
  "apns-id": (v) =>
    UUID_PATTERN.test(v) ? undefined : ["uuid", `${quoteExcerpt(v)} is not a UUID (8-4-4-4-12 hex digits)`],
  [EXPIRY_HEADER]: (v) =>
    Number.isNaN(Date.parse(v))
      ? ["date", `${quoteExcerpt(v)} is not a W3C date such as 2026-01-31T12:00:00.000Z`]
      : undefined,
});

/**
 * Infers the push type from `aps`, or `undefined` when nothing tells: `content-state` or `event` means
 * `liveactivity`; `alert`, `badge` or `sound` means `alert`; otherwise `"content-available": 1` means
 * `background`.
 */
export function inferApnsPushType(aps: Aps): ApnsPushType | undefined {
  if (aps["content-state"] !== undefined || aps.event !== undefined) return "liveactivity";
  if (aps.alert !== undefined || aps.badge !== undefined || aps.sound !== undefined) return "alert";
  if (aps["content-available"] === 1) return "background";
  return undefined;
}

/**
 * Works out the platform headers of one Apple notification from the payload's `aps` and the caller's options.
 *
 * - An explicit `apns-push-type` (header or `pushType`) wins; otherwise it is inferred with
 *   {@link inferApnsPushType}, and a payload that tells nothing is refused rather than guessed.
 * - `background` gets `apns-priority: 5` unless told otherwise; priority 10 with `background` is refused, and
 *   `background` needs `"content-available": 1`.
 * - Other push types get no `apns-priority` unless asked: APNs then uses 10.
 * - `voip` with an `aps.alert` is refused: PushKit shows no alert, so it is a push sent as the wrong type.
 * - `apns-priority` is 10, 5 or 1; `apns-expiration` Unix seconds; `apns-collapse-id` at most 64 bytes;
 *   `apns-id` a UUID; `ServiceBusNotification-Apns-Expiry` a date.
 *
 * @throws {ValidationError} naming the header (`headers.apns-priority`) or option (`options.priority`).
 */
export function resolveApnsHeaders(aps: Aps, options: ApnsHeaderOptions = {}): ResolvedApnsHeaders {
  // Most notifications come with no options: then an inferred push type other than background is the only
  // header, and the general path below would build its maps and closures for nothing.
  if (options !== null && typeof options === "object" && !hasAnyOption(options)) {
    const inferred = inferApnsPushType(aps);
    if (inferred !== undefined && inferred !== "background") {
      return { pushType: inferred, headers: { "apns-push-type": inferred } };
    }
  }
  const resolver = resolvePlatformHeaders(APNS_HEADERS, options);
  const { set } = resolver;
  if (options.pushType !== undefined) set("apns-push-type", String(options.pushType), "options.pushType");
  if (options.priority !== undefined) set("apns-priority", String(options.priority), "options.priority");
  if (options.expiration !== undefined)
    set("apns-expiration", expirationSeconds(options.expiration), "options.expiration");
  if (options.collapseId !== undefined) set("apns-collapse-id", options.collapseId, "options.collapseId");
  if (options.topic !== undefined) set("apns-topic", options.topic, "options.topic");
  if (options.apnsId !== undefined) set("apns-id", options.apnsId, "options.apnsId");
  if (options.expiry !== undefined) set(EXPIRY_HEADER, expiryDate(options.expiry), "options.expiry");
  const { settings, passthrough } = resolver.check();

  const pushType =
    (settings.get("apns-push-type")?.value as ApnsPushType | undefined) ?? inferApnsPushType(aps);
  if (pushType === undefined) {
    throw new ValidationError(
      "payload.aps",
      "push-type",
      'cannot tell the push type: "aps" has no alert, badge, sound, content-state or event and no "content-available": 1; ' +
        'add one, or set options.pushType (e.g. "voip")',
    );
  }
  if (pushType === "voip" && aps.alert !== undefined) {
    // PushKit hands a VoIP push to the app, which shows nothing by itself: an alert there is a push sent as the
    // wrong type, and the user would never see it.
    throw new ValidationError(
      settings.get("apns-push-type")?.field ?? "headers.apns-push-type",
      "push-type-mismatch",
      'a "voip" push shows no alert: send an "aps.alert" as push type "alert", or leave the alert out of a VoIP push',
    );
  }
  const headers: Record<string, string> = { ...passthrough, "apns-push-type": pushType };
  for (const [name, setting] of settings) if (name !== "apns-push-type") headers[name] = setting.value;
  if (pushType === "background") {
    const priority = settings.get("apns-priority");
    if (priority === undefined) headers["apns-priority"] = "5";
    else if (priority.value === "10") {
      throw new ValidationError(
        priority.field,
        "background-priority",
        "background pushes must use priority 5 (or 1); APNs refuses priority 10 for them",
      );
    }
    if (aps["content-available"] !== 1) {
      throw new ValidationError(
        "payload.aps.content-available",
        "required",
        'a background push needs "content-available": 1 in "aps"',
      );
    }
  }
  return { pushType, headers };
}

function hasAnyOption(options: ApnsHeaderOptions): boolean {
  for (const key in options) if (options[key as keyof ApnsHeaderOptions] !== undefined) return true;
  return false;
}

function expirationSeconds(expiration: Date | number): string {
  if (expiration instanceof Date) {
    const ms = expiration.getTime();
    if (Number.isNaN(ms) || ms < 0) {
      throw new ValidationError("options.expiration", "date", "the expiration is an invalid Date");
    }
    return String(Math.floor(ms / 1000));
  }
  expectValue(
    Number.isInteger(expiration) && expiration >= 0,
    expiration,
    "options.expiration",
    "unix-seconds",
    "expected a Date or Unix seconds",
  );
  return String(expiration);
}

function expiryDate(expiry: Date): string {
  expectValue(
    expiry instanceof Date && !Number.isNaN(expiry.getTime()),
    expiry,
    "options.expiry",
    "date",
    "expected a valid Date",
  );
  return expiry.toISOString();
}
