/**
 * The JSON a hub forwards through Web Push to a browser's service worker, and the checks that run on it before
 * anything is sent. The push service carries the payload encrypted and never reads it; only the service worker
 * interprets it. So nhub types the shape most service workers expect (the options of the Notifications API) but
 * refuses nothing a service worker could want: any JSON object passes, as long as it survives
 * `JSON.stringify` and fits the size limit.
 */
import { assertJsonObject, assertJsonValue, type JsonObject, type JsonValue } from "@nhub/core";

/**
 * Largest browser payload the hub forwards: 4096 bytes of UTF-8, the figure the hub documents for the
 * `browser` format.
 */
export const BROWSER_MAX_PAYLOAD_BYTES = 4096;

/** A button on a notification (`NotificationOptions.actions`). */
export interface BrowserNotificationAction {
  /** The id the service worker's `notificationclick` handler receives as `event.action`. */
  readonly action: string;
  /** The button's label. */
  readonly title: string;
  /** URL of the button's icon. */
  readonly icon?: string;
}

/**
 * The payload most service workers expect: a title plus the options of `showNotification(title, options)`,
 * sent as JSON for the worker to pass on. Every field but `title` is optional; which ones a browser honours
 * varies.
 */
export interface BrowserNotificationPayload {
  /** The notification's title. */
  readonly title: string;
  /** The text under the title. */
  readonly body?: string;
  /** URL of the image shown beside the text. */
  readonly icon?: string;
  /** URL of a small monochrome image for the status bar (Android). */
  readonly badge?: string;
  /** URL of a large image shown in the notification. */
  readonly image?: string;
  /** Notifications with the same tag replace each other. */
  readonly tag?: string;
  /** Anything the service worker should keep with the notification (`notification.data`). */
  readonly data?: JsonValue;
  /** Buttons on the notification. */
  readonly actions?: readonly BrowserNotificationAction[];
  /** Keep the notification on screen until the user acts on it. */
  readonly requireInteraction?: boolean;
  /** Show it without sound or vibration. */
  readonly silent?: boolean;
  /** Alert again when it replaces a notification with the same `tag`. */
  readonly renotify?: boolean;
  /** When the event happened, in milliseconds since the Unix epoch. */
  readonly timestamp?: number;
  /** Text direction. */
  readonly dir?: "auto" | "ltr" | "rtl";
  /** Language of the text, as a BCP 47 tag such as `en-US`. */
  readonly lang?: string;
  /** A vibration pattern: milliseconds of vibration and pause, alternating. */
  readonly vibrate?: number | readonly number[];
}

/**
 * What `createBrowserNotification` takes as an object: the typed shape above, or any other JSON object for a
 * service worker with its own schema.
 */
export type BrowserPayload = BrowserNotificationPayload | JsonObject;

/**
 * Checks that a value can be sent as a browser payload: a plain JSON object whose every value survives
 * `JSON.stringify` unchanged in meaning. The Notifications API fields are not checked, since the service worker
 * decides what they mean.
 *
 * @param payload the payload to check
 * @param field the dotted path to report, `payload` by default
 * @throws {ValidationError} rule `type` for a value that is not a plain object, or rule `json` with the dotted
 * path of the first value JSON cannot carry (a function, `NaN`, a `Date`, a cycle)
 */
export function assertBrowserPayload(payload: unknown, field = "payload"): asserts payload is BrowserPayload {
  assertJsonObject(payload, field, "a browser payload");
  assertJsonValue(payload, field);
}
