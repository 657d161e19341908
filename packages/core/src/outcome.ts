import { boundServerText } from "./excerpt";
import type { NotificationOutcome } from "./outcome-types";

export type { NotificationOutcome, RegistrationResult } from "./outcome-types";

/** Parses `NotificationOutcome` XML; `undefined` when the body is not one. */
export async function parseNotificationOutcome(xml: string): Promise<NotificationOutcome | undefined> {
  if (!xml.includes("NotificationOutcome")) return undefined;
  return (await import("./outcome-xml")).readNotificationOutcome(xml);
}

/**
 * Reads the service's `<Error><Code/><Detail/></Error>` body, or takes the start of a plain-text body as the
 * detail; empty fields when it is something else. Both are server text: signatures and keys redacted, at most
 * 500 characters.
 */
export async function parseErrorBody(body: string): Promise<{ code?: string; detail?: string }> {
  if (!body.includes("<")) return body.trim() ? { detail: boundServerText(body.trim()) } : {};
  const { code, detail } = await (await import("./outcome-xml")).readErrorBody(body);
  return {
    code: code === undefined ? undefined : boundServerText(code),
    detail: detail === undefined ? undefined : boundServerText(detail),
  };
}
