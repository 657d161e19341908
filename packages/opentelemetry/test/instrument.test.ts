import { readFileSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createNotification } from "@nhub/core";
import { type RecordedRequest, useRecordingHub } from "@nhub/testkit";
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from "@opentelemetry/sdk-metrics";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { afterEach, describe, expect, it, onTestFinished } from "vitest";
import { instrumentNhub, MESSAGING_SYSTEM } from "../src/index";

const KEY = "OTELSECRETKEY0123456789=";
const PAYLOAD = "Payload-Text-Of-The-Goal";
const apple = createNotification({
  format: "apple",
  contentType: "application/json;charset=utf-8",
  body: `{"aps":{"alert":"${PAYLOAD}"}}`,
  headers: { "apns-push-type": "alert" },
});
const start = useRecordingHub(afterEach);
const here = dirname(fileURLToPath(import.meta.url));

/** An instrumentation over in-memory exporters, disabled after the test. */
function instrument() {
  const spans = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
  const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({
    exporter: metricExporter,
    exportIntervalMillis: 3_600_000,
  });
  const meterProvider = new MeterProvider({ readers: [reader] });
  const instrumentation = instrumentNhub({ tracerProvider, meterProvider });
  onTestFinished(async () => {
    instrumentation.disable();
    await meterProvider.shutdown();
  });
  /** Every counter's data points, by instrument name. */
  const counters = async () => {
    await reader.forceFlush();
    const points: Record<string, { attributes: Record<string, unknown>; value: unknown }[]> = {};
    for (const resource of metricExporter.getMetrics()) {
      for (const scope of resource.scopeMetrics) {
        for (const metric of scope.metrics) {
          points[metric.descriptor.name] = metric.dataPoints.map((p) => ({
            attributes: p.attributes,
            value: p.value,
          }));
        }
      }
    }
    return points;
  };
  return { finished: () => spans.getFinishedSpans(), counters, metricExporter };
}

/** Fails when any exported span or metric holds the key, a signature or the payload. */
function expectNothingSecret(
  spans: readonly ReadableSpan[],
  metrics: unknown,
  server: { requests: RecordedRequest[] },
) {
  const text = JSON.stringify({
    spans: spans.map((s) => ({ name: s.name, attributes: s.attributes, events: s.events, status: s.status })),
    metrics,
  });
  expect(text).not.toContain(KEY);
  expect(text).not.toContain("sig=");
  expect(text).not.toContain("SharedAccessSignature");
  expect(text).not.toContain(PAYLOAD);
  // Every token the server saw, whole and by its signature.
  for (const request of server.requests) {
    const token = String(request.headers.authorization);
    expect(text).not.toContain(token);
    const sig = new URLSearchParams(token.replace(/^SharedAccessSignature /, "")).get("sig");
    if (sig) expect(text).not.toContain(sig);
  }
}

