/** The XML the emulator writes (error bodies, test-send outcomes) and the well-formedness check it applies. */
import { escapeXml, findXmlSyntaxError } from "@nhub/xml";
import type { InstallationPlatform } from "./types";

// The emulator echoes what requests held, and an answer must still go out: a character XML cannot carry
// becomes U+FFFD rather than an error.

/** Escapes text for XML element content the way the service writes it: quotes, tab and LF stay literal. */
export function escapeText(text: string): string {
  return escapeXml(text, { context: "text", invalidChars: "replace" });
}

/** Escapes text for a quoted XML attribute value. */
export function escapeAttribute(text: string): string {
  return escapeXml(text, { invalidChars: "replace" });
}

/** `<name>text</name>` with the text escaped. */
export function element(name: string, text: string): string {
  return `<${name}>${escapeText(text)}</${name}>`;
}

/** Text as CDATA; a `]]>` inside is split across two sections, the only way CDATA can hold it. */
export function cdata(text: string): string {
  return `<![CDATA[${text.replace(/]]>/g, "]]]]><![CDATA[>")}]]>`;
}

/** The namespace of the service's description elements (registrations, jobs, outcomes). */
export const SERVICE_NAMESPACE = "http://schemas.microsoft.com/netservices/2010/10/servicebus/connect";
/** The XML Schema instance namespace the service declares as `i` on every description. */
export const XSI_NAMESPACE = "http://www.w3.org/2001/XMLSchema-instance";
/** The Atom namespace of entries and feeds. */
export const ATOM_NAMESPACE = "http://www.w3.org/2005/Atom";

/**
 * The service's error body, `<Error><Code>STATUS</Code><Detail>...</Detail></Error>`; like the service, the
 * detail ends with the tracking id and a timestamp.
 */
export function errorXml(status: number, detail: string, trackingId: string, at = new Date()): string {
  const full = `${detail} TrackingId:${trackingId},TimeStamp:${at.toISOString()}`;
  return `<Error><Code>${status}</Code><Detail>${escapeText(full)}</Detail></Error>`;
}

/** One registration a send reached, with how it went. */
export interface OutcomeEntry {
  /** The installation platform, e.g. `apns`, for the per-platform counts of the outcome details. */
  readonly platform: InstallationPlatform;
  /** The outcome name the details count it under: `Success`, `InvalidNotificationFormat`, ... */
  readonly state: string;
  /** The format-style platform name, e.g. `apple`, `windows`, `fcmv1`. */
  readonly applicationPlatform: string;
  readonly pnsHandle: string;
  readonly registrationId: string;
  /** The installation behind the registration, when there is one. */
  readonly installationId?: string;
  readonly outcome: string;
  readonly success: boolean;
}

/** Outcome text the service uses for a notification handed to the push service. */
export const OUTCOME_SENT = "The Notification was successfully sent to the Push Notification System";

/** The `NotificationOutcome` body of a test send; elements in the service's (alphabetical) order. */
export function outcomeXml(entries: readonly OutcomeEntry[]): string {
  const success = entries.filter((e) => e.success).length;
  const results = entries
    .map(
      (e) =>
        "<RegistrationResult>" +
        element("ApplicationPlatform", e.applicationPlatform) +
        element("Outcome", e.outcome) +
        element("PnsHandle", e.pnsHandle) +
        element("RegistrationId", e.registrationId) +
        "</RegistrationResult>",
    )
    .join("");
  return (
    '<NotificationOutcome xmlns="http://schemas.microsoft.com/netservices/2010/10/servicebus/connect" ' +
    'xmlns:i="http://www.w3.org/2001/XMLSchema-instance">' +
    `<Failure>${entries.length - success}</Failure>` +
    `<Results>${results}</Results>` +
    `<Success>${success}</Success>` +
    "</NotificationOutcome>"
  );
}

/** Why `xml` is not well-formed, or `undefined` when it is. */
export function xmlProblem(xml: string): string | undefined {
  if (xml.trim() === "") return "the body is empty";
  return findXmlSyntaxError(xml);
}
