/**
 * The observed path of a request attempt: diagnostics events, the debug log line and debug-mode dumps. Loaded
 * by the pipeline's observe step the first time an attempt is observed, so a plain send never loads it.
 */
import { dumpRequest, dumpResponse } from "./debug-dump";
import type { RequestChannels, RequestDiagnosticsMessage } from "./diagnostics";
import type { NhubError } from "./errors";
import type { HubLog } from "./log";
import type { TransportRequest, TransportResponse } from "./transport";

/** Who watches a hub's requests: the pipeline's observe step takes it once per hub. */
export interface RequestWatch {
  readonly hubName: string;
  /** Whether every attempt is observed (a debug logger, debug mode), whoever subscribes to the channels. */
  readonly always: boolean;
  /** The diagnostics channels; an attempt is observed while any of them has a subscriber. */
  readonly channels: RequestChannels | undefined;
  readonly log: HubLog;
  /** Whether to dump each request and its response to `log.debug` (debug mode). */
  readonly dump: boolean;
  /**
   * The hub's redaction (`redactSecrets` of `@nhub/sas` with its key), applied to each dump as a whole: passed
   * in so this lazily loaded module shares no import with the send path.
   */
  readonly redact: (text: string) => string;
}

type Message = { -readonly [K in keyof RequestDiagnosticsMessage]: RequestDiagnosticsMessage[K] };

/**
 * Sends `request` on through `next`, publishing one message on `start` and the same message, completed, on
 * `finish` or `error`, and writing a line (and in debug mode the dumps, redacted: headers and bodies) to `log.debug`.
 */
export async function observeRequest(
  next: (request: TransportRequest) => Promise<TransportResponse>,
  request: TransportRequest & { readonly attempt?: number },
  watch: RequestWatch,
): Promise<TransportResponse> {
  const { channels, log } = watch;
  const attempt = request.attempt ?? 1;
  const message: Message = {
    hubName: watch.hubName,
    method: request.method,
    url: request.origin + request.path,
    attempt,
  };
  const format = request.headers["ServiceBusNotification-Format"];
  if (format !== undefined) message.format = format;
  const what = `nhub: ${watch.hubName}: ${request.method} ${request.path} (attempt ${attempt})`;
  if (watch.dump) log.debug?.(watch.redact(dumpRequest(request)));
  if (channels?.start.hasSubscribers) channels.start.publish(message);
  const started = performance.now();
  let res: TransportResponse;
  try {
    res = await next(request);
  } catch (error) {
    message.durationMs = performance.now() - started;
    message.error = error as NhubError;
    if (channels?.error.hasSubscribers) channels.error.publish(message);
    log.debug?.(`${what} got no answer after ${Math.round(message.durationMs)} ms: ${message.error.message}`);
    throw error;
  }
  message.durationMs = performance.now() - started;
  message.status = res.status;
  if (channels?.finish.hasSubscribers) channels.finish.publish(message);
  log.debug?.(`${what} answered ${res.status} in ${Math.round(message.durationMs)} ms`);
  if (watch.dump) log.debug?.(watch.redact(dumpResponse(res, Math.round(message.durationMs))));
  return res;
}
