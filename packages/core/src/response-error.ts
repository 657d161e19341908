import { ServiceError } from "./errors";
import { parseErrorBody } from "./outcome";
import { parseRetryAfter } from "./retry";
import type { TransportRequest, TransportResponse } from "./transport";

/**
 * The typed error of an answer outside 2xx: a {@link ServiceError} with the service's code and detail from its
 * body, its tracking ids and its `Retry-After`, with `secrets` (the hub's key) kept out of every text of it.
 */
export async function responseError(
  request: TransportRequest,
  response: TransportResponse,
  secrets: readonly string[],
): Promise<ServiceError> {
  const { code, detail } = await parseErrorBody(response.body);
  return new ServiceError({
    statusCode: response.status,
    method: request.method,
    url: request.origin + request.path,
    serviceCode: code,
    detail,
    trackingId: response.headers["trackingid"],
    correlationId: response.headers["x-ms-correlation-request-id"],
    retryAfterMs: parseRetryAfter(response.headers),
    secrets,
  });
}
