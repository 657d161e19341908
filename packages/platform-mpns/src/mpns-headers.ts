/**
 * The MPNS header rules: what kind of notification a payload is, and the `X-WindowsPhone-Target` and
 * `X-NotificationClass` that go with each kind and delivery delay.
 */
import { quoteExcerpt, ValidationError } from "@nhub/core";
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
const CANONICAL_NAMES = new Map([TARGET_HEADER, CLASS_HEADER].map((name) => [name.toLowerCase(), name]));

// The last digit of X-NotificationClass says the kind; the tens say the delay.
const KIND_DIGIT: Readonly<Record<MpnsKind, number>> = { tile: 1, toast: 2, raw: 3 };
const DELAY_TENS: Readonly<Record<MpnsDelay, number>> = { immediate: 0, "450s": 10, "900s": 20 };
const TARGETS: Readonly<Record<MpnsKind, string | undefined>> = {
  toast: "toast",
  tile: "token",
  raw: undefined,
};
const CLASSES = ["1", "2", "3", "11", "12", "13", "21", "22", "23"];

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
    throw new ValidationError("kind", "enum", `${describe(kind)} is not a kind; use toast, tile or raw`);
  }
  if (!isMpnsDelay(delay)) {
    throw new ValidationError(
      "delay",
      "enum",
      `${describe(delay)} is not a delay; use ${MPNS_DELAYS.join(", ")}`,
    );
  }
  return String(DELAY_TENS[delay] + KIND_DIGIT[kind]);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (typeof value === "string") return quoteExcerpt(value);
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return Array.isArray(value) ? "an array" : `a ${typeof value}`;
}

function isMpnsDelay(value: unknown): value is MpnsDelay {
  return (MPNS_DELAYS as readonly unknown[]).includes(value);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
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
  if (!isPlainObject(options)) {
    throw new ValidationError("options", "type", `options must be an object, not ${describe(options)}`);
  }
  const explicit = new Map<string, { value: string; field: string }>();
  const passthrough: Record<string, string> = {};
  const given = options.headers;
  if (given !== undefined) {
    if (!isPlainObject(given)) {
      throw new ValidationError("headers", "type", `headers must be an object, not ${describe(given)}`);
    }
    for (const [name, value] of Object.entries(given)) {
      // An optional header left undefined is simply absent: never send the text "undefined".
      if (value === undefined) continue;
      const canonical = CANONICAL_NAMES.get(name.toLowerCase());
      if (canonical === undefined) {
        passthrough[name] = value as string;
        continue;
      }
      const field = `headers.${name}`;
      if (typeof value !== "string") {
        throw new ValidationError(field, "type", `header values are strings, not ${describe(value)}`);
      }
      const prior = explicit.get(canonical);
      if (prior) {
        throw new ValidationError(
          field,
          "duplicate",
          `${prior.field} and ${field} name the same header; give it once`,
        );
      }
      explicit.set(canonical, { value, field });
    }
  }

  const delay: unknown = options.delay;
  if (delay !== undefined && !isMpnsDelay(delay)) {
    throw new ValidationError(
      "options.delay",
      "enum",
      `${describe(delay)} is not a delay; use ${MPNS_DELAYS.join(", ")}`,
    );
  }

  const target = TARGETS[kind];
  const givenTarget = explicit.get(TARGET_HEADER);
  if (givenTarget !== undefined) {
    if (givenTarget.value !== "toast" && givenTarget.value !== "token") {
      throw new ValidationError(
        givenTarget.field,
        "enum",
        `the target is "toast" or "token", not ${describe(givenTarget.value)}`,
      );
    }
    if (givenTarget.value !== target) {
      throw new ValidationError(
        givenTarget.field,
        "type-mismatch",
        `the payload is a ${kind} notification, which ${target === undefined ? "has no target" : `has target "${target}"`}`,
      );
    }
  }

  let notificationClass = mpnsNotificationClass(kind, delay);
  const givenClass = explicit.get(CLASS_HEADER);
  if (givenClass !== undefined) {
    if (!CLASSES.includes(givenClass.value)) {
      throw new ValidationError(
        givenClass.field,
        "enum",
        `${describe(givenClass.value)} is not a notification class; use ${CLASSES.join(", ")}`,
      );
    }
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
