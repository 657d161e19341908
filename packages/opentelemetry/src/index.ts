/**
 * OpenTelemetry for nhub: subscribes to `@nhub/core`'s operation tracing channel (`nhub:operation`) and turns
 * each operation into a span and a few counters. Nothing in nhub changes: a hub traces itself once anything
 * subscribes, and costs nothing more than a `hasSubscribers` read when nothing does.
 */
import { type TracingChannelSubscribers, tracingChannel } from "node:diagnostics_channel";
import type { OperationTraceContext } from "@nhub/core";
import {
  type Attributes,
  type Counter,
  type MeterProvider,
  metrics,
  type Span,
  SpanKind,
  SpanStatusCode,
  type TracerProvider,
  trace,
} from "@opentelemetry/api";

/** The tracing channel `@nhub/core` publishes on (its `OPERATION_TRACING_CHANNEL`). */
const CHANNEL = "nhub:operation";

/**
 * The `messaging.system` of nhub's spans and metrics. The semantic conventions list no value for Notification
 * Hubs, and `servicebus` names Service Bus queues and topics, another product; the conventions allow a custom
 * value for a system they do not list.
 */
export const MESSAGING_SYSTEM = "azure_notification_hubs";

/** The instrumentation scope nhub's tracer and meter are named after. */
export const INSTRUMENTATION_SCOPE = "@nhub/opentelemetry";

/** Options of {@link instrumentNhub}. */
export interface InstrumentNhubOptions {
  /** Where spans go; default the global provider (`trace.getTracerProvider()`). */
  readonly tracerProvider?: TracerProvider;
  /** Where the counters go; default the global provider (`metrics.getMeterProvider()`). */
  readonly meterProvider?: MeterProvider;
}

/** What {@link instrumentNhub} returns: stop it with `disable()`. */
export interface NhubInstrumentation {
  /** Unsubscribes from nhub's channel; operations under way when it is called end without their span ending. */
  disable(): void;
}

/**
 * Subscribes to nhub's operation tracing channel: each operation becomes a span (a `PRODUCER` span per send,
 * `sendDirectBatch` chunk or schedule, following the messaging conventions; a `CLIENT` span per other request,
 * following the HTTP conventions), each retry an `nhub.retry` event on it, and the counters
 * `messaging.client.sent.messages`, `nhub.client.failures` and `nhub.client.retries` count them. No attribute
 * or event holds a key, token, header, tag expression, device handle, id or payload.
 *
 * @example
 * import { instrumentNhub } from "@nhub/opentelemetry";
 *
 * const instrumentation = instrumentNhub(); // the global tracer and meter providers
 * // ... every hub's operations are traced ...
 * instrumentation.disable();
 */
export function instrumentNhub(options: InstrumentNhubOptions = {}): NhubInstrumentation {
  const tracer = (options.tracerProvider ?? trace.getTracerProvider()).getTracer(INSTRUMENTATION_SCOPE);
  const meter = (options.meterProvider ?? metrics.getMeterProvider()).getMeter(INSTRUMENTATION_SCOPE);
  const sent = meter.createCounter("messaging.client.sent.messages", {
    description: "Notification requests nhub sent (sends, direct batch chunks, schedules), failed or not.",
    unit: "{message}",
  });
  const failures = meter.createCounter("nhub.client.failures", {
    description: "nhub operations that failed for good, after any retries (aborts and closed hubs excluded).",
    unit: "{operation}",
  });
  const retries = meter.createCounter("nhub.client.retries", {
    description: "Attempts of nhub operations that failed and were retried.",
    unit: "{retry}",
  });
  const spans = new WeakMap<OperationTraceContext, Span>();
  const counters = { sent, failures, retries };

  const subscribers: TracingChannelSubscribers<OperationTraceContext> = {
    start(context) {
      const messaging = context.format !== undefined;
      const span = tracer.startSpan(
        messaging
          ? `${context.operation} ${context.hubName}`
          : `${context.method} /${context.hubName}${context.pathTemplate}`,
        { kind: messaging ? SpanKind.PRODUCER : SpanKind.CLIENT, attributes: startAttributes(context) },
      );
      spans.set(context, span);
    },
    end() {},
    asyncStart() {},
    asyncEnd(context) {
      const span = spans.get(context);
      if (span === undefined) return;
      spans.delete(context);
      finish(span, context, counters);
    },
    error() {},
  };
  const channel = tracingChannel<unknown, OperationTraceContext>(CHANNEL);
  channel.subscribe(subscribers);
  let enabled = true;
  return {
    disable() {
      if (!enabled) return;
      enabled = false;
      channel.unsubscribe(subscribers);
    },
  };
}

