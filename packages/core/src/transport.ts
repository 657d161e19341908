import { type Dispatcher, Pool } from "undici";
import { AbortError, ConnectionError, NhubError, TimeoutError } from "./errors";
import { DEFAULT_TIMEOUT_MS } from "./hub-base";

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
  /** Longest wait for the response headers, and then between body chunks. */
  readonly timeoutMs: number;
}

/** The answer, with header names lowercased and the body read in full. */
export interface TransportResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | undefined>>;
  readonly body: string;
}

/**
 * Moves one request to the service and back. Implementations must reject only with nhub errors:
 * {@link ConnectionError}, {@link TimeoutError} or {@link AbortError}; an HTTP error status is a response,
 * not a rejection.
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

/** Options of {@link createUndiciTransport}. */
export interface UndiciTransportOptions {
  /** The origin every request goes to. */
  readonly origin: string;
  /**
   * A dispatcher to use instead of a private `Pool` (a `MockAgent`, a `ProxyAgent`, a shared `Agent`). nhub
   * does not close a dispatcher it did not create.
   */
  readonly dispatcher?: Dispatcher;
  /** Most sockets the private pool opens. Default unlimited (undici's default). */
  readonly connections?: number;
  /** How long an idle keep-alive socket is kept. Default 30 s. */
  readonly keepAliveTimeoutMs?: number;
  /**
   * The timeout most requests use (the hub's `timeoutMs`), set once on the private pool. Default 30 s. A request
   * with another `timeoutMs` still gets its own.
   */
  readonly timeoutMs?: number;
}

/** The default transport: one undici `Pool` per hub, kept alive across sends. */
export function createUndiciTransport(options: UndiciTransportOptions): Transport {
  const owned = options.dispatcher === undefined;
  // Set on the pool rather than on each request: undici's request path costs about 30 us more per send when a
  // request carries its own headersTimeout/bodyTimeout (measured in packages/bench), even with the same values.
  const poolTimeoutMs = owned ? (options.timeoutMs ?? DEFAULT_TIMEOUT_MS) : undefined;
  const dispatcher: Dispatcher =
    options.dispatcher ??
    new Pool(options.origin, {
      connections: options.connections ?? null,
      keepAliveTimeout: options.keepAliveTimeoutMs ?? 30_000,
      headersTimeout: poolTimeoutMs,
      bodyTimeout: poolTimeoutMs,
      pipelining: 1,
    });
  const origin = options.origin;
  let closing: Promise<void> | undefined;
  let destroying: Promise<void> | undefined;

  return {
    async request(req) {
      const options: Dispatcher.RequestOptions = {
        origin,
        path: req.path,
        method: req.method,
        headers: req.headers,
        body: req.body,
        signal: req.signal,
      };
      if (req.timeoutMs !== poolTimeoutMs) {
        options.headersTimeout = req.timeoutMs;
        options.bodyTimeout = req.timeoutMs;
      }
      let res: Dispatcher.ResponseData;
      let body = "";
      try {
        res = await dispatcher.request(options);
        // An accepted send answers with an empty body: discarding it skips the text decoder.
        if (res.headers["content-length"] === "0") await res.body.dump();
        else body = await res.body.text();
      } catch (error) {
        throw toTransportError(error, req);
      }
      return { status: res.statusCode, headers: joinHeaders(res.headers), body };
    },
    stats() {
      // An own Pool reports itself; an Agent reports its pools by origin; a ProxyAgent reports nothing, and a
      // single Client (no `free`) is not a pool.
      const all = (dispatcher as { stats?: Record<string, unknown> }).stats;
      const s = (all?.connected === undefined ? all?.[origin] : all) as PoolStats | undefined;
      if (typeof s?.free !== "number") return undefined;
      return {
        connected: s.connected,
        free: s.free,
        pending: s.pending,
        queued: s.queued,
        running: s.running,
        size: s.size,
      };
    },
    // Idempotent: undici throws when a closed or destroyed pool is closed again.
    close() {
      if (!owned) return Promise.resolve();
      if (destroying) return destroying;
      closing ??= dispatcher.close();
      return closing;
    },
    destroy() {
      if (!owned) return Promise.resolve();
      destroying ??= dispatcher.destroy();
      return destroying;
    },
  };
}

/** undici's headers with repeated ones (a string array) joined as HTTP joins them; copied only when one is. */
function joinHeaders(
  headers: Dispatcher.ResponseData["headers"],
): Readonly<Record<string, string | undefined>> {
  for (const name in headers) {
    if (Array.isArray(headers[name])) {
      const joined: Record<string, string | undefined> = {};
      for (const [k, v] of Object.entries(headers)) joined[k] = Array.isArray(v) ? v.join(", ") : v;
      return joined;
    }
  }
  return headers as Readonly<Record<string, string | undefined>>;
}

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
  if (code === "UND_ERR_DESTROYED" || code === "UND_ERR_CLOSED") {
    return new ConnectionError(`${where} failed: the connection pool was closed`, {
      cause: error,
      isRetryable: false,
    });
  }
  const detail = typeof code === "string" ? code : error instanceof Error ? error.message : String(error);
  return new ConnectionError(`${where} failed: ${detail}`, { cause: error });
}
