/**
 * Registration descriptions in the service's Atom XML: every platform's native and template kind
 * (`AppleRegistrationDescription`, `FcmV1TemplateRegistrationDescription`, ...), read from request entries and
 * written back with the stored `RegistrationId`, `ETag` and `ExpirationTime`.
 */
import { childList, childText, parseAtomContent, type XmlNode } from "./emulator-atom";
import { HttpError } from "./emulator-http";
import { dictionary, isReservedName, parseJsonSafely, RESERVED_NAMES } from "./emulator-safe";
import { cdata, element, SERVICE_NAMESPACE, XSI_NAMESPACE } from "./emulator-xml";
import type { InstallationPlatform, Registration, RegistrationTemplate } from "./types";

/** What one registration kind holds besides the common elements. */
export interface KindSpec {
  readonly platform: InstallationPlatform;
  /** The handle elements, in the order the service writes them. */
  readonly fields: readonly string[];
  /** The template header list, e.g. `WnsHeaders` holding `WnsHeader` items. */
  readonly headers?: readonly [string, string];
  /** Optional elements written after `fields` when given, e.g. WNS and MPNS `SecondaryTileName`. */
  readonly optionalFields?: readonly string[];
}

/** The registration kinds (without the `Template` suffix) and the platform each reaches. */
export const REGISTRATION_KINDS: Readonly<Record<string, KindSpec>> = Object.freeze({
  Apple: { platform: "apns", fields: ["DeviceToken"], headers: ["ApnsHeaders", "ApnsHeader"] },
  Gcm: { platform: "gcm", fields: ["GcmRegistrationId"] },
  // Older SDKs name FCM legacy registrations `Fcm`; the service treats them as GCM.
  Fcm: { platform: "gcm", fields: ["FcmRegistrationId"] },
  FcmV1: { platform: "fcmv1", fields: ["FcmV1RegistrationId"] },
  Windows: {
    platform: "wns",
    fields: ["ChannelUri"],
    headers: ["WnsHeaders", "WnsHeader"],
    optionalFields: ["SecondaryTileName"],
  },
  Mpns: {
    platform: "mpns",
    fields: ["ChannelUri"],
    headers: ["MpnsHeaders", "MpnsHeader"],
    optionalFields: ["SecondaryTileName"],
  },
  Adm: { platform: "adm", fields: ["AdmRegistrationId"] },
  Baidu: { platform: "baidu", fields: ["BaiduUserId", "BaiduChannelId"] },
  Browser: { platform: "browser", fields: ["Endpoint", "P256DH", "Auth"] },
  Xiaomi: { platform: "xiaomi", fields: ["XiaomiRegistrationId"] },
});

/** A registration as read from a request, before it is checked and stored. */
export interface ParsedRegistration {
  /** e.g. `Apple` or `AppleTemplate`. */
  readonly kind: string;
  readonly platform: InstallationPlatform;
  readonly channelFields: Readonly<Record<string, string>>;
  readonly tags: readonly string[];
  readonly pushVariables?: Readonly<Record<string, string>>;
  /** The `RegistrationId` in the body, if the client sent one. */
  readonly registrationId?: string;
  readonly template?: RegistrationTemplate;
}

const DESCRIPTION = /^(.+?)(Template)?RegistrationDescription$/;

function required(node: XmlNode, name: string, kind: string): string {
  const value = childText(node, name)?.trim();
  if (!value) throw new HttpError(400, `A ${kind}RegistrationDescription needs a non-empty ${name}.`);
  return value;
}

function optional(node: XmlNode, name: string): string | undefined {
  const value = childText(node, name)?.trim();
  return value === undefined || value === "" ? undefined : value;
}

function reservedName(where: string, name: string): HttpError {
  return new HttpError(
    400,
    `${where} cannot use the name "${name}" (${[...RESERVED_NAMES].join(", ")} are reserved).`,
  );
}

function parsePushVariables(text: string | undefined): Record<string, string> | undefined {
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = parseJsonSafely(text);
  } catch {
    throw new HttpError(400, "PushVariables must be a JSON object of strings without a __proto__ key.");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new HttpError(400, "PushVariables must be a JSON object of strings.");
  }
  const out = dictionary<string>();
  for (const [k, v] of Object.entries(value)) {
    if (isReservedName(k)) throw reservedName("PushVariables", k);
    if (typeof v !== "string") throw new HttpError(400, `PushVariables "${k}" must be a string.`);
    out[k] = v;
  }
  return out;
}

function parseHeaders(
  node: XmlNode,
  spec: readonly [string, string] | undefined,
): Record<string, string> | undefined {
  if (!spec) return undefined;
  const items = childList(node, spec[0], spec[1]);
  if (items.length === 0) return undefined;
  const headers = dictionary<string>();
  for (const item of items) {
    const name = childText(item, "Header")?.trim();
    if (!name) throw new HttpError(400, `Each ${spec[1]} needs a Header name.`);
    if (isReservedName(name)) throw reservedName(spec[1], name);
    headers[name] = childText(item, "Value")?.trim() ?? "";
  }
  return headers;
}

