/**
 * Captures the requests of both clients in-process with one mechanism: the official SDK through its
 * `httpClient` option (the `HttpClient` of `@azure/core-rest-pipeline`), nhub through its `transport` option.
 * Each request is normalised into a {@link CapturedRequest} and answered by the same {@link Responder}, with
 * answers shaped like the service's so that both clients parse them.
 */
import { NotificationHubsClient, type NotificationHubsClientOptions } from "@azure/notification-hubs";
import { NotificationHub, type NotificationHubOptions, type Transport } from "@nhub/core";
import { parseSasToken } from "@nhub/sas";
import { verifySasToken } from "@nhub/testkit";
import { escapeXml } from "@nhub/xml";
import {
  type CapturedRequest,
  captureRequest,
  type DiffOptions,
  diffRequests,
  parseXmlTree,
} from "./compare";

/** The namespace both clients talk to; nothing leaves the process. */
export const NAMESPACE_URL = "https://myns.servicebus.windows.net";
/** The hub both clients talk to. */
export const HUB_NAME = "myhub";
/** `https://myns.servicebus.windows.net/myhub` */
export const HUB_URL = `${NAMESPACE_URL}/${HUB_NAME}`;
/** The access rule both clients sign with. */
export const KEY_NAME = "DefaultFullSharedAccessSignature";
/** The rule's key (used as text, as the service does: it is not base64-decoded). */
export const KEY = "Y29uZm9ybWFuY2Uta2V5LWZvci10ZXN0cy1vbmx5Lg==";
/** The connection string both clients are built from. */
export const CONNECTION_STRING = `Endpoint=sb://myns.servicebus.windows.net/;SharedAccessKeyName=${KEY_NAME};SharedAccessKey=${KEY}`;

/** The id the canned answers give a notification sent now. */
export const NOTIFICATION_ID = "7ab2c9b1e1d24a8f9c51d7a1e8f0b3c2";
/** The id the canned answers give a scheduled notification. */
export const SCHEDULED_NOTIFICATION_ID = "4b9e3f7a0c6d4e21a8b5c3d2e1f0a9b8";
/** The id the canned answers give a registration the service names. */
export const REGISTRATION_ID = "8247220326459738692-6498498476359361537-1";
/** The id the canned answers give a job. */
export const JOB_ID = "c2b5e4f3a1d0";
/** The `TrackingId` of every canned answer. */
export const TRACKING_ID = "a1b2c3d4-0000-4000-8000-000000000001";
/** The `x-ms-correlation-request-id` of every canned answer. */
export const CORRELATION_ID = "a1b2c3d4-0000-4000-8000-000000000002";
/** The `ETag` the canned answers give a registration. */
export const ETAG = "3";
/** The feedback container URL the canned answer holds. */
export const FEEDBACK_CONTAINER_URL =
  "https://pushfeedback.blob.core.windows.net/myhub-feedback?sv=2024-11-04&sr=c&sig=c2lnbmF0dXJl&se=2099-01-01T00%3A00%3A00Z&sp=rl";

/** An answer, as the service would give it. */
export interface CannedResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

/** Answers one captured request; both clients get answers from the same responder. */
export type Responder = (request: CapturedRequest) => CannedResponse;

// ---------------------------------------------------------------------------------------------------------
// canned answers

const CONNECT_NS = "http://schemas.microsoft.com/netservices/2010/10/servicebus/connect";
const XSI_NS = "http://www.w3.org/2001/XMLSchema-instance";
const TIME = "2026-03-04T05:06:07.1234567Z";

const tracking = { TrackingId: TRACKING_ID, "x-ms-correlation-request-id": CORRELATION_ID };

/** 201 for an accepted send: `Location` names the notification (Standard tier), with tracking headers. */
export function sendAccepted(
  location = `${HUB_URL}/messages/${NOTIFICATION_ID}?api-version=2020-06`,
): CannedResponse {
  return { status: 201, headers: { ...tracking, Location: location } };
}

