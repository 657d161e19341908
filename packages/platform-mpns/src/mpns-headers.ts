/**
 * The MPNS header rules: what kind of notification a payload is, and the `X-WindowsPhone-Target` and
 * `X-NotificationClass` that go with each kind and delivery delay.
 */
import {
  defineHeaderRules,
  describeValue,
  quoteExcerpt,
  resolvePlatformHeaders,
  ValidationError,
} from "@nhub/core";
import { assertWellFormedXml, type XmlOutline } from "@nhub/xml";

/**
 * What a Windows Phone notification is: a toast, a tile update or raw data for the running app.
 *
 * @deprecated Microsoft retired MPNS; this package is kept only to migrate old back ends. Use `@nhub/platform-wns`.
 */
export type MpnsKind = "toast" | "tile" | "raw";

/**
 * Every delivery delay MPNS offers.
 *
 * @deprecated Microsoft retired MPNS; this package is kept only to migrate old back ends. Use `@nhub/platform-wns`.
 */
export const MPNS_DELAYS = ["immediate", "450s", "900s"] as const;

/**
 * How soon MPNS delivers: at once, within 450 seconds or within 900 seconds.
 *
 * @deprecated Microsoft retired MPNS; this package is kept only to migrate old back ends. Use `@nhub/platform-wns`.
 */
export type MpnsDelay = (typeof MPNS_DELAYS)[number];

/**
 * Platform headers of a Windows Phone notification, as they go on the wire. MPNS takes any `X-` header (such as
 * `X-MessageID`); those pass through as they are.
 *
 * @deprecated Microsoft retired MPNS; this package is kept only to migrate old back ends. Use `@nhub/platform-wns`.
 */
export interface MpnsHeaders {
  /** `toast` for toasts, `token` for tiles, absent for raw; must agree with the payload. */
  readonly "X-WindowsPhone-Target"?: "toast" | "token";
  /** 1, 11, 21 (tile), 2, 12, 22 (toast) or 3, 13, 23 (raw); must agree with the payload. */
  readonly "X-NotificationClass"?: string;
  /** Any other header. */
  readonly [name: string]: string | undefined;
}

/**
 * Header settings of {@link createMpnsNotification}.
 *
 * @deprecated Microsoft retired MPNS; this package is kept only to migrate old back ends. Use `@nhub/platform-wns`.
 */
export interface MpnsHeaderOptions {
  /** Headers as they go on the wire. `X-WindowsPhone-Target` and `X-NotificationClass` match case-insensitively. */
  readonly headers?: MpnsHeaders;
  /** Delivery delay; default `immediate`. */
  readonly delay?: MpnsDelay;
}

const TARGET_HEADER = "X-WindowsPhone-Target";
const CLASS_HEADER = "X-NotificationClass";

// The last digit of X-NotificationClass says the kind; the tens say the delay.
const KIND_DIGIT: Readonly<Record<MpnsKind, number>> = { tile: 1, toast: 2, raw: 3 };
const DELAY_TENS: Readonly<Record<MpnsDelay, number>> = { immediate: 0, "450s": 10, "900s": 20 };
const TARGETS: Readonly<Record<MpnsKind, string | undefined>> = {
  toast: "toast",
  tile: "token",
  raw: undefined,
};
const CLASSES = ["1", "2", "3", "11", "12", "13", "21", "22", "23"];

/** The two headers MPNS defines, with the values each may hold; whether they fit the payload is checked after. */
const MPNS_HEADERS = /* @__PURE__ */ defineHeaderRules({
  [TARGET_HEADER]: (v) =>
    v === "toast" || v === "token"
      ? undefined
      : ["enum", `the target is "toast" or "token", not ${quoteExcerpt(v)}`],
  [CLASS_HEADER]: (v) =>
    CLASSES.includes(v)
      ? undefined
      : ["enum", `${quoteExcerpt(v)} is not a notification class; use ${CLASSES.join(", ")}`],
});

function localName(name: string): string {
  return name.slice(name.indexOf(":") + 1);
}

/**
 * The kind of a well-formed payload from its outline: a `Notification` root (any namespace prefix, usually
 * `wp:`) whose first child element is `Toast` is a toast, `Tile` a tile; anything else is raw. Names are
 * compared case-sensitively, as the Windows Phone schema spells them.
 *
 * @deprecated Microsoft retired MPNS; this package is kept only to migrate old back ends. Use `@nhub/platform-wns`.
 */
