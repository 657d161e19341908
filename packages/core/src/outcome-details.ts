/**
 * The `NotificationDetails` document of `GET {hub}/messages/{id}` (per-message telemetry, Standard tier).
 */
import { NhubError } from "./errors";
import { asArray, text, type XmlNode, xmlParser } from "./xml-parser";

/**
 * Where a notification is. `Completed`, `Abandoned`, `Cancelled`, `NoTargetFound` and `DetailedStateAvailable`
 * are final (see {@link FINAL_OUTCOME_STATES}); the others may still change.
 */
export type NotificationOutcomeState =
  | "Enqueued"
  | "Scheduled"
  | "Processing"
  | "Completed"
  | "DetailedStateAvailable"
  | "Abandoned"
  | "Cancelled"
  | "NoTargetFound"
  | "Unknown";

/** The states after which a notification's outcome no longer changes. */
export const FINAL_OUTCOME_STATES: ReadonlySet<string> = new Set([
  "Completed",
  "DetailedStateAvailable",
  "Abandoned",
  "Cancelled",
  "NoTargetFound",
]);

/** How many deliveries to one push service ended one way, e.g. `{ name: "Success", count: 3 }`. */
export interface OutcomeCount {
  /** The outcome as the service names it: `Success`, `InvalidCredentials`, `WrongToken`, `Expired`... */
  readonly name: string;
  readonly count: number;
}

/**
 * The parsed `NotificationDetails`. Times are `Date`s (the service writes UTC; a time without a zone is read as
 * UTC; digits past the millisecond are dropped); an element the service left out is `undefined`. Each
 * `<X>OutcomeCounts` element becomes `xOutcomeCounts` (e.g. `FcmV1OutcomeCounts` -> `fcmV1OutcomeCounts`), also
 * ones not listed here.
 */
export interface NotificationOutcomeDetails {
  readonly notificationId: string;
  /** The notification's URL, as the service reports it. */
  readonly location?: string;
  /** The state; a value the service adds later is passed through as is. */
  readonly state: NotificationOutcomeState | (string & {});
  readonly enqueueTime?: Date;
  readonly startTime?: Date;
  readonly endTime?: Date;
  readonly notificationBody?: string;
  /** The tag expression the notification was sent to, when it had one. */
  readonly tags?: string;
  /** The platforms targeted (`TargetPlatforms`, split at commas), e.g. `["apple", "fcmv1"]`. */
  readonly targetPlatforms: readonly string[];
  /** A blob URL listing the push services' error answers, when there were any. */
  readonly pnsErrorDetailsUri?: string;
  readonly apnsOutcomeCounts?: readonly OutcomeCount[];
  readonly fcmV1OutcomeCounts?: readonly OutcomeCount[];
  /** FCM legacy (`GcmOutcomeCounts`). */
  readonly gcmOutcomeCounts?: readonly OutcomeCount[];
  readonly wnsOutcomeCounts?: readonly OutcomeCount[];
  readonly mpnsOutcomeCounts?: readonly OutcomeCount[];
  readonly admOutcomeCounts?: readonly OutcomeCount[];
  readonly baiduOutcomeCounts?: readonly OutcomeCount[];
  readonly browserOutcomeCounts?: readonly OutcomeCount[];
  readonly xiaomiOutcomeCounts?: readonly OutcomeCount[];
}

const camel = (name: string): string => name[0]!.toLowerCase() + name.slice(1);

function date(node: unknown): Date | undefined {
  const s = text(node);
  if (s === "") return undefined;
  const d = new Date(/(Z|[+-]\d\d:?\d\d)$/i.test(s) ? s : `${s}Z`);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

const unexpected = (cause?: unknown): NhubError =>
  new NhubError(
    "the hub answered with something other than a NotificationDetails document",
    "NHUB_UNEXPECTED_RESPONSE",
    {
      cause,
    },
  );

/**
 * Parses a `NotificationDetails` XML document.
 *
 * @throws {NhubError} with code `NHUB_UNEXPECTED_RESPONSE` when the body is not one.
 */
export async function parseNotificationOutcomeDetails(xml: string): Promise<NotificationOutcomeDetails> {
  let doc: XmlNode;
  try {
    doc = (await xmlParser()).parse(xml);
  } catch (error) {
    throw unexpected(error);
  }
  const node = doc["NotificationDetails"] as XmlNode | undefined;
  if (node === null || typeof node !== "object") throw unexpected();
  const out: Record<string, unknown> = {
    notificationId: text(node["NotificationId"]),
    state: text(node["State"]) || "Unknown",
    targetPlatforms: text(node["TargetPlatforms"])
      .split(",")
      .map((p) => p.trim())
      .filter(Boolean),
  };
  for (const name of ["Location", "NotificationBody", "Tags", "PnsErrorDetailsUri"]) {
    if (text(node[name]) !== "") out[camel(name)] = text(node[name]);
  }
  for (const name of ["EnqueueTime", "StartTime", "EndTime"]) {
    const d = date(node[name]);
    if (d) out[camel(name)] = d;
  }
  for (const [name, value] of Object.entries(node)) {
    if (!name.endsWith("OutcomeCounts")) continue;
    // An empty element parses as "", one <Outcome> as an object, several as an array.
    const items = value !== null && typeof value === "object" ? (value as XmlNode)["Outcome"] : undefined;
    out[camel(name)] = asArray(items).map((o) => {
      const item = (o ?? {}) as XmlNode;
      return { name: text(item["Name"]), count: Number(text(item["Count"])) || 0 };
    });
  }
  return out as unknown as NotificationOutcomeDetails;
}
