/**
 * The typed registration descriptions, one native and one template kind per platform. `kind` names the
 * description: the XML root element is `${kind}RegistrationDescription`.
 */
import type { RegistrationExtensionElement } from "./registration-extension";

/** What every registration has. The read-only fields come back from the service and are never sent. */
export interface RegistrationCommon {
  /** The registration's id: set by the service on create, required to update. Sent in the URL, never the body. */
  readonly registrationId?: string;
  /** The service's version of the registration (`<ETag>`), for optimistic concurrency (`If-Match`). Read-only. */
  readonly etag?: string;
  /** When the registration expires (the hub's time to live). Read-only. */
  readonly expirationTime?: Date;
  /** Tags of the device, at most 60; sent comma-separated in `<Tags>`. */
  readonly tags?: readonly string[];
  /** Variables the hub substitutes into the template, sent as JSON in `<PushVariables>`. */
  readonly pushVariables?: Readonly<Record<string, string>>;
  /**
   * Elements of the description the service returned that nhub does not model, as it sent them: a read fills
   * it and a write puts each back where it was, so an update keeps them.
   */
  readonly extensionElements?: readonly RegistrationExtensionElement[];
}

/** What every template registration adds. */
export interface TemplateFields {
  /** The template body: JSON with expressions in its string values (XML for Windows and MPNS). */
  readonly bodyTemplate: string;
  /** A name for the template, at most 200 characters. */
  readonly templateName?: string;
}

/** An APNs registration (`AppleRegistrationDescription`). */
export interface AppleRegistrationDescription extends RegistrationCommon {
  readonly kind: "Apple";
  /** The APNs device token: hexadecimal, an even number of digits. */
  readonly deviceToken: string;
}

/** An APNs template registration (`AppleTemplateRegistrationDescription`). */
export interface AppleTemplateRegistrationDescription extends RegistrationCommon, TemplateFields {
  readonly kind: "AppleTemplate";
  readonly deviceToken: string;
  /**
   * When the notification expires: a `Date` (sent as ISO-8601), an ISO-8601 string, `"0"`, or a template
   * expression such as `$(expiry)`. Read back as the string the service holds.
   */
  readonly expiry?: string | Date;
  /** `apns-priority`: `"10"`, `"5"`, `"1"` or a template expression. */
  readonly priority?: string;
  /** `apns-*` headers (values may be template expressions). */
  readonly apnsHeaders?: Readonly<Record<string, string>>;
}

/** An FCM legacy registration (`GcmRegistrationDescription`); FCM legacy was retired in June 2024. */
export interface GcmRegistrationDescription extends RegistrationCommon {
  readonly kind: "Gcm";
  readonly gcmRegistrationId: string;
}

/** An FCM legacy template registration (`GcmTemplateRegistrationDescription`). */
export interface GcmTemplateRegistrationDescription extends RegistrationCommon, TemplateFields {
  readonly kind: "GcmTemplate";
  readonly gcmRegistrationId: string;
}

/** An FCM v1 registration (`FcmV1RegistrationDescription`). */
export interface FcmV1RegistrationDescription extends RegistrationCommon {
  readonly kind: "FcmV1";
  /** The FCM registration token. */
  readonly fcmV1RegistrationId: string;
}

/** An FCM v1 template registration (`FcmV1TemplateRegistrationDescription`). */
export interface FcmV1TemplateRegistrationDescription extends RegistrationCommon, TemplateFields {
  readonly kind: "FcmV1Template";
  readonly fcmV1RegistrationId: string;
}

/** A WNS registration (`WindowsRegistrationDescription`). */
export interface WindowsRegistrationDescription extends RegistrationCommon {
  readonly kind: "Windows";
  /** The WNS channel URI. */
  readonly channelUri: string;
  /** The secondary tile the channel belongs to, if any. */
  readonly secondaryTileName?: string;
}

/** A WNS template registration (`WindowsTemplateRegistrationDescription`). */
export interface WindowsTemplateRegistrationDescription extends RegistrationCommon, TemplateFields {
  readonly kind: "WindowsTemplate";
  readonly channelUri: string;
  readonly secondaryTileName?: string;
  /** WNS headers; `X-WNS-Type` is required. */
  readonly wnsHeaders: Readonly<Record<string, string>>;
}

/** An MPNS (Windows Phone) registration (`MpnsRegistrationDescription`); MPNS is retired. */
export interface MpnsRegistrationDescription extends RegistrationCommon {
  readonly kind: "Mpns";
  readonly channelUri: string;
  readonly secondaryTileName?: string;
}

