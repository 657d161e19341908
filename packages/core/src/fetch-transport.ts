/**
 * A {@link Transport} over the WHATWG `fetch`, for runtimes without undici's `Pool`: Bun, Deno, Cloudflare
 * Workers, Vercel Edge (and Node's own fetch). It imports nothing from Node.
 */
import { AbortError, ConnectionError, NhubError, ResponseTooLargeError, TimeoutError } from "./errors";
import { checkFunction } from "./option-checks";
import { checkMaxResponseBytes, DEFAULT_MAX_RESPONSE_BYTES, undecodableBody } from "./response-limit";
import type { Transport, TransportRequest, TransportResponse } from "./transport";

/** Options of {@link createFetchTransport}. */
export interface FetchTransportOptions {
  /**
   * The `fetch` to call. Default `globalThis.fetch`, looked up on each request so a runtime's or a test's
   * replacement is honoured.
   */
  readonly fetch?: typeof globalThis.fetch;
  /**
   * Most bytes of response body a request reads when it does not carry its own `maxResponseBytes` (the hub's
   * option sets it on every request). Default {@link DEFAULT_MAX_RESPONSE_BYTES} (8 MiB).
   */
  readonly maxResponseBytes?: number;
}

/** Why a request's controller was aborted, so the error can say which. */
type AbortCause = "timeout" | "caller" | "destroyed" | "too-large";

/** Shared: a decode without `stream` keeps no state between calls. */
const utf8 = new TextDecoder();

/**
 * Creates a transport that sends each request with `fetch`. `timeoutMs` is one deadline for the whole exchange,
 * headers and body; the caller's `signal` aborts it. The body is read chunk by chunk and counted: past
 * `maxResponseBytes` (the request's, else this transport's) the request is aborted, so its connection is dropped.
 * Errors become nhub's: {@link TimeoutError} for a timeout, {@link AbortError} when the caller aborts,
 * {@link ResponseTooLargeError} for a body over the limit, {@link ConnectionError} for everything else
 * (`fetch failed`, a reset, a refused connection). Redirects are not followed, as with undici: a 3xx comes back
 * as a response. `close()` waits for requests in flight; `destroy()` aborts them. The connection pool is the
 * runtime's, so `stats()` reports none.
 *
 * @throws {ValidationError} for a `maxResponseBytes` that is not a positive whole number.
 * @example
 * const hub = new NotificationHub(connectionString, "myhub", { transport: createFetchTransport() });
 */
export function createFetchTransport(options: FetchTransportOptions = {}): Transport {
  checkFunction(options.fetch, "fetch");
  const defaultLimit =
    options.maxResponseBytes === undefined
      ? DEFAULT_MAX_RESPONSE_BYTES
      : checkMaxResponseBytes(options.maxResponseBytes);
  const inFlight = new Set<InFlight>();
  let closed = false;
  let destroyed = false;

  async function send(req: TransportRequest, call: InFlight, limit: number): Promise<TransportResponse> {
    const doFetch = options.fetch ?? globalThis.fetch;
    // One deadline for headers and body alike, so a body that trickles forever still times out.
    const timer = setTimeout(abort, req.timeoutMs, call, "timeout");
    const onCallerAbort = () => abort(call, "caller");
    req.signal?.addEventListener("abort", onCallerAbort, { once: true });
    try {
      if (req.signal?.aborted) onCallerAbort();
      const res = await doFetch(req.origin + req.path, {
        method: req.method,
        headers: req.headers,
        // DOM typings take only ArrayBuffer-backed views; nhub's bodies never sit on a SharedArrayBuffer.
        body: req.body as string | Uint8Array<ArrayBuffer> | undefined,
        redirect: "manual",
        signal: call.controller.signal,
      });
      const headers: Record<string, string | undefined> = {};
      res.headers.forEach((value, name) => {
        headers[name] = value;
      });
      const body = await readBody(res, headers, req, limit, call);
      return { status: res.status, headers, body };
    } catch (error) {
      throw toFetchError(error, req, call.why);
    } finally {
      clearTimeout(timer);
      req.signal?.removeEventListener("abort", onCallerAbort);
    }
  }

  return {
    request(req) {
      let limit = defaultLimit;
      if (req.maxResponseBytes !== undefined) {
        try {
          limit = checkMaxResponseBytes(req.maxResponseBytes);
        } catch (error) {
          return Promise.reject(error);
        }
      }
      if (closed) {
        return Promise.reject(
          new ConnectionError(
            `${req.method} ${req.path.split("?")[0]} failed: the fetch transport was ${destroyed ? "destroyed" : "closed"}`,
            { isRetryable: false },
          ),
        );
      }
      const call: InFlight = { controller: new AbortController(), done: Promise.resolve() };
      const pending = send(req, call, limit);
      call.done = pending.then(
        () => inFlight.delete(call),
        () => inFlight.delete(call),
      );
      inFlight.add(call);
      return pending;
    },
    async close() {
      closed = true;
      await Promise.all([...inFlight].map((call) => call.done));
    },
    async destroy() {
      closed = true;
      destroyed = true;
      for (const call of inFlight) abort(call, "destroyed");
      await Promise.all([...inFlight].map((call) => call.done));
    },
    stats: () => undefined,
  };
}

