export { type CliIo, main } from "./cli";
export {
  DEMO_DEVICES,
  type DemoDevice,
  type DemoFormatOptions,
  type DemoOptions,
  type DemoReport,
  type DemoStep,
  formatDemoReport,
  runDemo,
} from "./demo";
export { PLATFORM_NAMES, type PlatformEntry, type PlatformName, platformEntry } from "./platforms";