/** A `NotificationOutcome` of a test send that reached two registrations, one of them failing. */
export const NOTIFICATION_OUTCOME_XML =
  `<NotificationOutcome xmlns="${CONNECT_NS}" xmlns:i="${XSI_NS}"><Success>1</Success><Failure>1</Failure><Results>` +
  "<RegistrationResult><ApplicationPlatform>apple</ApplicationPlatform><PnsHandle>62BCD3484834B7E2DC56733AC5509259230CC1BA82BA1AE7D06E91908A05A8FA</PnsHandle>" +
  "<RegistrationId>1111-2222-1</RegistrationId><Outcome>The Notification was successfully sent to the Push Notification System</Outcome></RegistrationResult>" +
  "<RegistrationResult><ApplicationPlatform>fcmv1</ApplicationPlatform><PnsHandle>fcm-token-1</PnsHandle>" +
  "<RegistrationId>3333-4444-1</RegistrationId><Outcome>InvalidToken</Outcome></RegistrationResult>" +
  "</Results></NotificationOutcome>";

/** A `NotificationDetails` document with every field and several platforms' outcome counts. */
export function notificationDetailsXml(id = NOTIFICATION_ID): string {
  const counts = (element: string, outcomes: [string, number][]) =>
    `<${element}>${outcomes.map(([n, c]) => `<Outcome><Name>${n}</Name><Count>${c}</Count></Outcome>`).join("")}</${element}>`;
  return (
    `<NotificationDetails xmlns="${CONNECT_NS}" xmlns:i="${XSI_NS}">` +
    `<NotificationId>${id}</NotificationId><Location>${HUB_URL}/messages/${id}?api-version=2020-06</Location>` +
    "<State>Completed</State><EnqueueTime>2026-03-04T05:06:07.1234567Z</EnqueueTime>" +
    "<StartTime>2026-03-04T05:06:08Z</StartTime><EndTime>2026-03-04T05:06:09.5Z</EndTime>" +
    "<NotificationBody>{&quot;aps&quot;:{&quot;alert&quot;:&quot;Hello&quot;}}</NotificationBody>" +
    "<Tags>sports</Tags><TargetPlatforms>apple,fcmv1,gcm,wns,adm,baidu,browser,xiaomi</TargetPlatforms>" +
    "<PnsErrorDetailsUri>https://pushfeedback.blob.core.windows.net/errors/x.json</PnsErrorDetailsUri>" +
    counts("ApnsOutcomeCounts", [
      ["Success", 3],
      ["WrongToken", 1],
    ]) +
    counts("FcmV1OutcomeCounts", [["Success", 2]]) +
    counts("GcmOutcomeCounts", [["Expired", 4]]) +
    counts("WnsOutcomeCounts", [["Success", 5]]) +
    counts("AdmOutcomeCounts", [["Success", 6]]) +
    counts("BaiduOutcomeCounts", [["Success", 7]]) +
    counts("BrowserOutcomeCounts", [["Success", 8]]) +
    counts("XiaomiOutcomeCounts", [["Success", 9]]) +
    "</NotificationDetails>"
  );
}

/** An installation as `GET /installations/{id}` answers it, with the read-only fields the service adds. */
export function installationJson(installationId: string): Record<string, unknown> {
  return {
    installationId,
    userId: "ann@example.com",
    platform: "apns",
    pushChannel: "62BCD3484834B7E2DC56733AC5509259230CC1BA82BA1AE7D06E91908A05A8FA",
    pushChannelExpired: false,
    expirationTime: "2099-01-01T00:00:00.000Z",
    lastUpdate: "2026-03-04T05:06:07.123Z",
    tags: ["sports", "lang:en"],
    templates: {
      alert: {
        body: '{"aps":{"alert":"$(message)"}}',
        headers: { "apns-push-type": "alert" },
        tags: ["alerts"],
      },
    },
  };
}

