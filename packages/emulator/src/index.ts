export { startEmulator } from "./emulator";
export { RULE_NAMES } from "./emulator-auth";
export { FORMAT_PLATFORMS, SEND_FORMATS } from "./emulator-send";
export type {
  BrowserPushChannel,
  DelayFault,
  Delivery,
  DropFault,
  Emulator,
  EmulatorFault,
  EmulatorHub,
  EmulatorHubConfig,
  EmulatorOptions,
  EmulatorRequestLog,
  EmulatorRule,
  Installation,
  InstallationPlatform,
  InstallationTemplate,
  StatusFault,
} from "./types";
