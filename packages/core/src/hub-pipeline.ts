/**
 * How a hub composes its pipeline: `trace(retry(sign(observe(transport))))`, with the hub's counting and logging on the
 * retry step's hooks. Built once per hub; nothing here runs per send but the steps themselves.
 */
import { redactSecrets, type TokenProvider } from "@nhub/sas";
import type { RequestChannels } from "./diagnostics";
import type { NhubError } from "./errors";
import type { HubLog } from "./log";
import {
  compose,
  type Dispatch,
  describeRequest,
  observeRequests,
  type SigningKeys,
  signRequests,
} from "./pipeline";
import { responseError } from "./response-error";
import type { ResolvedRetry } from "./retry";
import { retryRequests } from "./retry-step";
import { traceOperations } from "./trace-step";
import type { Transport } from "./transport";

/** What a hub counts (see `HubStats`), written by the hub as a request starts and by its pipeline as it ends. */
export interface HubCounts {
  requests: number;
  retries: number;
  failures: number;
  /** Requests in flight, retry waits included. */
  active: number;
  /** Set by `close()` while it waits for the requests in flight; called when the last one settles. */
  drained: (() => void) | undefined;
}

/** What {@link createHubPipeline} builds a hub's pipeline from. */
export interface HubPipelineInit {
  readonly hubName: string;
  readonly transport: Transport;
  /** One token provider, or one per key of a rotation pair. */
  readonly tokens: TokenProvider | SigningKeys;
  readonly retry: ResolvedRetry;
  /** What no error or dump may show (the hub's keys). */
  readonly secrets: readonly string[];
  readonly log: HubLog;
  /** Debug mode: every attempt observed and dumped. */
  readonly debug: boolean;
  readonly channels: RequestChannels | undefined;
  /** The hub's destroy signal. */
  readonly stop: AbortSignal;
  readonly counts: HubCounts;
}

/** The hub's pipeline; see the module's comment. */
export function createHubPipeline(init: HubPipelineInit): Dispatch {
  const { hubName, secrets, log, counts } = init;
  const tracing = init.channels?.operation;
  const dispatch = compose(
    init.transport,
    observeRequests({
      hubName,
      always: init.debug || log.debug !== undefined,
      channels: init.channels,
      log,
      dump: init.debug,
      redact: (text) => redactSecrets(text, secrets),
    }),
    signRequests(init.tokens),
    retryRequests({
      policy: init.retry,
      stop: init.stop,
      toError: (request, response) => responseError(request, response, secrets),
      onRetry: ({ attempt, delayMs, error }, request) => {
        counts.retries++;
        const trace = request.trace;
        if (trace !== undefined) {
          trace.attempts = attempt + 1;
          const { code, statusCode } = error as NhubError & { statusCode?: unknown };
          trace.retries.push({
            attempt,
            delayMs,
            ...(typeof statusCode === "number" ? { status: statusCode } : {}),
            ...(typeof code === "string" ? { errorCode: code } : {}),
            time: Date.now(),
          });
        }
        log.warn?.(`nhub: ${hubName}: retry ${attempt} in ${delayMs} ms after ${error.message}`);
      },
      onSettled: (request, attempts, error) => {
        if (--counts.active === 0 && counts.drained) counts.drained();
        if (request.trace !== undefined) request.trace.attempts = attempts;
        if (error === undefined) return;
        // An abort is the caller's choice and a closed hub the caller's doing: neither is a failure to report.
        const code = (error as NhubError).code;
        if (code === "NHUB_ABORTED" || code === "NHUB_CLOSED") return;
        counts.failures++;
        log.error?.(
          `nhub: ${hubName}: ${describeRequest(request)} failed after ${attempts} attempt(s): ${(error as Error).message}`,
        );
      },
    }),
  );
  // Outermost, so a trace spans the whole operation, retry waits included; a hub with no tracing channel (the
  // edge entry) leaves the step out.
  return tracing === undefined ? dispatch : traceOperations(tracing, hubName)(dispatch);
}
