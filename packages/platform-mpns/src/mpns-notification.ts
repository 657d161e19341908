import {
  assertMaxBytes,
  createNotification,
  definePlatformSend,
  type Notification,
  ValidationError,
} from "@nhub/core";
import { assertWellFormedXml } from "@nhub/xml";
import { type MpnsHeaderOptions, mpnsKindOf, resolveMpnsHeaders } from "./mpns-headers";

/**
 * The `ServiceBusNotification-Format` of Windows Phone (MPNS) notifications.
 *
 * @deprecated Microsoft retired MPNS; this package is kept only to migrate old back ends. Use `@nhub/platform-wns`.
 */
export const WINDOWS_PHONE_FORMAT = "windowsphone";

/**
 * The `Content-Type` of every MPNS notification.
 *
 * @deprecated Microsoft retired MPNS; this package is kept only to migrate old back ends. Use `@nhub/platform-wns`.
 */
export const MPNS_CONTENT_TYPE = "application/xml;charset=utf-8";

/**
 * Largest raw MPNS payload: 1 KB (1024 bytes of UTF-8).
 *
 * @deprecated Microsoft retired MPNS; this package is kept only to migrate old back ends. Use `@nhub/platform-wns`.
 */
export const MPNS_MAX_RAW_PAYLOAD_BYTES = 1024;

/**
 * Largest toast or tile payload nhub sends: 3 KB (3072 bytes of UTF-8). Only the 1 KB raw limit is documented;
 * this cap is nhub's own conservative choice.
 *
 * @deprecated Microsoft retired MPNS; this package is kept only to migrate old back ends. Use `@nhub/platform-wns`.
 */
export const MPNS_MAX_PAYLOAD_BYTES = 3072;

/**
 * Options of {@link createMpnsNotification}.
 *
 * @deprecated Microsoft retired MPNS; this package is kept only to migrate old back ends. Use `@nhub/platform-wns`.
 */
export type MpnsNotificationOptions = MpnsHeaderOptions;

/**
 * Builds a Windows Phone (MPNS) notification from XML, sent as given with content type
 * `application/xml;charset=utf-8`.
 *
 * The XML must be well-formed (rule `xml-well-formed`). Its kind decides the headers: a
 * `<wp:Notification xmlns:wp="WPNotification">` envelope whose first child is `<wp:Toast>` gets
 * `X-WindowsPhone-Target: toast` and `X-NotificationClass: 2` (12 within 450 s, 22 within 900 s); `<wp:Tile>`
 * gets `token` and class 1 (11, 21); anything else is raw: no target, class 3 (13, 23). A toast or tile may be
 * 3072 bytes, a raw payload 1024.
 *
 * @example
 * createMpnsNotification(mpnsToastXml({ text1: "Hello", text2: "world" }));
 * // format "windowsphone", X-WindowsPhone-Target: toast, X-NotificationClass: 2
 *
 * @throws {ValidationError} for malformed XML, a bad or contradicting header, or an oversized payload.
 * @deprecated Microsoft retired MPNS; this package is kept only to migrate old back ends. Use `@nhub/platform-wns`.
 */
export function createMpnsNotification(payload: string, options: MpnsNotificationOptions = {}): Notification {
  if (typeof payload !== "string") {
    throw new ValidationError(
      "payload",
      "type",
      `the payload is XML text, not ${payload === null ? "null" : typeof payload}`,
    );
  }
  assertMaxBytes(payload, MPNS_MAX_PAYLOAD_BYTES, "payload", "the MPNS payload");
  const kind = mpnsKindOf(assertWellFormedXml(payload));
  if (kind === "raw") assertMaxBytes(payload, MPNS_MAX_RAW_PAYLOAD_BYTES, "payload", "the raw MPNS payload");
  const headers = resolveMpnsHeaders(kind, options);
  return createNotification({
    format: WINDOWS_PHONE_FORMAT,
    contentType: MPNS_CONTENT_TYPE,
    body: payload,
    headers,
  });
}

/**
 * Sends a Windows Phone notification: `sendMpnsNotification(hub, payload, tags?, options?)` is
 * `hub.send(createMpnsNotification(payload, options), { tags })`. It reaches the devices matching `tags` (a tag
 * expression, a set of tags sent to anyone with any of them, or an `and`/`or`/`not` tree), or every Windows Phone
 * device when `tags` is left out. Nothing is sent when the
 * payload is refused; the promise rejects with the {@link ValidationError}.
 *
 * @example
 * await sendMpnsNotification(hub, mpnsToastXml({ text1: "Hello", text2: "world" }), "sports");
 *
 * @deprecated Microsoft retired MPNS; this package is kept only to migrate old back ends. Use `@nhub/platform-wns`.
 */
export const sendMpnsNotification = /* @__PURE__ */ definePlatformSend(createMpnsNotification);
