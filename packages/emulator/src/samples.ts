/**
 * Sample devices for trying the emulator without writing a devices file: one per platform plus a template
 * device, tagged so that tag expressions have something to choose from. `samples/devices.json` in the package
 * holds the same list (a test keeps them equal), next to sample payloads for `nhub send`.
 */
import type { Installation } from "./types";

/**
 * One device per platform (`apns`, `fcmv1`, `gcm`, `wns`, `mpns`, `adm`, `baidu`, `browser`, `xiaomi`) and a
 * template device (`apns` with a `greeting` template), tagged with `sports`, `news`, `weather` and `city:*`
 * tags. Registered by `startEmulator({ sampleDevices: true })` and `nhub emulator --sample-devices`.
 */
export const SAMPLE_DEVICES: readonly Installation[] = Object.freeze([
  {
    installationId: "sample-iphone",
    platform: "apns",
    pushChannel: "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90",
    tags: ["sports", "news", "city:paris"],
    displayName: "Sample iPhone (APNs)",
  },
  {
    installationId: "sample-pixel",
    platform: "fcmv1",
    pushChannel: "fcm-sample-token:APA91bSamplePixelToken",
    tags: ["sports", "weather", "city:berlin"],
    displayName: "Sample Pixel (FCM v1)",
  },
  {
    installationId: "sample-old-android",
    platform: "gcm",
    pushChannel: "gcm-sample-registration-id",
    tags: ["news"],
    displayName: "Sample older Android (FCM legacy)",
  },
  {
    installationId: "sample-windows",
    platform: "wns",
    pushChannel: "https://db5p.notify.windows.com/?token=sample-wns-channel",
    tags: ["news", "weather", "city:paris"],
    displayName: "Sample Windows PC (WNS)",
  },
  {
    installationId: "sample-lumia",
    platform: "mpns",
    pushChannel: "https://sn1.notify.live.net/throttledthirdparty/01.00/sample-mpns-channel",
    tags: ["sports"],
    displayName: "Sample Lumia (MPNS)",
  },
  {
    installationId: "sample-kindle",
    platform: "adm",
    pushChannel: "amzn1.adm-registration.v3.sample-kindle",
    tags: ["news", "city:berlin"],
    displayName: "Sample Kindle Fire (ADM)",
  },
  {
    installationId: "sample-baidu",
    platform: "baidu",
    pushChannel: "sample-baidu-user-id-sample-baidu-channel-id",
    tags: ["weather"],
    displayName: "Sample Baidu Android",
  },
  {
    installationId: "sample-browser",
    platform: "browser",
    pushChannel: {
      endpoint: "https://fcm.googleapis.com/fcm/send/sample-browser-subscription",
      p256dh: "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM",
      auth: "tBHItJI5svbpez7KI4CCXg",
    },
    tags: ["sports", "news"],
    displayName: "Sample browser (Web Push)",
  },
  {
    installationId: "sample-xiaomi",
    platform: "xiaomi",
    pushChannel: "sample-xiaomi-regid",
    tags: ["sports", "weather"],
    displayName: "Sample Xiaomi phone",
  },
  {
    installationId: "sample-template",
    platform: "apns",
    pushChannel: "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0",
    tags: ["sports", "news"],
    userId: "sample-user",
    templates: {
      greeting: {
        body: '{"aps":{"alert":"$(message)"}}',
        headers: { "apns-priority": "10" },
        tags: ["greetings"],
      },
    },
    displayName: "Sample template device (APNs)",
  },
] satisfies Installation[]);
