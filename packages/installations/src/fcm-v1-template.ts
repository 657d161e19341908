/**
 * Translates an FCM legacy (`gcm`) template body into the FCM v1 `{"message":{...}}` envelope. The mapping
 * follows Firebase's migration guide (legacy HTTP → HTTP v1); anything without a faithful v1 equivalent is
 * refused with a reason rather than guessed, so the caller can fix those templates by hand.
 */
import { isPlainObject, parseJsonText } from "@nhub/core";

/** The outcome of {@link translateLegacyFcmTemplate}: the v1 body, or why there is none. */
export type FcmTemplateTranslation =
  | { readonly ok: true; readonly body: string }
  | { readonly ok: false; readonly reason: string };

// Legacy `notification` keys that v1 keeps in the cross-platform `message.notification`.
const COMMON_NOTIFICATION = new Set(["title", "body", "image"]);
// Legacy `notification` keys that v1 moved to `message.android.notification` (same name unless mapped).
const ANDROID_NOTIFICATION: Readonly<Record<string, string>> = {
  icon: "icon",
  sound: "sound",
  tag: "tag",
  color: "color",
  click_action: "click_action",
  body_loc_key: "body_loc_key",
  title_loc_key: "title_loc_key",
  body_loc_args: "body_loc_args",
  title_loc_args: "title_loc_args",
  android_channel_id: "channel_id",
};
// Legacy top-level keys that v1 moved to `message.android` (same name).
const ANDROID_OPTIONS = new Set(["collapse_key", "restricted_package_name"]);
// Data keys FCM reserves (v1 rejects a message using them).
const RESERVED_DATA = /^(from|message_type|notification|google\..*|gcm\..*)$/;

const stringLike = (v: unknown): v is string => typeof v === "string";
// A `#(...)` slot renders a JSON number, which v1's string-only places refuse.
const rendersNumber = (v: string) => v.startsWith("#(");

/**
 * Translates a legacy template body (`{"data":{...},"notification":{...},"priority":"high",...}`) into the v1
 * envelope. Mapping:
 *
 * - `notification.title|body|image` → `message.notification.*`;
 * - `notification.icon|sound|tag|color|click_action|*_loc_key|*_loc_args` → `message.android.notification.*`,
 *   `notification.android_channel_id` → `message.android.notification.channel_id`;
 * - `data` → `message.data` (every value must be a string, not a `#(...)` number slot; no reserved key);
 * - `priority` `"high"`/`"normal"` → `message.android.priority` `"HIGH"`/`"NORMAL"`;
 * - `time_to_live` (seconds, a number) → `message.android.ttl` `"<n>s"`;
 * - `collapse_key`, `restricted_package_name` → `message.android.*`;
 * - `delay_while_idle` is dropped (FCM ignored it since 2016); a body already holding `message` is kept.
 *
 * Anything else (`content_available`, `mutable_content`, `badge`, a targeting key, a non-string data value, an
 * expression where v1 needs a fixed value) is refused with the reason.
 */
export function translateLegacyFcmTemplate(body: string): FcmTemplateTranslation {
  let parsed: unknown;
  try {
    parsed = parseJsonText(body);
  } catch {
    return { ok: false, reason: "the body is not JSON" };
  }
  if (!isPlainObject(parsed)) return { ok: false, reason: "the body is not a JSON object" };
  if ("message" in parsed) {
    return Object.keys(parsed).length === 1 && isPlainObject(parsed["message"])
      ? { ok: true, body }
      : { ok: false, reason: "the body mixes a v1 message with other keys" };
  }
  const message: Record<string, unknown> = {};
  const android: Record<string, unknown> = {};
  const androidNotification: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (key === "notification") {
      if (!isPlainObject(value)) return { ok: false, reason: "notification is not an object" };
      const common: Record<string, unknown> = {};
      for (const [name, v] of Object.entries(value)) {
        if (COMMON_NOTIFICATION.has(name)) {
          if (!stringLike(v)) return { ok: false, reason: `notification.${name} is not a string` };
          common[name] = v;
        } else if (Object.hasOwn(ANDROID_NOTIFICATION, name)) {
          const isArgs = name.endsWith("_loc_args");
          if (isArgs ? !Array.isArray(value[name]) : !stringLike(v)) {
            return { ok: false, reason: `notification.${name} is not ${isArgs ? "an array" : "a string"}` };
          }
          androidNotification[ANDROID_NOTIFICATION[name]!] = v;
        } else {
          return { ok: false, reason: `notification.${name} has no FCM v1 equivalent` };
        }
      }
      if (Object.keys(common).length > 0) message["notification"] = common;
    } else if (key === "data") {
      if (!isPlainObject(value)) return { ok: false, reason: "data is not an object" };
      for (const [name, v] of Object.entries(value)) {
        if (RESERVED_DATA.test(name)) return { ok: false, reason: `data.${name} is a key FCM reserves` };
        if (!stringLike(v) || rendersNumber(v)) {
          return { ok: false, reason: `data.${name} is not a string (FCM v1 data values are strings)` };
        }
      }
      message["data"] = value;
    } else if (key === "priority") {
      if (value !== "high" && value !== "normal") {
        return { ok: false, reason: 'priority is not "high" or "normal"' };
      }
      android["priority"] = value.toUpperCase();
    } else if (key === "time_to_live") {
      if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
        return { ok: false, reason: "time_to_live is not a whole number of seconds" };
      }
      android["ttl"] = `${value}s`;
    } else if (ANDROID_OPTIONS.has(key)) {
      if (!stringLike(value)) return { ok: false, reason: `${key} is not a string` };
      android[key] = value;
    } else if (key !== "delay_while_idle") {
      return { ok: false, reason: `${key} has no FCM v1 equivalent` };
    }
  }
  if (Object.keys(androidNotification).length > 0) android["notification"] = androidNotification;
  if (Object.keys(android).length > 0) message["android"] = android;
  return { ok: true, body: JSON.stringify({ message }) };
}
