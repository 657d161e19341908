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
  return (next) => async (request) => {
    let attempts = 1;
    let failure: unknown;
    try {
      let attempt = request;
      let retry: ResolvedRetry | undefined;
      for (;;) {
        let error: unknown;
        try {
          const response = await next(attempt);
          if (response.status >= 200 && response.status < 300) return response;
          error = await toError(attempt, response);
        } catch (thrown) {
          error = thrown;
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
      }
    } catch (error) {
      failure = error;
      throw error;
    } finally {
      onSettled(request, attempts, failure);
    }
  };
}