/** Wraps a registration description in an Atom entry as the service answers it. */
export function registrationEntryXml(descriptionXml: string, id: string): string {
  const self = `${HUB_URL}/registrations/${id}?api-version=2020-06`;
  return (
    '<?xml version="1.0" encoding="utf-8"?><entry xmlns="http://www.w3.org/2005/Atom">' +
    `<id>${self}</id><title type="text">${id}</title><published>${TIME}</published><updated>${TIME}</updated>` +
    `<link rel="self" href="${self}"/><content type="application/xml">${descriptionXml}</content></entry>`
  );
}

/** An Atom feed of registration descriptions, as the list operations answer. */
export function registrationFeedXml(descriptions: readonly { xml: string; id: string }[]): string {
  const entries = descriptions
    .map((d) => registrationEntryXml(d.xml, d.id).replace(/^<\?xml[^>]*\?>/, ""))
    .join("");
  return (
    '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">' +
    `<title type="text">Registrations</title><id>${HUB_URL}/registrations?api-version=2020-06</id>` +
    `<updated>${TIME}</updated><link rel="self" href="${HUB_URL}/registrations?api-version=2020-06"/>${entries}</feed>`
  );
}

/** The read-only elements the service puts first in every registration description it answers with. */
function readOnlyElements(id: string): string {
  return `<ETag>${ETAG}</ETag><ExpirationTime>9999-12-31T23:59:59.9999999Z</ExpirationTime><RegistrationId>${id}</RegistrationId>`;
}

/**
 * An AppleTemplate registration as the service stores it, in the .NET element order: what `GET
 * /registrations/{id}` answers by default.
 */
export function storedAppleTemplateXml(id: string): string {
  return (
    `<AppleTemplateRegistrationDescription xmlns:i="${XSI_NS}" xmlns="${CONNECT_NS}">${readOnlyElements(id)}` +
    "<Tags>sports,lang:en</Tags><PushVariables>{&quot;team&quot;:&quot;A&quot;}</PushVariables>" +
    "<DeviceToken>62BCD3484834B7E2DC56733AC5509259230CC1BA82BA1AE7D06E91908A05A8FA</DeviceToken>" +
    '<BodyTemplate><![CDATA[{"aps":{"alert":"$(message)"}}]]></BodyTemplate>' +
    "<Expiry>2030-01-02T03:04:05Z</Expiry><TemplateName>alert</TemplateName><Priority>10</Priority>" +
    "<ApnsHeaders><ApnsHeader><Header>apns-push-type</Header><Value>alert</Value></ApnsHeader></ApnsHeaders>" +
    "</AppleTemplateRegistrationDescription>"
  );
}

/** A native FcmV1 registration as the service stores it. */
export function storedFcmV1Xml(id: string): string {
  return (
    `<FcmV1RegistrationDescription xmlns:i="${XSI_NS}" xmlns="${CONNECT_NS}">${readOnlyElements(id)}` +
    "<Tags>sports</Tags><FcmV1RegistrationId>fcm-token-1</FcmV1RegistrationId></FcmV1RegistrationDescription>"
  );
}

/**
 * The registration a create or update sends, answered back as the service does: the same description with
 * `ETag`, `ExpirationTime` and `RegistrationId` added first.
 */
export function echoRegistration(request: CapturedRequest, id: string): CannedResponse {
  const body = request.body ?? "";
  const content = /<content\b[^>]*>([\s\S]*)<\/content>/.exec(body)?.[1];
  const open = content === undefined ? undefined : /^\s*<(\w+RegistrationDescription)\b[^>]*>/.exec(content);
  if (content === undefined || open === undefined || open === null)
    return errorResponse(400, "no registration");
  const description = open[0] + readOnlyElements(id) + content.slice(open[0].length);
  return {
    status: 200,
    headers: {
      ...tracking,
      "Content-Type": "application/atom+xml;type=entry;charset=utf-8",
      ETag: `"${ETAG}"`,
    },
    body: registrationEntryXml(description, id),
  };
}

