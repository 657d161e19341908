import { describe, expect, it } from "vitest";
import {
  cancelScheduledNotification,
  getFeedbackContainerUrl,
  getNotificationOutcomeDetails,
  NotificationHub,
  scheduleNotification,
  type Transport,
  type TransportRequest,
  type TransportResponse,
  ValidationError,
  waitForNotificationOutcome,
} from "../src/index";
import { apple } from "./recording-hub";

const CONNECTION =
  "Endpoint=sb://myns.servicebus.windows.net/;SharedAccessKeyName=DefaultFullSharedAccessSignature;SharedAccessKey=T3BlcmF0aW9uc0tleQ==";

const DETAILS = `<NotificationDetails xmlns="http://schemas.microsoft.com/netservices/2010/10/servicebus/connect">
  <NotificationId>n-1</NotificationId><State>Completed</State><TargetPlatforms>apple</TargetPlatforms>
</NotificationDetails>`;

/** What the transport was handed, in full: header order included, as the wire will carry it. */
interface Sent {
  readonly method: string;
  readonly url: string;
  readonly headers: [string, string][];
  readonly body: string | undefined;
  readonly timeoutMs: number;
}

/** A hub on a transport that records each request and answers as `respond` says. */
function capturingHub(respond: (req: TransportRequest) => Partial<TransportResponse> = () => ({})) {
  const sent: Sent[] = [];
  const transport: Transport = {
    async request(req) {
      sent.push({
        method: req.method,
        url: req.origin + req.path,
        // Each form's hub signs its own token, possibly in another second: compare what the token names, not
        // its expiry and signature.
        headers: Object.entries(req.headers).map(([k, v]): [string, string] =>
          k === "Authorization"
            ? [
                k,
                String(v)
                  .replace(/sig=[^&]+/, "sig=<sig>")
                  .replace(/se=\d+/, "se=<se>"),
              ]
            : [k, v],
        ),
        body: typeof req.body === "string" ? req.body : undefined,
        timeoutMs: req.timeoutMs,
      });
      return { status: 200, headers: {}, body: "", ...respond(req) };
    },
    close: async () => {},
    destroy: async () => {},
  };
  return { hub: new NotificationHub(CONNECTION, "myhub", { transport, retry: false }), sent };
}

/** The request made by the method form and the one made by the function form, for the same call. */
async function bothForms(
  respond: (req: TransportRequest) => Partial<TransportResponse>,
  method: (hub: NotificationHub) => Promise<unknown>,
  fn: (hub: NotificationHub) => Promise<unknown>,
): Promise<{ viaMethod: Sent; viaFunction: Sent; results: [unknown, unknown] }> {
  const a = capturingHub(respond);
  const b = capturingHub(respond);
  const results: [unknown, unknown] = [await method(a.hub), await fn(b.hub)];
  expect(a.sent).toHaveLength(1);
  expect(b.sent).toHaveLength(1);
  return { viaMethod: a.sent[0]!, viaFunction: b.sent[0]!, results };
}

/** The header names in order, Authorization's value checked for shape only (it is a fresh signature). */
function headerNames(sent: Sent): string[] {
  for (const [name, value] of sent.headers)
    if (name === "Authorization") expect(value).toMatch(/^SharedAccessSignature sr=/);
  return sent.headers.map(([name]) => name);
}

