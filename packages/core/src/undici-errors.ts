import { AbortError, ConnectionError, NhubError, TimeoutError, ValidationError } from "./errors";
import type { TransportRequest } from "./transport";

/** Maps undici and socket errors onto nhub's transport errors, keeping the original as `cause`. */
export function toTransportError(
  error: unknown,
  req: Pick<TransportRequest, "method" | "path" | "signal" | "timeoutMs">,
): NhubError {
  if (NhubError.isInstance(error)) return error;
  const where = `${req.method} ${req.path.split("?")[0]}`;
  if (req.signal?.aborted) return new AbortError(`${where} was aborted`, { cause: error });
  const code = (error as { code?: unknown } | null)?.code;
  const name = (error as { name?: unknown } | null)?.name;
  if (code === "UND_ERR_HEADERS_TIMEOUT" || code === "UND_ERR_BODY_TIMEOUT") {
    return new TimeoutError(`${where} got no answer within ${req.timeoutMs} ms`, { cause: error });
  }
  if (code === "UND_ERR_CONNECT_TIMEOUT") {
    return new TimeoutError(`${where} could not connect within the connect timeout`, { cause: error });
  }
  if (name === "AbortError" || code === "UND_ERR_ABORTED")
    return new AbortError(`${where} was aborted`, { cause: error });
  // undici refused the request as written (a header, path or method it cannot send): the same request fails the
  // same way, so it must not be retried. nhub's own checks keep this from happening; this is the backstop.
  if (code === "UND_ERR_INVALID_ARG") {
    return new ValidationError(
      "request",
      "transport-refused",
      `${where} could not be sent: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
  if (code === "UND_ERR_DESTROYED" || code === "UND_ERR_CLOSED") {
    return new ConnectionError(`${where} failed: the connection pool was closed`, {
      cause: error,
      isRetryable: false,
    });
  }
  // The name does not exist: asking again within a retry's few seconds gets the same answer. EAI_AGAIN (the
  // resolver could not answer now) is left retryable: it is the resolver's own "try again".
  if (code === "ENOTFOUND") {
    return new ConnectionError(`${where} failed: the host name could not be resolved (ENOTFOUND)`, {
      cause: error,
      isRetryable: false,
    });
  }
  const detail = typeof code === "string" ? code : error instanceof Error ? error.message : String(error);
  return new ConnectionError(`${where} failed: ${detail}`, { cause: error });
}
