export {
  assertDelivered,
  assertNotDelivered,
  type DeliveryMatch,
  type DeliveryMatchers,
  type DeliveryRecord,
  type DeliverySource,
  deliveriesMatching,
  deliveryMatchers,
  type MatcherResult,
  matchesDelivery,
} from "./delivery-assertions";
export {
  type ConformanceHubConstructor,
  type ConformanceSender,
  type ConformanceSendOptions,
  type ConformanceTags,
  type InvalidCase,
  type PlatformCases,
  type PlatformCheck,
  type PlatformChecksOptions,
  type PlatformNotification,
  type PlatformUnderTest,
  platformChecks,
  type SizeCases,
  type TestPlatformOptions,
  type TestRunner,
  testPlatform,
  type ValidCase,
} from "./platform-conformance";
export {
  type CleanupHook,
  type RecordingHub,
  type StartRecordingHub,
  useRecordingHub,
} from "./recording-hub";
export {
  type CannedResponse,
  created,
  type RecordedRequest,
  type RecordingServer,
  type RecordingServerOptions,
  startRecordingServer,
  verifySasToken,
} from "./recording-server";
export {
  assertSend,
  type ExpectedSend,
  lastSend,
  type SentNotification,
  sendMismatches,
  sentNotification,
} from "./wire-assertions";