/** A job as the service answers it, in the .NET element order. */
export function jobEntryXml(job: {
  id: string;
  type: string;
  status: string;
  outputContainerUrl: string;
  importFileUrl?: string;
  progress?: number;
  failure?: string;
}): string {
  // Element text as .NET writes it: markup escaped, quotes literal.
  const escapeText = (s: string) => escapeXml(s, { context: "text" });
  const kv = (element: string, pairs: [string, string][]) =>
    `<${element} xmlns:d3p1="http://schemas.microsoft.com/2003/10/Serialization/Arrays">` +
    pairs
      .map(
        ([k, v]) =>
          `<d3p1:KeyValueOfstringstring><d3p1:Key>${k}</d3p1:Key><d3p1:Value>${escapeText(v)}</d3p1:Value></d3p1:KeyValueOfstringstring>`,
      )
      .join("") +
    `</${element}>`;
  const self = `${HUB_URL}/jobs/${job.id}?api-version=2020-06`;
  return (
    '<?xml version="1.0" encoding="utf-8"?><entry xmlns="http://www.w3.org/2005/Atom">' +
    `<id>${self}</id><title type="text">${job.id}</title><published>${TIME}</published><updated>${TIME}</updated>` +
    `<link rel="self" href="${self}"/><content type="application/xml">` +
    `<NotificationHubJob xmlns:i="${XSI_NS}" xmlns="${CONNECT_NS}"><JobId>${job.id}</JobId>` +
    `<Progress>${job.progress ?? 0}</Progress><Type>${job.type}</Type><Status>${job.status}</Status>` +
    `<OutputContainerUri>${escapeText(job.outputContainerUrl)}</OutputContainerUri>` +
    (job.importFileUrl === undefined
      ? ""
      : `<ImportFileUri>${escapeText(job.importFileUrl)}</ImportFileUri>`) +
    kv("InputProperties", [["OutputContainerUri", job.outputContainerUrl]]) +
    (job.failure === undefined ? "" : `<Failure>${escapeText(job.failure)}</Failure>`) +
    kv("OutputProperties", [["OutputFilePath", "myhub/export/output.txt"]]) +
    `<CreatedAt>${TIME}</CreatedAt><UpdatedAt>2026-03-04T05:16:07.1234567Z</UpdatedAt>` +
    "</NotificationHubJob></content></entry>"
  );
}

/** The service's error document. */
export function errorResponse(status: number, detail: string): CannedResponse {
  return {
    status,
    headers: { ...tracking, "Content-Type": "application/xml; charset=utf-8" },
    body: `<Error><Code>${status}</Code><Detail>${detail}</Detail></Error>`,
  };
}

/** The job fields a `POST /jobs` request carries, read from its body. */
function submittedJob(request: CapturedRequest): { type: string; output: string; input?: string } {
  const root = parseXmlTree(request.body ?? "");
  const job = root.children.find((c) => c.name === "content")?.children[0];
  const text = (name: string) => job?.children.find((c) => c.name === name)?.text;
  const input = text("ImportFileUri");
  return { type: text("Type") ?? "", output: text("OutputContainerUri") ?? "", ...(input ? { input } : {}) };
}

/**
 * Answers like the service, by route: sends (201 with `Location`; a test send's `NotificationOutcome`),
 * scheduled sends and cancels, outcome details, the feedback container, installations (JSON), registrations
 * (Atom; creates and updates echo the description with its read-only elements), registration feeds and jobs.
 */