export function mpnsKindOf(outline: XmlOutline): MpnsKind {
  if (localName(outline.root) !== "Notification" || outline.firstChild === undefined) return "raw";
  switch (localName(outline.firstChild)) {
    case "Toast":
      return "toast";
    case "Tile":
      return "tile";
    default:
      return "raw";
  }
}

/**
 * The kind of an XML payload, read from the first child element of `wp:Notification`.
 *
 * @throws {ValidationError} with rule `xml-well-formed` when `xml` is not well-formed.
 * @deprecated Microsoft retired MPNS; this package is kept only to migrate old back ends. Use `@nhub/platform-wns`.
 */
export function inferMpnsKind(xml: string): MpnsKind {
  return mpnsKindOf(assertWellFormedXml(xml));
}

/**
 * The `X-NotificationClass` of a kind and delay: tile 1, 11, 21; toast 2, 12, 22; raw 3, 13, 23.
 *
 * @deprecated Microsoft retired MPNS; this package is kept only to migrate old back ends. Use `@nhub/platform-wns`.
 */
export function mpnsNotificationClass(kind: MpnsKind, delay: MpnsDelay = "immediate"): string {
  if (!Object.hasOwn(KIND_DIGIT, kind)) {
    throw new ValidationError("kind", "enum", `${describeValue(kind)} is not a kind; use toast, tile or raw`);
  }
  if (!isMpnsDelay(delay)) {
    throw new ValidationError(
      "delay",
      "enum",
      `${describeValue(delay)} is not a delay; use ${MPNS_DELAYS.join(", ")}`,
    );
  }
  return String(DELAY_TENS[delay] + KIND_DIGIT[kind]);
}

function isMpnsDelay(value: unknown): value is MpnsDelay {
  return (MPNS_DELAYS as readonly unknown[]).includes(value);
}

/**
 * Works out the headers of one Windows Phone notification of the given kind:
 *
 * - `X-WindowsPhone-Target`: `toast` for a toast, `token` for a tile, none for raw;
 * - `X-NotificationClass`: the kind's class for the delay (`options.delay`, default immediate).
 *
 * Either header may also be given in `options.headers`, but only with the value the payload implies: a header
 * that contradicts the payload is refused (`type-mismatch`), and so is a class whose delay differs from
 * `options.delay` (`conflict`). Every other header passes through; core checks its name and value.
 *
 * @throws {ValidationError} naming the option (`options.delay`) or header (`headers.X-NotificationClass`).
 * @deprecated Microsoft retired MPNS; this package is kept only to migrate old back ends. Use `@nhub/platform-wns`.
 */
export function resolveMpnsHeaders(kind: MpnsKind, options: MpnsHeaderOptions = {}): Record<string, string> {
  const resolver = resolvePlatformHeaders(MPNS_HEADERS, options);
  const delay: unknown = options.delay;
  if (delay !== undefined && !isMpnsDelay(delay)) {
    throw new ValidationError(
      "options.delay",
      "enum",
      `${describeValue(delay)} is not a delay; use ${MPNS_DELAYS.join(", ")}`,
    );
  }

  const { settings, passthrough } = resolver.check();
  const target = TARGETS[kind];
  const givenTarget = settings.get(TARGET_HEADER);
  if (givenTarget !== undefined) {
    if (givenTarget.value !== target) {
      throw new ValidationError(
        givenTarget.field,
        "type-mismatch",
        `the payload is a ${kind} notification, which ${target === undefined ? "has no target" : `has target "${target}"`}`,
      );
    }
  }

  let notificationClass = mpnsNotificationClass(kind, delay);
  const givenClass = settings.get(CLASS_HEADER);
  if (givenClass !== undefined) {
    if (Number(givenClass.value) % 10 !== KIND_DIGIT[kind]) {
      throw new ValidationError(
        givenClass.field,
        "type-mismatch",
        `class ${givenClass.value} is not for a ${kind} notification; ${kind} classes end in ${KIND_DIGIT[kind]}`,
      );
    }
    if (delay !== undefined && givenClass.value !== notificationClass) {
      throw new ValidationError(
        "options.delay",
        "conflict",
        `options.delay "${delay}" means class ${notificationClass} but ${givenClass.field} gives ${givenClass.value}; give one`,
      );
    }
    notificationClass = givenClass.value;
  }

  return {
    ...(target === undefined ? {} : { [TARGET_HEADER]: target }),
    [CLASS_HEADER]: notificationClass,
    ...passthrough,
  };
}
