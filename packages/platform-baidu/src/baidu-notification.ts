import {
  assertHeaders,
  assertMaxBytes,
  createNotification,
  definePlatformSend,
  type Notification,
  parseJsonText,
  quoteExcerpt,
  ValidationError,
} from "@nhub/core";
import { assertBaiduPayload, BAIDU_MAX_PAYLOAD_BYTES, type BaiduPayload } from "./baidu-payload";

/** The `ServiceBusNotification-Format` of Baidu notifications. */
export const BAIDU_FORMAT = "baidu";

/** The `Content-Type` of Baidu notifications. */
export const BAIDU_CONTENT_TYPE = "application/json;charset=utf-8";

/** The optional header that tells the hub which kind of Baidu message to push. */
export const BAIDU_MESSAGE_TYPE_HEADER = "X-Baidu-Message-Type";

/** Baidu message kinds: a notification the device shows, or a pass-through message handed to the app. */
export type BaiduMessageType = "notification" | "message";

const MESSAGE_TYPES: ReadonlySet<string> = new Set<BaiduMessageType>(["notification", "message"]);

/** Options of {@link createBaiduNotification}. */
export interface BaiduNotificationOptions {
  /**
   * Sends `X-Baidu-Message-Type: notification` or `: message`. Left out unless set: the header and its values
   * are unverified, so nhub sends it only when asked and otherwise leaves the choice to the hub's default.
   */
  readonly messageType?: BaiduMessageType;
  /** Extra headers sent with the notification; reserved headers (`Authorization`, `ServiceBusNotification-*`) are refused. */
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * Builds a Baidu notification (format `baidu`, `application/json;charset=utf-8`) after checking the message.
 *
 * A typed payload is serialised with `JSON.stringify` as given. A string is sent byte for byte after checking
 * only that it is well-formed JSON within the size limit, so any Baidu message nhub does not type can still be
 * sent.
 *
 * Rules for typed payloads: a non-empty JSON object; with `aps` it is an iOS message (`aps` an object,
 * `aps.badge` a whole number of 0 or more, `aps.alert` a string or object, `aps.sound` a string,
 * `aps.content-available` 0 or 1), otherwise an Android message (`title`, `description`, `url`,
 * `pkg_content` strings; `notification_builder_id` and `open_type` whole numbers of 0 or more;
 * `notification_basic_style` 0 to 7; `custom_content` an object); every value plain JSON. For every payload:
 * at most 4096 bytes in UTF-8 (Baidu's limit is unverified; 4 KB is the safe figure).
 *
 * `X-Baidu-Message-Type` is sent only when `options.messageType` (or `options.headers`) sets it.
 *
 * @example
 * const n = createBaiduNotification({ title: "Hello", description: "Hello from Azure" });
 * @throws {ValidationError} naming the field and rule, e.g. `payload.aps.badge` / `integer`, before anything is sent.
 */
export function createBaiduNotification(
  payload: BaiduPayload | string,
  options: BaiduNotificationOptions = {},
): Notification {
  let body: string;
  if (typeof payload === "string") {
    parseJsonText(payload);
    body = payload;
  } else {
    assertBaiduPayload(payload);
    body = JSON.stringify(payload);
  }
  assertMaxBytes(body, BAIDU_MAX_PAYLOAD_BYTES, "payload", "the Baidu message");
  return createNotification({
    format: BAIDU_FORMAT,
    contentType: BAIDU_CONTENT_TYPE,
    body,
    ...withMessageType(options),
  });
}

function withMessageType(options: BaiduNotificationOptions): { headers?: Readonly<Record<string, string>> } {
  const { messageType, headers } = options;
  // Checked before merging, so a malformed record is reported as such rather than spread into a new one.
  assertHeaders(headers);
  if (messageType === undefined) return headers === undefined ? {} : { headers };
  if (typeof messageType !== "string" || !MESSAGE_TYPES.has(messageType)) {
    throw new ValidationError(
      "options.messageType",
      "enum",
      `messageType must be "notification" or "message", got ${JSON.stringify(messageType) ?? String(messageType)}`,
    );
  }
  const clash = Object.keys(headers ?? {}).find(
    (name) => name.toLowerCase() === BAIDU_MESSAGE_TYPE_HEADER.toLowerCase(),
  );
  if (clash !== undefined && headers?.[clash] !== messageType) {
    throw new ValidationError(
      `headers.${clash}`,
      "conflict",
      `the header says ${quoteExcerpt(String(headers?.[clash]))} but options.messageType says ${quoteExcerpt(String(messageType))}; set only one`,
    );
  }
  const rest = { ...headers };
  if (clash !== undefined) delete rest[clash];
  return { headers: { ...rest, [BAIDU_MESSAGE_TYPE_HEADER]: messageType } };
}

/**
 * Sends a Baidu message through a hub: `sendBaiduNotification(hub, payload, tags?, options?)` is
 * `hub.send(createBaiduNotification(payload, options), { tags })`. `X-Baidu-Message-Type` is sent only when
 * `options.messageType` (or `options.headers`) sets it.
 *
 * @param tags who gets it: a tag expression, a set of tags of which a device needs any one, or an
 * `and`/`or`/`not` tree; omit to broadcast.
 * @returns a promise that rejects with a {@link ValidationError} for a bad message, before any request is made.
 * @example
 * await sendBaiduNotification(hub, { title: "Hello", description: "Hello from Azure" }, "sports");
 */
export const sendBaiduNotification = /* @__PURE__ */ definePlatformSend(createBaiduNotification);
