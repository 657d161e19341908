/**
 * `POST /{hub}/messages/`: checks a send the way the service does (format, content type, platform headers,
 * body, tags, sizes), then routes it to the matching devices and records what each one received.
 */
import { randomUUID } from "node:crypto";
import {
  MAX_REQUEST_BODY_BYTES,
  matchesTagExpression,
  parseTagExpression,
  type TagExpression,
  ValidationError,
} from "@nhub/core";
import { HttpError, type HubHttpRequest, header, type Reply } from "./emulator-http";
import type { HubState } from "./emulator-hub";
import {
  deviceTags,
  handleOf,
  type RenderedTemplate,
  renderInstallationTemplate,
} from "./emulator-installations";
import { OUTCOME_SENT, type OutcomeEntry, outcomeXml, xmlProblem } from "./emulator-xml";
import type { Delivery, Installation, InstallationPlatform } from "./types";

/** `ServiceBusNotification-Format` value -> the installation platform it reaches. */
export const FORMAT_PLATFORMS: Readonly<Record<string, InstallationPlatform>> = Object.freeze({
  apple: "apns",
  fcmv1: "fcmv1",
  gcm: "gcm",
  windows: "wns",
  windowsphone: "mpns",
  adm: "adm",
  baidu: "baidu",
  browser: "browser",
  xiaomi: "xiaomi",
});

const PLATFORM_FORMATS: Readonly<Record<string, string>> = Object.freeze(
  Object.fromEntries(Object.entries(FORMAT_PLATFORMS).map(([format, platform]) => [platform, format])),
);

/** Every format the service takes. */
export const SEND_FORMATS: readonly string[] = [...Object.keys(FORMAT_PLATFORMS), "template"];

/** A test send reaches at most this many registrations. */
export const TEST_SEND_MAX_RESULTS = 10;

const WNS_TYPES = ["wns/toast", "wns/tile", "wns/badge", "wns/raw"];
const PLATFORM_HEADER =
  /^(apns-|x-wns-|x-windowsphone-|x-baidu-)|^(x-notificationclass|servicebusnotification-apns-expiry)$/i;

/** Platform headers of a request, named as the client wrote them. */
function platformHeaders(rawHeaders: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) {
    const name = rawHeaders[i]!;
    if (PLATFORM_HEADER.test(name)) out[name] = rawHeaders[i + 1]!;
  }
  return out;
}

function lookup(headers: Readonly<Record<string, string>>, name: string): string | undefined {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}

function isMpnsRaw(headers: Readonly<Record<string, string>>): boolean {
  return lookup(headers, "x-windowsphone-target") === undefined;
}

/**
 * The payload limit of a platform, answered with 403 like the service's "message too large". Limits the
 * protocol notes leave unverified (Baidu, Xiaomi) are not enforced, so the emulator never refuses a send the
 * service might take.
 */
function platformLimit(
  platform: InstallationPlatform,
  headers: Readonly<Record<string, string>>,
): number | undefined {
  switch (platform) {
    case "apns":
      return lookup(headers, "apns-push-type") === "voip" ? 5120 : 4096;
    case "fcmv1":
    case "gcm":
    case "browser":
      return 4096;
    case "wns":
      return 5000;
    case "adm":
      return 6144;
    case "mpns":
      return isMpnsRaw(headers) ? 1024 : undefined;
    default:
      return undefined;
  }
}

/** Media types each format takes; `undefined` means any. */
function allowedMediaTypes(
  format: string,
  headers: Readonly<Record<string, string>>,
): readonly string[] | undefined {
  switch (format) {
    case "windows":
      return lookup(headers, "x-wns-type")?.toLowerCase() === "wns/raw"
        ? ["application/octet-stream"]
        : ["application/xml"];
    case "windowsphone":
      return isMpnsRaw(headers) ? undefined : ["application/xml"];
    case "baidu":
      // The .NET SDK labels Baidu's JSON as a form; the service takes both.
      return ["application/json", "application/x-www-form-urlencoded"];
    default:
      return ["application/json"];
  }
}