export const serviceResponder: Responder = (request) => {
  const prefix = `/${HUB_NAME}`;
  if (!request.path.startsWith(prefix)) return errorResponse(404, "no such hub");
  const path = request.path.slice(prefix.length);
  const m = request.method;
  const json = { ...tracking, "Content-Type": "application/json" };
  const atom = { ...tracking, "Content-Type": "application/atom+xml;type=entry;charset=utf-8" };

  if (m === "POST" && (path === "/messages/" || path === "/messages/$batch")) {
    const accepted = sendAccepted();
    const test = request.query.some(([k, v]) => k === "test" && v === "true");
    return test
      ? {
          ...accepted,
          headers: { ...accepted.headers, "Content-Type": "application/xml; charset=utf-8" },
          body: NOTIFICATION_OUTCOME_XML,
        }
      : accepted;
  }
  if (m === "POST" && path === "/schedulednotifications/") {
    return sendAccepted(`${HUB_URL}/schedulednotifications/${SCHEDULED_NOTIFICATION_ID}?api-version=2020-06`);
  }
  if (m === "DELETE" && path.startsWith("/schedulednotifications/"))
    return { status: 200, headers: tracking };
  if (m === "GET" && path.startsWith("/messages/")) {
    return {
      status: 200,
      headers: { ...tracking, "Content-Type": "application/xml; charset=utf-8" },
      body: notificationDetailsXml(path.slice("/messages/".length)),
    };
  }
  if (m === "GET" && path === "/feedbackcontainer") {
    return {
      status: 200,
      headers: { ...tracking, "Content-Type": "text/plain" },
      body: FEEDBACK_CONTAINER_URL,
    };
  }

  const installation = /^\/installations\/([^/]+)$/.exec(path);
  if (installation) {
    if (m === "PUT" || m === "PATCH") return { status: 200, headers: tracking };
    if (m === "DELETE") return { status: 204, headers: tracking };
    if (m === "GET") {
      return { status: 200, headers: json, body: JSON.stringify(installationJson(installation[1]!)) };
    }
  }

  if (m === "POST" && path === "/registrationIDs") {
    return {
      status: 201,
      headers: { ...tracking, Location: `${HUB_URL}/registrations/${REGISTRATION_ID}?api-version=2020-06` },
    };
  }
  if (m === "POST" && path === "/registrations") return echoRegistration(request, REGISTRATION_ID);
  const registration = /^\/registrations\/([^/]+)$/.exec(path);
  if (registration) {
    const id = registration[1]!;
    if (m === "PUT") return echoRegistration(request, id);
    if (m === "DELETE") return { status: 200, headers: tracking };
    if (m === "GET")
      return { status: 200, headers: atom, body: registrationEntryXml(storedAppleTemplateXml(id), id) };
  }
  if (m === "GET" && (path === "/registrations" || /^\/tags\/[^/]+\/registrations$/.test(path))) {
    return {
      status: 200,
      headers: { ...tracking, "Content-Type": "application/atom+xml;type=feed;charset=utf-8" },
      body: registrationFeedXml([
        { xml: storedAppleTemplateXml("1111-2222-1"), id: "1111-2222-1" },
        { xml: storedFcmV1Xml("3333-4444-1"), id: "3333-4444-1" },
      ]),
    };
  }

  if (m === "POST" && path === "/jobs") {
    const job = submittedJob(request);
    return {
      status: 201,
      headers: atom,
      body: jobEntryXml({
        id: JOB_ID,
        type: job.type,
        status: "Started",
        outputContainerUrl: job.output,
        ...(job.input === undefined ? {} : { importFileUrl: job.input }),
      }),
    };
  }
  const jobPath = /^\/jobs\/([^/]+)$/.exec(path);
  if (m === "GET" && jobPath) {
    return {
      status: 200,
      headers: atom,
      body: jobEntryXml({
        id: jobPath[1]!,
        type: "ExportRegistrations",
        status: "Completed",
        progress: 100,
        outputContainerUrl: "https://exports.blob.core.windows.net/out?sv=2024&sig=x",
      }),
    };
  }
  if (m === "GET" && path === "/jobs") {
    const entries = [
      jobEntryXml({
        id: "job-1",
        type: "ExportRegistrations",
        status: "Completed",
        progress: 100,
        outputContainerUrl: "https://exports.blob.core.windows.net/out?sv=2024&sig=x",
      }),
      jobEntryXml({
        id: "job-2",
        type: "ImportUpsertRegistrations",
        status: "Failed",
        outputContainerUrl: "https://exports.blob.core.windows.net/out?sv=2024&sig=x",
        importFileUrl: "https://exports.blob.core.windows.net/in/import.txt?sv=2024&sig=y",
        failure: "The input file is empty.",
      }),
    ].map((e) => e.replace(/^<\?xml[^>]*\?>/, ""));
    return {
      status: 200,
      headers: { ...tracking, "Content-Type": "application/atom+xml;type=feed;charset=utf-8" },
      body: `<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title type="text">Jobs</title>${entries.join("")}</feed>`,
    };
  }
  return errorResponse(404, `no route for ${m} ${path}`);
};

