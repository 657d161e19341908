/** The default transport on Node: one undici `Pool` per hub, read through `dispatch`. */
import type { Dispatcher } from "undici";
import { ValidationError } from "./errors";
import { checkInteger, checkMs } from "./option-checks";
import { ResponseCollector } from "./response-collector";
import { checkMaxResponseBytes, DEFAULT_MAX_RESPONSE_BYTES } from "./response-limit";
import type { PoolStats, Transport } from "./transport";
import { toTransportError } from "./undici-errors";
import { Pool } from "./undici-pool";

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