describe("instrumentNhub", () => {
  it("turns a send into a PRODUCER span with the messaging attributes and counts it", async () => {
    const { finished, counters, metricExporter } = instrument();
    const { hub, server } = await start({
      key: KEY,
      respond: () => ({ status: 201, headers: { TrackingId: "track-7" } }),
    });
    await hub.send(apple, { tags: "vip-tag" });
    const [span, ...rest] = finished();
    expect(rest).toEqual([]);
    expect(span?.name).toBe("send myhub");
    expect(span?.kind).toBe(3); // SpanKind.PRODUCER
    expect(span?.attributes).toEqual({
      "nhub.operation": "send",
      "server.address": "127.0.0.1",
      "server.port": Number(new URL(server.origin).port),
      "http.request.method": "POST",
      "url.template": "/myhub/messages/",
      "messaging.system": MESSAGING_SYSTEM,
      "messaging.operation.type": "send",
      "messaging.operation.name": "send",
      "messaging.destination.name": "myhub",
      "nhub.platform.format": "apple",
      "nhub.attempts": 1,
      "http.response.status_code": 201,
      "nhub.tracking_id": "track-7",
    });
    expect(span?.status.code).toBe(0); // UNSET
    expect(span?.events).toEqual([]);
    const points = await counters();
    expect(points["messaging.client.sent.messages"]).toEqual([
      {
        attributes: {
          "nhub.operation": "send",
          "server.address": "127.0.0.1",
          "messaging.system": MESSAGING_SYSTEM,
          "messaging.destination.name": "myhub",
          "http.response.status_code": 201,
        },
        value: 1,
      },
    ]);
    expect(JSON.stringify(finished().map((s) => [s.attributes, s.events]))).not.toContain("vip-tag");
    expectNothingSecret(finished(), metricExporter.getMetrics(), server);
  });

  it("records a retried send (503 then 201) as one span with a retry event, and counts the retry", async () => {
    const { finished, counters, metricExporter } = instrument();
    const { hub, server } = await start(
      {
        key: KEY,
        respond: (_r, i) => (i === 0 ? { status: 503, headers: { "retry-after-ms": "5" } } : { status: 201 }),
      },
      { retry: { maxRetries: 2, baseDelayMs: 1 } },
    );
    await hub.send(apple);
    const spans = finished();
    expect(spans).toHaveLength(1);
    const [span] = spans as [ReadableSpan];
    expect(span.attributes).toMatchObject({
      "nhub.attempts": 2,
      "http.request.resend_count": 1,
      "http.response.status_code": 201,
    });
    expect(span.attributes["error.type"]).toBeUndefined();
    expect(span.events.map((e) => [e.name, e.attributes])).toEqual([
      [
        "nhub.retry",
        {
          "nhub.attempt": 1,
          "nhub.retry.delay_ms": 5,
          "http.response.status_code": 503,
          "error.type": "503",
        },
      ],
    ]);
    const points = await counters();
    expect(points["nhub.client.retries"]).toEqual([
      {
        attributes: expect.objectContaining({ "http.response.status_code": 503, "error.type": "503" }),
        value: 1,
      },
    ]);
    expect(points["nhub.client.failures"] ?? []).toEqual([]);
    expectNothingSecret(spans, metricExporter.getMetrics(), server);
  });

  it("marks a failed send as an error with its status, and counts the failure by status", async () => {
    const { finished, counters, metricExporter } = instrument();
    const { hub, server } = await start({
      key: KEY,
      respond: () => ({
        status: 400,
        body: `<Error><Code>400</Code><Detail>bad payload ${PAYLOAD}</Detail></Error>`,
      }),
    });
    await expect(hub.send(apple)).rejects.toMatchObject({ statusCode: 400 });
    const [span] = finished() as [ReadableSpan];
    expect(span.status.code).toBe(2); // ERROR
    expect(span.attributes).toMatchObject({ "error.type": "400", "http.response.status_code": 400 });
    const points = await counters();
    expect(points["nhub.client.failures"]).toEqual([
      { attributes: expect.objectContaining({ "error.type": "400", "nhub.operation": "send" }), value: 1 },
    ]);
    expect(points["messaging.client.sent.messages"]?.[0]?.attributes).toMatchObject({ "error.type": "400" });
    expectNothingSecret(finished(), metricExporter.getMetrics(), server);
  });

  it("gives each chunk of a direct batch its own span", async () => {
    const { finished, metricExporter, counters } = instrument();
    const { hub, server } = await start({ key: KEY, respond: () => ({ status: 201 }) });
    const handles = ["aa".repeat(32), "bb".repeat(32), "cc".repeat(32)];
    const result = await hub.sendDirectBatch(apple, handles, { chunkSize: 2 });
    expect(result.chunks).toHaveLength(2);
    const spans = finished();
    expect(spans.map((s) => [s.name, s.attributes["url.template"], s.attributes["nhub.operation"]])).toEqual([
      ["sendDirectBatch myhub", "/myhub/messages/$batch", "sendDirectBatch"],
      ["sendDirectBatch myhub", "/myhub/messages/$batch", "sendDirectBatch"],
    ]);
    const points = await counters();
    expect(points["messaging.client.sent.messages"]?.[0]?.value).toBe(2);
    const text = JSON.stringify(spans.map((s) => s.attributes));
    for (const handle of handles) expect(text).not.toContain(handle);
    expectNothingSecret(spans, metricExporter.getMetrics(), server);
  });

  it("makes a CLIENT span named after the method and template for other requests", async () => {
    const { finished } = instrument();
    const { hub } = await start({ key: KEY, respond: () => ({ status: 200, body: "{}" }) });
    await hub.request({ operation: "getInstallation", method: "GET", path: "/installations/device-42" });
    const [span] = finished() as [ReadableSpan];
    expect(span.name).toBe("GET /myhub/installations/{id}");
    expect(span.kind).toBe(2); // SpanKind.CLIENT
    expect(span.attributes).toMatchObject({ "nhub.operation": "getInstallation", "nhub.hub": "myhub" });
    expect(span.attributes["messaging.system"]).toBeUndefined();
    expect(JSON.stringify(span.attributes)).not.toContain("device-42");
  });

  it("stops at disable()", async () => {
    const spans = new InMemorySpanExporter();
    const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
    const instrumentation = instrumentNhub({ tracerProvider });
    instrumentation.disable();
    instrumentation.disable();
    const { hub } = await start({ key: KEY });
    await hub.send(apple);
    expect(spans.getFinishedSpans()).toEqual([]);
  });

  it("runs the README's example", async () => {
    const readme = readFileSync(join(here, "..", "README.md"), "utf8");
    const code = /## Example[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(code).toContain("instrumentNhub");
    const file = join(here, `readme-example-${process.pid}.ts`);
    writeFileSync(file, code as string);
    try {
      const { server } = await start({ key: KEY });
      const example = (await import(file)) as {
        tracedSend(
          connectionString: string,
        ): Promise<{ name?: string; attributes?: Record<string, unknown> }>;
      };
      const result = await example.tracedSend(server.connectionString);
      expect(result.name).toBe("send myhub");
      expect(result.attributes).toMatchObject({
        "messaging.system": MESSAGING_SYSTEM,
        "messaging.operation.type": "send",
        "messaging.destination.name": "myhub",
        "http.response.status_code": 201,
      });
    } finally {
      rmSync(file, { force: true });
    }
  });
});
