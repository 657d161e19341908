export {
  BROWSER_CONTENT_TYPE,
  BROWSER_FORMAT,
  type BrowserNotificationOptions,
  createBrowserNotification,
  sendBrowserNotification,
} from "./browser-notification";
export {
  assertBrowserPayload,
  BROWSER_MAX_PAYLOAD_BYTES,
  type BrowserNotificationAction,
  type BrowserNotificationPayload,
  type BrowserPayload,
} from "./browser-payload";
export { browserPlatform } from "./browser-platform";
export {
  assertBrowserPushSubscription,
  type BrowserPushSubscription,
  type BrowserPushSubscriptionJSON,
  browserSubscriptionFromJSON,
} from "./browser-subscription";
