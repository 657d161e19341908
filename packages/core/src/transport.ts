import { type Dispatcher, Pool } from "undici";
import {
  AbortError,
  ConnectionError,
  NhubError,
  ResponseTooLargeError,
  TimeoutError,
  ValidationError,
} from "./errors";
import { checkInteger, checkMs } from "./option-checks";
import { checkMaxResponseBytes, DEFAULT_MAX_RESPONSE_BYTES, undecodableBody } from "./response-limit";

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

/** Options of {@link createUndiciTransport}. */
export interface UndiciTransportOptions {
  /** The origin every request goes to. */
  readonly origin: string;
  /**
   * A dispatcher to use instead of a private `Pool` (a `MockAgent`, a `ProxyAgent`, a shared `Agent`). nhub
   * does not close a dispatcher it did not create.
   */
  readonly dispatcher?: Dispatcher;
  /** Most sockets the private pool opens, a whole number from 1. Default unlimited (undici's default). */
  readonly connections?: number;
  /** How long an idle keep-alive socket is kept, whole milliseconds from 1 to 2^31-1. Default 30 s. */
  readonly keepAliveTimeoutMs?: number;
  /**
   * @deprecated Has no effect: each request carries its own `timeoutMs`, which the transport enforces itself as
   * one deadline for headers and body.
   */
  readonly timeoutMs?: number;
  /**
   * Most bytes of response body a request reads when it does not carry its own `maxResponseBytes` (the hub's
   * option sets it on every request). Default {@link DEFAULT_MAX_RESPONSE_BYTES} (8 MiB).
   */
  readonly maxResponseBytes?: number;
}

/**
 * Checks the options of {@link createUndiciTransport} (and the `connections` a Node hub passes on), so a bad one
 * is a {@link ValidationError} naming it rather than undici's `InvalidArgumentError` from the `Pool`.
 *
 * @throws {ValidationError}
 */
export function checkUndiciTransportOptions(options: Partial<UndiciTransportOptions>): void {
  checkInteger(options.connections, "connections", 1);
  checkMs(options.keepAliveTimeoutMs, "keepAliveTimeoutMs", 1);
  checkMs(options.timeoutMs, "timeoutMs", 1);
  const dispatcher = options.dispatcher as Partial<Dispatcher> | null | undefined;
  if (dispatcher !== undefined && typeof dispatcher?.dispatch !== "function") {
    throw new ValidationError("dispatcher", "type", "dispatcher must be an undici Dispatcher");
  }
}

/**
 * The default transport: one undici `Pool` per hub, kept alive across sends.
 *
 * @throws {ValidationError} for an option out of range or of the wrong type (`maxResponseBytes` not a positive
 * whole number, among others).
 */
