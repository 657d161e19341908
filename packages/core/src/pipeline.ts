/**
 * The hub's request pipeline, in undici's interceptor style: a {@link Dispatch} sends one request, an
 * {@link Interceptor} wraps a dispatch in another, and {@link compose} stacks them over a transport once per hub.
 * One request shape, {@link PipelineRequest}, flows from the hub through every step to the transport; each step
 * gets what it needs from the request or from its own options, never from a step before it or from the hub.
 *
 * The hub stacks them as `retry(sign(observe(transport)))`; the deadline of each attempt is the transport's own
 * (`timeoutMs` on the request). Every step but the retry step is a plain function call on a send nobody watches:
 * no promise, closure or async frame of its own.
 */
import type { TokenProvider } from "@nhub/sas";
import type { RefusableTokenProvider } from "./credentials";
import type { OperationTraceContext } from "./diagnostics";
import { AbortError, TimeoutError } from "./errors";
import type { RequestWatch } from "./request-observer";
import type { RetryOptions } from "./retry";
import type { Transport, TransportRequest, TransportResponse } from "./transport";

/**
 * One request as it flows through the pipeline: the transport's request, built once by the operation, plus what
 * the steps read. The transport ignores the extra fields.
 */
export interface PipelineRequest extends TransportRequest {
  /**
   * The request's own headers: built fresh for each request, so the sign step sets `Authorization` on them in
   * place rather than copying them.
   */
  readonly headers: Record<string, string>;
  /** This request's retry policy over the hub's; `false` sends it once. Read by the retry step. */
  readonly retry?: RetryOptions | false | undefined;
  /** Which attempt this is: absent on the first, 2 on the first retry (the retry step sets it on its copies). */
  readonly attempt?: number;
  /**
   * What the operation is called in traces (`send`, `createOrUpdateInstallation`, ...); read only while the
   * operation is traced. Absent: `METHOD /path-template`.
   */
  readonly operation?: string;
  /** The operation's trace context, set by the trace step only while someone subscribes to it. */
  readonly trace?: OperationTraceContext;
}

/** Sends one request and resolves with the answer, whatever its status. */
export type Dispatch = (request: PipelineRequest) => Promise<TransportResponse>;

/** A step of the pipeline: wraps the dispatch below it (`next`) in one that does something more. */
export type Interceptor = (next: Dispatch) => Dispatch;

/** `METHOD /path` of a request, without its query: how errors and log lines name it. */
export function describeRequest(request: TransportRequest): string {
  return `${request.method} ${request.path.split("?")[0]}`;
}

/**
 * Stacks `interceptors` over `transport`, as undici's `Dispatcher.compose` does: each wraps the ones before it,
 * so the last is the outermost and sees a request first.
 */
export function compose(transport: Transport, ...interceptors: readonly Interceptor[]): Dispatch {
  let dispatch: Dispatch = (request) => transport.request(request);
  for (const interceptor of interceptors) dispatch = interceptor(dispatch);
  return dispatch;
}

/** What {@link signRequests} signs with: one token provider, or two (the primary and secondary key of one rule). */
export interface SigningKeys {
  /** One provider per key, primary first. */
  readonly providers: readonly TokenProvider[];
  /**
   * Tells whether a 401's body says the signature did not verify; only then is the other key tried (`credentials.ts`
   * passes `isInvalidSignature`).
   */
  readonly isInvalidSignature: (body: string) => boolean;
  /** Called once per switch, when a request signed with the other key got past the signature check. */
  readonly onSwitch: (from: number, to: number) => void;
}

/**
 * Signs each attempt: the token provider's cached SAS token goes on the request's `Authorization` header. Inside
 * the retry step, so a retry after a long wait carries a token that is still fresh. A token being fetched or
 * signed (the first on WebCrypto, a token provider's) is awaited, within the request's deadline and signal; a
 * cached one costs no promise.
 *
 * With two keys, a 401 whose body says the signature is invalid (the key was regenerated) is sent once more,
 * signed with the other key; when that one verifies, the hub keeps using it. With a caller's token provider, a
 * 401 drops the token it answered and the request is signed once more with a fresh one. Never more than once per
 * attempt, so a second 401 is the answer.
 */
