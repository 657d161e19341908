/**
 * The transport contract: what moves one request to the service and back. nhub's own are the undici transport
 * (`undici-transport.ts`, Node's default) and the fetch transport (`fetch-transport.ts`, the edge's); a new one
 * implements {@link Transport} and nothing else.
 */
/** One HTTP request, fully built: the transport adds nothing but framing. */
export interface TransportRequest {
  readonly method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
  /** Scheme, host and port, e.g. `https://myns.servicebus.windows.net`. */
  readonly origin: string;
  /** Path and query, e.g. `/myhub/messages/?api-version=2020-06`. */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: string | Uint8Array;
  readonly signal?: AbortSignal;
  /**
   * One deadline for the whole exchange, from the call until the body is read in full: waiting for a socket, the
   * headers and every body chunk count against it, so a body that trickles forever still times out.
   */
  readonly timeoutMs: number;
  /**
   * Most bytes of response body to read; a longer answer rejects with {@link ResponseTooLargeError} and its
   * connection is dropped. Default: the transport's own limit ({@link DEFAULT_MAX_RESPONSE_BYTES} unless it was
   * created with another).
   */
  readonly maxResponseBytes?: number;
}

/** The answer, with header names lowercased and the body read in full. */
export interface TransportResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: string;
}

/**
 * Moves one request to the service and back. Implementations must reject only with nhub errors:
 * {@link ConnectionError}, {@link TimeoutError}, {@link AbortError} or {@link ResponseTooLargeError}; an HTTP
 * error status is a response, not a rejection. Every request settles, by `timeoutMs` at the latest.
 */
export interface Transport {
  request(request: TransportRequest): Promise<TransportResponse>;
  /** Finishes requests in flight, then releases connections. */
  close(): Promise<void>;
  /** Aborts requests in flight and releases connections at once. */
  destroy(): Promise<void>;
  /** The connection pool's state now, when the transport can see it (undici's `Pool` can, `fetch` cannot). */
  stats?(): PoolStats | undefined;
}

/** A snapshot of a connection pool, as undici's `Pool.stats` reports it. */
export interface PoolStats {
  /** Open sockets. */
  readonly connected: number;
  /** Open sockets with nothing to do. */
  readonly free: number;
  /** Requests waiting for a socket. */
  readonly pending: number;
  /** Requests queued on sockets, not yet sent. */
  readonly queued: number;
  /** Requests sent and not yet answered. */
  readonly running: number;
  /** `pending + queued + running`. */
  readonly size: number;
}