// ---------------------------------------------------------------------------------------------------------
// the official SDK's side

type SdkHttpClient = NonNullable<NotificationHubsClientOptions["httpClient"]>;
type SdkPipelineRequest = Parameters<SdkHttpClient["sendRequest"]>[0];
type SdkPipelineResponse = Awaited<ReturnType<SdkHttpClient["sendRequest"]>>;
type SdkHttpHeaders = SdkPipelineResponse["headers"];

/** A minimal `HttpHeaders` for canned answers (the package is not a direct dependency, so not imported). */
class CannedHeaders implements SdkHttpHeaders {
  readonly #map = new Map<string, { name: string; value: string }>();
  constructor(headers: Readonly<Record<string, string>> = {}) {
    for (const [name, value] of Object.entries(headers)) this.set(name, value);
  }
  get(name: string): string | undefined {
    return this.#map.get(name.toLowerCase())?.value;
  }
  has(name: string): boolean {
    return this.#map.has(name.toLowerCase());
  }
  set(name: string, value: string | number | boolean): void {
    this.#map.set(name.toLowerCase(), { name, value: String(value) });
  }
  delete(name: string): void {
    this.#map.delete(name.toLowerCase());
  }
  toJSON(options: { preserveCase?: boolean } = {}): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [key, { name, value }] of this.#map) out[options.preserveCase ? name : key] = value;
    return out;
  }
  *[Symbol.iterator](): Iterator<[string, string]> {
    for (const [key, { value }] of this.#map) yield [key, value];
  }
}

function sdkBody(body: SdkPipelineRequest["body"]): string | Uint8Array | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === "string" || body instanceof Uint8Array) return body;
  throw new Error(`the capture handles string bodies only, not ${Object.prototype.toString.call(body)}`);
}