export function signRequests(keys: TokenProvider | RefusableTokenProvider | SigningKeys): Interceptor {
  if (!("providers" in keys) || keys.providers.length === 1) {
    const tokens = "providers" in keys ? keys.providers[0]! : keys;
    if (!isRefusable(tokens)) return (next) => (request) => signWith(tokens, next, request);
    // A caller's token provider: a 401 means the service no longer takes the cached token (a key rotated, a token
    // revoked), so it is dropped and the request signed once more with what the callback gives now.
    return (next) => (request) =>
      signWith(tokens, next, request).then((response) => {
        if (response.status !== 401) return response;
        tokens.refuse(request.headers.Authorization!);
        return signWith(tokens, next, request);
      });
  }
  const { providers, isInvalidSignature, onSwitch } = keys;
  let active = 0;
  return (next) => (request) => {
    const used = active;
    return signWith(providers[used]!, next, request).then((response) => {
      if (response.status !== 401 || !isInvalidSignature(response.body)) return response;
      const other = used === 0 ? 1 : 0;
      return signWith(providers[other]!, next, request).then((second) => {
        // Switched only once the other key got past the signature check, and only by the first request to see
        // it: concurrent requests refused together switch once, and two bad keys never flap.
        if (!(second.status === 401 && isInvalidSignature(second.body)) && active === used) {
          active = other;
          onSwitch(used, other);
        }
        return second;
      });
    });
  };
}

/** Puts `tokens`' token on `request` and sends it; a cached token costs no promise. */
function signWith(
  tokens: TokenProvider,
  next: Dispatch,
  request: PipelineRequest,
): Promise<TransportResponse> {
  const token = tokens.getToken();
  if (typeof token === "string") {
    request.headers.Authorization = token;
    return next(request);
  }
  return awaitToken(token, request).then((t) => {
    request.headers.Authorization = t;
    return next(request);
  });
}

function isRefusable(tokens: TokenProvider): tokens is RefusableTokenProvider {
  return typeof (tokens as Partial<RefusableTokenProvider>).refuse === "function";
}

/**
 * Waits for a token being fetched no longer than the request's deadline and signal allow, so a token provider
 * that never answers cannot hold a request (or `close()`) open.
 */
function awaitToken(token: Promise<string>, request: PipelineRequest): Promise<string> {
  const { signal, timeoutMs } = request;
  if (signal === undefined && timeoutMs === undefined) return token;
  return new Promise<string>((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
    };
    const onAbort = () => {
      done();
      reject(new AbortError(`${describeRequest(request)} was aborted while waiting for its token`));
    };
    const timer =
      timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            done();
            reject(
              new TimeoutError(
                `${describeRequest(request)} timed out after ${timeoutMs} ms waiting for its token`,
              ),
            );
          }, timeoutMs);
    signal?.addEventListener("abort", onAbort, { once: true });
    token.then(
      (t) => {
        done();
        resolve(t);
      },
      (error: unknown) => {
        done();
        reject(error);
      },
    );
  });
}

let observer: typeof import("./request-observer") | undefined;

/**
 * Observes each attempt someone watches: diagnostics events, the debug log line, debug mode's dumps. The code
 * that does it is loaded on first use, so a hub nobody watches neither runs nor bundles it; a hub that can never
 * be watched (no channels, no debug logging) leaves this step out altogether.
 */
export function observeRequests(watch: RequestWatch): Interceptor {
  const { always, channels } = watch;
  if (!always && channels === undefined) return (next) => next;
  return (next) => (request) =>
    always ||
    (channels !== undefined &&
      (channels.start.hasSubscribers || channels.finish.hasSubscribers || channels.error.hasSubscribers))
      ? observed(next, request, watch)
      : next(request);
}

async function observed(
  next: Dispatch,
  request: PipelineRequest,
  watch: RequestWatch,
): Promise<TransportResponse> {
  observer ??= await import("./request-observer");
  return observer.observeRequest(next, request, watch);
}
