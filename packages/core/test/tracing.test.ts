import { type TracingChannelSubscribers, tracingChannel } from "node:diagnostics_channel";
import { startRecordingServer } from "@nhub/testkit";
import { describe, expect, it, onTestFinished } from "vitest";
import * as edge from "../src/edge";
import {
  NotificationHub,
  OPERATION_TRACING_CHANNEL,
  type OperationTraceContext,
  type Transport,
} from "../src/index";
import type { PipelineRequest } from "../src/pipeline";
import { templatePath } from "../src/trace-step";
import { apple, expectValidation, useRecordingHub } from "./recording-hub";

const KEY = "SUPERSECRETKEY=";
const start = useRecordingHub();
const channel = tracingChannel<unknown, OperationTraceContext>(OPERATION_TRACING_CHANNEL);

type EventName = keyof TracingChannelSubscribers<OperationTraceContext>;
const EVENTS: readonly EventName[] = ["start", "end", "asyncStart", "asyncEnd", "error"];

/** Records every event of the tracing channel, with a copy of the context as it was then. */
function record() {
  const events: { name: EventName; context: OperationTraceContext; snapshot: OperationTraceContext }[] = [];
  const subscribers = Object.fromEntries(
    EVENTS.map((name) => [
      name,
      (context: OperationTraceContext) =>
        events.push({ name, context, snapshot: { ...context, retries: [...context.retries] } }),
    ]),
  ) as unknown as TracingChannelSubscribers<OperationTraceContext>;
  channel.subscribe(subscribers);
  onTestFinished(() => {
    channel.unsubscribe(subscribers);
  });
  return events;
}

describe("the operation tracing channel", () => {
  it("traces a send: start, end, asyncStart, asyncEnd on one context", async () => {
    const events = record();
    const { hub, server } = await start({
      key: KEY,
      respond: () => ({ status: 201, headers: { TrackingId: "track-1" } }),
    });
    await hub.send(apple, { tags: "secret-tag" });
    expect(events.map((e) => e.name)).toEqual(["start", "end", "asyncStart", "asyncEnd"]);
    const { context } = events[0] as { context: OperationTraceContext };
    expect(events.every((e) => e.context === context)).toBe(true);
    const port = Number(new URL(server.origin).port);
    expect(events[0]?.snapshot).toEqual({
      operation: "send",
      hubName: "myhub",
      serverAddress: "127.0.0.1",
      serverPort: port,
      method: "POST",
      pathTemplate: "/messages/",
      format: "apple",
      attempts: 1,
      retries: [],
    });
    expect(context).toMatchObject({ attempts: 1, status: 201, trackingId: "track-1" });
    expect((context.result as { status: number }).status).toBe(201);
    // Nothing of the request's secrets, headers or body.
    const text = JSON.stringify({ ...context, result: undefined });
    expect(text).not.toContain(KEY);
    expect(text).not.toContain("sig=");
    expect(text).not.toContain("Hello!");
    expect(text).not.toContain("secret-tag");
  });

  it("counts the attempts and records each retry", async () => {
    const events = record();
    const { hub } = await start(
      {
        key: KEY,
        respond: (_r, i) =>
          i === 0 ? { status: 503, headers: { "retry-after-ms": "10" } } : { status: 201 },
      },
      { retry: { maxRetries: 2, baseDelayMs: 1 } },
    );
    await hub.send(apple);
    expect(events.map((e) => e.name)).toEqual(["start", "end", "asyncStart", "asyncEnd"]);
    const context = events[3]?.context as OperationTraceContext;
    expect(context.attempts).toBe(2);
    expect(context.status).toBe(201);
    expect(context.retries).toEqual([
      { attempt: 1, delayMs: 10, status: 503, errorCode: "NHUB_SERVICE", time: expect.any(Number) },
    ]);
  });

  it("publishes error with the status and the service's tracking id of a failed operation", async () => {
    const events = record();
    const { hub } = await start({
      key: KEY,
      respond: () => ({
        status: 400,
        headers: { TrackingId: "track-bad" },
        body: "<Error><Code>400</Code><Detail>bad</Detail></Error>",
      }),
    });
    const failure = await hub.send(apple).catch((error: unknown) => error);
    expect(events.map((e) => e.name)).toEqual(["start", "end", "error", "asyncStart", "asyncEnd"]);
    const context = events[2]?.context as OperationTraceContext;
    expect(context.error).toBe(failure);
    expect(context).toMatchObject({ status: 400, trackingId: "track-bad", attempts: 1 });
  });

  it("names each operation of a function, and defaults to the method and path template", async () => {
    const events = record();
    const { hub } = await start({ key: KEY, respond: () => ({ status: 200, body: "" }) });
    await hub.request({ method: "GET", path: "/installations/user-one" });
    await hub.request({
      operation: "myLookup",
      method: "GET",
      path: "/registrations/abc",
      query: { q: "x" },
    });
    await hub.cancelScheduledNotification("12345");
    const starts = events.filter((e) => e.name === "start").map((e) => e.snapshot);
    expect(starts.map((c) => [c.operation, c.pathTemplate])).toEqual([
      ["GET /installations/{id}", "/installations/{id}"],
      ["myLookup", "/registrations/{id}"],
      ["cancelScheduledNotification", "/schedulednotifications/{id}"],
    ]);
    expect(JSON.stringify(starts)).not.toContain("user");
  });

  it("refuses an operation name that is not a string", async () => {
    const { hub } = await start({ key: KEY });
    await expectValidation(
      () => hub.request({ operation: 5 as unknown as string, method: "GET", path: "/x" }),
      "operation",
      "type",
    );
  });

  it("builds no context and copies no request while nobody subscribes", async () => {
    const seen: PipelineRequest[] = [];
    const transport: Transport = {
      request: async (request) => {
        seen.push(request as PipelineRequest);
        return { status: 201, headers: {}, body: "" };
      },
      close: async () => {},
      destroy: async () => {},
    };
    const hub = new NotificationHub(
      `Endpoint=sb://127.0.0.1/;SharedAccessKeyName=k;SharedAccessKey=${KEY}`,
      "myhub",
      { transport },
    );
    await hub.send(apple);
    expect(seen[0]?.trace).toBeUndefined();
    const events = record();
    await hub.send(apple);
    expect(seen[1]?.trace).toBe(events[0]?.context);
    await hub.close();
  });

  it("is not there on the edge entry, which still sends", async () => {
    const events = record();
    const server = await startRecordingServer({ key: KEY });
    try {
      const hub = new edge.NotificationHub(server.connectionString, "myhub");
      await hub.send(apple);
      expect(server.requests).toHaveLength(1);
      expect(events).toEqual([]);
    } finally {
      await server.close();
    }
  });
});

describe("templatePath", () => {
  it("keeps the collections and the API's own words and leaves the ids out", () => {
    const t = (path: string) => templatePath(path.split("/"));
    expect(t("/hub/messages/")).toBe("/messages/");
    expect(t("/hub/messages/$batch")).toBe("/messages/$batch");
    expect(t("/hub/tags/sports/registrations")).toBe("/tags/{id}/registrations");
    expect(t("/hub/installations/abc")).toBe("/installations/{id}");
    expect(t("/hub")).toBe("/");
  });
});
