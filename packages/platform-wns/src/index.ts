// Escaping and the well-formedness check moved to @nhub/xml; re-exported so existing imports keep working.
export {
  assertWellFormedXml,
  type EscapeXmlOptions,
  escapeXml,
  stripInvalidXmlChars,
  type XmlOutline,
} from "@nhub/xml";
export {
  inferWnsType,
  type ResolvedWnsHeaders,
  resolveWnsHeaders,
  WNS_MAX_TAG_LENGTH,
  WNS_TYPES,
  type WnsCachePolicy,
  type WnsHeaderOptions,
  type WnsHeaders,
  type WnsPriority,
  type WnsType,
  type WnsXmlType,
  wnsTypeForRoot,
  wnsTypeForXml,
} from "./wns-headers";
export {
  createWindowsNotification,
  sendWindowsNotification,
  WINDOWS_FORMAT,
  type WindowsNotificationOptions,
  WNS_MAX_PAYLOAD_BYTES,
  WNS_RAW_CONTENT_TYPE,
  WNS_XML_CONTENT_TYPE,
} from "./wns-notification";
export { windowsPlatform } from "./wns-platform";
export {
  BADGE_GLYPHS,
  type BadgeGlyph,
  badgeXml,
  type TileBinding,
  type TileTemplate,
  type TileXmlOptions,
  type ToastAudio,
  type ToastTemplate,
  type ToastXmlOptions,
  tileXml,
  toastXml,
  type WnsImage,
} from "./wns-xml";