/**
 * Reads a registration entry (`<entry><content><XRegistrationDescription>`), in any element order.
 *
 * @throws {HttpError} 400 for malformed XML, an unknown kind or a missing handle or body template.
 */
export function parseRegistrationEntry(body: Buffer): ParsedRegistration {
  const { name, value } = parseAtomContent(body, "registration");
  const m = DESCRIPTION.exec(name);
  const spec = m ? REGISTRATION_KINDS[m[1]!] : undefined;
  if (!m || !spec) {
    throw new HttpError(
      400,
      `"${name}" is not a registration description; use one of ${Object.keys(REGISTRATION_KINDS)
        .map((k) => `${k}RegistrationDescription`)
        .join(", ")} or their Template variants.`,
    );
  }
  const given = m[1]!;
  const channelFields: Record<string, string> = {};
  for (const field of spec.fields) channelFields[field] = required(value, field, `${given}${m[2] ?? ""}`);
  for (const field of spec.optionalFields ?? []) {
    const text = optional(value, field);
    if (text !== undefined) channelFields[field] = text;
  }
  // The service stores what it was given in its own terms: an FCM legacy registration written as `Fcm` comes back
  // as `Gcm` (with `GcmRegistrationId`), and an APNs token comes back upper-cased.
  const base = given === "Fcm" ? "Gcm" : given;
  if (given === "Fcm") {
    channelFields["GcmRegistrationId"] = channelFields["FcmRegistrationId"]!;
    delete channelFields["FcmRegistrationId"];
  }
  if (channelFields["DeviceToken"] !== undefined)
    channelFields["DeviceToken"] = channelFields["DeviceToken"].toUpperCase();
  const kind = m[2] ? `${base}Template` : base;
  const tags = (childText(value, "Tags") ?? "")
    .split(",")
    .map((t) => t.trim())
    .filter((t) => t !== "");
  const pushVariables = parsePushVariables(optional(value, "PushVariables"));
  const registrationId = optional(value, "RegistrationId");
  let template: RegistrationTemplate | undefined;
  if (m[2]) {
    const headers = parseHeaders(value, spec.headers);
    const templateName = optional(value, "TemplateName");
    const expiry = base === "Apple" ? optional(value, "Expiry") : undefined;
    const priority = base === "Apple" ? optional(value, "Priority") : undefined;
    template = {
      body: required(value, "BodyTemplate", kind),
      ...(headers ? { headers } : {}),
      ...(templateName !== undefined ? { name: templateName } : {}),
      ...(expiry !== undefined ? { expiry } : {}),
      ...(priority !== undefined ? { priority } : {}),
    };
  }
  return {
    kind,
    platform: spec.platform,
    channelFields,
    tags,
    ...(pushVariables ? { pushVariables } : {}),
    ...(registrationId !== undefined ? { registrationId } : {}),
    ...(template ? { template } : {}),
  };
}

function headersXml(
  spec: readonly [string, string] | undefined,
  headers: Readonly<Record<string, string>> | undefined,
): string {
  if (!spec || !headers || Object.keys(headers).length === 0) return "";
  const items = Object.entries(headers)
    .map(([name, value]) => `<${spec[1]}>${element("Header", name)}${element("Value", value)}</${spec[1]}>`)
    .join("");
  return `<${spec[0]}>${items}</${spec[0]}>`;
}

/** The template elements in the service's data-contract order for the kind. */
function templateXml(base: string, spec: KindSpec, t: RegistrationTemplate): string {
  const body = `<BodyTemplate>${cdata(t.body)}</BodyTemplate>`;
  const name = t.name !== undefined ? element("TemplateName", t.name) : "";
  if (base === "Apple") {
    return (
      body +
      (t.expiry !== undefined ? element("Expiry", t.expiry) : "") +
      name +
      (t.priority !== undefined ? element("Priority", t.priority) : "") +
      headersXml(spec.headers, t.headers)
    );
  }
  return body + headersXml(spec.headers, t.headers) + name;
}

/** The `XRegistrationDescription` element of a stored registration. */
export function registrationXml(r: Registration): string {
  const template = r.kind.endsWith("Template");
  const base = template ? r.kind.slice(0, -"Template".length) : r.kind;
  const spec = REGISTRATION_KINDS[base]!;
  const name = `${r.kind}RegistrationDescription`;
  return (
    `<${name} xmlns="${SERVICE_NAMESPACE}" xmlns:i="${XSI_NAMESPACE}">` +
    element("ETag", r.etag) +
    element("ExpirationTime", r.expirationTime) +
    element("RegistrationId", r.registrationId) +
    (r.tags.length > 0 ? element("Tags", r.tags.join(",")) : "") +
    (r.pushVariables ? element("PushVariables", JSON.stringify(r.pushVariables)) : "") +
    spec.fields.map((f) => element(f, r.channelFields[f] ?? "")).join("") +
    (spec.optionalFields ?? [])
      .filter((f) => r.channelFields[f] !== undefined)
      .map((f) => element(f, r.channelFields[f]!))
      .join("") +
    (r.template ? templateXml(base, spec, r.template) : "") +
    `</${name}>`
  );
}