/** An `HttpClient` for the official SDK that records each request into `sink` and answers with `responder`. */
export function captureHttpClient(responder: Responder, sink: CapturedRequest[]): SdkHttpClient {
  return {
    async sendRequest(request: SdkPipelineRequest): Promise<SdkPipelineResponse> {
      const captured = captureRequest(request.method, request.url, request.headers, sdkBody(request.body));
      sink.push(captured);
      const answer = responder(captured);
      return {
        request,
        status: answer.status,
        headers: new CannedHeaders(answer.headers),
        bodyAsText: answer.body ?? "",
      };
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// nhub's side

/** An nhub {@link Transport} that records each request into `sink` and answers with `responder`. */
export function captureTransport(responder: Responder, sink: CapturedRequest[]): Transport {
  return {
    async request(req) {
      const captured = captureRequest(
        req.method,
        req.origin + req.path,
        Object.entries(req.headers),
        req.body,
      );
      sink.push(captured);
      const answer = responder(captured);
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(answer.headers ?? {})) headers[name.toLowerCase()] = value;
      return { status: answer.status, headers, body: answer.body ?? "" };
    },
    async close() {},
    async destroy() {},
  };
}

// ---------------------------------------------------------------------------------------------------------
// running one operation through both

/** Everything one operation did on both clients. */
export interface PairRun<S, N> {
  /** The SDK's requests, in order. */
  readonly sdkRequests: readonly CapturedRequest[];
  /** nhub's requests, in order. */
  readonly nhubRequests: readonly CapturedRequest[];
  /** What the SDK's call resolved to. */
  readonly sdkResult: S;
  /** What nhub's call resolved to. */
  readonly nhubResult: N;
}

/** A {@link PairRun} of an operation that sends exactly one request on each side, with its diff. */
export interface SingleRun<S, N> extends PairRun<S, N> {
  /** The SDK's one request. */
  readonly sdk: CapturedRequest;
  /** nhub's one request. */
  readonly nhub: CapturedRequest;
  /** {@link diffRequests} of the two requests, plus a line for each token that does not verify. */
  readonly diff: string[];
}

/** Options of {@link runBoth} and {@link runOne}. */
export interface RunOptions extends DiffOptions {
  /** Answers both clients; default {@link serviceResponder}. */
  readonly responder?: Responder;
  /** More options for nhub's client (its transport is always the capturing one; retries default to off). */
  readonly nhubOptions?: Omit<NotificationHubOptions, "transport" | "dispatcher">;
}

/** The official SDK's client, capturing into `sink`; retries off so that one call is one request. */
export function createSdkClient(responder: Responder, sink: CapturedRequest[]): NotificationHubsClient {
  return new NotificationHubsClient(CONNECTION_STRING, HUB_NAME, {
    httpClient: captureHttpClient(responder, sink),
    retryOptions: { maxRetries: 0 },
  });
}

/** nhub's client, capturing into `sink`; retries off (unless `options` say otherwise) so that one call is one request. */
export function createNhubClient(
  responder: Responder,
  sink: CapturedRequest[],
  options: RunOptions["nhubOptions"] = {},
): NotificationHub {
  return new NotificationHub(CONNECTION_STRING, HUB_NAME, {
    retry: false,
    ...options,
    transport: captureTransport(responder, sink),
  });
}

/** Runs the same operation through a fresh SDK client and a fresh nhub client, capturing every request. */
export async function runBoth<S, N>(
  sdkCall: (client: NotificationHubsClient) => Promise<S>,
  nhubCall: (hub: NotificationHub) => Promise<N>,
  options: RunOptions = {},
): Promise<PairRun<S, N>> {
  const responder = options.responder ?? serviceResponder;
  const sdkRequests: CapturedRequest[] = [];
  const nhubRequests: CapturedRequest[] = [];
  const sdkResult = await sdkCall(createSdkClient(responder, sdkRequests));
  const hub = createNhubClient(responder, nhubRequests, options.nhubOptions);
  try {
    const nhubResult = await nhubCall(hub);
    return { sdkRequests, nhubRequests, sdkResult, nhubResult };
  } finally {
    await hub.close();
  }
}

/** The keys both clients' tokens must verify with. */
export const KEYS: ReadonlyMap<string, string> = new Map([[KEY_NAME, KEY]]);

/** The decoded `sr` (signed resource) of a request's SAS token, or `undefined` without one. */
export function signedResource(request: CapturedRequest): string | undefined {
  const token = request.headers["authorization"];
  const fields = token === undefined ? undefined : parseSasToken(token);
  return fields === undefined ? undefined : decodeURIComponent(fields.sr);
}

/** Whether a request's SAS token verifies with {@link KEY} for its URL, as the service checks it. */
export function tokenVerifies(request: CapturedRequest): boolean {
  return verifySasToken(request.headers["authorization"], request.url, KEYS);
}

/** {@link diffRequests}, plus a line for each side whose token does not verify. */
export function diffPair(sdk: CapturedRequest, nhub: CapturedRequest, options: DiffOptions = {}): string[] {
  const out = diffRequests(sdk, nhub, options);
  if (!tokenVerifies(sdk)) out.push("authorization: the sdk's token does not verify");
  if (!tokenVerifies(nhub)) out.push("authorization: nhub's token does not verify");
  return out;
}

/**
 * Runs an operation that sends one request on each side and diffs the two.
 *
 * @throws {Error} when either side sent a number of requests other than one.
 */
export async function runOne<S, N>(
  sdkCall: (client: NotificationHubsClient) => Promise<S>,
  nhubCall: (hub: NotificationHub) => Promise<N>,
  options: RunOptions = {},
): Promise<SingleRun<S, N>> {
  const run = await runBoth(sdkCall, nhubCall, options);
  if (run.sdkRequests.length !== 1 || run.nhubRequests.length !== 1) {
    throw new Error(
      `expected one request each, got sdk ${run.sdkRequests.length} nhub ${run.nhubRequests.length}`,
    );
  }
  const sdk = run.sdkRequests[0]!;
  const nhub = run.nhubRequests[0]!;
  return { ...run, sdk, nhub, diff: diffPair(sdk, nhub, options) };
}
