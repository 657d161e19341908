/**
 * Devices whose push channel is dead, and what the hub reports about sends to them: a test send's outcome, the
 * notification's PNS error details blob and the hub's feedback container, all written the way the service
 * writes them (`PnsFeedback` XML records, one per line, and an Azure Storage container listing).
 */
import type { Routed } from "./emulator-records";
import { element, escapeAttribute, SERVICE_NAMESPACE, XSI_NAMESPACE } from "./emulator-xml";

/** What a device's push channel does: `expired` answers `ExpiredChannel`, `bad` answers `BadChannel`. */
export type DeviceState = "expired" | "bad" | "ok";

type DeadOutcome = "ExpiredChannel" | "BadChannel";

/** One push service error, as the hub writes it in a `PnsFeedback` record. */
export interface FeedbackEntry {
  /** ISO-8601 time of the push service's answer. */
  readonly time: string;
  readonly error: DeadOutcome;
  /** The service's platform name, e.g. `apple`, `fcmv1`. */
  readonly platform: string;
  readonly pnsHandle: string;
  readonly registrationId?: string;
  readonly installationId?: string;
  readonly notificationId: string;
}

/** One file of the feedback container. */
export interface FeedbackBlob {
  readonly name: string;
  readonly lastModified: Date;
  readonly body: string;
}

/** Feedback records kept per hub; the oldest go first. */
export const MAX_FEEDBACK_ENTRIES = 10_000;
/** Notifications whose error details are kept per hub; the oldest go first. */
export const MAX_ERROR_DETAILS = 1000;

const OUTCOME_OF: Readonly<Record<Exclude<DeviceState, "ok">, DeadOutcome>> = {
  expired: "ExpiredChannel",
  bad: "BadChannel",
};

/** Whether `value` is a {@link DeviceState}. */
export function isDeviceState(value: unknown): value is DeviceState {
  return value === "expired" || value === "bad" || value === "ok";
}

// APNs tokens are hex and the hub stores them upper-cased: they match without regard to case.
function key(platform: string, handle: string): string {
  return platform === "apns" || platform === "apple"
    ? `apns\n${handle.toLowerCase()}`
    : `${platform}\n${handle}`;
}

/** A `PnsFeedback` record on one line, as the service's files hold them (its declaration says utf-16). */
export function pnsFeedbackXml(entry: FeedbackEntry): string {
  // The service writes seven fraction digits.
  const time = entry.time.replace(/\.(\d{3})Z$/, ".$10000Z");
  return (
    '<?xml version="1.0" encoding="utf-16"?>' +
    `<PnsFeedback xmlns:i="${XSI_NAMESPACE}" xmlns="${SERVICE_NAMESPACE}">` +
    element("FeedbackTime", time) +
    element("NotificationSystemError", entry.error) +
    element("Platform", entry.platform) +
    element("PnsHandle", entry.pnsHandle) +
    (entry.registrationId !== undefined ? element("RegistrationId", entry.registrationId) : "") +
    (entry.installationId !== undefined ? element("InstallationId", entry.installationId) : "") +
    element("NotificationId", entry.notificationId) +
    "</PnsFeedback>"
  );
}

/** `MMddyyyy` of a UTC day, the service's feedback file names. */
function dayName(iso: string): string {
  return `${iso.slice(5, 7)}${iso.slice(8, 10)}${iso.slice(0, 4)}`;
}

/** One hub's dead channels and the reports about sends to them. */
export class DeviceOutcomeStore {
  readonly #dead = new Map<string, DeadOutcome>();
  /** Told of each installation whose channel a push service refused in a send, so the hub can flag it. */
  readonly #onRefused: (installationId: string) => void;

  constructor(onRefused: (installationId: string) => void = () => {}) {
    this.#onRefused = onRefused;
  }
  readonly #errors = new Map<string, FeedbackEntry[]>();
  #feedback: FeedbackEntry[] = [];

  /** Marks a push channel `expired` or `bad`, or `ok` again. The state stays with the channel, not the device. */
  mark(platform: string, handle: string, state: DeviceState): void {
    if (state === "ok") this.#dead.delete(key(platform, handle));
    else this.#dead.set(key(platform, handle), OUTCOME_OF[state]);
  }

  /** The state of a push channel. */
  stateOf(platform: string, handle: string): DeviceState {
    const outcome = this.#dead.get(key(platform, handle));
    return outcome === undefined ? "ok" : outcome === "ExpiredChannel" ? "expired" : "bad";
  }

