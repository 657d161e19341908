export {
  ADM_CONTENT_TYPE,
  ADM_FORMAT,
  type AdmNotificationOptions,
  createAdmNotification,
  sendAdmNotification,
} from "./adm-notification";
export {
  ADM_MAX_EXPIRES_AFTER,
  ADM_MAX_PAYLOAD_BYTES,
  type AdmNotificationMessage,
  type AdmPayload,
  type AdmPriority,
  assertAdmPayload,
} from "./adm-payload";
export { admPlatform } from "./adm-platform";
