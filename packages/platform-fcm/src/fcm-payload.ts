/**
 * Types of FCM messages: the HTTP v1 `Message` (field names as in its JSON, snake_case) and the retired legacy
 * HTTP body. Targets (`token`, `topic`, `condition`, `to`, `registration_ids`) are typed `never`: the hub
 * chooses the devices, the caller chooses them with tags.
 */
import type { JsonObject } from "@nhub/core";

/** A map of string keys to string values, as FCM's `data` and header maps are. */
export type StringMap = { readonly [key: string]: string };

/** A protobuf duration in JSON: seconds with up to nine decimals and an `s`, e.g. `"3.5s"`, `"86400s"`. */
export type FcmDuration = `${number}s`;

/** The platform-neutral notification shown by every FCM client. */
export type FcmNotification = {
  readonly title?: string;
  readonly body?: string;
  /** HTTPS URL of an image to show. */
  readonly image?: string;
};

/** Delivery priority of an Android message. */
export type AndroidMessagePriority = "NORMAL" | "HIGH";

/** Priority of the notification shown on Android. */
export type AndroidNotificationPriority =
  | "PRIORITY_UNSPECIFIED"
  | "PRIORITY_MIN"
  | "PRIORITY_LOW"
  | "PRIORITY_DEFAULT"
  | "PRIORITY_HIGH"
  | "PRIORITY_MAX";

/** Lock-screen visibility of an Android notification. */
export type AndroidNotificationVisibility = "VISIBILITY_UNSPECIFIED" | "PRIVATE" | "PUBLIC" | "SECRET";

/** An RGBA colour, each channel 0 to 1. */
export type AndroidColor = {
  readonly red?: number;
  readonly green?: number;
  readonly blue?: number;
  readonly alpha?: number;
};

/** LED settings of an Android notification. */
export type AndroidLightSettings = {
  readonly color: AndroidColor;
  readonly light_on_duration: FcmDuration;
  readonly light_off_duration: FcmDuration;
};

/** The Android-specific notification. */
export type AndroidNotification = {
  readonly title?: string;
  readonly body?: string;
  /** Drawable resource name. */
  readonly icon?: string;
  /** Icon colour as `#rrggbb`. */
  readonly color?: string;
  /** Sound resource name, or `"default"`. */
  readonly sound?: string;
  /** Notifications with the same tag replace each other. */
  readonly tag?: string;
  /** Activity intent filter to open on click. */
  readonly click_action?: string;
  readonly body_loc_key?: string;
  readonly body_loc_args?: readonly string[];
  readonly title_loc_key?: string;
  readonly title_loc_args?: readonly string[];
  /** Notification channel id (Android 8+). */
  readonly channel_id?: string;
  /** Accessibility ticker text. */
  readonly ticker?: string;
  /** When false (default) the notification is dismissed on click. */
  readonly sticky?: boolean;
  /** RFC 3339 time, e.g. `"2026-01-31T12:00:00Z"`. */
  readonly event_time?: string;
  /** Show on this device only, not on bridged wearables. */
  readonly local_only?: boolean;
  readonly notification_priority?: AndroidNotificationPriority;
  readonly default_sound?: boolean;
  readonly default_vibrate_timings?: boolean;
  readonly default_light_settings?: boolean;
  /** Durations of vibration on and off, alternating. */
  readonly vibrate_timings?: readonly FcmDuration[];
  readonly visibility?: AndroidNotificationVisibility;
  /** Number shown on the launcher badge. */
  readonly notification_count?: number;
  readonly light_settings?: AndroidLightSettings;
  /** HTTPS URL of an image, overriding `notification.image`. */
  readonly image?: string;
};

/** Analytics options of an Android message. */
export type AndroidFcmOptions = { readonly analytics_label?: string };

/** Android-specific options. */
export type AndroidConfig = {
  /** Messages with the same key replace each other while the device is offline. */
  readonly collapse_key?: string;
  readonly priority?: AndroidMessagePriority;
  /** How long FCM keeps the message for an offline device, e.g. `"3600s"` (at most 4 weeks). */
  readonly ttl?: FcmDuration;
  /** The app's package name; other apps' registrations are skipped. */
  readonly restricted_package_name?: string;
  /** Replaces `message.data` on Android. */
  readonly data?: StringMap;
  readonly notification?: AndroidNotification;
  readonly fcm_options?: AndroidFcmOptions;
  /** Deliver while the device is in direct boot mode. */
  readonly direct_boot_ok?: boolean;
};

