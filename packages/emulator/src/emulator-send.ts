/**
 * `POST /{hub}/messages/`: checks a send the way the service does (format, content type, platform headers,
 * body, tags, sizes), then routes it to the matching devices and records what each one received. The checks
 * and the routing are shared with batch, scheduled and direct sends.
 */
import { randomUUID } from "node:crypto";
import {
  MAX_REQUEST_BODY_BYTES,
  matchesTagExpression,
  parseTagExpression,
  type TagExpression,
  ValidationError,
} from "@nhub/core";
import { APNS_MAX_PAYLOAD_BYTES } from "@nhub/platform-apns";
import { MPNS_MAX_RAW_PAYLOAD_BYTES } from "@nhub/platform-mpns";
import { WNS_RAW_CONTENT_TYPE } from "@nhub/platform-wns";
import { HttpError, type HubHttpRequest, header, type Reply } from "./emulator-http";
import type { HubState } from "./emulator-hub";
import { type RenderedTemplate, renderInstallationTemplate } from "./emulator-installations";
import { recordSendOutcome } from "./emulator-outcomes";
import {
  DEFAULT_PLATFORMS,
  FORMAT_PLATFORMS,
  type FormatRule,
  type PlatformRegistry,
  TEMPLATE_FORMAT,
} from "./emulator-platforms";
import type { CheckedNotification, Routed } from "./emulator-records";
import { dictionary } from "./emulator-safe";
import {
  handleTarget,
  isExpired,
  nativeTargets,
  type RouteTarget,
  templateTargets,
} from "./emulator-targets";
import { OUTCOME_SENT, type OutcomeEntry, outcomeXml, xmlProblem } from "./emulator-xml";
import type { Delivery, InstallationPlatform } from "./types";

const PLATFORM_FORMATS: Readonly<Record<string, string>> = Object.freeze(
  Object.fromEntries(Object.entries(FORMAT_PLATFORMS).map(([format, platform]) => [platform, format])),
);

/**
 * Every format an emulator started without `platforms` takes: the formats of the platform descriptors in
 * `EMULATOR_PLATFORMS`, then `template`.
 */
export const SEND_FORMATS: readonly string[] = DEFAULT_PLATFORMS.formats;

/** A test send reaches at most this many registrations. */
export const TEST_SEND_MAX_RESULTS = 10;

const WNS_TYPES = ["wns/toast", "wns/tile", "wns/badge", "wns/raw"];
const PLATFORM_HEADER =
  /^(apns-|x-wns-|x-windowsphone-|x-baidu-)|^(x-notificationclass|servicebusnotification-apns-expiry)$/i;

