import type { Dispatcher } from "undici";
import { type NhubError, ResponseTooLargeError, TimeoutError } from "./errors";
import { undecodableBody } from "./response-limit";
import type { TransportRequest, TransportResponse } from "./transport";
import { toTransportError } from "./undici-errors";

/**
 * Gathers one response for `dispatch`. nhub reads every body in full, so it skips what `Dispatcher.request` builds
 * per request (a body stream, an async resource, a second promise): that costs about a sixth of the client CPU
 * of a send (measured in packages/bench). It also holds the request's one deadline and counts the body's bytes
 * against the limit, and it settles the promise exactly once, whatever undici reports after.
 */
export class ResponseCollector implements Dispatcher.DispatchHandler {
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