/** An MPNS template registration (`MpnsTemplateRegistrationDescription`). */
export interface MpnsTemplateRegistrationDescription extends RegistrationCommon, TemplateFields {
  readonly kind: "MpnsTemplate";
  readonly channelUri: string;
  readonly secondaryTileName?: string;
  /** MPNS headers such as `X-WindowsPhone-Target` and `X-NotificationClass`. */
  readonly mpnsHeaders?: Readonly<Record<string, string>>;
}

/** An Amazon Device Messaging registration (`AdmRegistrationDescription`). */
export interface AdmRegistrationDescription extends RegistrationCommon {
  readonly kind: "Adm";
  readonly admRegistrationId: string;
}

/** An ADM template registration (`AdmTemplateRegistrationDescription`). */
export interface AdmTemplateRegistrationDescription extends RegistrationCommon, TemplateFields {
  readonly kind: "AdmTemplate";
  readonly admRegistrationId: string;
}

/** A Baidu registration (`BaiduRegistrationDescription`). */
export interface BaiduRegistrationDescription extends RegistrationCommon {
  readonly kind: "Baidu";
  readonly baiduUserId: string;
  readonly baiduChannelId: string;
}

/** A Baidu template registration (`BaiduTemplateRegistrationDescription`). */
export interface BaiduTemplateRegistrationDescription extends RegistrationCommon, TemplateFields {
  readonly kind: "BaiduTemplate";
  readonly baiduUserId: string;
  readonly baiduChannelId: string;
  /** Baidu's message type (an integer) [unverified semantics]. */
  readonly messageType?: number;
}

/** A Web Push registration (`BrowserRegistrationDescription`). */
export interface BrowserRegistrationDescription extends RegistrationCommon {
  readonly kind: "Browser";
  /** The push subscription's endpoint URL. */
  readonly endpoint: string;
  /** The subscription's `p256dh` key. */
  readonly p256dh: string;
  /** The subscription's `auth` secret. */
  readonly auth: string;
}

/** A Web Push template registration (`BrowserTemplateRegistrationDescription`). */
export interface BrowserTemplateRegistrationDescription extends RegistrationCommon, TemplateFields {
  readonly kind: "BrowserTemplate";
  readonly endpoint: string;
  readonly p256dh: string;
  readonly auth: string;
}

/** A Xiaomi registration (`XiaomiRegistrationDescription`). */
export interface XiaomiRegistrationDescription extends RegistrationCommon {
  readonly kind: "Xiaomi";
  readonly xiaomiRegistrationId: string;
}

/** A Xiaomi template registration (`XiaomiTemplateRegistrationDescription`). */
export interface XiaomiTemplateRegistrationDescription extends RegistrationCommon, TemplateFields {
  readonly kind: "XiaomiTemplate";
  readonly xiaomiRegistrationId: string;
}

/** Any registration description. */
export type RegistrationDescription =
  | AppleRegistrationDescription
  | AppleTemplateRegistrationDescription
  | GcmRegistrationDescription
  | GcmTemplateRegistrationDescription
  | FcmV1RegistrationDescription
  | FcmV1TemplateRegistrationDescription
  | WindowsRegistrationDescription
  | WindowsTemplateRegistrationDescription
  | MpnsRegistrationDescription
  | MpnsTemplateRegistrationDescription
  | AdmRegistrationDescription
  | AdmTemplateRegistrationDescription
  | BaiduRegistrationDescription
  | BaiduTemplateRegistrationDescription
  | BrowserRegistrationDescription
  | BrowserTemplateRegistrationDescription
  | XiaomiRegistrationDescription
  | XiaomiTemplateRegistrationDescription;

/** The `kind` of a registration description, e.g. `Apple` or `FcmV1Template`. */
export type RegistrationKind = RegistrationDescription["kind"];

/** A template registration description of any platform. */
export type TemplateRegistrationDescription = Extract<RegistrationDescription, TemplateFields>;

/** Every registration kind, natives first then templates. */
export const REGISTRATION_KINDS: readonly RegistrationKind[] = Object.freeze([
  "Apple",
  "Gcm",
  "FcmV1",
  "Windows",
  "Mpns",
  "Adm",
  "Baidu",
  "Browser",
  "Xiaomi",
  "AppleTemplate",
  "GcmTemplate",
  "FcmV1Template",
  "WindowsTemplate",
  "MpnsTemplate",
  "AdmTemplate",
  "BaiduTemplate",
  "BrowserTemplate",
  "XiaomiTemplate",
]);

/** Whether a registration is a template registration. */
export function isTemplateRegistration(
  registration: RegistrationDescription,
): registration is TemplateRegistrationDescription {
  return registration.kind.endsWith("Template");
}
