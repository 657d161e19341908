/**
 * Plain GETs of Azure Storage URLs that carry their own SAS (a PNS error details blob, the feedback container):
 * another origin than the hub's, so they go outside the hub's pipeline and never carry the hub's token.
 */
import { isLoopbackHost } from "@nhub/sas";
import { ServiceError, ValidationError } from "./errors";
import { quoteExcerpt } from "./excerpt";
import { createFetchTransport } from "./fetch-transport";
import { DEFAULT_TIMEOUT_MS } from "./hub-options";
import { checkMs, checkSignal } from "./option-checks";
import { checkMaxResponseBytes } from "./response-limit";
import type { Transport } from "./transport";

/** Options of the storage readers ({@link readPnsErrorDetails}, {@link readFeedback}). */
export interface StorageReadOptions {
  /** Stops the read at once with an `AbortError`, including a request in flight. */
  readonly signal?: AbortSignal;
  /** A deadline for each storage request, whole milliseconds from 1 to 2^31-1. Default 30 000 ms, as for hub requests. */
  readonly timeoutMs?: number;
  /**
   * Most bytes of one storage answer (one blob, one listing page) to read; a longer one rejects with
   * `ResponseTooLargeError`. Default 8 MiB (`DEFAULT_MAX_RESPONSE_BYTES`).
   */
  readonly maxResponseBytes?: number;
  /**
   * The transport for the storage origin. Default: a `fetch` transport made for this read and closed after it
   * (storage is another origin than the hub's, so the hub's pool cannot carry it).
   */
  readonly transport?: Transport;
}

/** A storage read's checked options, with the transport it owns (if it made one). */
export interface StorageSession {
  readonly transport: Transport;
  readonly timeoutMs: number;
  readonly maxResponseBytes?: number;
  readonly signal?: AbortSignal;
  /** Closes the transport when the session made it. */
  close(): Promise<void>;
}

/**
 * Checks the options and opens a session.
 *
 * @throws {ValidationError} for a bad option.
 */
export function openStorageSession(options: StorageReadOptions = {}): StorageSession {
  const signal = checkSignal(options.signal);
  const timeoutMs = checkMs(options.timeoutMs, "timeoutMs", 1) ?? DEFAULT_TIMEOUT_MS;
  const maxResponseBytes =
    options.maxResponseBytes === undefined ? undefined : checkMaxResponseBytes(options.maxResponseBytes);
  if (options.transport !== undefined && typeof options.transport?.request !== "function") {
    throw new ValidationError("transport", "type", "transport must be an object with a request method");
  }
  const own = options.transport === undefined;
  const transport = options.transport ?? createFetchTransport();
  return {
    transport,
    timeoutMs,
    signal,
    ...(maxResponseBytes !== undefined ? { maxResponseBytes } : {}),
    close: () => (own ? transport.close() : Promise.resolve()),
  };
}

/**
 * Reads a storage SAS URL: `https://`, or `http://` to a loopback host only (emulators and tests), as core does
 * for the hub's endpoint; no user name or password in it.
 *
 * @throws {ValidationError} with `field` and rule `url` otherwise.
 */
export function parseStorageUrl(value: unknown, field: string): URL {
  let url: URL | undefined;
  if (typeof value === "string") {
    try {
      url = new URL(value);
    } catch {
      url = undefined;
    }
  }
  if (url === undefined) {
    throw new ValidationError(
      field,
      "url",
      `${field} must be an absolute storage URL, got ${describe(value)}`,
    );
  }
  const secure = url.protocol === "https:" || (url.protocol === "http:" && isLoopbackHost(url.hostname));
  if (!secure || url.username !== "" || url.password !== "") {
    throw new ValidationError(
      field,
      "url",
      `${field} must be an https:// URL without credentials (http:// only to a loopback host), got ${describe(`${url.protocol}//${url.host}${url.pathname}`)}`,
    );
  }
  return url;
}

function describe(value: unknown): string {
  return typeof value === "string" ? quoteExcerpt(value) : typeof value;
}

/**
 * GETs one storage URL and returns its body.
 *
 * @throws {ServiceError} for an answer other than 2xx (its `<Code>` and `<Message>` kept, its URL without the
 * query, so the SAS signature never lands in an error).
 */
export async function storageGet(session: StorageSession, url: URL): Promise<string> {
  const response = await session.transport.request({
    method: "GET",
    origin: url.origin,
    path: url.pathname + url.search,
    headers: { "x-ms-version": "2020-10-02" },
    signal: session.signal,
    timeoutMs: session.timeoutMs,
    ...(session.maxResponseBytes !== undefined ? { maxResponseBytes: session.maxResponseBytes } : {}),
  });
  if (response.status >= 200 && response.status < 300) return response.body;
  const code = /<Code>([^<]{1,200})<\/Code>/.exec(response.body)?.[1];
  const message = /<Message>([^<]{0,2000})<\/Message>/.exec(response.body)?.[1];
  throw new ServiceError({
    statusCode: response.status,
    method: "GET",
    url: `${url.origin}${url.pathname}`,
    ...(code !== undefined ? { serviceCode: code } : {}),
    ...(message !== undefined ? { detail: message } : response.body ? { detail: response.body } : {}),
    ...(response.headers["x-ms-request-id"] !== undefined
      ? { trackingId: response.headers["x-ms-request-id"] }
      : {}),
  });
}
