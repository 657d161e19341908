/**
 * The `X-WNS-*` header rules: how `X-WNS-Type` follows from the payload, and what values the other WNS headers
 * may hold.
 */
import {
  defineHeaderRules,
  describeValue,
  quoteExcerpt,
  resolvePlatformHeaders,
  ValidationError,
} from "@nhub/core";
import { assertWellFormedXml } from "@nhub/xml";

/** Every `X-WNS-Type`. */
export const WNS_TYPES = ["wns/toast", "wns/tile", "wns/badge", "wns/raw"] as const;

/** An `X-WNS-Type` value. */
export type WnsType = (typeof WNS_TYPES)[number];

/** The `X-WNS-Type` values whose payload is XML. */
export type WnsXmlType = Exclude<WnsType, "wns/raw">;

/** `X-WNS-Cache-Policy`: whether WNS keeps the notification for an offline device. */
export type WnsCachePolicy = "cache" | "no-cache";

/** `X-WNS-PRIORITY`: 1 (highest) to 4 (lowest). */
export type WnsPriority = 1 | 2 | 3 | 4;

/** Longest `X-WNS-Tag` or `X-WNS-Group`: WNS takes up to 16 ASCII letters and digits. */
export const WNS_MAX_TAG_LENGTH = 16;

/**
 * Platform headers of a Windows notification, as they go on the wire. Other headers are passed to the hub as they
 * are (core refuses reserved ones such as `Authorization`).
 */
export interface WnsHeaders {
  /** Inferred from the XML root when absent. */
  readonly "X-WNS-Type"?: WnsType;
  /** `cache` or `no-cache`. */
  readonly "X-WNS-Cache-Policy"?: WnsCachePolicy;
  /** Seconds the notification stays valid: a positive whole number. */
  readonly "X-WNS-TTL"?: string;
  /** Up to 16 ASCII letters and digits. */
  readonly "X-WNS-Tag"?: string;
  /** Up to 16 ASCII letters and digits. */
  readonly "X-WNS-Group"?: string;
  /** `true` asks WNS to report device and connection status. */
  readonly "X-WNS-RequestForStatus"?: "true" | "false";
  /** `1` to `4`. */
  readonly "X-WNS-PRIORITY"?: "1" | "2" | "3" | "4";
  /** Any other platform header, e.g. `X-WNS-SuppressPopup`. */
  readonly [name: string]: string | undefined;
}

/**
 * Header settings of {@link createWindowsNotification}. Each named option is a typed way to set one header;
 * giving both an option and the same header with different values is an error rather than a silent choice.
 */
export interface WnsHeaderOptions {
  /** Headers as they go on the wire. Names of `X-WNS-*` headers are matched case-insensitively. */
  readonly headers?: WnsHeaders;
  /**
   * `X-WNS-Type`. Needed only for raw notifications of a string payload (`wns/raw`): toast, tile and badge
   * are read from the XML root element, and a `Uint8Array` payload is always raw.
   */
  readonly type?: WnsType;
  /** `X-WNS-Cache-Policy`. */
  readonly cachePolicy?: WnsCachePolicy;
  /** `X-WNS-TTL`: seconds, a positive whole number. */
  readonly ttl?: number;
  /** `X-WNS-Tag`: up to 16 ASCII letters and digits. */
  readonly tag?: string;
  /** `X-WNS-Group`: up to 16 ASCII letters and digits. */
  readonly group?: string;
  /** `X-WNS-RequestForStatus: true` when `true`; nothing is sent for `false`. */
  readonly requestForStatus?: boolean;
  /** `X-WNS-PRIORITY`, 1 to 4. */
  readonly priority?: WnsPriority;
}

/** The outcome of {@link resolveWnsHeaders}. */
export interface ResolvedWnsHeaders {
  /** The type the caller named (option or header), if any; see {@link wnsTypeForRoot} for the rest. */
  readonly type?: WnsType;
  /** Where {@link ResolvedWnsHeaders.type} came from: `options.type` or `headers.X-WNS-Type`. */
  readonly typeField?: string;
  /** Every platform header to send except `X-WNS-Type`, with `X-WNS-*` names spelt canonically. */
  readonly headers: Readonly<Record<string, string>>;
}

const TYPE_HEADER = "X-WNS-Type";
const TAG_PATTERN = /^[A-Za-z0-9]{1,16}$/;

const wnsTag =
  (what: string) =>
  (v: string): readonly [string, string] | undefined =>
    TAG_PATTERN.test(v)
      ? undefined
      : [
          "wns-tag",
          `${quoteExcerpt(v)} is not a WNS ${what}: use 1 to ${WNS_MAX_TAG_LENGTH} ASCII letters and digits`,
        ];

/** The `X-WNS-*` headers nhub checks, by canonical name, with their rules; other headers pass through. */
const WNS_HEADERS = /* @__PURE__ */ defineHeaderRules({
  [TYPE_HEADER]: (v) =>
    (WNS_TYPES as readonly string[]).includes(v)
      ? undefined
      : ["enum", `${quoteExcerpt(v)} is not a WNS type; use one of ${WNS_TYPES.join(", ")}`],
  "X-WNS-Cache-Policy": (v) =>
    v === "cache" || v === "no-cache"
      ? undefined
      : ["enum", `the cache policy is "cache" or "no-cache", not ${quoteExcerpt(v)}`],
  "X-WNS-TTL": (v) =>
    /^[1-9][0-9]*$/.test(v) && Number.isSafeInteger(Number(v))
      ? undefined
      : ["positive-integer", `the TTL is a positive whole number of seconds, not ${quoteExcerpt(v)}`],
  "X-WNS-Tag": wnsTag("tag"),
  "X-WNS-Group": wnsTag("group"),
  "X-WNS-RequestForStatus": (v) =>
    v === "true" || v === "false"
      ? undefined
      : ["enum", `RequestForStatus is "true" or "false", not ${quoteExcerpt(v)}`],
  "X-WNS-PRIORITY": (v) =>
    /^[1-4]$/.test(v) ? undefined : ["enum", `the priority is 1, 2, 3 or 4, not ${quoteExcerpt(v)}`],
});

