/**
 * The bound on a response body, shared by both transports and the hub. It imports nothing from Node, so the edge
 * entry can load it.
 */
import { ConnectionError, ValidationError } from "./errors";

/**
 * The most bytes of a response body nhub reads by default: 8 MiB.
 *
 * The largest answer the service gives is a page of a registration feed (`GET /registrations`, or by tag or
 * channel): the service pages at most 100 registrations, and each was written in one request the service
 * refuses above 64 KB, so a page of registrations that each hold a template at that limit stays under 6.5 MB
 * with its Atom envelope. A page of ordinary template registrations (bodies sized for 4-5 KB push payloads, 60
 * tags of 120 characters) is about 2 MB; an installation, an outcome or an error body is a few KB. 8 MiB leaves
 * room above the worst page while one request's memory stays bounded.
 */
export const DEFAULT_MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

/**
 * Returns `value` when it is a whole, positive number of bytes.
 *
 * @throws {ValidationError} with field `field` (default `maxResponseBytes`) and rule `positive-integer`.
 */
export function checkMaxResponseBytes(value: unknown, field = "maxResponseBytes"): number {
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 1) {
    throw new ValidationError(
      field,
      "positive-integer",
      `${field} must be a whole number of bytes from 1 (got ${typeof value === "number" ? value : typeof value}); the default is ${DEFAULT_MAX_RESPONSE_BYTES}`,
    );
  }
  return value;
}

/** A body that could not become a string: not retried, since the same answer would fail the same way. */
export function undecodableBody(error: unknown, req: { method: string; path: string }): ConnectionError {
  const detail = error instanceof Error ? error.message : String(error);
  return new ConnectionError(
    `${req.method} ${req.path.split("?")[0]} failed: the response body could not be decoded (${detail})`,
    { cause: error, isRetryable: false },
  );
}