/** Platform headers of a request, named as the client wrote them. */
export function platformHeaders(rawHeaders: readonly string[]): Record<string, string> {
  const out = dictionary<string>();
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

function isWnsRaw(headers: Readonly<Record<string, string>>): boolean {
  return lookup(headers, "x-wns-type")?.toLowerCase() === "wns/raw";
}

/** Whether a send is a WNS or MPNS raw notification, whose body is opaque to the service. */
function isRaw(format: string, headers: Readonly<Record<string, string>>): boolean {
  return (format === "windows" && isWnsRaw(headers)) || (format === "windowsphone" && isMpnsRaw(headers));
}

/**
 * The payload limit of a format, answered with 403 like the service's "message too large": its descriptor's
 * `maxBytes`, except where the service's own limit differs. Limits the protocol notes leave unverified (Baidu,
 * Xiaomi, MPNS toasts and tiles) are not enforced, so the emulator never refuses a send the service might take.
 */
function platformLimit(rule: FormatRule, headers: Readonly<Record<string, string>>): number | undefined {
  switch (rule.format) {
    case "apple":
      // The descriptor's limit is VoIP's; every other push type stops at APNs' smaller one.
      return lookup(headers, "apns-push-type") === "voip" ? rule.maxBytes : APNS_MAX_PAYLOAD_BYTES;
    case "windowsphone":
      return isMpnsRaw(headers) ? MPNS_MAX_RAW_PAYLOAD_BYTES : undefined;
    case "baidu":
    case "xiaomi":
    // The hub's 64 KB request limit (413, `checkRequestSize`) is a template's only one.
    case TEMPLATE_FORMAT:
      return undefined;
    default:
      return rule.maxBytes;
  }
}

/** Media types a format takes, from its descriptor's content types; `undefined` means any. */
function allowedMediaTypes(
  rule: FormatRule,
  headers: Readonly<Record<string, string>>,
): readonly string[] | undefined {
  switch (rule.format) {
    case "windows": {
      // One descriptor covers both: raw notifications take the raw content type, toasts, tiles and badges the rest.
      const raw = isWnsRaw(headers);
      return rule.mediaTypes.filter((type) => (type === WNS_RAW_CONTENT_TYPE) === raw);
    }
    case "windowsphone":
      return isMpnsRaw(headers) ? undefined : rule.mediaTypes;
    case "baidu":
      // The .NET SDK labels Baidu's JSON as a form; the service takes both.
      return [...rule.mediaTypes, "application/x-www-form-urlencoded"];
    default:
      return rule.mediaTypes;
  }
}

function checkContentType(
  rule: FormatRule,
  contentType: string | undefined,
  headers: Readonly<Record<string, string>>,
): void {
  const format = rule.format;
  if (!contentType) throw new HttpError(400, "The Content-Type header is missing.");
  const allowed = allowedMediaTypes(rule, headers);
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

function checkFormat(format: string | undefined, platforms: PlatformRegistry): FormatRule {
  if (!format) throw new HttpError(400, "The ServiceBusNotification-Format header is missing.");
  const rule = platforms.rule(format);
  if (rule) return rule;
  const hint = format === "fcm" ? ' (FCM legacy is "gcm", FCM v1 is "fcmv1")' : "";
  throw new HttpError(
    400,
    `The notification format "${format}" is not supported${hint}; use one of ${platforms.formats.join(", ")}.`,
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

/**
 * Checks the body's syntax, the one its descriptor's usual content type implies (raw notifications are opaque);
 * for templates returns the sent properties.
 */
function checkBody(
  rule: FormatRule,
  text: string,
  headers: Readonly<Record<string, string>>,
): Record<string, string> | undefined {
  const format = rule.format;
  if (text.length === 0) throw new HttpError(400, "The notification body is empty.");
  const syntax = isRaw(format, headers) ? "any" : rule.body;
  if (syntax === "xml") {
    const problem = xmlProblem(text);
    if (problem) throw new HttpError(400, `The notification body is not well-formed XML: ${problem}.`);
    return undefined;
  }
  if (syntax === "any") return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new HttpError(400, `The notification body is not well-formed JSON: ${(error as Error).message}.`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new HttpError(400, "The notification body must be a JSON object.");
  }
  if (format !== TEMPLATE_FORMAT) return undefined;
  // The property bag is keyed by the sender's names, any of which may be "__proto__" or "constructor".
  const properties = dictionary<string>();
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

/**
 * Parses `ServiceBusNotification-Tags`.
 *
 * @throws {HttpError} 400 for an expression the service would refuse.
 */
export function checkTags(value: string | undefined): TagExpression | undefined {
  if (value === undefined) return undefined;
  try {
    return parseTagExpression(value, "ServiceBusNotification-Tags");
  } catch (error) {
    if (ValidationError.isInstance(error))
      throw new HttpError(400, `The tag expression is not valid: ${error.message}.`);
    throw error;
  }
}

/** The content type a device gets a rendered template in: its format's usual one (WNS raw: the raw one). */
function contentTypeFor(rule: FormatRule | undefined, headers: Readonly<Record<string, string>>): string {
  if (rule?.format === "windows" && isWnsRaw(headers)) return WNS_RAW_CONTENT_TYPE;
  return rule?.contentType ?? "application/json;charset=utf-8";
}

function bytes(text: string): number {
  return Buffer.byteLength(text, "utf8");
}

function tooLarge(platform: string, size: number, limit: number): string {
  return `The notification payload is ${size} bytes; ${platform} takes at most ${limit}.`;
}

/**
 * Checks a notification the way the service does: format, platform headers, content type, body syntax and
 * the platform's payload limit, the formats and their content types and limits read from `platforms` (the
 * hub's). Direct sends (`direct`) cannot be templates.
 *
 * @throws {HttpError} 400 for a malformed notification, 403 for a payload over its platform's limit.
 */
export function checkNotification(input: {
  readonly format: string | undefined;
  readonly contentType: string | undefined;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: Buffer;
  readonly direct?: boolean;
  readonly platforms: PlatformRegistry;
}): CheckedNotification {
  const rule = checkFormat(input.format, input.platforms);
  const format = rule.format;
  if (input.direct && format === TEMPLATE_FORMAT)
    throw new HttpError(400, "Direct sends cannot use the template format.");
  checkPlatformHeaders(format, input.headers);
  checkContentType(rule, input.contentType, input.headers);
  const text = input.body.toString("utf8");
  const properties = checkBody(rule, text, input.headers);
  const platform = rule.platform;
  const limit = platformLimit(rule, input.headers);
  if (limit !== undefined && input.body.length > limit)
    throw new HttpError(403, tooLarge(rule.label, input.body.length, limit));
  return {
    format,
    ...(platform ? { platform } : {}),
    contentType: input.contentType!,
    headers: input.headers,
    body: text,
    ...(properties ? { properties } : {}),
  };
}

/** The send a delivery belongs to. */
export interface SendStamp {
  readonly notificationId: string;
  /** ISO-8601 delivery time. */
  readonly at: string;
}

function entryFor(target: RouteTarget, state: string, outcome: string): OutcomeEntry {
  return {
    platform: target.platform,
    state,
    applicationPlatform: PLATFORM_FORMATS[target.platform] ?? target.platform,
    pnsHandle: target.pushChannel,
    registrationId: target.outcomeId,
    ...(target.installationId !== "" ? { installationId: target.installationId } : {}),
    outcome,
    success: state === "Success",
  };
}

/** One delivery record, its fields in reading order: who, what, when. */
function delivery(
  target: RouteTarget,
  send: SendStamp,
  content: { format: string; headers: Record<string, string>; body: string; templateName?: string },
): Delivery {
  return {
    notificationId: send.notificationId,
    installationId: target.installationId,
    ...(target.registrationId !== undefined ? { registrationId: target.registrationId } : {}),
    ...(target.displayName !== undefined ? { displayName: target.displayName } : {}),
    platform: target.platform,
    pushChannel: target.pushChannel,
    format: content.format,
    headers: content.headers,
    body: content.body,
    ...(content.templateName !== undefined ? { templateName: content.templateName } : {}),
    at: send.at,
  };
}

function routeTemplates(
  platforms: PlatformRegistry,
  targets: readonly RouteTarget[],
  expression: TagExpression | undefined,
  properties: Readonly<Record<string, string>>,
  send: SendStamp,
  max: number,
): Routed {
  const deliveries: Delivery[] = [];
  const outcome: OutcomeEntry[] = [];
  const now = Date.parse(send.at);
  for (const target of targets) {
    if (outcome.length >= max) break;
    if (expression && !matchesTagExpression(expression, target.tags)) continue;
    // An expired template registration receives nothing.
    if (isExpired(target.expiry, now)) continue;
    const { name, template } = target.template!;
    let rendered: RenderedTemplate;
    try {
      // Sent properties win over the device's push variables [unverified: no source pins the precedence down].
      rendered = renderInstallationTemplate(
        template,
        Object.assign(dictionary<string>(), target.pushVariables, properties),
      );
    } catch (error) {
      outcome.push(
        entryFor(
          target,
          "InvalidNotificationFormat",
          `The template could not be rendered: ${(error as Error).message}`,
        ),
      );
      continue;
    }
    const rule = platforms.ruleFor(target.platform);
    const limit = rule === undefined ? undefined : platformLimit(rule, rendered.headers);
    const size = bytes(rendered.body);
    if (limit !== undefined && size > limit) {
      outcome.push(entryFor(target, "InvalidNotificationSize", tooLarge(target.platform, size, limit)));
      continue;
    }
    deliveries.push(
      delivery(target, send, {
        format: "template",
        headers: { ...rendered.headers, "content-type": contentTypeFor(rule, rendered.headers) },
        body: rendered.body,
        ...(name !== undefined ? { templateName: name } : {}),
      }),
    );
    outcome.push(entryFor(target, "Success", OUTCOME_SENT));
  }
  return { deliveries, outcome };
}

function nativeContent(n: CheckedNotification) {
  return { format: n.format, headers: { ...n.headers, "content-type": n.contentType }, body: n.body };
}

/**
 * Routes a tag or broadcast send (`expression` undefined) to the hub's devices as they are now: native formats
 * to the matching installations and native registrations of their platform, templates to every matching
 * template. `max` caps the registrations reached (10 for test sends).
 */
export function routeByTags(
  hub: HubState,
  n: CheckedNotification,
  expression: TagExpression | undefined,
  send: SendStamp,
  max = Number.POSITIVE_INFINITY,
): Routed {
  if (n.properties) {
    return hub.deviceOutcomes.apply(
      routeTemplates(
        hub.platforms,
        templateTargets(hub.installations(), hub.registrations()),
        expression,
        n.properties,
        send,
        max,
      ),
      send.notificationId,
      send.at,
    );
  }
  const targets: RouteTarget[] = [];
  for (const target of nativeTargets(hub.installations(), hub.registrations())) {
    if (targets.length >= max) break;
    if (target.platform !== n.platform) continue;
    if (expression && !matchesTagExpression(expression, target.tags)) continue;
    targets.push(target);
  }
  const content = nativeContent(n);
  const routed = {
    deliveries: targets.map((t) => delivery(t, send, content)),
    outcome: targets.map((t) => entryFor(t, "Success", OUTCOME_SENT)),
  };
  return hub.deviceOutcomes.apply(routed, send.notificationId, send.at);
}

/**
 * Routes a direct send to device handles: each reaches the installation or registration holding it, or a
 * stand-in with empty ids when none does (the service sends to any handle it is given).
 */
export function routeToHandles(
  hub: HubState,
  n: CheckedNotification,
  handles: readonly string[],
  send: SendStamp,
): Routed {
  const installations = hub.installations();
  const registrations = hub.registrations();
  const targets = handles.map((h) => handleTarget(installations, registrations, n.platform!, h));
  const content = nativeContent(n);
  const routed = {
    deliveries: targets.map((t) => delivery(t, send, content)),
    outcome: targets.map((t) => entryFor(t, "Success", OUTCOME_SENT)),
  };
  return hub.deviceOutcomes.apply(routed, send.notificationId, send.at);
}

/** Whether the query asks for a direct send: `direct=true`, or a bare `direct` as the REST docs write it. */
export function isDirect(query: URLSearchParams): boolean {
  return query.has("direct") && query.get("direct")!.toLowerCase() !== "false";
}

/** The `Location` of a notification: its outcome details, `{origin}/{hub}/messages/{id}?api-version=...`. */
export function messageLocation(req: HubHttpRequest, hub: HubState, notificationId: string): string {
  return `${req.origin}/${hub.name}/messages/${notificationId}?api-version=${req.query.get("api-version")}`;
}

/** Refuses a body over the service's 64 KB request limit. */
export function checkRequestSize(req: HubHttpRequest): void {
  if (req.bodySize > MAX_REQUEST_BODY_BYTES) {
    throw new HttpError(
      413,
      `The request body is ${req.bodySize} bytes; the limit is ${MAX_REQUEST_BODY_BYTES}.`,
    );
  }
}

/** `N delivery` / `N deliveries`, for log lines. */
export function deliveryNote(routed: Routed): string {
  const n = routed.deliveries.length;
  return `${n} ${n === 1 ? "delivery" : "deliveries"}`;
}

/**
 * Handles `POST /{hub}/messages/` (tag, broadcast, test and direct sends).
 *
 * @throws {HttpError} 400 for a malformed send, 403 for a payload over its platform's limit, 413 for a body
 * over 64 KB.
 */
export function handleSend(hub: HubState, req: HubHttpRequest): Reply {
  checkRequestSize(req);
  const test = req.query.get("test") === "true";
  const direct = isDirect(req.query);
  if (test && direct)
    throw new HttpError(400, "test=true applies to tag and broadcast sends, not to direct sends.");
  const n = checkNotification({
    format: header(req, "servicebusnotification-format"),
    contentType: header(req, "content-type"),
    headers: platformHeaders(req.rawHeaders),
    body: req.body,
    direct,
    platforms: hub.platforms,
  });
  const tags = direct ? undefined : header(req, "servicebusnotification-tags");
  const expression = checkTags(tags);

  const notificationId = randomUUID();
  const send = { notificationId, at: new Date().toISOString() };
  const routed = direct
    ? routeToHandles(hub, n, [directHandle(req, n.platform!)], send)
    : routeByTags(hub, n, expression, send, test ? TEST_SEND_MAX_RESULTS : undefined);
  hub.recordDeliveries(routed.deliveries);
  const location = messageLocation(req, hub, notificationId);
  recordSendOutcome(hub, { notificationId, location, notification: n, tags, routed, enqueuedAt: send.at });

  const note = deliveryNote(routed);
  // Only a Standard hub tells the sender the notification id (there is no telemetry to read it with otherwise).
  const locationHeader: Record<string, string> = hub.tier === "standard" ? { Location: location } : {};
  if (!test) return { status: 201, headers: locationHeader, note };
  return {
    status: 201,
    headers: { ...locationHeader, "Content-Type": "application/xml; charset=utf-8" },
    body: outcomeXml(routed.outcome),
    note,
  };
}

/** The handle of a single direct send, with the browser keys the service requires. */
function directHandle(req: HubHttpRequest, platform: InstallationPlatform): string {
  const handle = header(req, "servicebusnotification-devicehandle");
  if (!handle)
    throw new HttpError(400, "A direct send needs the ServiceBusNotification-DeviceHandle header.");
  if (platform === "browser" && (!header(req, "auth") || !header(req, "p256dh"))) {
    throw new HttpError(400, "A direct browser send needs the Auth and P256DH headers.");
  }
  return handle;
}
