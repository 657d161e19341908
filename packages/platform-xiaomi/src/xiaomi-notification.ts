import {
  assertParsedJsonObject,
  defineJsonPlatform,
  type JsonPlatformOptions,
  type ValidationError,
} from "@nhub/core";
import { assertXiaomiPayload, XIAOMI_MAX_PAYLOAD_BYTES, type XiaomiPayload } from "./xiaomi-payload";

/** The `ServiceBusNotification-Format` of Xiaomi notifications. */
export const XIAOMI_FORMAT = "xiaomi";

/** The `Content-Type` of Xiaomi notifications. */
export const XIAOMI_CONTENT_TYPE = "application/json;charset=utf-8";

/**
 * Options of {@link createXiaomiNotification} and {@link sendXiaomiNotification}: `headers`, extra headers sent
 * with the notification. Xiaomi has none of its own, so none is inferred; reserved headers (`Authorization`,
 * `Content-Type`, `ServiceBusNotification-*`) are refused.
 */
export type XiaomiNotificationOptions = JsonPlatformOptions;

const xiaomi = /* @__PURE__ */ defineJsonPlatform<XiaomiPayload>({
  name: "xiaomi",
  format: XIAOMI_FORMAT,
  contentType: XIAOMI_CONTENT_TYPE,
  maxBytes: XIAOMI_MAX_PAYLOAD_BYTES,
  what: "the Xiaomi message",
  check: assertXiaomiPayload,
  // A Mi Push message is a set of named fields; the hub has nothing to map from a bare array or scalar.
  checkParsed: assertParsedJsonObject,
});

/**
 * Builds a Xiaomi notification (format `xiaomi`, `application/json;charset=utf-8`) for devices in mainland
 * China that registered with Mi Push: `createXiaomiNotification(payload, options?)`.
 *
 * An object is serialised once with `JSON.stringify`, keys in your order. A string is sent byte for byte after
 * checking that it is JSON text of an object.
 *
 * Rules: the message is a JSON object (any fields: the hub treats it as opaque JSON, so the typed Mi Push fields
 * are not checked); every value has a JSON form; the body is at most 4096 bytes in UTF-8 (the hub's limit is
 * unverified; 4 KB is the safe figure).
 *
 * @example
 * const n = createXiaomiNotification({ title: "Hello", description: "Hello from Azure", pass_through: 0 });
 * @throws {ValidationError} naming the field and rule, e.g. `payload` / `max-bytes`, before anything is sent.
 */
export const createXiaomiNotification: typeof xiaomi.create = xiaomi.create;

/**
 * Sends a Xiaomi message through a hub: `sendXiaomiNotification(hub, payload, tags?, options?)` is
 * `hub.send(createXiaomiNotification(payload, options), { tags })`.
 *
 * @param tags who gets it: a tag expression, a set of tags of which a device needs any one, or an
 * `and`/`or`/`not` tree; omit to broadcast.
 * @returns a promise that rejects with a {@link ValidationError} for a bad message, before any request is made.
 * @example
 * await sendXiaomiNotification(hub, { title: "Hello", description: "Hello from Azure" }, "sports");
 */
export const sendXiaomiNotification: typeof xiaomi.send = xiaomi.send;

/** The descriptor's members; `xiaomi-platform.ts` checks and freezes them. */
export const XIAOMI_DEFINITION = xiaomi.definition;
