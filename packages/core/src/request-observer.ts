/**
 * The observed path of a request attempt: diagnostics events, the debug log line and debug-mode dumps. Loaded
 * by the hub the first time an attempt is observed, so a plain send never loads it.
 */
import { dumpRequest, dumpResponse } from "./debug-dump";
import type { RequestChannels, RequestDiagnosticsMessage } from "./diagnostics";
import type { NhubError } from "./errors";
import type { HubLog } from "./log";
import type { Transport, TransportRequest, TransportResponse } from "./transport";

/** Who is watching an attempt, and which attempt it is. */
export interface ObservedAttempt {
  readonly hubName: string;
  /** 1 for the first attempt, 2 for the first retry, and so on. */
  readonly attempt: number;
  readonly channels: RequestChannels | undefined;
  readonly log: HubLog;
  /** Whether to dump the request and its response to `log.debug` (debug mode). */
  readonly dump: boolean;
  /**
   * The hub's redaction (`redactSecrets` of `@nhub/sas` with its key), applied to each dump as a whole: passed
   * in so this lazily loaded module shares no import with the send path.
   */
  readonly redact: (text: string) => string;
}

type Message = { -readonly [K in keyof RequestDiagnosticsMessage]: RequestDiagnosticsMessage[K] };

/**
 * Sends `request` through `transport`, publishing one message on `start` and the same message, completed, on
 * `finish` or `error`, and writing a line (and in debug mode the dumps, redacted: headers and bodies) to `log.debug`.
 */
export async function observeRequest(
  transport: Transport,
  request: TransportRequest,
  watch: ObservedAttempt,
): Promise<TransportResponse> {
  const { channels, log } = watch;
  const message: Message = {
    hubName: watch.hubName,
    method: request.method,
    url: request.origin + request.path,
    attempt: watch.attempt,
  };
  const format = request.headers["ServiceBusNotification-Format"];
  if (format !== undefined) message.format = format;
  const what = `nhub: ${watch.hubName}: ${request.method} ${request.path} (attempt ${watch.attempt})`;
  if (watch.dump) log.debug?.(watch.redact(dumpRequest(request)));
  if (channels?.start.hasSubscribers) channels.start.publish(message);
  const started = performance.now();
  let res: TransportResponse;
  try {
    res = await transport.request(request);
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
