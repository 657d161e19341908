export {
  BAIDU_CONTENT_TYPE,
  BAIDU_FORMAT,
  BAIDU_MESSAGE_TYPE_HEADER,
  type BaiduMessageType,
  type BaiduNotificationOptions,
  createBaiduNotification,
  sendBaiduNotification,
} from "./baidu-notification";
export {
  assertBaiduPayload,
  BAIDU_MAX_PAYLOAD_BYTES,
  type BaiduAndroidMessage,
  type BaiduAps,
  type BaiduIosMessage,
  type BaiduJsonValue,
  type BaiduPayload,
} from "./baidu-payload";
export { baiduPlatform } from "./baidu-platform";
