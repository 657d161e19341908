/**
 * The same notification built with the official SDK and with nhub, for every platform both support. nhub
 * infers headers the SDK leaves to the caller (`apns-push-type`, `X-WNS-Type` from the XML root), so the SDK
 * side states them explicitly: the comparison is of what goes on the wire for the same intent.
 */
import * as sdk from "@azure/notification-hubs";
import type { Notification } from "@nhub/core";
import { createAdmNotification } from "@nhub/platform-adm";
import { createAppleNotification } from "@nhub/platform-apns";
import { createBaiduNotification } from "@nhub/platform-baidu";
import { createBrowserNotification } from "@nhub/platform-browser";
import { createFcmLegacyNotification, createFcmV1Notification } from "@nhub/platform-fcm";
import { createWindowsNotification } from "@nhub/platform-wns";
import { createXiaomiNotification } from "@nhub/platform-xiaomi";
import { createTemplateNotification } from "@nhub/template";

/** One notification as each client builds it. */
export interface NotificationPair {
  readonly name: string;
  readonly sdk: sdk.Notification;
  readonly nhub: Notification;
}

const apple = {
  aps: { alert: { title: "Game", body: "Ann scored" }, sound: "default", badge: 3 },
  game: "42",
};
const fcmV1 = {
  message: {
    notification: { title: "Game", body: "Ann scored" },
    data: { game: "42" },
    android: { priority: "HIGH", ttl: "3600s" },
  },
} as const;
const fcmLegacy = { notification: { title: "Game", body: "Ann scored" }, data: { game: "42" } };
const toast =
  '<toast launch="game?id=42"><visual><binding template="ToastGeneric"><text>Game</text><text>Ann scored</text></binding></visual></toast>';
const tile =
  '<tile><visual><binding template="TileMedium"><text hint-style="subtitle">Ann scored</text></binding></visual></tile>';
const badge = '<badge value="3"/>';
const raw = "game=42&score=3-1";
const adm = { data: { game: "42", message: "Ann scored" }, consolidationKey: "game-42", expiresAfter: 3600 };
const baidu = { title: "Game", description: "Ann scored", custom_content: { game: "42" } };
const browser = { title: "Game", body: "Ann scored", icon: "https://example.com/icon.png" };
const xiaomi = { title: "Game", description: "Ann scored", payload: "game=42" };
const template = { message: "Ann scored", game: "42", badge: "3" };

/** Every platform both clients can send, one typical notification each. */
export const NOTIFICATION_PAIRS: readonly NotificationPair[] = [
  {
    name: "apple",
    sdk: sdk.createAppleNotification({ body: JSON.stringify(apple), headers: { "apns-push-type": "alert" } }),
    nhub: createAppleNotification(apple),
  },
  {
    name: "apple background",
    sdk: sdk.createAppleNotification({
      body: '{"aps":{"content-available":1},"sync":"inbox"}',
      headers: { "apns-push-type": "background", "apns-priority": "5" },
    }),
    nhub: createAppleNotification({ aps: { "content-available": 1 }, sync: "inbox" }),
  },
  {
    name: "fcmv1",
    sdk: sdk.createFcmV1Notification({ body: JSON.stringify(fcmV1) }),
    nhub: createFcmV1Notification(fcmV1),
  },
  {
    name: "gcm (FCM legacy)",
    sdk: sdk.createFcmLegacyNotification({ body: JSON.stringify(fcmLegacy) }),
    nhub: createFcmLegacyNotification(fcmLegacy),
  },
  {
    name: "windows toast",
    sdk: sdk.createWindowsToastNotification({ body: toast }),
    nhub: createWindowsNotification(toast),
  },
  {
    name: "windows tile",
    sdk: sdk.createWindowsTileNotification({ body: tile }),
    nhub: createWindowsNotification(tile),
  },
  {
    name: "windows badge",
    sdk: sdk.createWindowsBadgeNotification({ body: badge }),
    nhub: createWindowsNotification(badge),
  },
  {
    name: "windows raw",
    sdk: sdk.createWindowsRawNotification({ body: raw }),
    nhub: createWindowsNotification(raw, { type: "wns/raw" }),
  },
  {
    name: "adm",
    sdk: sdk.createAdmNotification({ body: JSON.stringify(adm) }),
    nhub: createAdmNotification(adm),
  },
  {
    name: "baidu",
    sdk: sdk.createBaiduNotification({ body: JSON.stringify(baidu) }),
    nhub: createBaiduNotification(baidu),
  },
  {
    name: "browser",
    sdk: sdk.createBrowserNotification({ body: JSON.stringify(browser) }),
    nhub: createBrowserNotification(browser),
  },
  {
    name: "xiaomi",
    sdk: sdk.createXiaomiNotification({ body: JSON.stringify(xiaomi) }),
    nhub: createXiaomiNotification(xiaomi),
  },
  {
    name: "template",
    sdk: sdk.createTemplateNotification({ body: JSON.stringify(template) }),
    nhub: createTemplateNotification(template),
  },
];

/** The pairs a direct send takes: every native platform (a template goes to template registrations only). */
export const NATIVE_PAIRS: readonly NotificationPair[] = NOTIFICATION_PAIRS.filter(
  (p) => p.name !== "template",
);

/** The pair named `name`. */
export function pair(name: string): NotificationPair {
  const found = NOTIFICATION_PAIRS.find((p) => p.name === name);
  if (found === undefined) throw new Error(`no notification pair named ${name}`);
  return found;
}

/** A device handle of each platform, for direct sends. */
export const DEVICE_HANDLES: Readonly<Record<string, string>> = {
  apple: "62BCD3484834B7E2DC56733AC5509259230CC1BA82BA1AE7D06E91908A05A8FA",
  "apple background": "62BCD3484834B7E2DC56733AC5509259230CC1BA82BA1AE7D06E91908A05A8FA",
  fcmv1: "dGVzdC1mY20tdG9rZW4:APA91bH-example-registration-token",
  "gcm (FCM legacy)": "dGVzdC1nY20tdG9rZW4:APA91bH-legacy-registration-token",
  "windows toast": "https://db5p.notify.windows.com/w/?token=AwYAAAB%2bWvq%2fexample",
  "windows tile": "https://db5p.notify.windows.com/w/?token=AwYAAAB%2bWvq%2fexample",
  "windows badge": "https://db5p.notify.windows.com/w/?token=AwYAAAB%2bWvq%2fexample",
  "windows raw": "https://db5p.notify.windows.com/w/?token=AwYAAAB%2bWvq%2fexample",
  adm: "amzn1.adm-registration.v3.Y29tLmFtYXpvbi5EZXZpY2VNZXNzYWdpbmc",
  baidu: "4266437413278745621-3583915183623447231",
  browser: "https://fcm.googleapis.com/fcm/send/dpH5lCsTSSM:APA91bHqjZxM0VImWWqDRN7U0a3AycjUf4O",
  xiaomi: "xiaomi-reg-id-ABCDEF0123456789",
};

/** A browser push subscription, as both clients take it for a direct send. */
export const BROWSER_SUBSCRIPTION = {
  endpoint: "https://fcm.googleapis.com/fcm/send/dpH5lCsTSSM:APA91bHqjZxM0VImWWqDRN7U0a3AycjUf4O",
  p256dh: "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM",
  auth: "tBHItJI5svbpez7KI4CCXg",
} as const;
