import {
  assertMaxBytes,
  createNotification,
  definePlatformSend,
  type Notification,
  ValidationError,
} from "@nhub/core";
import { assertWellFormedXml } from "@nhub/xml";
import { resolveWnsHeaders, type WnsHeaderOptions, type WnsType, wnsTypeForXml } from "./wns-headers";

/** The `ServiceBusNotification-Format` of Windows (WNS) notifications. */
export const WINDOWS_FORMAT = "windows";

/** The `Content-Type` of toast, tile and badge notifications. */
export const WNS_XML_CONTENT_TYPE = "application/xml";

/** The `Content-Type` of raw notifications. */
export const WNS_RAW_CONTENT_TYPE = "application/octet-stream";

/** Largest WNS payload, in bytes (UTF-8 for text). */
export const WNS_MAX_PAYLOAD_BYTES = 5000;

/** Options of {@link createWindowsNotification}: the notification type and the `X-WNS-*` headers. */
export type WindowsNotificationOptions = WnsHeaderOptions;

/**
 * Builds a Windows (WNS) notification.
 *
 * - A string payload is XML unless `type: "wns/raw"` is given. The XML must be well-formed (rule
 *   `xml-well-formed`) and `X-WNS-Type` is read from its root element, case-insensitively: `<toast>` is
 *   `wns/toast`, `<tile>` `wns/tile`, `<badge>` `wns/badge`. Content type `application/xml`.
 * - A `Uint8Array` payload, or a string with `type: "wns/raw"`, is a raw notification sent as it is, content
 *   type `application/octet-stream`. The bytes are copied, so changing the array later changes nothing.
 * - At most 5000 bytes; a raw payload cannot be empty.
 *
 * The body is sent exactly as given; nothing is re-serialised.
 *
 * @example
 * createWindowsNotification('<toast><visual><binding template="ToastText01"><text id="1">Hello world!</text></binding></visual></toast>');
 * // format "windows", X-WNS-Type: wns/toast, Content-Type: application/xml
 *
 * @throws {ValidationError} for malformed XML, an XML root that names no type, a bad header or an oversized
 * payload.
 */
export function createWindowsNotification(
  payload: string | Uint8Array,
  options: WindowsNotificationOptions = {},
): Notification {
  const { type: explicit, typeField, headers } = resolveWnsHeaders(options);
  let type: WnsType;
  let body: string | Uint8Array;
  if (payload instanceof Uint8Array) {
    if (explicit !== undefined && explicit !== "wns/raw") {
      throw new ValidationError(
        typeField ?? "options.type",
        "type-mismatch",
        `a Uint8Array payload is sent as wns/raw, not ${explicit}; pass toast, tile and badge XML as a string`,
      );
    }
    type = "wns/raw";
    assertMaxBytes(payload, WNS_MAX_PAYLOAD_BYTES, "payload", "the WNS payload");
    body = payload.slice();
  } else if (typeof payload === "string") {
    assertMaxBytes(payload, WNS_MAX_PAYLOAD_BYTES, "payload", "the WNS payload");
    if (explicit === "wns/raw") {
      type = explicit;
    } else {
      type = wnsTypeForXml(assertWellFormedXml(payload).root, explicit, typeField);
    }
    body = payload;
  } else {
    throw new ValidationError(
      "payload",
      "type",
      `the payload is XML text or raw bytes (Uint8Array), not ${payload === null ? "null" : typeof payload}`,
    );
  }
  if (type === "wns/raw" && (typeof body === "string" ? body.length : body.byteLength) === 0) {
    throw new ValidationError("payload", "required", "a raw notification needs a payload");
  }
  return createNotification({
    format: WINDOWS_FORMAT,
    contentType: type === "wns/raw" ? WNS_RAW_CONTENT_TYPE : WNS_XML_CONTENT_TYPE,
    body,
    headers: { "X-WNS-Type": type, ...headers },
  });
}

/**
 * Sends a Windows notification: `sendWindowsNotification(hub, payload, tags?, options?)` is
 * `hub.send(createWindowsNotification(payload, options), { tags })`. It reaches the devices matching `tags` (a
 * tag expression, a set of tags sent to anyone with any of them, or an `and`/`or`/`not` tree), or every Windows
 * device when `tags` is left out. Nothing is sent when the payload is
 * refused; the promise rejects with the {@link ValidationError}.
 *
 * @example
 * await sendWindowsNotification(hub, toastXml({ texts: ["Hello world!"] }), "sports");
 */
export const sendWindowsNotification = /* @__PURE__ */ definePlatformSend(createWindowsNotification);
