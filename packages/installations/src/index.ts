/**
 * Installations, registrations and import/export jobs for Azure Notification Hubs, on top of `@nhub/core`.
 * Every operation takes the hub first and optional per-call options last, checks its input before anything is
 * sent, and never changes the objects passed in.
 *
 * @packageDocumentation
 */
export { ATOM_ENTRY_CONTENT_TYPE, SERVICEBUS_NS } from "./atom-xml";
export {
  type DeadDeviceAction,
  type DeadDeviceResult,
  type DeadDeviceVia,
  type RemoveDeadDevicesOptions,
  type RemoveDeadDevicesReport,
  removeDeadDevices,
} from "./dead-devices";
export type { ExtensionData, JsonValue } from "./extension-data";
export {
  type FcmV1MigrationItem,
  type FcmV1MigrationProgress,
  type FcmV1MigrationReport,
  type FcmV1MigrationResult,
  type MigrateToFcmV1Options,
  migrateToFcmV1,
} from "./fcm-v1-migration";
export { type FcmTemplateTranslation, translateLegacyFcmTemplate } from "./fcm-v1-template";
export { MAX_TAGS_PER_DEVICE, MAX_TEMPLATE_NAME_LENGTH } from "./field-checks";
export { DEFAULT_FLEET_CONCURRENCY, MAX_FLEET_CONCURRENCY } from "./fleet-pool";
export {
  type BrowserInstallation,
  type BrowserPushChannel,
  checkInstallation,
  checkPushChannel,
  createOrUpdateInstallation,
  deleteInstallation,
  getInstallation,
  type HandleInstallation,
  INSTALLATION_PLATFORMS,
  type Installation,
  type InstallationCommon,
  type InstallationJson,
  type InstallationPlatform,
  type InstallationSecondaryTile,
  type InstallationTemplate,
  type InstallationTemplateJson,
  installationIdTag,
  parseInstallation,
  userIdTag,
} from "./installation";
export {
  type InstallationPatch,
  type InstallationPatchValue,
  installationPatchDocument,
  jsonPointerSegment,
  type UpdateInstallationOptions,
  updateInstallation,
} from "./installation-patch";
export {
  getNotificationHubJob,
  listNotificationHubJobs,
  NOTIFICATION_HUB_JOB_TYPES,
  type NotificationHubJob,
  type NotificationHubJobRequest,
  type NotificationHubJobStatus,
  type NotificationHubJobType,
  notificationHubJobToAtomXml,
  parseNotificationHubJobEntry,
  parseNotificationHubJobFeed,
  submitNotificationHubJob,
  type WaitForJobOptions,
  waitForNotificationHubJob,
} from "./jobs";
export { type ListInstallationsOptions, listInstallations } from "./list-installations";
export type { OperationOptions } from "./operation-options";
export type { RegistrationExtensionElement } from "./registration-extension";
export {
  CONTINUATION_TOKEN_HEADER,
  CONTINUATION_TOKEN_QUERY,
  type ListAllRegistrationsOptions,
  type ListRegistrationsOptions,
  type PageSettings,
  type RegistrationPage,
  type RegistrationPages,
} from "./registration-pages";
export {
  type AdmRegistrationDescription,
  type AdmTemplateRegistrationDescription,
  type AppleRegistrationDescription,
  type AppleTemplateRegistrationDescription,
  type BaiduRegistrationDescription,
  type BaiduTemplateRegistrationDescription,
  type BrowserRegistrationDescription,
  type BrowserTemplateRegistrationDescription,
  type FcmV1RegistrationDescription,
  type FcmV1TemplateRegistrationDescription,
  type GcmRegistrationDescription,
  type GcmTemplateRegistrationDescription,
  isTemplateRegistration,
  type MpnsRegistrationDescription,
  type MpnsTemplateRegistrationDescription,
  REGISTRATION_KINDS,
  type RegistrationCommon,
  type RegistrationDescription,
  type RegistrationKind,
  type TemplateFields,
  type TemplateRegistrationDescription,
  type WindowsRegistrationDescription,
  type WindowsTemplateRegistrationDescription,
  type XiaomiRegistrationDescription,
  type XiaomiTemplateRegistrationDescription,
} from "./registration-types";
export {
  checkRegistration,
  parseRegistrationEntry,
  parseRegistrationFeed,
  type RegistrationXmlOptions,
  registrationElementOrder,
  registrationRootElement,
  registrationToAtomXml,
} from "./registration-xml";
export {
  type BaiduChannel,
  channelFilter,
  createOrUpdateRegistration,
  createRegistration,
  createRegistrationId,
  deleteRegistration,
  getRegistration,
  listRegistrations,
  listRegistrationsByChannel,
  listRegistrationsByTag,
  updateRegistration,
} from "./registrations";
export {
  type InstallationCondition,
  type WaitForInstallationOptions,
  waitForInstallation,
} from "./wait-for-installation";