/** Web push options of the FCM web client. */
export type WebpushFcmOptions = {
  /** HTTPS link opened on click. */
  readonly link?: string;
  readonly analytics_label?: string;
};

/** Web push-specific options. */
export type WebpushConfig = {
  /** Web push protocol headers, such as `TTL` and `Urgency`. */
  readonly headers?: StringMap;
  readonly data?: StringMap;
  /** Options of the Web Notification API (`title`, `body`, `icon`, `actions`, ...). */
  readonly notification?: JsonObject;
  readonly fcm_options?: WebpushFcmOptions;
};

/** FCM options for iOS devices. */
export type FcmApnsFcmOptions = {
  readonly analytics_label?: string;
  /** HTTPS URL of an image. */
  readonly image?: string;
};

/** APNs-specific options of an FCM message (for iOS apps that use FCM). */
export type FcmApnsConfig = {
  /** APNs request headers, such as `apns-priority`. */
  readonly headers?: StringMap;
  /** The APNs payload, with its `aps` dictionary. */
  readonly payload?: JsonObject;
  readonly fcm_options?: FcmApnsFcmOptions;
};

/** Analytics options of a whole message. */
export type FcmOptions = { readonly analytics_label?: string };

/**
 * An FCM HTTP v1 `Message` without a target. `token`, `topic` and `condition` are typed `never` because the hub
 * sets the target of each device it sends to.
 *
 * @example
 * const message: FcmV1Message = {
 *   notification: { title: "Match", body: "Kick-off!" },
 *   data: { matchId: "42" },
 *   android: { priority: "HIGH", ttl: "3600s" },
 * };
 */
export type FcmV1Message = {
  /** Custom key-value pairs; values must be strings. */
  readonly data?: StringMap;
  readonly notification?: FcmNotification;
  readonly android?: AndroidConfig;
  readonly webpush?: WebpushConfig;
  readonly apns?: FcmApnsConfig;
  readonly fcm_options?: FcmOptions;
  /** Set by the hub; leave it out. */
  readonly token?: never;
  /** Set by the hub; leave it out. */
  readonly topic?: never;
  /** Set by the hub; leave it out. */
  readonly condition?: never;
};

/** The request body the hub takes for format `fcmv1`: `{ "message": Message }`. */
export type FcmV1Envelope = { readonly message: FcmV1Message };

/**
 * The notification part of a legacy FCM (GCM) message.
 *
 * @deprecated The legacy FCM API was retired in June 2024; use {@link FcmV1Message}.
 */
export type FcmLegacyNotificationPayload = {
  readonly title?: string;
  readonly body?: string;
  readonly icon?: string;
  readonly sound?: string;
  readonly tag?: string;
  readonly color?: string;
  readonly click_action?: string;
  readonly body_loc_key?: string;
  readonly body_loc_args?: readonly string[];
  readonly title_loc_key?: string;
  readonly title_loc_args?: readonly string[];
  readonly android_channel_id?: string;
  readonly image?: string;
  readonly badge?: string;
  readonly subtitle?: string;
};

/**
 * A legacy FCM (GCM) HTTP message body without a target: `to`, `registration_ids` and `condition` are typed
 * `never` because the hub sets them.
 *
 * @deprecated The legacy FCM API was retired in June 2024; use {@link FcmV1Message}. Kept for migrating code
 * that still builds legacy bodies.
 */
export type FcmLegacyPayload = {
  /** Custom key-value pairs (strings are the portable choice). */
  readonly data?: JsonObject;
  readonly notification?: FcmLegacyNotificationPayload;
  readonly collapse_key?: string;
  readonly priority?: "normal" | "high";
  readonly content_available?: boolean;
  readonly mutable_content?: boolean;
  /** Seconds, 0 to 2 419 200 (4 weeks). */
  readonly time_to_live?: number;
  readonly restricted_package_name?: string;
  readonly dry_run?: boolean;
  /** Set by the hub; leave it out. */
  readonly to?: never;
  /** Set by the hub; leave it out. */
  readonly registration_ids?: never;
  /** Set by the hub; leave it out. */
  readonly condition?: never;
};
