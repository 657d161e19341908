import { defineJsonPlatform, type JsonPlatformOptions, type ValidationError } from "@nhub/core";
import { ADM_MAX_PAYLOAD_BYTES, type AdmPayload, assertAdmPayload } from "./adm-payload";

/** The `ServiceBusNotification-Format` of ADM notifications. */
export const ADM_FORMAT = "adm";

/** The `Content-Type` of ADM notifications. */
export const ADM_CONTENT_TYPE = "application/json;charset=utf-8";

/**
 * Options of {@link createAdmNotification} and {@link sendAdmNotification}: `headers`, extra headers sent with
 * the notification. ADM defines none of its own; reserved headers (`Authorization`, `Content-Type`,
 * `ServiceBusNotification-*`) are refused.
 */
export type AdmNotificationOptions = JsonPlatformOptions;

// A string is checked by the same rules as a value, once parsed.
const adm = /* @__PURE__ */ defineJsonPlatform<AdmPayload>({
  name: "adm",
  format: ADM_FORMAT,
  contentType: ADM_CONTENT_TYPE,
  maxBytes: ADM_MAX_PAYLOAD_BYTES,
  what: "the ADM message",
  check: assertAdmPayload,
  checkParsed: assertAdmPayload,
});

/**
 * Builds an ADM notification (format `adm`, `application/json;charset=utf-8`) after checking the message:
 * `createAdmNotification(payload, options?)`.
 *
 * A typed payload is serialised with `JSON.stringify` as given; a string is taken as the exact body to send,
 * after checking that it parses to a message that passes the same rules.
 *
 * Rules: the message is a JSON object with only ADM's fields; it has `data`, `notification` or both; every
 * `data` value is a string; `priority` is `normal` or `high`; `expiresAfter` is a whole number of seconds from
 * 1 to 2 678 400; `md5` is a base64 MD5 digest; the body is at most 6144 bytes in UTF-8.
 *
 * @example
 * const n = createAdmNotification({ data: { msg: "Hello!" } });
 * @throws {ValidationError} naming the field and rule, e.g. `payload.data.msg` / `type`, before anything is sent.
 */
export const createAdmNotification: typeof adm.create = adm.create;

/**
 * Sends an ADM message through a hub: `sendAdmNotification(hub, payload, tags?, options?)` is
 * `hub.send(createAdmNotification(payload, options), { tags })`.
 *
 * @param tags who gets it: a tag expression, a set of tags of which a device needs any one, or an `and`/`or`/`not`
 * tree; omit to broadcast.
 * @returns a promise that rejects with a {@link ValidationError} for a bad message, before any request is made.
 * @example
 * await sendAdmNotification(hub, { data: { msg: "Hello!" } }, "sports");
 */
export const sendAdmNotification: typeof adm.send = adm.send;

/** The descriptor's members; `adm-platform.ts` checks and freezes them. */
export const ADM_DEFINITION = adm.definition;
