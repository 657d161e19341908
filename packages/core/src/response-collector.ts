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
  /** When the request times out, on `performance.now()`'s clock (monotonic, so a clock change moves no deadline). */
  readonly #deadline: number;
  #earlier: ResponseCollector | undefined;
  #later: ResponseCollector | undefined;
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
    this.#deadline = performance.now() + req.timeoutMs;
    ResponseCollector.#watch(this);
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

  /**
   * The requests in flight, earliest deadline first, linked through the collectors themselves, and the one timer
   * that serves them all: armed for the earliest deadline, and holding the process open only while a request is
   * in flight. A timer per request would cost a timer object and a clock read of Node's each, and at concurrency
   * 1 Node's timer list for the duration would be dropped and rebuilt on every request.
   */
  static #earliest: ResponseCollector | undefined;
  static #latest: ResponseCollector | undefined;
  static #timer: ReturnType<typeof setTimeout> | undefined;
  /** The deadline the timer is armed for; later than any when it is not armed. */
  static #armedFor = Number.POSITIVE_INFINITY;

  /** Puts `c` in deadline order: at the end, as a rule, since most requests share one `timeoutMs`. */
  static #watch(c: ResponseCollector): void {
    let before = ResponseCollector.#latest;
    while (before !== undefined && before.#deadline > c.#deadline) before = before.#earlier;
    const after = before === undefined ? ResponseCollector.#earliest : before.#later;
    c.#earlier = before;
    c.#later = after;
    if (before === undefined) ResponseCollector.#earliest = c;
    else before.#later = c;
    if (after === undefined) ResponseCollector.#latest = c;
    else after.#earlier = c;
    if (c.#deadline < ResponseCollector.#armedFor) ResponseCollector.#arm(c.#deadline);
    else if (before === undefined && after === undefined) ResponseCollector.#timer?.ref();
  }

  /** Takes `c` out of the deadline order, once it has settled; the timer is let go when none is left. */
  static #unwatch(c: ResponseCollector): void {
    const earlier = c.#earlier;
    const later = c.#later;
    if (earlier === undefined) ResponseCollector.#earliest = later;
    else earlier.#later = later;
    if (later === undefined) ResponseCollector.#latest = earlier;
    else later.#earlier = earlier;
    c.#earlier = c.#later = undefined;
    // Left armed (a later request may use it) but no longer holding the process open.
    if (ResponseCollector.#earliest === undefined) ResponseCollector.#timer?.unref();
  }

  static #arm(deadline: number): void {
    clearTimeout(ResponseCollector.#timer);
    ResponseCollector.#armedFor = deadline;
    ResponseCollector.#timer = setTimeout(
      ResponseCollector.#sweep,
      Math.max(0, Math.ceil(deadline - performance.now())),
    );
  }

  /**
   * Times out every request due by the deadline the timer was armed for, then arms it for the next one. The timer
   * itself says the time has come, as a timer per request did; the clock only sets how long the next wait is.
   */
  static #sweep(): void {
    const due = ResponseCollector.#armedFor;
    ResponseCollector.#timer = undefined;
    ResponseCollector.#armedFor = Number.POSITIVE_INFINITY;
    let c = ResponseCollector.#earliest;
    while (c !== undefined && c.#deadline <= due) {
      // Out of the order first, so the loop moves on whatever the expiry does.
      ResponseCollector.#unwatch(c);
      ResponseCollector.#expire(c);
      c = ResponseCollector.#earliest;
    }
    if (c !== undefined) ResponseCollector.#arm(c.#deadline);
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
    if (this.#earlier !== undefined || ResponseCollector.#earliest === this) ResponseCollector.#unwatch(this);
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
