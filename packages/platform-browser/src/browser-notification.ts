import {
  assertParsedJsonObject,
  defineJsonPlatform,
  type JsonPlatformOptions,
  type ValidationError,
} from "@nhub/core";
import { assertBrowserPayload, BROWSER_MAX_PAYLOAD_BYTES, type BrowserPayload } from "./browser-payload";

/** The `ServiceBusNotification-Format` of browser (Web Push) notifications. */
export const BROWSER_FORMAT = "browser";

/** The `Content-Type` of browser notifications. */
export const BROWSER_CONTENT_TYPE = "application/json;charset=utf-8";

/**
 * Options of {@link createBrowserNotification} and {@link sendBrowserNotification}: `headers`, extra headers sent
 * with the notification. None is inferred for browsers; reserved headers (`Authorization`, `Content-Type`,
 * `ServiceBusNotification-*`, and `Auth` / `P256DH`, which carry a direct send's subscription keys) are refused.
 */
export type BrowserNotificationOptions = JsonPlatformOptions;

const browser = /* @__PURE__ */ defineJsonPlatform<BrowserPayload>({
  name: "browser",
  format: BROWSER_FORMAT,
  contentType: BROWSER_CONTENT_TYPE,
  maxBytes: BROWSER_MAX_PAYLOAD_BYTES,
  what: "the browser payload",
  check: assertBrowserPayload,
  // The hub sends it as application/json and service workers read it with event.data.json() into an object.
  checkParsed: assertParsedJsonObject,
});

/**
 * Builds a browser notification (format `browser`, `application/json;charset=utf-8`): the JSON the hub
 * encrypts and pushes to each subscribed browser, where the service worker's `push` event reads it with
 * `event.data.json()`. `createBrowserNotification(payload, options?)`.
 *
 * An object is serialised once with `JSON.stringify`, keys in your order. A string is sent byte for byte after
 * checking that it is JSON text of an object, so a payload serialised elsewhere reaches the worker unchanged.
 *
 * Rules: the payload is a JSON object (any fields: the typed ones are not checked, the service worker gives
 * them meaning); every value has a JSON form; the body is at most 4096 bytes in UTF-8.
 *
 * @example
 * const n = createBrowserNotification({ title: "Hello", body: "Hello from Azure", data: { url: "/inbox" } });
 * @throws {ValidationError} naming the field and rule, e.g. `payload` / `max-bytes`, before anything is sent.
 */
export const createBrowserNotification: typeof browser.create = browser.create;

/**
 * Sends a browser notification through a hub: `sendBrowserNotification(hub, payload, tags?, options?)` is
 * `hub.send(createBrowserNotification(payload, options), { tags })`. It reaches every browser registration or
 * installation whose tags match.
 *
 * @param tags who gets it: a tag expression, a set of tags of which a browser needs any one, or an
 * `and`/`or`/`not` tree; omit to broadcast.
 * @returns a promise that rejects with a {@link ValidationError} for a bad payload, before any request is made.
 * @example
 * await sendBrowserNotification(hub, { title: "Hello", body: "Hello from Azure" }, "sports");
 */
export const sendBrowserNotification: typeof browser.send = browser.send;

/** The descriptor's members; `browser-platform.ts` checks and freezes them. */
export const BROWSER_DEFINITION = browser.definition;