/**
 * Checks the caller's header options and headers and turns them into the headers to send. Every `X-WNS-*`
 * value is checked whether it comes from an option or from `headers`:
 *
 * - `X-WNS-Type`: `wns/toast`, `wns/tile`, `wns/badge` or `wns/raw`;
 * - `X-WNS-Cache-Policy`: `cache` or `no-cache`;
 * - `X-WNS-TTL`: a positive whole number of seconds;
 * - `X-WNS-Tag`, `X-WNS-Group`: 1 to 16 ASCII letters and digits;
 * - `X-WNS-RequestForStatus`: `true` or `false`;
 * - `X-WNS-PRIORITY`: 1 to 4.
 *
 * Other headers pass through untouched; core checks their names and values when the notification is built.
 *
 * @throws {ValidationError} naming the option (`options.ttl`) or header (`headers.X-WNS-TTL`).
 */
export function resolveWnsHeaders(options: WnsHeaderOptions = {}): ResolvedWnsHeaders {
  const resolver = resolvePlatformHeaders(WNS_HEADERS, options);
  const { set } = resolver;
  const { type, cachePolicy, ttl, tag, group, requestForStatus, priority } = options;
  if (type !== undefined) set(TYPE_HEADER, type, "options.type");
  if (cachePolicy !== undefined) set("X-WNS-Cache-Policy", cachePolicy, "options.cachePolicy");
  if (ttl !== undefined) {
    if (!(typeof ttl === "number" && Number.isSafeInteger(ttl) && ttl > 0)) {
      throw new ValidationError(
        "options.ttl",
        "positive-integer",
        `ttl is a positive whole number of seconds, not ${describeValue(ttl)}`,
      );
    }
    set("X-WNS-TTL", String(ttl), "options.ttl");
  }
  if (tag !== undefined) set("X-WNS-Tag", tag, "options.tag");
  if (group !== undefined) set("X-WNS-Group", group, "options.group");
  if (requestForStatus !== undefined) {
    if (typeof requestForStatus !== "boolean") {
      throw new ValidationError(
        "options.requestForStatus",
        "type",
        `expected true or false, not ${describeValue(requestForStatus)}`,
      );
    }
    if (requestForStatus) set("X-WNS-RequestForStatus", "true", "options.requestForStatus");
  }
  if (priority !== undefined) {
    if (!(priority === 1 || priority === 2 || priority === 3 || priority === 4)) {
      throw new ValidationError(
        "options.priority",
        "enum",
        `priority is 1, 2, 3 or 4, not ${describeValue(priority)}`,
      );
    }
    set("X-WNS-PRIORITY", String(priority), "options.priority");
  }
  const { settings, passthrough } = resolver.check();

  const headers: Record<string, string> = { ...passthrough };
  for (const [name, setting] of settings) if (name !== TYPE_HEADER) headers[name] = setting.value;
  const explicit = settings.get(TYPE_HEADER);
  return explicit === undefined
    ? { headers }
    : { type: explicit.value as WnsType, typeField: explicit.field, headers };
}

/**
 * The `X-WNS-Type` a root element name implies, compared case-insensitively: `toast`, `tile` or `badge`;
 * `undefined` for anything else (a prefixed name such as `x:toast` included).
 */
export function wnsTypeForRoot(root: string): WnsXmlType | undefined {
  switch (root.toLowerCase()) {
    case "toast":
      return "wns/toast";
    case "tile":
      return "wns/tile";
    case "badge":
      return "wns/badge";
    default:
      return undefined;
  }
}

/**
 * The `X-WNS-Type` of an XML payload: read from the root element (`<toast launch="...">`, `<Tile>`,
 * `<badge value="1"/>`; an XML declaration, comments and whitespace before it are skipped), or `undefined`
 * when the root is none of toast, tile and badge.
 *
 * @throws {ValidationError} with rule `xml-well-formed` when `xml` is not well-formed.
 */
export function inferWnsType(xml: string): WnsXmlType | undefined {
  return wnsTypeForRoot(assertWellFormedXml(xml).root);
}

/**
 * Settles the type of an XML payload from its root element and the type the caller named, if any. A named type
 * wins over an unknown root (`<custom>` sent as `wns/toast`), but not over a root that says otherwise (`<tile>`
 * sent as `wns/toast` is refused as a likely mistake).
 *
 * @throws {ValidationError} with rule `wns-type` (no type can be told) or `type-mismatch`.
 */
export function wnsTypeForXml(
  root: string,
  explicit?: WnsXmlType,
  explicitField = "options.type",
): WnsXmlType {
  const inferred = wnsTypeForRoot(root);
  if (explicit === undefined) {
    if (inferred === undefined) {
      throw new ValidationError(
        "payload",
        "wns-type",
        `cannot tell the WNS type from the root element <${root}>: WNS XML has a <toast>, <tile> or <badge> root. ` +
          'Set options.type to send this XML anyway, or type "wns/raw" to send it as a raw notification',
      );
    }
    return inferred;
  }
  if (inferred !== undefined && inferred !== explicit) {
    throw new ValidationError(
      explicitField,
      "type-mismatch",
      `${explicitField} is ${explicit} but the payload's root element <${root}> makes it ${inferred}`,
    );
  }
  return explicit;
}
