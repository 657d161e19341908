/**
 * Reads the hub's XML answers: test-send outcomes, outcome details and error bodies. Loaded on first use (with
 * fast-xml-parser, through `xml-parser.ts`) by the async parsers of `outcome.ts` and `outcome-details.ts`, so a
 * plain send never loads it.
 */
import type { NotificationOutcome, NotificationOutcomeDetails } from "./outcome-types";
import { type XmlNode, xmlParser } from "./xml-parser";

/** The text of an element, `""` when it is absent. */
function text(node: unknown): string {
  if (node === undefined || node === null) return "";
  if (typeof node === "object") return String((node as XmlNode)["#text"] ?? "");
  return String(node);
}

/** A repeated element as an array: the parser gives one child as an object and several as an array. */
function asArray(node: unknown): unknown[] {
  if (node === undefined || node === null || node === "") return [];
  return Array.isArray(node) ? node : [node];
}

/** Reads a `NotificationOutcome` document; `undefined` when the body is not one. */
export async function readNotificationOutcome(xml: string): Promise<NotificationOutcome | undefined> {
  let doc: XmlNode;
  try {
    doc = (await xmlParser()).parse(xml);
  } catch {
    return undefined;
  }
  const root = doc["NotificationOutcome"] as XmlNode | undefined;
  if (!root || typeof root !== "object") return undefined;
  const results = asArray((root["Results"] as XmlNode | undefined)?.["RegistrationResult"]).map((r) => {
    const node = (r ?? {}) as XmlNode;
    return {
      applicationPlatform: text(node["ApplicationPlatform"]),
      pnsHandle: text(node["PnsHandle"]),
      registrationId: text(node["RegistrationId"]),
      outcome: text(node["Outcome"]),
    };
  });
  return {
    success: Number(text(root["Success"])) || 0,
    failure: Number(text(root["Failure"])) || 0,
    results,
  };
}

/** Reads an `<Error><Code/><Detail/></Error>` body; empty fields when it is something else. */
export async function readErrorBody(body: string): Promise<{ code?: string; detail?: string }> {
  try {
    const root = (await xmlParser()).parse(body)["Error"] as XmlNode | undefined;
    if (!root || typeof root !== "object") return {};
    const code = text(root["Code"]) || undefined;
    const detail = text(root["Detail"]) || undefined;
    return { code, detail };
  } catch {
    return {};
  }
}

const camel = (name: string): string => name[0]!.toLowerCase() + name.slice(1);

function date(node: unknown): Date | undefined {
  const s = text(node);
  if (s === "") return undefined;
  const d = new Date(/(Z|[+-]\d\d:?\d\d)$/i.test(s) ? s : `${s}Z`);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/**
 * Reads a `NotificationDetails` document; `undefined` when the body is another document. Rejects with the
 * parser's error for a body that is not XML (`parseNotificationOutcomeDetails` turns both into an `NhubError`).
 */
export async function readNotificationDetails(xml: string): Promise<NotificationOutcomeDetails | undefined> {
  const node = (await xmlParser()).parse(xml)["NotificationDetails"] as XmlNode | undefined;
  if (node === null || typeof node !== "object") return undefined;
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
