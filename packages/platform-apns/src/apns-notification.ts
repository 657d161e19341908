import {
  assertMaxBytes,
  createNotification,
  definePlatformSend,
  type Notification,
  parseJsonText,
  type ValidationError,
} from "@nhub/core";
import { type ApnsHeaderOptions, resolveApnsHeaders } from "./apns-headers";
import { type ApnsPayload, assertApnsPayload, assertLiveActivityAps } from "./apns-payload";

/** The `ServiceBusNotification-Format` of Apple notifications. */
export const APPLE_FORMAT = "apple";

/** The `Content-Type` of Apple notifications. */
export const APPLE_CONTENT_TYPE = "application/json;charset=utf-8";

/** Largest APNs payload, in UTF-8 bytes. */
export const APNS_MAX_PAYLOAD_BYTES = 4096;

/** Largest VoIP (`apns-push-type: voip`) payload, in UTF-8 bytes. */
export const APNS_MAX_VOIP_PAYLOAD_BYTES = 5120;

/** Options of {@link createAppleNotification}: the headers to send and typed shortcuts for each. */
export type AppleNotificationOptions = ApnsHeaderOptions;

/**
 * Builds an Apple notification: checks the payload against Apple's schema, works out the `apns-*` headers
 * (see {@link resolveApnsHeaders}) and checks the size limit (4096 bytes, 5120 for VoIP).
 *
 * A string payload is sent byte for byte as given, after checking that it is a JSON object with `aps`;
 * an object payload is serialised with `JSON.stringify`.
 *
 * @example
 * const n = createAppleNotification({ aps: { alert: "Hello!" } });
 * // format "apple", header apns-push-type: alert, body {"aps":{"alert":"Hello!"}}
 *
 * @throws {ValidationError} for a payload without `aps`, a bad header, or an oversized payload.
 */
export function createAppleNotification(
  payload: ApnsPayload | string,
  options: AppleNotificationOptions = {},
): Notification {
  let parsed: unknown;
  let body: string;
  if (typeof payload === "string") {
    parsed = parseJsonText(payload);
    body = payload;
  } else {
    parsed = payload;
  }
  assertApnsPayload(parsed);
  const { pushType, headers } = resolveApnsHeaders(parsed.aps, options);
  if (pushType === "liveactivity") assertLiveActivityAps(parsed.aps);
  body ??= JSON.stringify(parsed);
  if (pushType === "voip") assertMaxBytes(body, APNS_MAX_VOIP_PAYLOAD_BYTES, "payload", "the VoIP payload");
  else assertMaxBytes(body, APNS_MAX_PAYLOAD_BYTES, "payload", "the APNs payload");
  return createNotification({ format: APPLE_FORMAT, contentType: APPLE_CONTENT_TYPE, body, headers });
}

/**
 * Sends an Apple notification: `sendAppleNotification(hub, payload, tags?, options?)` is
 * `hub.send(createAppleNotification(payload, options), { tags })`. It reaches the devices matching `tags` (a tag
 * expression, a set of tags sent to anyone with any of them, or an `and`/`or`/`not` tree), or every Apple device
 * when `tags` is left out. Nothing is sent when the payload is refused; the promise rejects with the
 * {@link ValidationError}.
 *
 * @example
 * await sendAppleNotification(hub, { aps: { alert: "Hello!" } }, "sports");
 */
export const sendAppleNotification = /* @__PURE__ */ definePlatformSend(createAppleNotification);
