/**
 * A browser's push subscription: the handle a direct send is addressed to. The browser hands it to the page as
 * `PushSubscription.toJSON()`; the page posts it to the back end, which must not trust its shape, so
 * {@link browserSubscriptionFromJSON} checks it as the hub would before a send can fail on it.
 */
import { describeValue, isPlainObject, ValidationError } from "@nhub/core";

/**
 * A browser push subscription as a hub takes it for a direct send: the push service endpoint and the two keys
 * the hub encrypts the payload with.
 */
export interface BrowserPushSubscription {
  /** The push service URL of this subscription (`https:`), sent as the device handle. */
  readonly endpoint: string;
  /** The browser's P-256 public key: 65 bytes (an uncompressed point), unpadded base64url. */
  readonly p256dh: string;
  /** The browser's authentication secret: 16 bytes, unpadded base64url. */
  readonly auth: string;
}

/**
 * The shape of `PushSubscription.toJSON()` in a browser (and of `JSON.parse` of it). Declared here so the
 * package needs no DOM types.
 */
export interface BrowserPushSubscriptionJSON {
  /** The push service URL. */
  readonly endpoint?: string;
  /** When the subscription expires, in milliseconds since the Unix epoch, or `null`. Not used by the hub. */
  readonly expirationTime?: number | null;
  /** The subscription's keys: `p256dh` and `auth`, base64url. */
  readonly keys?: Readonly<Record<string, string>>;
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;
// Whitespace and control characters: URL parsing would silently strip some of them, and the endpoint travels
// in a header.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const NOT_IN_ENDPOINT = /[\s\u0000-\u001f\u007f]/;
const P256DH_BYTES = 65;
const AUTH_BYTES = 16;

/**
 * Reads a subscription from the browser's `PushSubscription.toJSON()` shape, `{ endpoint, keys: { p256dh, auth } }`
 * (other members, such as `expirationTime`, are ignored), checks it and returns the flat form a direct send
 * takes. The input is not changed; the result is a new frozen object.
 *
 * @param json the browser's subscription, as sent by the page (typically `JSON.parse` output, so `unknown`)
 * @throws {ValidationError} with field `subscription.endpoint`, `subscription.keys`, `subscription.keys.p256dh` or
 * `subscription.keys.auth`; see {@link assertBrowserPushSubscription} for the rules.
 * @example
 * // In the browser: fetch("/subscribe", { method: "POST", body: JSON.stringify(subscription) })
 * const sub = browserSubscriptionFromJSON(JSON.parse(requestBody));
 */
export function browserSubscriptionFromJSON(json: unknown): BrowserPushSubscription {
  const field = "subscription";
  if (!isPlainObject(json)) {
    throw new ValidationError(
      field,
      "type",
      `a push subscription must be an object like PushSubscription.toJSON(), got ${describeValue(json)}`,
    );
  }
  const keys = json["keys"];
  if (keys === undefined || keys === null) {
    throw new ValidationError(`${field}.keys`, "required", "the subscription has no keys { p256dh, auth }");
  }
  if (!isPlainObject(keys)) {
    throw new ValidationError(
      `${field}.keys`,
      "type",
      `keys must be an object { p256dh, auth }, got ${describeValue(keys)}`,
    );
  }
  const subscription = { endpoint: json["endpoint"], p256dh: keys["p256dh"], auth: keys["auth"] };
  assertSubscriptionParts(subscription, { endpoint: `${field}.endpoint`, keys: `${field}.keys` });
  return Object.freeze(subscription);
}

/**
 * Checks a flat subscription `{ endpoint, p256dh, auth }`, e.g. one loaded from storage.
 *
 * Rules: `endpoint` is an absolute `https:` URL with a host and no whitespace or control characters;
 * `p256dh` is unpadded base64url of 65 bytes starting with 0x04 (an uncompressed P-256 point); `auth` is unpadded
 * base64url of 16 bytes.
 *
 * @param subscription the subscription to check
 * @param field the dotted path to report, `subscription` by default
 * @throws {ValidationError} e.g. field `subscription.endpoint` rule `https`, or `subscription.p256dh` rule
 * `base64url`
 */
export function assertBrowserPushSubscription(
  subscription: unknown,
  field = "subscription",
): asserts subscription is BrowserPushSubscription {
  if (!isPlainObject(subscription)) {
    throw new ValidationError(
      field,
      "type",
      `a push subscription must be an object { endpoint, p256dh, auth }, got ${describeValue(subscription)}`,
    );
  }
  assertSubscriptionParts(subscription, { endpoint: `${field}.endpoint`, keys: field });
}

function assertSubscriptionParts(
  parts: { endpoint?: unknown; p256dh?: unknown; auth?: unknown },
  fields: { endpoint: string; keys: string },
): asserts parts is BrowserPushSubscription {
  assertEndpoint(parts.endpoint, fields.endpoint);
  assertKey(parts.p256dh, `${fields.keys}.p256dh`, P256DH_BYTES);
  assertKey(parts.auth, `${fields.keys}.auth`, AUTH_BYTES);
}

function assertEndpoint(endpoint: unknown, field: string): void {
  if (endpoint === undefined || endpoint === null || endpoint === "") {
    throw new ValidationError(field, "required", "the subscription has no endpoint");
  }
  if (typeof endpoint !== "string") {
    throw new ValidationError(field, "type", `endpoint must be a string, got ${describeValue(endpoint)}`);
  }
  if (NOT_IN_ENDPOINT.test(endpoint)) {
    throw new ValidationError(
      field,
      "characters",
      "endpoint cannot contain whitespace or control characters",
    );
  }
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch (error) {
    throw new ValidationError(field, "url", "endpoint is not an absolute URL", { cause: error });
  }
  // Web Push (RFC 8030) is HTTPS only; anything else is not a push service.
  if (url.protocol !== "https:") {
    throw new ValidationError(
      field,
      "https",
      `endpoint must be an https: URL of a push service, got a ${url.protocol} URL`,
    );
  }
}

function assertKey(key: unknown, field: string, bytes: number): void {
  const name = field.slice(field.lastIndexOf(".") + 1);
  if (key === undefined || key === null || key === "") {
    throw new ValidationError(field, "required", `the subscription has no ${name} key`);
  }
  if (typeof key !== "string") {
    throw new ValidationError(field, "type", `${name} must be a string, got ${describeValue(key)}`);
  }
  const decoded = Buffer.from(key, "base64url");
  // Re-encoding catches a last character with stray low bits, which Buffer would silently drop.
  if (!BASE64URL.test(key) || decoded.toString("base64url") !== key) {
    throw new ValidationError(
      field,
      "base64url",
      `${name} must be unpadded base64url (A-Z a-z 0-9 - _), as PushSubscription.toJSON() gives it`,
    );
  }
  if (decoded.length !== bytes) {
    throw new ValidationError(
      field,
      "key-length",
      `${name} must decode to ${bytes} bytes, got ${decoded.length}`,
    );
  }
  if (bytes === P256DH_BYTES && decoded[0] !== 0x04) {
    throw new ValidationError(
      field,
      "p256-point",
      "p256dh must be an uncompressed P-256 public key (its first byte is 0x04)",
    );
  }
}
