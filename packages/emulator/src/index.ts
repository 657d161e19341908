export { type EmulatorCliIo, emulatorUsage, runEmulatorCli, shellQuote } from "./cli";
export {
  createDevCertificate,
  type DevCertificate,
  defaultCertDir,
  loadOrCreateDevCertificate,
} from "./dev-cert";
export { startEmulator } from "./emulator";
export { RULE_NAMES } from "./emulator-auth";
export { MAX_BATCH_HANDLES } from "./emulator-batch";
export { JOB_TYPES } from "./emulator-jobs";
export {
  EMULATOR_PLATFORMS,
  type EmulatorPlatform,
  FORMAT_PLATFORMS,
  PLATFORM_DESCRIPTORS,
} from "./emulator-platforms";
export { type KindSpec, REGISTRATION_KINDS } from "./emulator-registration-xml";
export { MAX_SCHEDULE_AHEAD_MS } from "./emulator-scheduled";
export { SEND_FORMATS } from "./emulator-send";
export { EMULATOR_TIERS } from "./emulator-tiers";
export { SAMPLE_DEVICES } from "./samples";
export { createTestHub, type TestHub, type TestHubOptions } from "./test-hub";
export type {
  BrowserPushChannel,
  DelayFault,
  Delivery,
  DropFault,
  Emulator,
  EmulatorEvent,
  EmulatorFault,
  EmulatorHttpsOptions,
  EmulatorHub,
  EmulatorHubConfig,
  EmulatorHubSnapshot,
  EmulatorOptions,
  EmulatorRequestLog,
  EmulatorRule,
  EmulatorTier,
  Installation,
  InstallationPlatform,
  InstallationTemplate,
  NotificationHubJob,
  Registration,
  RegistrationTemplate,
  ScheduledNotification,
  StatusFault,
} from "./types";
export {
  DEFAULT_EMULATOR_PORT,
  WELL_KNOWN_KEYS,
  type WellKnownConnectionStringOptions,
  wellKnownConnectionString,
} from "./well-known";
