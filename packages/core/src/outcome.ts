import { asArray, text, type XmlNode, xmlParser } from "./xml-parser";

/** One registration a test send reached, from the `NotificationOutcome` XML. */
export interface RegistrationResult {
  /** The platform the registration is on, e.g. `apple`, `fcmv1`, `windows`. */
  readonly applicationPlatform: string;
  /** The device handle (push channel). */
  readonly pnsHandle: string;
  readonly registrationId: string;
  /** The push service's verdict in words, e.g. `The Notification was successfully sent to the Push Notification System`. */
  readonly outcome: string;
}

/** The parsed answer of a test send (`test=true`), which reaches at most 10 devices. */
export interface NotificationOutcome {
  readonly success: number;
  readonly failure: number;
  readonly results: readonly RegistrationResult[];
}

/** Parses `NotificationOutcome` XML; `undefined` when the body is not one. */
export async function parseNotificationOutcome(xml: string): Promise<NotificationOutcome | undefined> {
  if (!xml.includes("NotificationOutcome")) return undefined;
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

/** Reads the service's `<Error><Code/><Detail/></Error>` body; empty fields when it is something else. */
export async function parseErrorBody(body: string): Promise<{ code?: string; detail?: string }> {
  if (!body.includes("<")) return body.trim() ? { detail: body.trim().slice(0, 500) } : {};
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