/** One request in flight: its controller, why it was aborted (if it was), and when it has settled. */
interface InFlight {
  readonly controller: AbortController;
  why?: AbortCause;
  done: Promise<unknown>;
}

/** Aborts once, remembering the first reason: a timeout that fires after the caller's abort stays an abort. */
function abort(call: InFlight, why: AbortCause): void {
  if (call.controller.signal.aborted) return;
  call.why = why;
  call.controller.abort(why);
}

/**
 * Reads the body as text, counting its bytes: a declared or counted length over `limit` aborts the request (so
 * the runtime drops the connection and what was read is released) and throws {@link ResponseTooLargeError}.
 */
async function readBody(
  res: Response,
  headers: Readonly<Record<string, string | undefined>>,
  req: Pick<TransportRequest, "method" | "path">,
  limit: number,
  call: InFlight,
): Promise<string> {
  const declared = headers["content-length"];
  // A compressed answer declares its compressed length, which says nothing of what it decodes to.
  if (declared !== undefined && headers["content-encoding"] === undefined && +declared > limit) {
    throw tooLarge(res, req, limit, call, +declared);
  }
  if (res.body === null) return "";
  const reader = res.body.getReader();
  let first: Uint8Array | undefined;
  let rest: Uint8Array[] | undefined;
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    if (bytes > limit) throw tooLarge(res, req, limit, call, undefined);
    if (first === undefined) first = value;
    else if (rest === undefined) rest = [value];
    else rest.push(value);
  }
  if (first === undefined) return "";
  let all = first;
  if (rest !== undefined) {
    all = new Uint8Array(bytes);
    all.set(first);
    let at = first.byteLength;
    for (const chunk of rest) {
      all.set(chunk, at);
      at += chunk.byteLength;
    }
  }
  // As `res.text()`: UTF-8, a byte-order mark dropped, malformed bytes replaced.
  try {
    return utf8.decode(all);
  } catch (error) {
    throw undecodableBody(error, req);
  }
}

/** Aborts the request over the limit and builds its error. */
function tooLarge(
  res: Response,
  req: Pick<TransportRequest, "method" | "path">,
  limit: number,
  call: InFlight,
  contentLength: number | undefined,
): ResponseTooLargeError {
  abort(call, "too-large");
  return new ResponseTooLargeError({
    method: req.method,
    path: req.path.split("?")[0]!,
    limit,
    statusCode: res.status,
    contentLength,
  });
}

/** Maps what `fetch` or reading the body threw onto nhub's transport errors, keeping the original as `cause`. */
function toFetchError(
  error: unknown,
  req: Pick<TransportRequest, "method" | "path" | "timeoutMs">,
  why: AbortCause | undefined,
): NhubError {
  if (NhubError.isInstance(error)) return error;
  const where = `${req.method} ${req.path.split("?")[0]}`;
  if (why === "caller") return new AbortError(`${where} was aborted`, { cause: error });
  if (why === "timeout") {
    return new TimeoutError(`${where} got no answer within ${req.timeoutMs} ms`, { cause: error });
  }
  if (why === "destroyed" || (error as { name?: unknown } | null)?.name === "AbortError") {
    return new ConnectionError(`${where} failed: the fetch transport was destroyed`, {
      cause: error,
      isRetryable: false,
    });
  }
  // Node's fetch says only "fetch failed" and puts the socket error (ECONNREFUSED, ECONNRESET) in `cause`.
  const inner = (error as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  const detail =
    typeof inner?.code === "string"
      ? inner.code
      : typeof inner?.message === "string"
        ? inner.message
        : error instanceof Error
          ? error.message
          : String(error);
  return new ConnectionError(`${where} failed: ${detail}`, { cause: error });
}