/** The attributes a span starts with: what the operation is and where it goes. */
function startAttributes(context: OperationTraceContext): Attributes {
  const attributes: Attributes = {
    "nhub.operation": context.operation,
    "server.address": context.serverAddress,
    "http.request.method": context.method,
    "url.template": `/${context.hubName}${context.pathTemplate}`,
  };
  if (context.serverPort !== undefined) attributes["server.port"] = context.serverPort;
  if (context.format !== undefined) {
    attributes["messaging.system"] = MESSAGING_SYSTEM;
    attributes["messaging.operation.type"] = "send";
    attributes["messaging.operation.name"] = context.operation;
    attributes["messaging.destination.name"] = context.hubName;
    attributes["nhub.platform.format"] = context.format;
  } else {
    attributes["nhub.hub"] = context.hubName;
  }
  return attributes;
}

/** `error.type` of a failed operation: the HTTP status of an answer, else nhub's error code. */
function errorType(context: OperationTraceContext): string | undefined {
  if (context.error === undefined) return undefined;
  if (context.status !== undefined && context.status >= 300) return String(context.status);
  const code = (context.error as { code?: unknown }).code;
  return typeof code === "string" ? code : "_OTHER";
}

/** Ends `span` with what the operation came to, and counts it. */
function finish(
  span: Span,
  context: OperationTraceContext,
  counters: { sent: Counter; failures: Counter; retries: Counter },
): void {
  const common: Attributes = { "nhub.operation": context.operation, "server.address": context.serverAddress };
  if (context.format !== undefined) {
    common["messaging.system"] = MESSAGING_SYSTEM;
    common["messaging.destination.name"] = context.hubName;
  } else {
    common["nhub.hub"] = context.hubName;
  }
  for (const retry of context.retries) {
    const attributes: Attributes = { "nhub.attempt": retry.attempt, "nhub.retry.delay_ms": retry.delayMs };
    if (retry.status !== undefined) attributes["http.response.status_code"] = retry.status;
    const type = retry.status !== undefined ? String(retry.status) : retry.errorCode;
    if (type !== undefined) attributes["error.type"] = type;
    span.addEvent("nhub.retry", attributes, retry.time);
    const counted: Attributes = { ...common };
    if (retry.status !== undefined) counted["http.response.status_code"] = retry.status;
    if (type !== undefined) counted["error.type"] = type;
    counters.retries.add(1, counted);
  }
  const attributes: Attributes = { "nhub.attempts": context.attempts };
  if (context.attempts > 1) attributes["http.request.resend_count"] = context.attempts - 1;
  if (context.status !== undefined) attributes["http.response.status_code"] = context.status;
  if (context.trackingId !== undefined) attributes["nhub.tracking_id"] = context.trackingId;
  const type = errorType(context);
  const outcome: Attributes = { ...common };
  if (context.status !== undefined) outcome["http.response.status_code"] = context.status;
  if (type !== undefined) {
    attributes["error.type"] = type;
    outcome["error.type"] = type;
    // Only the type: an error's message may quote the service's answer, which may quote the payload.
    span.setStatus({ code: SpanStatusCode.ERROR });
    if (type !== "NHUB_ABORTED" && type !== "NHUB_CLOSED") counters.failures.add(1, outcome);
  }
  span.setAttributes(attributes);
  if (context.format !== undefined) counters.sent.add(1, outcome);
  span.end();
}
