export {
  AbortError,
  ClosedError,
  ConnectionError,
  isRetryableStatus,
  NhubError,
  type NhubErrorOptions,
  ServiceError,
  type ServiceErrorInit,
  TimeoutError,
  ValidationError,
} from "./errors";
export {
  API_VERSION,
  assertHubName,
  DEFAULT_TIMEOUT_MS,
  type HubRequest,
  type Logger,
  NotificationHub,
  type NotificationHubOptions,
  type SendOptions,
  type SendResult,
} from "./hub";
export { assertJsonValue, describeValue, isPlainObject, type JsonObject, type JsonValue } from "./json";
export {
  assertHeader,
  assertHeaders,
  assertMaxBytes,
  assertNotification,
  byteLength,
  createNotification,
  isReservedHeader,
  MAX_REQUEST_BODY_BYTES,
  type Notification,
} from "./notification";
export {
  type NotificationOutcome,
  parseErrorBody,
  parseNotificationOutcome,
  type RegistrationResult,
} from "./outcome";
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
  assertTag,
  matchesTagExpression,
  parseTagExpression,
  printTagExpression,
  TAG_LIMITS,
  type TagExpression,
  tagProblem,
  tagsOf,
  toTagExpression,
} from "./tags";
export {
  createUndiciTransport,
  type Transport,
  type TransportRequest,
  type TransportResponse,
  toTransportError,
  type UndiciTransportOptions,
} from "./transport";
