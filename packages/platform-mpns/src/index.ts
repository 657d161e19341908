/**
 * Windows Phone (MPNS) notifications for nhub. Microsoft retired MPNS, so everything here is deprecated and kept
 * only to migrate old back ends; new code should use `@nhub/platform-wns`.
 *
 * @packageDocumentation
 */
export {
  inferMpnsKind,
  MPNS_DELAYS,
  type MpnsDelay,
  type MpnsHeaderOptions,
  type MpnsHeaders,
  type MpnsKind,
  mpnsNotificationClass,
  resolveMpnsHeaders,
} from "./mpns-headers";
export {
  createMpnsNotification,
  MPNS_CONTENT_TYPE,
  MPNS_MAX_PAYLOAD_BYTES,
  MPNS_MAX_RAW_PAYLOAD_BYTES,
  type MpnsNotificationOptions,
  sendMpnsNotification,
  WINDOWS_PHONE_FORMAT,
} from "./mpns-notification";
export { mpnsPlatform } from "./mpns-platform";
export { type MpnsTileXmlOptions, type MpnsToastXmlOptions, mpnsTileXml, mpnsToastXml } from "./mpns-xml";
