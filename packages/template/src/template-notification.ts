/**
 * Template notifications: instead of a platform payload, the sender posts a flat object of string properties
 * and the hub renders each matching template registration (APNs JSON, FCM JSON, WNS XML, ...) with them. One
 * send reaches every platform.
 */
import {
  assertMaxBytes,
  createNotification,
  definePlatformSend,
  MAX_REQUEST_BODY_BYTES,
  type Notification,
  optionHeaders,
  quoteExcerpt,
  ValidationError,
} from "@nhub/core";
import { readProperties, type TemplateProperties } from "./template-expression";

/** The `ServiceBusNotification-Format` of a template notification. */
export const TEMPLATE_FORMAT = "template";

/** The `Content-Type` of a template notification's body. */
export const TEMPLATE_CONTENT_TYPE = "application/json;charset=utf-8";

/** Options of {@link createTemplateNotification} and {@link sendTemplateNotification}. */
export interface TemplateNotificationOptions {
  /** Extra headers sent with the notification; core refuses reserved ones (Authorization, ServiceBusNotification-*). */
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * Builds a template notification: format `template`, body the JSON of `properties`.
 *
 * Rules: `properties` is a plain object (not an array, not null); every value is a string; names are not empty
 * and no two names differ only in case (the hub looks names up case-insensitively, so it could not tell them
 * apart); the body is at most 64 KB in UTF-8. The caller's object is read once and never changed.
 *
 * @example
 * createTemplateNotification({ greeting_en: "Hello", greeting_fr: "Salut" });
 * @throws {ValidationError} field `properties` (rules `type`, `property-name`, `max-bytes`) or
 * `properties.<name>` (rules `string-value`, `duplicate-name`).
 */
export function createTemplateNotification(
  properties: TemplateProperties,
  options?: TemplateNotificationOptions,
): Notification {
  const entries = readProperties(properties);
  // A null-prototype copy: a "__proto__" property is then plain data, and getters ran exactly once above.
  const copy: Record<string, string> = Object.create(null);
  const seen = new Map<string, string>();
  for (const [name, value] of entries) {
    if (name === "")
      throw new ValidationError("properties", "property-name", "template property names cannot be empty");
    const folded = name.toLowerCase();
    const other = seen.get(folded);
    if (other !== undefined) {
      throw new ValidationError(
        `properties.${name}`,
        "duplicate-name",
        `${quoteExcerpt(name)} and ${quoteExcerpt(other)} differ only in case; the hub matches property names case-insensitively`,
      );
    }
    seen.set(folded, name);
    copy[name] = value;
  }
  const body = JSON.stringify(copy);
  assertMaxBytes(body, MAX_REQUEST_BODY_BYTES, "properties", "the template properties' JSON");
  return createNotification({
    format: TEMPLATE_FORMAT,
    contentType: TEMPLATE_CONTENT_TYPE,
    body,
    headers: optionHeaders(options),
  });
}

/**
 * Sends a template notification: `sendTemplateNotification(hub, properties, tags?, options?)` is
 * `hub.send(createTemplateNotification(properties, options), { tags })`. It reaches the template registrations
 * matching `tags` (every one when omitted).
 *
 * @example
 * await sendTemplateNotification(hub, { greeting_en: "Hello", greeting_fr: "Salut" }, "sports");
 * @param tags a tag expression, a set of tags (any of them matches), or an `and`/`or`/`not` tree.
 * @returns the hub's answer; rejects with a {@link ValidationError} before anything is sent for bad properties
 * or tags (see {@link createTemplateNotification}).
 */
export const sendTemplateNotification = /* @__PURE__ */ definePlatformSend(createTemplateNotification);