  /**
   * A routed send with the dead channels' deliveries removed and their outcomes set to the push service's error;
   * each such outcome is recorded in the notification's error details and the feedback container.
   */
  apply(routed: Routed, notificationId: string, at: string): Routed {
    if (this.#dead.size === 0) return routed;
    const errors: FeedbackEntry[] = [];
    const outcome = routed.outcome.map((entry) => {
      const dead = this.#dead.get(key(entry.platform, entry.pnsHandle));
      if (dead === undefined) return entry;
      errors.push({
        time: at,
        error: dead,
        platform: entry.applicationPlatform,
        pnsHandle: entry.pnsHandle,
        ...(entry.installationId
          ? { installationId: entry.installationId }
          : entry.registrationId
            ? { registrationId: entry.registrationId }
            : {}),
        notificationId,
      });
      // [unverified] The service's test-send sentence for a refused channel; it names the outcome.
      return {
        ...entry,
        state: dead,
        outcome: `The Push Notification System answered ${dead}`,
        success: false,
      };
    });
    if (errors.length === 0) return routed;
    this.#record(notificationId, errors);
    for (const e of errors) if (e.installationId) this.#onRefused(e.installationId);
    return {
      deliveries: routed.deliveries.filter((d) => !this.#dead.has(key(d.platform, d.pushChannel))),
      outcome,
    };
  }

  #record(notificationId: string, errors: FeedbackEntry[]): void {
    this.#errors.set(notificationId, [...(this.#errors.get(notificationId) ?? []), ...errors]);
    while (this.#errors.size > MAX_ERROR_DETAILS) this.#errors.delete(this.#errors.keys().next().value!);
    this.#feedback.push(...errors);
    if (this.#feedback.length > MAX_FEEDBACK_ENTRIES)
      this.#feedback = this.#feedback.slice(-MAX_FEEDBACK_ENTRIES);
  }

  /** The error details blob of a notification, or `undefined` when no push service refused anything. */
  errorDetails(notificationId: string): string | undefined {
    const errors = this.#errors.get(notificationId);
    return errors === undefined ? undefined : `${errors.map(pnsFeedbackXml).join("\r\n")}\r\n`;
  }

  /** The feedback container's files: one per UTC day, named `MMddyyyy`, records in the order they came. */
  feedbackBlobs(): FeedbackBlob[] {
    const days = new Map<string, FeedbackEntry[]>();
    for (const entry of this.#feedback) {
      const name = dayName(entry.time);
      const list = days.get(name);
      if (list) list.push(entry);
      else days.set(name, [entry]);
    }
    return [...days].map(([name, entries]) => ({
      name,
      lastModified: new Date(entries[entries.length - 1]!.time),
      body: `${entries.map(pnsFeedbackXml).join("\r\n")}\r\n`,
    }));
  }

  /** Forgets dead channels and reports. */
  clear(): void {
    this.#dead.clear();
    this.#errors.clear();
    this.#feedback = [];
  }
}

/**
 * An Azure Storage `List Blobs` answer for the feedback container: blobs by name from `marker`, `maxResults` a
 * page (default and most 5000, as storage), with `NextMarker` naming the next page's first blob.
 */
export function containerListingXml(
  containerName: string,
  blobs: readonly FeedbackBlob[],
  marker: string | undefined,
  maxResults = 5000,
): string {
  const sorted = [...blobs].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const from = marker === undefined ? 0 : sorted.findIndex((b) => b.name >= marker);
  const start = from < 0 ? sorted.length : from;
  const page = sorted.slice(start, start + maxResults);
  const next = sorted[start + maxResults]?.name;
  const items = page
    .map(
      (b) =>
        "<Blob>" +
        element("Name", b.name) +
        "<Properties>" +
        element("Last-Modified", b.lastModified.toUTCString()) +
        element("Etag", `0x${b.lastModified.getTime().toString(16).toUpperCase()}`) +
        element("Content-Length", String(Buffer.byteLength(b.body))) +
        "<Content-Type>application/octet-stream</Content-Type>" +
        "<BlobType>BlockBlob</BlobType><LeaseStatus>unlocked</LeaseStatus><LeaseState>available</LeaseState>" +
        "</Properties></Blob>",
    )
    .join("");
  return (
    '<?xml version="1.0" encoding="utf-8"?>' +
    `<EnumerationResults ContainerName="${escapeAttribute(containerName)}">` +
    (marker !== undefined ? element("Marker", marker) : "") +
    (maxResults !== 5000 ? element("MaxResults", String(maxResults)) : "") +
    (items === "" ? "<Blobs />" : `<Blobs>${items}</Blobs>`) +
    (next !== undefined ? element("NextMarker", next) : "<NextMarker />") +
    "</EnumerationResults>"
  );
}
