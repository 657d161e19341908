/**
 * The pipeline's retry step: the outermost, and the one async frame of a request. It makes every attempt the
 * same way (the first inline, with no closure or promise of its own), turns an answer outside 2xx into its
 * typed error, and repeats what {@link shouldRetry} allows after the policy's wait.
 */
import { ClosedError, type NhubError } from "./errors";
import type { Interceptor, PipelineRequest } from "./pipeline";
import {
  type ResolvedRetry,
  type RetryListener,
  resolveRetry,
  retryDelayMs,
  shouldRetry,
  sleep,
} from "./retry";
import type { TransportResponse } from "./transport";

/** What the retry step is built with, once per hub. */
export interface RetryStepOptions {
  /** The hub's policy; a request's own `retry` is merged over it. */
  readonly policy: ResolvedRetry;
  /** The hub's destroy signal: it cuts a wait short, and no attempt starts after it fired. */
  readonly stop: AbortSignal;
  /** The typed error of an answer outside 2xx. */
  readonly toError: (request: PipelineRequest, response: TransportResponse) => Promise<NhubError>;
  /** Called before each retry, with the request as the operation made it (its `trace` included). */
  readonly onRetry: (info: Parameters<RetryListener>[0], request: PipelineRequest) => void;
  /**
   * Called once when a request settles, with the attempts it took and, when it failed, its error: the one place
   * that knows both, so the hub counts and logs there.
   */
  readonly onSettled: (request: PipelineRequest, attempts: number, error: unknown) => void;
}

/** The retry step; see the module's comment. */
export function retryRequests(options: RetryStepOptions): Interceptor {
  const { policy, stop, toError, onRetry, onSettled } = options;
  return (next) => {
    // Entered once the first attempt has failed (an answer outside 2xx, or `thrown`): a request answered at once
    // settles in the first attempt's `then`, without an async frame of its own.
    const retrying = async (
      request: PipelineRequest,
      response: TransportResponse | undefined,
      thrown: unknown,
    ): Promise<TransportResponse> => {
      let attempts = 1;
      let failure: unknown;
      try {
        let attempt = request;
        let retry: ResolvedRetry | undefined;
        for (;;) {
          let error = thrown;
          if (response !== undefined) {
            if (response.status >= 200 && response.status < 300) return response;
            try {
              error = await toError(attempt, response);
            } catch (e) {
              error = e;
            }
          }
          retry ??= resolveRetry(policy, request.retry);
          const n = attempts - 1;
          const delayMs =
            n < retry.maxRetries && shouldRetry(error) ? retryDelayMs(error, n, retry) : undefined;
          if (delayMs === undefined) throw error;
          onRetry({ attempt: attempts, delayMs, error: error as NhubError }, request);
          await sleep(delayMs, request.signal, stop);
          if (stop.aborted) throw new ClosedError("the NotificationHub was destroyed");
          attempt = { ...request, attempt: ++attempts };
          response = undefined;
          try {
            response = await next(attempt);
          } catch (e) {
            thrown = e;
          }
        }
      } catch (error) {
        failure = error;
        throw error;
      } finally {
        onSettled(request, attempts, failure);
      }
    };
    return (request) => {
      let sent: Promise<TransportResponse>;
      try {
        // As `await` would: a transport answering with a plain value or a foreign thenable still settles.
        sent = Promise.resolve(next(request));
      } catch (error) {
        return retrying(request, undefined, error);
      }
      return sent.then(
        (response) => {
          if (response.status < 200 || response.status >= 300) return retrying(request, response, undefined);
          onSettled(request, 1, undefined);
          return response;
        },
        (error: unknown) => retrying(request, undefined, error),
      );
    };
  };
}
