import { ValidationError } from "./errors";
import { assertHeaderValue } from "./notification";

/** A browser push subscription as a direct send takes it (`PushSubscription.toJSON()` flattened). */
export interface BrowserPushChannel {
  /** The push service URL, sent as the device handle. */
  readonly endpoint: string;
  /** The browser's P-256 public key (base64url), sent as the `P256DH` header. */
  readonly p256dh: string;
  /** The browser's authentication secret (base64url), sent as the `Auth` header. */
  readonly auth: string;
}

/** Where a direct send goes: a push service handle (APNs token, FCM token, WNS channel URI...) or a browser subscription. */
export type DeviceHandle = string | BrowserPushChannel;

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL = /[\u0000-\u001f\u007f]/;

/** Whether a handle has no CR, LF or other control character (the check of {@link assertHandle}, without throwing). */
export function isCleanHandle(handle: string): boolean {
  return !CONTROL.test(handle);
}

/**
 * Checks one handle part: a non-empty string with no CR, LF or other control characters (it travels in a
 * header or a batch body).
 *
 * @throws {ValidationError} with rule `required` or `header-value`.
 */
export function assertHandle(value: unknown, field: string): asserts value is string {
  if (typeof value !== "string" || value === "") {
    throw new ValidationError(field, "required", "a device handle must be a non-empty string");
  }
  if (CONTROL.test(value)) {
    throw new ValidationError(
      field,
      "header-value",
      "a device handle cannot contain CR, LF or control characters",
    );
  }
}

/**
 * A handle part sent as a header (`ServiceBusNotification-DeviceHandle`, `P256DH`, `Auth`): besides the rules of
 * {@link assertHandle}, visible ASCII only, so no transport refuses or re-encodes it after the send has started.
 * Batch handles travel in a JSON body and need only {@link assertHandle}.
 */
function assertHeaderHandle(value: unknown, field: string): asserts value is string {
  assertHandle(value, field);
  assertHeaderValue(value, field);
}

/** Adds the direct-send headers for `handle` to `headers`, after checking it. */
export function setDeviceHandleHeaders(headers: Record<string, string>, handle: DeviceHandle): void {
  if (typeof handle === "string") {
    assertHeaderHandle(handle, "deviceHandle");
    headers["ServiceBusNotification-DeviceHandle"] = handle;
    return;
  }
  if (handle === null || typeof handle !== "object") {
    throw new ValidationError(
      "deviceHandle",
      "type",
      "a device handle is a string or { endpoint, p256dh, auth }",
    );
  }
  assertHeaderHandle(handle.endpoint, "deviceHandle.endpoint");
  assertHeaderHandle(handle.p256dh, "deviceHandle.p256dh");
  assertHeaderHandle(handle.auth, "deviceHandle.auth");
  headers["ServiceBusNotification-DeviceHandle"] = handle.endpoint;
  headers["P256DH"] = handle.p256dh;
  headers["Auth"] = handle.auth;
}