function checkContentType(
  format: string,
  contentType: string | undefined,
  headers: Readonly<Record<string, string>>,
): void {
  if (!contentType) throw new HttpError(400, "The Content-Type header is missing.");
  const allowed = allowedMediaTypes(format, headers);
  const [media = "", ...params] = contentType.split(";").map((p) => p.trim());
  if (allowed && !allowed.includes(media.toLowerCase())) {
    throw new HttpError(
      400,
      `Content-Type "${contentType}" is not valid for format "${format}"; use ${allowed.join(" or ")}.`,
    );
  }
  for (const p of params) {
    const [name = "", value = ""] = p.split("=").map((s) => s.trim());
    if (name.toLowerCase() === "charset" && value.replace(/"/g, "").toLowerCase() !== "utf-8") {
      throw new HttpError(400, `Content-Type charset "${value}" is not supported; notifications are UTF-8.`);
    }
  }
}

function checkFormat(format: string | undefined): string {
  if (!format) throw new HttpError(400, "The ServiceBusNotification-Format header is missing.");
  if (SEND_FORMATS.includes(format)) return format;
  const hint = format === "fcm" ? ' (FCM legacy is "gcm", FCM v1 is "fcmv1")' : "";
  throw new HttpError(
    400,
    `The notification format "${format}" is not supported${hint}; use one of ${SEND_FORMATS.join(", ")}.`,
  );
}

function checkPlatformHeaders(format: string, headers: Readonly<Record<string, string>>): void {
  if (format !== "windows") return;
  const type = lookup(headers, "x-wns-type");
  if (type === undefined)
    throw new HttpError(400, "The X-WNS-Type header is required for windows notifications.");
  if (!WNS_TYPES.includes(type.toLowerCase())) {
    throw new HttpError(400, `X-WNS-Type "${type}" is not valid; use one of ${WNS_TYPES.join(", ")}.`);
  }
}

/** Checks the body's syntax; for templates returns the sent properties. */
function checkBody(
  format: string,
  text: string,
  headers: Readonly<Record<string, string>>,
): Record<string, string> | undefined {
  if (text.length === 0) throw new HttpError(400, "The notification body is empty.");
  const xml =
    (format === "windows" && lookup(headers, "x-wns-type")?.toLowerCase() !== "wns/raw") ||
    (format === "windowsphone" && !isMpnsRaw(headers));
  if (xml) {
    const problem = xmlProblem(text);
    if (problem) throw new HttpError(400, `The notification body is not well-formed XML: ${problem}.`);
    return undefined;
  }
  if (format === "windows" || format === "windowsphone") return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new HttpError(400, `The notification body is not well-formed JSON: ${(error as Error).message}.`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new HttpError(400, "The notification body must be a JSON object.");
  }
  if (format !== "template") return undefined;
  const properties: Record<string, string> = {};
  for (const [name, v] of Object.entries(value)) {
    if (typeof v !== "string") {
      throw new HttpError(
        400,
        `Template property "${name}" is not a string; a template body is a flat JSON object of strings.`,
      );
    }
    properties[name] = v;
  }
  return properties;
}

function checkTags(value: string | undefined): TagExpression | undefined {
  if (value === undefined) return undefined;
  try {
    return parseTagExpression(value, "ServiceBusNotification-Tags");
  } catch (error) {
    if (ValidationError.isInstance(error))
      throw new HttpError(400, `The tag expression is not valid: ${error.message}.`);
    throw error;
  }
}

function contentTypeFor(platform: InstallationPlatform, headers: Readonly<Record<string, string>>): string {
  if (platform === "wns")
    return lookup(headers, "x-wns-type")?.toLowerCase() === "wns/raw"
      ? "application/octet-stream"
      : "application/xml";
  if (platform === "mpns") return "application/xml;charset=utf-8";
  return "application/json;charset=utf-8";
}

function bytes(text: string): number {
  return Buffer.byteLength(text, "utf8");
}

function tooLarge(platform: InstallationPlatform, size: number, limit: number): string {
  return `The notification payload is ${size} bytes; ${platform} takes at most ${limit}.`;
}

/** The routing of one accepted send: what each device receives, and the test-send outcome. */
interface Routed {
  readonly deliveries: Delivery[];
  readonly outcome: OutcomeEntry[];
}

function entryFor(
  installation: Installation,
  registrationId: string,
  outcome: string,
  success: boolean,
): OutcomeEntry {
  return {
    applicationPlatform: PLATFORM_FORMATS[installation.platform] ?? installation.platform,
    pnsHandle: handleOf(installation),
    registrationId,
    outcome,
    success,
  };
}

function routeTemplates(
  installations: readonly Installation[],
  expression: TagExpression | undefined,
  properties: Readonly<Record<string, string>>,
  base: { notificationId: string; at: string },
  max: number,
): Routed {
  const deliveries: Delivery[] = [];
  const outcome: OutcomeEntry[] = [];
  for (const installation of installations) {
    for (const [templateName, template] of Object.entries(installation.templates ?? {})) {
      if (outcome.length >= max) return { deliveries, outcome };
      // Each template is its own registration in the service, carrying the device's tags and its own.
      if (expression && !matchesTagExpression(expression, deviceTags(installation, template.tags))) continue;
      const registrationId = `${installation.installationId}/${templateName}`;
      let rendered: RenderedTemplate;
      try {
        rendered = renderInstallationTemplate(template, properties);
      } catch (error) {
        outcome.push(
          entryFor(
            installation,
            registrationId,
            `The template could not be rendered: ${(error as Error).message}`,
            false,
          ),
        );
        continue;
      }
      const limit = platformLimit(installation.platform, rendered.headers);
      const size = bytes(rendered.body);
      if (limit !== undefined && size > limit) {
        outcome.push(
          entryFor(installation, registrationId, tooLarge(installation.platform, size, limit), false),
        );
        continue;
      }
      deliveries.push(
        delivery(installation, base, {
          format: "template",
          headers: {
            ...rendered.headers,
            "content-type": contentTypeFor(installation.platform, rendered.headers),
          },
          body: rendered.body,
          templateName,
        }),
      );
      outcome.push(entryFor(installation, registrationId, OUTCOME_SENT, true));
    }
  }
  return { deliveries, outcome };
}

/** One delivery record, its fields in reading order: who, what, when. */
function delivery(
  installation: Installation,
  send: { readonly notificationId: string; readonly at: string },
  content: { format: string; headers: Record<string, string>; body: string; templateName?: string },
): Delivery {
  return {
    notificationId: send.notificationId,
    installationId: installation.installationId,
    ...(installation.displayName !== undefined ? { displayName: installation.displayName } : {}),
    platform: installation.platform,
    pushChannel: handleOf(installation),
    format: content.format,
    headers: content.headers,
    body: content.body,
    ...(content.templateName !== undefined ? { templateName: content.templateName } : {}),
    at: send.at,
  };
}

/**
 * Handles `POST /{hub}/messages/` (tag, broadcast, test and direct sends).
 *
 * @throws {HttpError} 400 for a malformed send, 403 for a payload over its platform's limit, 413 for a body
 * over 64 KB.
 */
export function handleSend(hub: HubState, req: HubHttpRequest): Reply {
  if (req.bodySize > MAX_REQUEST_BODY_BYTES) {
    throw new HttpError(
      413,
      `The request body is ${req.bodySize} bytes; the limit is ${MAX_REQUEST_BODY_BYTES}.`,
    );
  }
  const test = req.query.get("test") === "true";
  const direct = req.query.get("direct") === "true";
  if (test && direct)
    throw new HttpError(400, "test=true applies to tag and broadcast sends, not to direct sends.");
  const format = checkFormat(header(req, "servicebusnotification-format"));
  if (direct && format === "template")
    throw new HttpError(400, "Direct sends cannot use the template format.");
  const headers = platformHeaders(req.rawHeaders);
  checkPlatformHeaders(format, headers);
  const contentType = header(req, "content-type");
  checkContentType(format, contentType, headers);
  const text = req.body.toString("utf8");
  const properties = checkBody(format, text, headers);
  const platform = FORMAT_PLATFORMS[format];
  if (platform) {
    const limit = platformLimit(platform, headers);
    if (limit !== undefined && req.bodySize > limit)
      throw new HttpError(403, tooLarge(platform, req.bodySize, limit));
  }
  const expression = direct ? undefined : checkTags(header(req, "servicebusnotification-tags"));

  const notificationId = randomUUID();
  const at = new Date().toISOString();
  const max = test ? TEST_SEND_MAX_RESULTS : Number.POSITIVE_INFINITY;
  let routed: Routed;
  if (properties) {
    routed = routeTemplates(hub.installations(), expression, properties, { notificationId, at }, max);
  } else {
    const native = {
      format,
      headers: { ...headers, "content-type": contentType! },
      body: text,
    };
    const targets = direct
      ? directTarget(hub, req, platform!)
      : matching(hub.installations(), platform!, expression, max);
    routed = {
      deliveries: targets.map((t) => delivery(t, { notificationId, at }, native)),
      outcome: targets.map((t) => entryFor(t, t.installationId, OUTCOME_SENT, true)),
    };
  }
  hub.recordDeliveries(routed.deliveries);

  const location = `${req.origin}/${hub.name}/messages/${notificationId}?api-version=${req.query.get("api-version")}`;
  const note = `${routed.deliveries.length} ${routed.deliveries.length === 1 ? "delivery" : "deliveries"}`;
  if (!test) return { status: 201, headers: { Location: location }, note };
  return {
    status: 201,
    headers: { Location: location, "Content-Type": "application/xml; charset=utf-8" },
    body: outcomeXml(routed.outcome),
    note,
  };
}

function matching(
  installations: readonly Installation[],
  platform: InstallationPlatform,
  expression: TagExpression | undefined,
  max: number,
): Installation[] {
  const out: Installation[] = [];
  for (const installation of installations) {
    if (out.length >= max) break;
    if (installation.platform !== platform) continue;
    if (expression && !matchesTagExpression(expression, deviceTags(installation))) continue;
    out.push(installation);
  }
  return out;
}

/**
 * The one device of a direct send: the installation holding the handle, or a stand-in with an empty id when
 * none does (the service sends to any handle it is given).
 */
function directTarget(hub: HubState, req: HubHttpRequest, platform: InstallationPlatform): Installation[] {
  const handle = header(req, "servicebusnotification-devicehandle");
  if (!handle)
    throw new HttpError(400, "A direct send needs the ServiceBusNotification-DeviceHandle header.");
  if (platform === "browser" && (!header(req, "auth") || !header(req, "p256dh"))) {
    throw new HttpError(400, "A direct browser send needs the Auth and P256DH headers.");
  }
  const known = hub.installations().find((i) => i.platform === platform && handleOf(i) === handle);
  return [known ?? { installationId: "", platform, pushChannel: handle }];
}
