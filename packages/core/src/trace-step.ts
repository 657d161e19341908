/**
 * The pipeline's trace step: the outermost, around the retry step, so one operation is one trace however many
 * attempts it takes. It publishes on Node's tracing channel ({@link OPERATION_TRACING_CHANNEL}) and, while
 * nobody subscribes, is one `hasSubscribers` read: no context, promise or closure.
 */
import type { OperationTraceContext, OperationTracingChannel } from "./diagnostics";
import type { NhubError } from "./errors";
import type { Dispatch, Interceptor, PipelineRequest } from "./pipeline";
import type { TransportResponse } from "./transport";

/** The trace step over `channel`; see the module's comment. */
export function traceOperations(channel: OperationTracingChannel, hubName: string): Interceptor {
  return (next) => (request) =>
    channel.hasSubscribers ? traced(channel, next, request, hubName) : next(request);
}

function traced(
  channel: OperationTracingChannel,
  next: Dispatch,
  request: PipelineRequest,
  hubName: string,
): Promise<TransportResponse> {
  const context = traceContext(request, hubName);
  const run = (req: PipelineRequest): Promise<TransportResponse> =>
    next(req).then(
      (response) => {
        context.status = response.status;
        const trackingId = response.headers.trackingid;
        if (trackingId !== undefined) context.trackingId = trackingId;
        return response;
      },
      (error: unknown) => {
        const { statusCode, trackingId } = error as NhubError & { statusCode?: number; trackingId?: string };
        if (typeof statusCode === "number") context.status = statusCode;
        if (typeof trackingId === "string") context.trackingId = trackingId;
        throw error;
      },
    );
  return channel.tracePromise(run, context, undefined, { ...request, trace: context });
}

/** A fresh context for `request`: what it is and where it goes, nothing it carries. */
function traceContext(request: PipelineRequest, hubName: string): OperationTraceContext {
  const { path, method, origin } = request;
  const end = path.indexOf("?");
  const segments = (end < 0 ? path : path.slice(0, end)).split("/");
  const pathTemplate = templatePath(segments);
  const host = origin.slice(origin.indexOf("//") + 2);
  const colon = host.lastIndexOf(":");
  const context: OperationTraceContext = {
    operation: request.operation ?? `${method} ${pathTemplate}`,
    hubName,
    serverAddress: colon > host.lastIndexOf("]") ? host.slice(0, colon) : host,
    method,
    pathTemplate,
    attempts: request.attempt ?? 1,
    retries: [],
  };
  if (colon > host.lastIndexOf("]"))
    (context as { serverPort?: number }).serverPort = Number(host.slice(colon + 1));
  const format = request.headers["ServiceBusNotification-Format"];
  if (format !== undefined) (context as { format?: string }).format = format;
  return context;
}

/**
 * The path below the hub (`segments[1]`) with its ids left out: the REST API's paths alternate a collection and
 * an id (`/installations/{id}`, `/tags/{id}/registrations`), and a `$` segment (`$batch`) is the API's own word.
 */
export function templatePath(segments: readonly string[]): string {
  let template = "";
  for (let i = 2; i < segments.length; i++) {
    const segment = segments[i] as string;
    template += i % 2 === 1 && segment !== "" && !segment.startsWith("$") ? "/{id}" : `/${segment}`;
  }
  return template === "" ? "/" : template;
}
