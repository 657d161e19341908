/**
 * Everything `@nhub/core` exports on every runtime; `index.ts` (Node) and `edge.ts` add their own
 * `NotificationHub` on top, so the two entries cannot drift apart.
 */

// The one redaction of nhub lives in @nhub/sas (which knows the token formats); core passes it on so that every
// package that prints text (the CLI, the emulator) uses the same one.
export { redactSecrets } from "@nhub/sas";
export type { BulkEndState, BulkOptions } from "./bulk-send";
export type { BulkSource, BulkStream } from "./bulk-stream";
export {
  type HubCredential,
  type HubToken,
  type HubTokenCredential,
  TOKEN_REFRESH_MARGIN_MS,
  type TokenCallback,
} from "./credential-forms";
export type { BrowserPushChannel, DeviceHandle } from "./device-handle";
export {
  type DeviceOutcomeRecord,
  isDeadHandle,
  PNS_OUTCOMES,
  type PnsOutcome,
  testSendRecords,
  toPnsOutcome,
} from "./device-outcome";
export {
  DIAGNOSTICS_CHANNELS,
  OPERATION_TRACING_CHANNEL,
  type OperationRetry,
  type OperationTraceContext,
  type OperationTracingChannel,
  type RequestChannel,
  type RequestChannels,
  type RequestDiagnosticsMessage,
} from "./diagnostics";
export {
  type DirectBatchChunk,
  type DirectBatchOptions,
  type DirectBatchResult,
  directBatchBody,
  MAX_DIRECT_BATCH_HANDLES,
} from "./direct-batch";
export {
  AbortError,
  ClosedError,
  ConnectionError,
  CredentialError,
  type CredentialErrorReason,
  isRetryableStatus,
  NhubError,
  type NhubErrorOptions,
  ResponseTooLargeError,
  type ResponseTooLargeErrorInit,
  ServiceError,
  type ServiceErrorInit,
  TimeoutError,
  ValidationError,
} from "./errors";
export { MAX_EXCERPT_LENGTH, quoteExcerpt } from "./excerpt";
export { getFeedbackContainerUrl } from "./feedback";
export { MAX_FEEDBACK_BLOBS, type ReadFeedbackOptions, readFeedback } from "./feedback-reader";
export { createFetchTransport, type FetchTransportOptions } from "./fetch-transport";
export { NotificationHubBase } from "./hub-base";
export { assertHubName } from "./hub-name";
export {
  DEFAULT_TIMEOUT_MS,
  type HubRuntime,
  type HubStats,
  type Logger,
  type LogLevel,
  type NotificationHubBaseOptions,
  type OperationOptions,
  type SendOptions,
} from "./hub-options";
export { API_VERSION, type HubClient, type HubRequest } from "./hub-request";
export {
  assertJsonValue,
  describeValue,
  isPlainObject,
  type JsonObject,
  type JsonValue,
  MAX_JSON_DEPTH,
  parseJsonText,
} from "./json";
export {
  assertJsonObject,
  assertParsedJsonObject,
  createJsonNotification,
  type JsonNotificationKind,
  readJsonObjectPayload,
} from "./json-notification";
export {
  defineJsonPlatform,
  type JsonPlatform,
  type JsonPlatformOptions,
  type JsonPlatformSpec,
} from "./json-platform";
export {
  assertHeader,
  assertHeaders,
  assertHeaderValue,
  assertMaxBytes,
  assertNotification,
  byteLength,
  createNotification,
  type HeaderValueKind,
  isReservedHeader,
  MAX_REQUEST_BODY_BYTES,
  type Notification,
} from "./notification";
export { assertNotificationId } from "./notification-id";
export {
  getNotificationOutcomeDetails,
  type NotificationOutcomeReader,
  type WaitForNotificationOutcomeOptions,
  waitForNotificationOutcome,
} from "./notification-outcomes";
export {
  type NotificationOutcome,
  parseErrorBody,
  parseNotificationOutcome,
  type RegistrationResult,
} from "./outcome";
export {
  FINAL_OUTCOME_STATES,
  type NotificationOutcomeDetails,
  type NotificationOutcomeState,
  type OutcomeCount,
  parseNotificationOutcomeDetails,
} from "./outcome-details";
export {
  assertPathSegment,
  assertRequestPath,
  encodePathSegment,
  type PathSegmentOptions,
  pathSegmentProblem,
} from "./path-segment";
export {
  definePlatform,
  PLATFORM_SPECIFICATION_VERSION,
  type PlatformDefinition,
  type PlatformDefinitionV1,
  SUPPORTED_PLATFORM_SPECIFICATION_VERSIONS,
} from "./platform";
export {
  defineHeaderRules,
  type HeaderRule,
  type HeaderRules,
  type HeaderSetting,
  optionHeaders,
  type PlatformHeaderResolver,
  type PlatformHeaderSpec,
  type ResolvedPlatformHeaders,
  resolvePlatformHeaders,
} from "./platform-headers";
export { definePlatformSend, type PlatformSend } from "./platform-send";
export { type ReadPnsErrorDetailsOptions, readPnsErrorDetails } from "./pns-error-details";
export { DEFAULT_MAX_RESPONSE_BYTES } from "./response-limit";
export {
  DEFAULT_RETRY,
  parseRetryAfter,
  type ResolvedRetry,
  type RetryListener,
  type RetryOptions,
  resolveRetry,
  retryDelayMs,
  shouldRetry,
  sleep,
  withRetry,
} from "./retry";
export {
  cancelScheduledNotification,
  MAX_SCHEDULE_AHEAD_MS,
  type ScheduleNotificationOptions,
  scheduleNotification,
  scheduleTimeHeader,
} from "./scheduled-notifications";
export {
  type SendEachHub,
  type SendEachItem,
  type SendEachOptions,
  type SendEachProgress,
  type SendEachResult,
  type SendEachSummary,
  sendEach,
} from "./send-each";
export type { SendResult } from "./send-result";
export type { StorageReadOptions } from "./storage-read";
export {
  type DirectBatchProgress,
  type DirectBatchStreamResult,
  type DirectBatchSummary,
  type StreamDirectBatchOptions,
  streamDirectBatch,
} from "./stream-direct-batch";
export { and, not, or, type TagOperand, tag } from "./tag-builder";
export {
  assertTag,
  assertTagLimits,
  matchesTagExpression,
  type PrintTagExpressionOptions,
  parseTagExpression,
  printTagExpression,
  TAG_LIMITS,
  type TagExpression,
  tagProblem,
  tagsOf,
  toTagExpression,
} from "./tags";
export type { PoolStats, Transport, TransportRequest, TransportResponse } from "./transport";
