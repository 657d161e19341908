import { type RecordingServer, startRecordingServer } from "@nhub/testkit";
import { afterEach, describe, expect, it } from "vitest";
import {
  assertHeaderValue,
  createNotification,
  NotificationHub,
  shouldRetry,
  type Transport,
  toTagExpression,
  toTransportError,
  ValidationError,
} from "../src/index";
import { apple } from "./recording-hub";

let server: RecordingServer | undefined;
let hub: NotificationHub | undefined;
afterEach(async () => {
  await hub?.destroy();
  await server?.close();
  hub = undefined;
  server = undefined;
});

/** A hub on a loopback server that answers 503 to everything, with three retries: a retried error shows. */
async function retryingHub(): Promise<{ server: RecordingServer; hub: NotificationHub }> {
  server = await startRecordingServer({ respond: () => ({ status: 503 }) });
  hub = new NotificationHub(server.connectionString, "myhub", { retry: { maxRetries: 3, baseDelayMs: 1 } });
  return { server, hub };
}

async function validationErrorOf(promise: Promise<unknown>): Promise<ValidationError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(ValidationError.isInstance(error), String(error)).toBe(true);
  return error as ValidationError;
}

// Above 0xFF (undici refuses it as a connection error), obs-text, DEL, and controls other than tab.
const BAD_VALUES = [
  "日本",
  "\u{1F600}",
  "caf\u00e9",
  "\u00ff",
  "a\u007fb",
  "a\u0000b",
  "a\u001bb",
  "a\rb",
  "a\nb",
];

describe("the header-value rule", () => {
  it.each(BAD_VALUES)("refuses %j with a ValidationError naming the field", (value) => {
    const error = (() => {
      try {
        assertHeaderValue(value, "headers.x-test");
      } catch (e) {
        return e;
      }
    })() as ValidationError;
    expect(ValidationError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ field: "headers.x-test", rule: "header-value", isRetryable: false });
  });

  it("takes visible ASCII, spaces and tabs, and the empty string", () => {
    for (const value of ["", "a b\tc", "!~ \"'`{}", 'W/"etag-1"', "application/json;charset=utf-8"]) {
      expect(() => assertHeaderValue(value, "h")).not.toThrow();
    }
  });

  it("refuses what createNotification would otherwise hand to the transport", () => {
    for (const value of BAD_VALUES) {
      expect(() =>
        createNotification({
          format: "apple",
          contentType: "application/json",
          body: "{}",
          headers: { "apns-collapse-id": value },
        }),
      ).toThrowError(ValidationError);
    }
  });
});

describe("values that travel in a header are refused before anything is sent", () => {
  it.each(BAD_VALUES)("a device handle %j", async (value) => {
    const { server, hub } = await retryingHub();
    const error = await validationErrorOf(hub.send(apple, { deviceHandle: value }));
    expect(error).toMatchObject({ field: "deviceHandle", isRetryable: false });
    expect(server.requests).toHaveLength(0);
    expect(hub.stats.retries).toBe(0);
  });

  it("each part of a browser subscription", async () => {
    const { server, hub } = await retryingHub();
    const ok = { endpoint: "https://push.example/x", p256dh: "key", auth: "secret" };
    for (const part of ["endpoint", "p256dh", "auth"] as const) {
      const error = await validationErrorOf(hub.send(apple, { deviceHandle: { ...ok, [part]: "日本" } }));
      expect(error.field).toBe(`deviceHandle.${part}`);
    }
    expect(server.requests).toHaveLength(0);
  });

  it.each([
    "$UserId:{日本}",
    "$UserId:{caf\u00e9}",
    "$UserId:{a\u0001b}",
    "$UserId:{a\u007fb}",
    "$InstallationId:{\u00a0}",
  ])("a system tag %j, as an expression, a set or a tree", async (tag) => {
    const { server, hub } = await retryingHub();
    for (const tags of [tag, `sports && ${tag}`, new Set([tag]), { type: "tag", name: tag } as const]) {
      const error = await validationErrorOf(hub.send(apple, { tags }));
      expect(error).toMatchObject({ field: "tags", rule: "characters" });
    }
    expect(server.requests).toHaveLength(0);
  });

  it("still takes system tags of visible ASCII", () => {
    expect(toTagExpression("$UserId:{ann@example.com} || $InstallationId:{a-1_b.c}")).toBe(
      "$UserId:{ann@example.com} || $InstallationId:{a-1_b.c}",
    );
  });

  it.each(BAD_VALUES)("a per-send header %j", async (value) => {
    const { server, hub } = await retryingHub();
    const error = await validationErrorOf(hub.send(apple, { headers: { "apns-collapse-id": value } }));
    expect(error.field).toBe("headers.apns-collapse-id");
    expect(server.requests).toHaveLength(0);
  });

  it("a custom header or content type on hub.request", async () => {
    const { server, hub } = await retryingHub();
    const headerError = await validationErrorOf(
      hub.request({ method: "GET", path: "/installations/a", headers: { "If-Match": '"日本"' } }),
    );
    expect(headerError.field).toBe("headers.If-Match");
    const typeError = await validationErrorOf(
      hub.request({
        method: "PUT",
        path: "/installations/a",
        body: "{}",
        contentType: "application/json; x=日",
      }),
    );
    expect(typeError).toMatchObject({ field: "contentType", rule: "header-value" });
    expect(server.requests).toHaveLength(0);
  });
});

describe("a ValidationError is never retried", () => {
  it("shouldRetry refuses one even when something marks it retryable", () => {
    const error = new ValidationError("x", "rule", "bad");
    Object.defineProperty(error, "isRetryable", { value: true });
    // An object carrying both a connection and a validation marker, as a careless subclass might.
    Object.defineProperty(error, Symbol.for("nhub.error.connection"), { value: true });
    expect(shouldRetry(error)).toBe(false);
  });

  it("a transport that rejects with one sees exactly one attempt", async () => {
    let attempts = 0;
    const transport: Transport = {
      request: () => {
        attempts++;
        return Promise.reject(new ValidationError("request", "test", "refused by the transport"));
      },
      close: async () => {},
      destroy: async () => {},
    };
    hub = new NotificationHub(
      "Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=n;SharedAccessKey=k",
      "h",
      {
        transport,
        retry: { maxRetries: 3, baseDelayMs: 1 },
      },
    );
    await validationErrorOf(hub.send(apple));
    expect(attempts).toBe(1);
    expect(hub.stats.retries).toBe(0);
  });

  it("undici's refusal of a request as written becomes a ValidationError, not a retryable ConnectionError", () => {
    const refused = Object.assign(new Error("invalid x-test header"), { code: "UND_ERR_INVALID_ARG" });
    const error = toTransportError(refused, {
      method: "POST",
      path: "/h/messages/?api-version=2020-06",
      timeoutMs: 1,
    });
    expect(ValidationError.isInstance(error)).toBe(true);
    expect(error.isRetryable).toBe(false);
    expect(shouldRetry(error)).toBe(false);
  });
});
