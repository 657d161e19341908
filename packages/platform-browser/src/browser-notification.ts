import {
  assertMaxBytes,
  createNotification,
  describeValue,
  isPlainObject,
  type Notification,
  type NotificationHub,
  parseJsonText,
  type SendOptions,
  type SendResult,
  ValidationError,
} from "@nhub/core";
import { assertBrowserPayload, BROWSER_MAX_PAYLOAD_BYTES, type BrowserPayload } from "./browser-payload";

/** The `ServiceBusNotification-Format` of browser (Web Push) notifications. */
export const BROWSER_FORMAT = "browser";

/** The `Content-Type` of browser notifications. */
export const BROWSER_CONTENT_TYPE = "application/json;charset=utf-8";

/** Options of {@link createBrowserNotification}. */
export interface BrowserNotificationOptions {
  /**
   * Extra headers sent with the notification. None is inferred for browsers; reserved headers
   * (`Authorization`, `Content-Type`, `ServiceBusNotification-*`, and `Auth` / `P256DH`, which carry a direct
   * send's subscription keys) are refused.
   */
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * Builds a browser notification (format `browser`, `application/json;charset=utf-8`): the JSON the hub
 * encrypts and pushes to each subscribed browser, where the service worker's `push` event reads it with
 * `event.data.json()`.
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
export function createBrowserNotification(
  payload: BrowserPayload | string,
  options: BrowserNotificationOptions = {},
): Notification {
  let body: string;
  if (typeof payload === "string") {
    assertJsonObjectText(payload);
    body = payload;
  } else {
    assertBrowserPayload(payload);
    body = JSON.stringify(payload);
  }
  assertMaxBytes(body, BROWSER_MAX_PAYLOAD_BYTES, "payload", "the browser payload");
  return createNotification({
    format: BROWSER_FORMAT,
    contentType: BROWSER_CONTENT_TYPE,
    body,
    ...(options.headers === undefined ? {} : { headers: options.headers }),
  });
}

function assertJsonObjectText(text: string): void {
  const parsed = parseJsonText(text);
  // The hub sends it as application/json and service workers read it with event.data.json() into an object.
  if (!isPlainObject(parsed)) {
    throw new ValidationError(
      "payload",
      "type",
      `the payload string must hold a JSON object, got ${describeValue(parsed)}`,
    );
  }
}

/**
 * Sends a browser notification through a hub: `hub.send(createBrowserNotification(payload), { tags })`.
 * It reaches every browser registration or installation whose tags match.
 *
 * @param tags a tag expression, or a set of tags of which a browser needs any one; omit to broadcast.
 * @returns a promise that rejects with a {@link ValidationError} for a bad payload, before any request is made.
 * @example
 * await sendBrowserNotification(hub, { title: "Hello", body: "Hello from Azure" }, "sports");
 */
export async function sendBrowserNotification(
  hub: Pick<NotificationHub, "send">,
  payload: BrowserPayload | string,
  tags?: SendOptions["tags"],
): Promise<SendResult> {
  return hub.send(createBrowserNotification(payload), { tags });
}
