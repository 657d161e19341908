/**
 * A {@link Transport} over the WHATWG `fetch`, for runtimes without undici's `Pool`: Bun, Deno, Cloudflare
 * Workers, Vercel Edge (and Node's own fetch). It imports nothing from Node.
 */
import { AbortError, ConnectionError, type NhubError, TimeoutError } from "./errors";
import { checkFunction } from "./option-checks";
import type { Transport, TransportRequest, TransportResponse } from "./transport";

/** Options of {@link createFetchTransport}. */
export interface FetchTransportOptions {
  /**
   * The `fetch` to call. Default `globalThis.fetch`, looked up on each request so a runtime's or a test's
   * replacement is honoured.
   */
  readonly fetch?: typeof globalThis.fetch;
}

/** Why a request's controller was aborted, so the error can say which. */
type AbortCause = "timeout" | "caller" | "destroyed";

/**
 * Creates a transport that sends each request with `fetch`. `timeoutMs` bounds the wait for the response
 * headers and then, afresh, the reading of the body; the caller's `signal` aborts both. Errors become nhub's:
 * {@link TimeoutError} for a timeout, {@link AbortError} when the caller aborts, {@link ConnectionError} for
 * everything else (`fetch failed`, a reset, a refused connection). Redirects are not followed, as with undici:
 * a 3xx comes back as a response. `close()` waits for requests in flight; `destroy()` aborts them. The
 * connection pool is the runtime's, so `stats()` reports none.
 *
 * @example
 * const hub = new NotificationHub(connectionString, "myhub", { transport: createFetchTransport() });
 */
export function createFetchTransport(options: FetchTransportOptions = {}): Transport {
  checkFunction(options.fetch, "fetch");
  const inFlight = new Set<InFlight>();
  let closed = false;
  let destroyed = false;

  async function send(req: TransportRequest, call: InFlight): Promise<TransportResponse> {
    const doFetch = options.fetch ?? globalThis.fetch;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(() => abort(call, "timeout"), req.timeoutMs);
    };
    const onCallerAbort = () => abort(call, "caller");
    req.signal?.addEventListener("abort", onCallerAbort, { once: true });
    try {
      if (req.signal?.aborted) onCallerAbort();
      arm();
      const res = await doFetch(req.origin + req.path, {
        method: req.method,
        headers: req.headers,
        // DOM typings take only ArrayBuffer-backed views; nhub's bodies never sit on a SharedArrayBuffer.
        body: req.body as string | Uint8Array<ArrayBuffer> | undefined,
        redirect: "manual",
        signal: call.controller.signal,
      });
      arm();
      const body = await res.text();
      const headers: Record<string, string | undefined> = {};
      res.headers.forEach((value, name) => {
        headers[name] = value;
      });
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
      if (closed) {
        return Promise.reject(
          new ConnectionError(
            `${req.method} ${req.path.split("?")[0]} failed: the fetch transport was ${destroyed ? "destroyed" : "closed"}`,
            { isRetryable: false },
          ),
        );
      }
      const call: InFlight = { controller: new AbortController(), done: Promise.resolve() };
      const pending = send(req, call);
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

/** Maps what `fetch` or reading the body threw onto nhub's transport errors, keeping the original as `cause`. */
function toFetchError(
  error: unknown,
  req: Pick<TransportRequest, "method" | "path" | "timeoutMs">,
  why: AbortCause | undefined,
): NhubError {
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