export function createUndiciTransport(options: UndiciTransportOptions): Transport {
  checkUndiciTransportOptions(options);
  if (typeof options.origin !== "string" || !/^https?:\/\/[^/?#\s]+$/.test(options.origin)) {
    throw new ValidationError("origin", "url", "origin must be http(s)://host[:port] with no path");
  }
  const owned = options.dispatcher === undefined;
  const defaultLimit =
    options.maxResponseBytes === undefined
      ? DEFAULT_MAX_RESPONSE_BYTES
      : checkMaxResponseBytes(options.maxResponseBytes);
  // The collector's deadline bounds every request, so the own pool's timeouts are off: undici restarts its body
  // timeout at each chunk, and a request carrying its own headersTimeout/bodyTimeout costs about 30 us more per
  // send (measured in packages/bench).
  const dispatcher: Dispatcher =
    options.dispatcher ??
    new Pool(options.origin, {
      connections: options.connections ?? null,
      keepAliveTimeout: options.keepAliveTimeoutMs ?? 30_000,
      headersTimeout: 0,
      bodyTimeout: 0,
      pipelining: 1,
    });
  const origin = options.origin;
  let closing: Promise<void> | undefined;
  let destroying: Promise<void> | undefined;

  return {
    request(req) {
      if (req.signal?.aborted) return Promise.reject(toTransportError(req.signal.reason, req));
      let limit = defaultLimit;
      if (req.maxResponseBytes !== undefined) {
        try {
          limit = checkMaxResponseBytes(req.maxResponseBytes);
        } catch (error) {
          return Promise.reject(error);
        }
      }
      const options: Dispatcher.DispatchOptions = {
        origin,
        path: req.path,
        method: req.method,
        headers: req.headers,
        body: req.body,
      };
      // A dispatcher nhub did not create keeps undici's 300 s timeouts, which a longer timeoutMs must override.
      if (!owned) {
        options.headersTimeout = req.timeoutMs;
        options.bodyTimeout = req.timeoutMs;
      }
      return new Promise((resolve, reject) => {
        const collector = new ResponseCollector(req, limit, resolve, reject);
        try {
          dispatcher.dispatch(options, collector);
        } catch (error) {
          collector.onResponseError(undefined, error as Error);
        }
      });
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

/**
 * Gathers one response for `dispatch`. nhub reads every body in full, so it skips what `Dispatcher.request` builds
 * per request (a body stream, an async resource, a second promise): that costs about a sixth of the client CPU
 * of a send (measured in packages/bench). It also holds the request's one deadline and counts the body's bytes
 * against the limit, and it settles the promise exactly once, whatever undici reports after.
 */
class ResponseCollector implements Dispatcher.DispatchHandler {
  #status = 0;
  #headers: Record<string, string | string[] | undefined> = {};
  #chunks: Buffer[] | undefined;
  #bytes = 0;
  #controller: Dispatcher.DispatchController | undefined;
  #settled = false;
  readonly #limit: number;
  readonly #timer: ReturnType<typeof setTimeout>;
  readonly #req: TransportRequest;
  readonly #resolve: (response: TransportResponse) => void;
  readonly #reject: (error: NhubError) => void;
  readonly #onAbort: (() => void) | undefined;

  constructor(
    req: TransportRequest,
    limit: number,
    resolve: (response: TransportResponse) => void,
    reject: (error: NhubError) => void,
  ) {
    this.#req = req;
    this.#limit = limit;
    this.#resolve = resolve;
    this.#reject = reject;
    // A static function and an argument rather than a closure: nothing more is allocated per request.
    this.#timer = setTimeout(ResponseCollector.#expire, req.timeoutMs, this);
    const signal = req.signal;
    if (signal !== undefined) {
      // A request still queued for a socket settles at once; onRequestStart then stops it before it is written.
      this.#onAbort = () => {
        this.#controller?.abort(signal.reason);
        this.onResponseError(undefined, signal.reason);
      };
      signal.addEventListener("abort", this.#onAbort, { once: true });
    }
  }

  /** The deadline passed: drop the socket (or the queued request) and reject with a timeout. */
  static #expire(collector: ResponseCollector): void {
    if (collector.#settled) return;
    const req = collector.#req;
    const where = `${req.method} ${req.path.split("?")[0]}`;
    const error = new TimeoutError(
      collector.#status === 0
        ? `${where} got no answer within ${req.timeoutMs} ms`
        : `${where} got no complete answer within ${req.timeoutMs} ms (status ${collector.#status}, ${collector.#bytes} body bytes read)`,
    );
    collector.#controller?.abort(error);
    collector.onResponseError(undefined, error);
  }

  // undici calls this again when it retries a request on another socket: anything gathered before is stale.
  onRequestStart(controller: Dispatcher.DispatchController): void {
    this.#controller = controller;
    this.#chunks = undefined;
    this.#bytes = 0;
    // Settled while queued (aborted, timed out): stop it before it is written.
    if (this.#settled)
      controller.abort(this.#req.signal?.reason ?? new Error("nhub: the request has settled"));
  }

  onResponseStart(
    controller: Dispatcher.DispatchController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
  ): void {
    this.#status = statusCode;
    this.#headers = headers;
    // A declared length over the limit fails before a byte of the body is read (a repeated header counts as it
    // arrives instead).
    const declared = headers["content-length"];
    if (declared !== undefined && +declared > this.#limit) this.#tooLarge(controller, +declared);
  }

  onResponseData(controller: Dispatcher.DispatchController, chunk: Buffer): void {
    this.#bytes += chunk.length;
    if (this.#bytes > this.#limit) {
      this.#tooLarge(controller, undefined);
      return;
    }
    if (this.#chunks === undefined) this.#chunks = [chunk];
    else this.#chunks.push(chunk);
  }

  onResponseEnd(): void {
    if (this.#settled) return;
    let response: TransportResponse;
    // Decoded before settling: an error here (a body too long for a string) must reject, not escape into undici
    // after the promise was already resolved.
    try {
      response = {
        status: this.#status,
        headers: joinHeaders(this.#headers),
        body: decodeBody(this.#chunks),
      };
    } catch (error) {
      this.onResponseError(undefined, undecodableBody(error, this.#req));
      return;
    }
    this.#settle();
    this.#resolve(response);
  }

  onResponseError(_controller: Dispatcher.DispatchController | undefined, error: Error): void {
    if (this.#settle()) this.#reject(toTransportError(error, this.#req));
  }

  /** Stops reading an answer over the limit: the socket is destroyed, so it is not reused. */
  #tooLarge(controller: Dispatcher.DispatchController, contentLength: number | undefined): void {
    const req = this.#req;
    const error = new ResponseTooLargeError({
      method: req.method,
      path: req.path.split("?")[0]!,
      limit: this.#limit,
      statusCode: this.#status,
      contentLength,
    });
    // undici reports the abort to onResponseError; the direct call covers a controller that no longer does.
    controller.abort(error);
    this.onResponseError(controller, error);
  }

  /** True the first time only: a request settles once, whatever undici reports after. */
  #settle(): boolean {
    if (this.#settled) return false;
    this.#settled = true;
    this.#chunks = undefined;
    clearTimeout(this.#timer);
    if (this.#onAbort !== undefined) this.#req.signal?.removeEventListener("abort", this.#onAbort);
    return true;
  }
}

/** The body as text, decoded as UTF-8 without a byte-order mark, as undici's `body.text()` does. */
function decodeBody(chunks: Buffer[] | undefined): string {
  if (chunks === undefined) return "";
  const bytes = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
  const bom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  return bytes.toString("utf8", bom ? 3 : 0);
}

/** undici's headers with repeated ones (a string array) joined as HTTP joins them; copied only when one is. */
function joinHeaders(
  headers: Record<string, string | string[] | undefined>,
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
  const detail = typeof code === "string" ? code : error instanceof Error ? error.message : String(error);
  return new ConnectionError(`${where} failed: ${detail}`, { cause: error });
}
