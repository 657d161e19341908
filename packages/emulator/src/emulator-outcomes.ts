/**
 * Per-message telemetry: what each send did (`GET /{hub}/messages/{id}` answers the `NotificationDetails` XML
 * with per-platform outcome counts) and the PNS feedback container URL (`GET /{hub}/feedbackcontainer`).
 */
import { HttpError, type HubHttpRequest, type Reply } from "./emulator-http";
import type { HubState } from "./emulator-hub";
import type { CheckedNotification, NotificationRecord, OutcomeCount, Routed } from "./emulator-records";
import { element, SERVICE_NAMESPACE, XSI_NAMESPACE } from "./emulator-xml";
import type { InstallationPlatform } from "./types";

// The service's element per platform, in the order its data contract declares them (those it does not
// order, Baidu, Browser and Xiaomi, last).
const COUNT_ELEMENTS: ReadonlyArray<readonly [InstallationPlatform, string]> = [
  ["apns", "ApnsOutcomeCounts"],
  ["mpns", "MpnsOutcomeCounts"],
  ["wns", "WnsOutcomeCounts"],
  ["gcm", "GcmOutcomeCounts"],
  ["adm", "AdmOutcomeCounts"],
  ["fcmv1", "FcmV1OutcomeCounts"],
  ["baidu", "BaiduOutcomeCounts"],
  ["browser", "BrowserOutcomeCounts"],
  ["xiaomi", "XiaomiOutcomeCounts"],
];

function countOutcomes(routed: Routed): OutcomeCount[] {
  const counts = new Map<string, { platform: InstallationPlatform; name: string; count: number }>();
  for (const entry of routed.outcome) {
    const key = `${entry.platform}\n${entry.state}`;
    const current = counts.get(key);
    if (current) current.count++;
    else counts.set(key, { platform: entry.platform, name: entry.state, count: 1 });
  }
  return [...counts.values()];
}

function targetPlatforms(n: CheckedNotification, routed: Routed): string | undefined {
  if (n.properties === undefined) return n.format;
  const formats = [...new Set(routed.outcome.map((e) => e.applicationPlatform))];
  return formats.length > 0 ? formats.join(",") : undefined;
}

/** Records the details of a send that was routed (delivered) now. */
export function recordSendOutcome(
  hub: HubState,
  send: {
    readonly notificationId: string;
    readonly location: string;
    readonly notification: CheckedNotification;
    readonly tags: string | undefined;
    readonly routed: Routed;
    readonly enqueuedAt: string;
  },
): void {
  const done = new Date().toISOString();
  const platforms = targetPlatforms(send.notification, send.routed);
  hub.recordNotification({
    notificationId: send.notificationId,
    location: send.location,
    state: "Completed",
    enqueueTime: send.enqueuedAt,
    startTime: done,
    endTime: done,
    body: send.notification.body,
    ...(send.tags !== undefined ? { tags: send.tags } : {}),
    ...(platforms !== undefined ? { targetPlatforms: platforms } : {}),
    counts: countOutcomes(send.routed),
  });
}

/** Records a notification accepted for later (scheduled): `Enqueued`, no counts yet. */
export function recordEnqueued(
  hub: HubState,
  send: {
    readonly notificationId: string;
    readonly location: string;
    readonly notification: CheckedNotification;
    readonly tags: string | undefined;
    readonly enqueuedAt: string;
  },
): void {
  hub.recordNotification({
    notificationId: send.notificationId,
    location: send.location,
    state: "Enqueued",
    enqueueTime: send.enqueuedAt,
    body: send.notification.body,
    ...(send.tags !== undefined ? { tags: send.tags } : {}),
    counts: [],
  });
}

/** The `NotificationDetails` XML, elements in the service's order; empty fields are left out as it does. */
export function notificationDetailsXml(record: NotificationRecord, pnsErrorDetailsUri?: string): string {
  const parts = [
    element("NotificationId", record.notificationId),
    element("Location", record.location),
    element("State", record.state),
    element("EnqueueTime", record.enqueueTime),
  ];
  if (record.startTime !== undefined) parts.push(element("StartTime", record.startTime));
  if (record.endTime !== undefined) parts.push(element("EndTime", record.endTime));
  parts.push(element("NotificationBody", record.body));
  if (record.tags !== undefined) parts.push(element("Tags", record.tags));
  if (record.targetPlatforms !== undefined) parts.push(element("TargetPlatforms", record.targetPlatforms));
  // [unverified] Its place among the elements: the .NET SDK reads the document by name, in any order.
  if (pnsErrorDetailsUri !== undefined) parts.push(element("PnsErrorDetailsUri", pnsErrorDetailsUri));
  for (const [platform, name] of COUNT_ELEMENTS) {
    const counts = record.counts.filter((c) => c.platform === platform);
    if (counts.length === 0) continue;
    const outcomes = counts
      .map((c) => `<Outcome>${element("Name", c.name)}${element("Count", String(c.count))}</Outcome>`)
      .join("");
    parts.push(`<${name}>${outcomes}</${name}>`);
  }
  return `<NotificationDetails xmlns="${SERVICE_NAMESPACE}" xmlns:i="${XSI_NAMESPACE}">${parts.join("")}</NotificationDetails>`;
}

/** A read-only storage SAS query, as the service's blob URLs carry (the emulator checks no signature). */
function sasQuery(resource: "b" | "c", permissions: string): string {
  const expiry = new Date(Date.now() + 3_600_000).toISOString().replace(/\.\d{3}Z$/, "Z");
  return `sv=2020-10-02&sr=${resource}&sp=${permissions}&se=${encodeURIComponent(expiry)}&sig=emulator`;
}

/**
 * Where a notification's PNS error details blob is served, on the origin the send used (its `Location`), when a
 * push service refused any of its devices.
 */
function pnsErrorDetailsUri(hub: HubState, record: NotificationRecord): string | undefined {
  if (hub.deviceOutcomes.errorDetails(record.notificationId) === undefined) return undefined;
  const origin = new URL(record.location).origin;
  return `${origin}/_emulator/hubs/${hub.name}/pnserrors/${encodeURIComponent(record.notificationId)}?${sasQuery("b", "r")}`;
}

/**
 * `GET /{hub}/messages/{id}`: the outcome details of a send.
 *
 * @throws {HttpError} 404 for an id the hub has no record of.
 */
export function handleOutcomeDetails(hub: HubState, id: string): Reply {
  const record = hub.notificationRecord(id);
  if (!record) throw new HttpError(404, `There is no notification with id "${id}" on this hub.`);
  return {
    status: 200,
    headers: { "Content-Type": "application/xml; charset=utf-8" },
    body: notificationDetailsXml(record, pnsErrorDetailsUri(hub, record)),
    note: record.state,
  };
}

/**
 * `GET /{hub}/feedbackcontainer`: a container URL as plain text. The service answers a storage SAS URL; the
 * emulator points at its own admin endpoint, which serves the container's listing and files in the storage REST
 * format (see `emulator-device-states.ts`).
 */
export function handleFeedbackContainer(hub: HubState, req: HubHttpRequest): Reply {
  const url =
    // Hub names hold only URL-safe characters; a slash in one stays a slash (encoded ones are refused).
    `${req.origin}/_emulator/hubs/${hub.name}/feedback?${sasQuery("c", "rl")}`;
  return { status: 200, headers: { "Content-Type": "text/plain; charset=utf-8" }, body: url };
}