describe("operations as functions over the hub, with the methods as shortcuts", () => {
  it("scheduleNotification sends the method's request: the notification's headers, then core's, then the schedule", async () => {
    const at = new Date(Date.now() + 60 * 60 * 1000);
    const location = { location: "https://myns.servicebus.windows.net/myhub/schedulednotifications/7-1" };
    const { viaMethod, viaFunction, results } = await bothForms(
      () => ({ status: 201, headers: location }),
      (hub) => hub.scheduleNotification(apple, at, { tags: "sports", timeoutMs: 5000 }),
      (hub) => scheduleNotification(hub, apple, at, { tags: "sports", timeoutMs: 5000 }),
    );
    expect(viaFunction).toEqual(viaMethod);
    expect(viaFunction.method).toBe("POST");
    expect(viaFunction.url).toBe(
      "https://myns.servicebus.windows.net/myhub/schedulednotifications/?api-version=2020-06",
    );
    expect(headerNames(viaFunction)).toEqual([
      "apns-push-type",
      "Content-Type",
      "ServiceBusNotification-Format",
      "x-ms-version",
      "ServiceBusNotification-ScheduleTime",
      "ServiceBusNotification-Tags",
      "Authorization",
    ]);
    expect(Object.fromEntries(viaFunction.headers)).toMatchObject({
      "Content-Type": "application/json;charset=utf-8",
      "ServiceBusNotification-Format": "apple",
      "ServiceBusNotification-ScheduleTime": at.toISOString(),
      "ServiceBusNotification-Tags": "sports",
      "x-ms-version": "2020-06",
    });
    expect(viaFunction.body).toBe('{"aps":{"alert":"Hello!"}}');
    expect(viaFunction.timeoutMs).toBe(5000);
    expect(results[1]).toEqual(results[0]);
    expect(results[1]).toMatchObject({ status: 201, notificationId: "7-1" });
  });

  it("cancelScheduledNotification, getNotificationOutcomeDetails and getFeedbackContainerUrl send the methods' requests", async () => {
    const cancel = await bothForms(
      () => ({}),
      (hub) => hub.cancelScheduledNotification("7-1"),
      (hub) => cancelScheduledNotification(hub, "7-1"),
    );
    expect(cancel.viaFunction).toEqual(cancel.viaMethod);
    expect(cancel.viaFunction.method).toBe("DELETE");
    expect(cancel.viaFunction.url).toBe(
      "https://myns.servicebus.windows.net/myhub/schedulednotifications/7-1?api-version=2020-06",
    );
    expect(headerNames(cancel.viaFunction)).toEqual(["x-ms-version", "Authorization"]);
    expect(cancel.results[1]).toEqual({ status: 200 });

    const details = await bothForms(
      () => ({ body: DETAILS }),
      (hub) => hub.getNotificationOutcomeDetails("n-1"),
      (hub) => getNotificationOutcomeDetails(hub, "n-1"),
    );
    expect(details.viaFunction).toEqual(details.viaMethod);
    expect(details.viaFunction.method).toBe("GET");
    expect(details.viaFunction.url).toBe(
      "https://myns.servicebus.windows.net/myhub/messages/n-1?api-version=2020-06",
    );
    expect(headerNames(details.viaFunction)).toEqual(["x-ms-version", "Authorization"]);
    expect(details.results[1]).toEqual(details.results[0]);
    expect(details.results[1]).toMatchObject({ notificationId: "n-1", state: "Completed" });

    const feedback = await bothForms(
      () => ({ body: " https://store.blob.core.windows.net/feedback?sv=x \n" }),
      (hub) => hub.getFeedbackContainerUrl(),
      (hub) => getFeedbackContainerUrl(hub),
    );
    expect(feedback.viaFunction).toEqual(feedback.viaMethod);
    expect(feedback.viaFunction.url).toBe(
      "https://myns.servicebus.windows.net/myhub/feedbackcontainer?api-version=2020-06",
    );
    expect(feedback.results).toEqual([
      "https://store.blob.core.windows.net/feedback?sv=x",
      "https://store.blob.core.windows.net/feedback?sv=x",
    ]);
  });

  it("sendDirectBatch posts each chunk with the notification's headers, core's, then the multipart type in place", async () => {
    const { hub, sent } = capturingHub(() => ({ status: 201 }));
    const result = await hub.sendDirectBatch(apple, ["h1", "h2"]);
    expect(result.sentHandles).toBe(2);
    expect(sent).toHaveLength(1);
    expect(sent[0]!.url).toBe(
      "https://myns.servicebus.windows.net/myhub/messages/$batch?api-version=2020-06&direct=true",
    );
    expect(headerNames(sent[0]!)).toEqual([
      "apns-push-type",
      "Content-Type",
      "ServiceBusNotification-Format",
      "x-ms-version",
      "Authorization",
    ]);
    expect(Object.fromEntries(sent[0]!.headers)["Content-Type"]).toMatch(
      /^multipart\/mixed; boundary="nhub-/,
    );
  });

  it("refuses bad input in the function form as the method does, before anything is sent", async () => {
    const { hub, sent } = capturingHub();
    for (const call of [
      () => cancelScheduledNotification(hub, "a/b"),
      () => getNotificationOutcomeDetails(hub, ""),
      () => scheduleNotification(hub, apple, new Date(0)),
      () => getFeedbackContainerUrl(hub, { timeoutMs: 0 }),
    ]) {
      await expect(call()).rejects.toBeInstanceOf(ValidationError);
    }
    expect(sent).toEqual([]);
  });

  it("waitForNotificationOutcome polls anything that reads outcome details", async () => {
    const states = ["Processing", "Completed"];
    const reader = {
      getNotificationOutcomeDetails: async (id: string) => ({
        notificationId: id,
        state: states.shift()!,
        targetPlatforms: [],
      }),
    };
    const details = await waitForNotificationOutcome(reader, "n-1", { intervalMs: 1 });
    expect(details).toEqual({ notificationId: "n-1", state: "Completed", targetPlatforms: [] });
    expect(states).toEqual([]);
  });
});
