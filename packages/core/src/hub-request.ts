/**
 * The one request an operation builds, {@link HubRequest}, and the one thing an operation function needs of a
 * hub, {@link HubClient}: a new operation is a function over `hub.request`, in the package of its area.
 */
import { ValidationError } from "./errors";
import { assertHeaderValue, type Notification } from "./notification";
import type { PipelineRequest } from "./pipeline";
import type { RetryOptions } from "./retry";
import type { TransportRequest, TransportResponse } from "./transport";

/** The REST API version nhub speaks. */
export const API_VERSION = "2020-06";

/** A request to the hub's REST API, for packages that add operations (installations, registrations, jobs). */
export interface HubRequest {
  readonly method: TransportRequest["method"];
  /** Path below the hub, starting with `/`, e.g. `/installations/abc`. `api-version` is added for you. */
  readonly path: string;
  /** Extra query parameters. */
  readonly query?: Readonly<Record<string, string | undefined>>;
  readonly headers?: Readonly<Record<string, string>>;
  /** The body's `Content-Type`, e.g. `application/json-patch+json`; required with a body. */
  readonly contentType?: string;
  readonly body?: string | Uint8Array;
  readonly signal?: AbortSignal;
  readonly retry?: RetryOptions | false;
  readonly timeoutMs?: number;
  /** Most bytes of the answer's body to read, for this request only (a large feed page); see the hub's option. */
  readonly maxResponseBytes?: number;
  /**
   * What the operation is called in traces (`createOrUpdateInstallation`, ...): an operation function sets it.
   * Default `METHOD /path-template`, e.g. `GET /installations/{id}`.
   */
  readonly operation?: string;
}

/**
 * The key of a hub's `request` without the header check, for core's own operations whose headers core sets
 * itself (a scheduled send's format and schedule time, which `request` refuses from callers). Not exported from
 * the package: no other code can name it.
 */
export const requestWithCoreHeaders: unique symbol = Symbol("nhub.requestWithCoreHeaders");

/**
 * What an operation function of `@nhub/core` runs on: a `NotificationHub` of either entry (Node or edge), or a
 * `NotificationHubBase` subclass of your own.
 */
export interface HubClient {
  /**
   * Sends a signed request to a path below the hub; resolves with a 2xx answer, rejects with `ServiceError` for
   * any other (after the retries the policy allows).
   */
  request(request: HubRequest): Promise<TransportResponse>;
  /** `request` for headers core sets itself; see {@link requestWithCoreHeaders}. */
  [requestWithCoreHeaders](request: HubRequest): Promise<TransportResponse>;
}

/** The headers every notification request carries: the platform's (or the call's over them), then core's own. */
export function notificationHeaders(
  notification: Notification,
  override?: Readonly<Record<string, string>>,
): Record<string, string> {
  return {
    ...(override === undefined ? notification.headers : mergeHeaders(notification.headers, override)),
    "Content-Type": notification.contentType,
    "ServiceBusNotification-Format": notification.format,
    "x-ms-version": API_VERSION,
  };
}

/** Per-call headers replace a notification's header of the same name in any letter case, so none is sent twice. */
function mergeHeaders(
  base: Readonly<Record<string, string>> | undefined,
  override: Readonly<Record<string, string>>,
): Record<string, string> {
  const overridden = new Set(Object.keys(override).map((k) => k.toLowerCase()));
  const merged: Record<string, string> = {};
  for (const [k, v] of Object.entries(base ?? {})) if (!overridden.has(k.toLowerCase())) merged[k] = v;
  return Object.assign(merged, override);
}

/**
 * The pipeline's request for a {@link HubRequest}: the hub's path with `api-version` and the query, core's
 * `x-ms-version` and `Content-Type` over the caller's headers, the hub's timeout and limit where the call sets none.
 *
 * @throws {ValidationError} for a body without a valid `contentType`.
 */
export function pipelineRequest(
  req: HubRequest,
  origin: string,
  basePath: string,
  timeoutMs: number,
  maxResponseBytes: number | undefined,
): PipelineRequest {
  if (req.operation !== undefined && typeof req.operation !== "string") {
    throw new ValidationError("operation", "type", "operation must be a string");
  }
  let query = `api-version=${API_VERSION}`;
  for (const [k, v] of Object.entries(req.query ?? {})) {
    if (v !== undefined) query += `&${encodeURIComponent(k)}=${encodeURIComponent(v)}`;
  }
  const headers: Record<string, string> = { ...req.headers, "x-ms-version": API_VERSION };
  if (req.body !== undefined) {
    if (!req.contentType) {
      throw new ValidationError("contentType", "required", "a request with a body needs a Content-Type");
    }
    assertHeaderValue(req.contentType, "contentType");
    headers["Content-Type"] = req.contentType;
  }
  return {
    method: req.method,
    origin,
    path: `${basePath}${req.path}?${query}`,
    headers,
    body: req.body,
    signal: req.signal,
    timeoutMs: req.timeoutMs ?? timeoutMs,
    maxResponseBytes: req.maxResponseBytes ?? maxResponseBytes,
    retry: req.retry,
    operation: req.operation,
  };
}
