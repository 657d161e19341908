export {
  createXiaomiNotification,
  sendXiaomiNotification,
  XIAOMI_CONTENT_TYPE,
  XIAOMI_FORMAT,
  type XiaomiNotificationOptions,
} from "./xiaomi-notification";
export {
  assertXiaomiPayload,
  XIAOMI_MAX_PAYLOAD_BYTES,
  type XiaomiMessage,
  type XiaomiPayload,
} from "./xiaomi-payload";
export { xiaomiPlatform } from "./xiaomi-platform";
