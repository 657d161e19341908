/**
 * Registration descriptions on the wire: checking one, writing it as an Atom entry (elements in the order the
 * official .NET SDK's data contracts give them), and reading entries and feeds the service sends back.
 */
import { describeValue, isPlainObject, quoteExcerpt, ValidationError } from "@nhub/core";
import { assertWellFormedXml, escapeXml } from "@nhub/xml";
import {
  atomEntry,
  children,
  entryContent,
  parseServiceDate,
  parseXml,
  text,
  unexpectedResponse,
  type XmlNode,
} from "./atom-xml";
import {
  checkExpiry,
  checkHeaderRecord,
  checkJsonBody,
  checkStringRecord,
  checkTagList,
  headerValue,
  isTemplateExpression,
  MAX_TEMPLATE_NAME_LENGTH,
  optionalText,
  requireId,
  requireText,
} from "./field-checks";
import {
  checkExtensionElements,
  descriptionChildren,
  extensionElementsOf,
  interleave,
  type RawChild,
  type RegistrationExtensionElement,
} from "./registration-extension";
import {
  REGISTRATION_KINDS,
  type RegistrationDescription,
  type RegistrationKind,
} from "./registration-types";

type FieldType = "text" | "headers" | "int" | "expiry";

interface FieldSpec {
  /** The XML element. */
  readonly element: string;
  /** The property of the description. */
  readonly key: string;
  readonly type: FieldType;
  readonly required: boolean;
  /** For header collections: the element of one header, e.g. `ApnsHeader`. */
  readonly item?: string;
}

const field = (element: string, key: string, required = true, type: FieldType = "text", item?: string) =>
  ({ element, key, required, type, item }) as FieldSpec;

type BaseKind = Exclude<RegistrationKind, `${string}Template`>;

// The device-handle elements of each platform, in data-contract order.
const HANDLE_FIELDS: Readonly<Record<BaseKind, readonly FieldSpec[]>> = {
  Apple: [field("DeviceToken", "deviceToken")],
  Gcm: [field("GcmRegistrationId", "gcmRegistrationId")],
  FcmV1: [field("FcmV1RegistrationId", "fcmV1RegistrationId")],
  Windows: [field("ChannelUri", "channelUri"), field("SecondaryTileName", "secondaryTileName", false)],
  Mpns: [field("ChannelUri", "channelUri"), field("SecondaryTileName", "secondaryTileName", false)],
  Adm: [field("AdmRegistrationId", "admRegistrationId")],
  Baidu: [field("BaiduUserId", "baiduUserId"), field("BaiduChannelId", "baiduChannelId")],
  Browser: [field("Endpoint", "endpoint"), field("P256DH", "p256dh"), field("Auth", "auth")],
  Xiaomi: [field("XiaomiRegistrationId", "xiaomiRegistrationId")],
};

const TEMPLATE_NAME = field("TemplateName", "templateName", false);

// What follows <BodyTemplate> in each template kind, in data-contract order.
const TEMPLATE_TAIL: Readonly<Record<BaseKind, readonly FieldSpec[]>> = {
  Apple: [
    field("Expiry", "expiry", false, "expiry"),
    TEMPLATE_NAME,
    field("Priority", "priority", false),
    field("ApnsHeaders", "apnsHeaders", false, "headers", "ApnsHeader"),
  ],
  Gcm: [TEMPLATE_NAME],
  FcmV1: [TEMPLATE_NAME],
  Windows: [field("WnsHeaders", "wnsHeaders", true, "headers", "WnsHeader"), TEMPLATE_NAME],
  Mpns: [field("MpnsHeaders", "mpnsHeaders", false, "headers", "MpnsHeader"), TEMPLATE_NAME],
  Adm: [TEMPLATE_NAME],
  Baidu: [TEMPLATE_NAME, field("MessageType", "messageType", false, "int")],
  Browser: [TEMPLATE_NAME],
  Xiaomi: [TEMPLATE_NAME],
};

const BODY_TEMPLATE = field("BodyTemplate", "bodyTemplate");

// The properties that hold a device handle (which never contains whitespace).
const HANDLE_KEYS = new Set(
  Object.values(HANDLE_FIELDS)
    .flat()
    .filter((f) => f.required)
    .map((f) => f.key),
);

/** The platform elements of a kind, after the common ones, in the order they are written. */
function platformFields(kind: RegistrationKind): readonly FieldSpec[] {
  if (kind.endsWith("Template")) {
    const base = kind.slice(0, -"Template".length) as BaseKind;
    return [...HANDLE_FIELDS[base], BODY_TEMPLATE, ...TEMPLATE_TAIL[base]];
  }
  return HANDLE_FIELDS[kind as BaseKind];
}

/** The XML root element of a kind. */
export function registrationRootElement(kind: RegistrationKind): string {
  return `${kind}RegistrationDescription`;
}

/**
 * The element names a registration of `kind` is written with, in order (read-only ones included), e.g. for
 * `Apple`: `ETag, ExpirationTime, RegistrationId, Tags, PushVariables, DeviceToken`. For tools and emulators that
 * check element order.
 */
export function registrationElementOrder(kind: RegistrationKind): string[] {
  return [
    "ETag",
    "ExpirationTime",
    "RegistrationId",
    "Tags",
    "PushVariables",
    ...platformFields(kind).map((f) => f.element),
  ];
}

const JSON_TEMPLATE_KINDS = new Set<RegistrationKind>([
  "AppleTemplate",
  "GcmTemplate",
  "FcmV1Template",
  "AdmTemplate",
  "BaiduTemplate",
  "BrowserTemplate",
  "XiaomiTemplate",
]);

type Values = Record<string, unknown>;

function checkHandle(kind: RegistrationKind, key: string, value: string): void {
  if (key === "deviceToken" && !(/^[0-9A-Fa-f]+$/.test(value) && value.length % 2 === 0)) {
    throw new ValidationError(
      key,
      "hex",
      "an APNs device token is hexadecimal with an even number of digits",
    );
  }
  if (key === "channelUri" || key === "endpoint") {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw new ValidationError(key, "url", `${key} must be an absolute URL`);
    }
    if (url.protocol !== "https:" && url.protocol !== "http:") {
      throw new ValidationError(
        key,
        "url",
        `${key} must be an http(s) URL, not ${quoteExcerpt(url.protocol)}`,
      );
    }
  }
  if (/\s/.test(value) && HANDLE_KEYS.has(key)) {
    throw new ValidationError(key, "characters", `${key} cannot contain whitespace (kind ${kind})`);
  }
}

function checkHeaders(kind: RegistrationKind, spec: FieldSpec, value: unknown): Record<string, string> {
  const headers = checkHeaderRecord(value, spec.key);
  const seen = new Set<string>();
  for (const name of Object.keys(headers)) {
    const lower = name.toLowerCase();
    if (seen.has(lower)) {
      throw new ValidationError(
        `${spec.key}.${name}`,
        "duplicate",
        `header ${quoteExcerpt(name)} is given twice`,
      );
    }
    seen.add(lower);
    if (spec.key === "apnsHeaders" && !lower.startsWith("apns-")) {
      throw new ValidationError(
        `${spec.key}.${name}`,
        "apns-header",
        "APNs template headers start with apns-",
      );
    }
  }
  if (kind === "WindowsTemplate" && headerValue(headers, "X-WNS-Type") === undefined) {
    throw new ValidationError(
      "wnsHeaders.X-WNS-Type",
      "required",
      "a WNS template needs an X-WNS-Type header (wns/toast, wns/tile, wns/badge or wns/raw)",
    );
  }
  return headers;
}

function checkBody(kind: RegistrationKind, values: Values): void {
  const body = values["bodyTemplate"] as string;
  if (JSON_TEMPLATE_KINDS.has(kind)) {
    checkJsonBody(body, "bodyTemplate");
  } else if (kind === "WindowsTemplate") {
    const type = headerValue(values["wnsHeaders"] as Record<string, string>, "X-WNS-Type");
    if (type?.toLowerCase() !== "wns/raw") assertWellFormedXml(body, "bodyTemplate");
  } else if (kind === "MpnsTemplate" && body.trimStart().startsWith("<")) {
    assertWellFormedXml(body, "bodyTemplate");
  }
}

/**
 * Checks a registration description and returns a plain copy holding its known fields and its extension
 * elements, with `expiry` turned into the string that is sent.
 *
 * @throws {ValidationError} naming the field at fault.
 */
export function checkRegistration(registration: RegistrationDescription): RegistrationDescription {
  if (!isPlainObject(registration)) {
    throw new ValidationError(
      "registration",
      "type",
      `a registration must be an object, not ${describeValue(registration)}`,
    );
  }
  const input = registration as unknown as Values;
  const kind = input["kind"] as RegistrationKind;
  if (!REGISTRATION_KINDS.includes(kind)) {
    throw new ValidationError("kind", "one-of", `kind must be one of ${REGISTRATION_KINDS.join(", ")}`);
  }
  const template = kind.endsWith("Template");
  if (!template && input["bodyTemplate"] !== undefined) {
    throw new ValidationError(
      "bodyTemplate",
      "kind",
      `a ${kind} registration has no template; use kind "${kind}Template"`,
    );
  }
  const out: Values = { kind };
  if (input["registrationId"] !== undefined) {
    out["registrationId"] = requireId(input["registrationId"], "registrationId");
  }
  if (input["etag"] !== undefined) out["etag"] = requireText(input["etag"], "etag");
  if (input["expirationTime"] !== undefined) {
    const time = input["expirationTime"];
    if (!(time instanceof Date) || Number.isNaN(time.getTime())) {
      throw new ValidationError("expirationTime", "type", "expirationTime must be a valid Date");
    }
    out["expirationTime"] = new Date(time.getTime());
  }
  if (input["tags"] !== undefined) out["tags"] = checkTagList(input["tags"], "tags");
  if (input["pushVariables"] !== undefined) {
    out["pushVariables"] = checkStringRecord(input["pushVariables"], "pushVariables");
  }
  if (input["extensionElements"] !== undefined) {
    out["extensionElements"] = checkExtensionElements(
      input["extensionElements"],
      registrationElementOrder(kind),
    );
  }
  for (const spec of platformFields(kind)) {
    const value = input[spec.key];
    if (value === undefined) {
      if (spec.required)
        throw new ValidationError(spec.key, "required", `a ${kind} registration needs ${spec.key}`);
      continue;
    }
    if (spec.type === "headers") {
      out[spec.key] = checkHeaders(kind, spec, value);
    } else if (spec.type === "int") {
      if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
        throw new ValidationError(spec.key, "integer", `${spec.key} must be a non-negative integer`);
      }
      out[spec.key] = value;
    } else if (spec.type === "expiry") {
      out[spec.key] = checkExpiry(value, "expiry");
    } else if (spec.key === "bodyTemplate") {
      if (typeof value !== "string" || value.trim() === "") {
        throw new ValidationError("bodyTemplate", "required", "bodyTemplate must be a non-empty string");
      }
      out[spec.key] = value;
    } else {
      const textValue = spec.required
        ? requireText(value, spec.key)
        : (optionalText(value, spec.key) as string);
      checkHandle(kind, spec.key, textValue);
      out[spec.key] = textValue;
    }
  }
  const name = out["templateName"] as string | undefined;
  if (name !== undefined && name.length > MAX_TEMPLATE_NAME_LENGTH) {
    throw new ValidationError(
      "templateName",
      "max-length",
      `templateName is ${name.length} characters; the limit is ${MAX_TEMPLATE_NAME_LENGTH}`,
    );
  }
  const priority = out["priority"] as string | undefined;
  if (priority !== undefined && !isTemplateExpression(priority) && !["10", "5", "1"].includes(priority)) {
    throw new ValidationError(
      "priority",
      "one-of",
      'priority must be "10", "5", "1" or a template expression',
    );
  }
  if (template) checkBody(kind, out);
  return out as unknown as RegistrationDescription;
}

/** Options of {@link registrationToAtomXml}. */
export interface RegistrationXmlOptions {
  /**
   * Also write the read-only elements `ETag`, `ExpirationTime` and `RegistrationId` (as the service does in its
   * answers). Requests never carry them: the id travels in the URL and the ETag in `If-Match`.
   */
  readonly includeReadOnly?: boolean;
}

function element(name: string, value: string, fieldName: string): string {
  return `<${name}>${escapeXml(value, fieldName)}</${name}>`;
}

// Sorted case-insensitively, as the .NET SDK's header collections are, so the same headers always give the same XML.
function headersXml(spec: FieldSpec, headers: Readonly<Record<string, string>>): string {
  const names = Object.keys(headers).sort((a, b) => {
    const x = a.toUpperCase();
    const y = b.toUpperCase();
    return x < y ? -1 : x > y ? 1 : 0;
  });
  const items = names
    .map(
      (name) =>
        `<${spec.item}>${element("Header", name, `${spec.key}.${name}`)}` +
        `${element("Value", headers[name]!, `${spec.key}.${name}`)}</${spec.item}>`,
    )
    .join("");
  return `<${spec.element}>${items}</${spec.element}>`;
}

/**
 * Checks a registration and writes it as the Atom entry the service takes: the common elements (`Tags` as a
 * comma-separated list, `PushVariables` as JSON) then the platform's, in data-contract order, all text escaped;
 * extension elements go back, unchanged, where the service had them.
 *
 * @throws {ValidationError} for an invalid registration; nothing is written.
 */
export function registrationToAtomXml(
  registration: RegistrationDescription,
  options: RegistrationXmlOptions = {},
): string {
  const checked = checkRegistration(registration) as unknown as Values;
  const kind = checked["kind"] as RegistrationKind;
  const written = new Map<string, string>();
  if (options.includeReadOnly) {
    if (checked["etag"] !== undefined)
      written.set("ETag", element("ETag", checked["etag"] as string, "etag"));
    if (checked["expirationTime"] !== undefined) {
      const time = (checked["expirationTime"] as Date).toISOString();
      written.set("ExpirationTime", element("ExpirationTime", time, "expirationTime"));
    }
    if (checked["registrationId"] !== undefined) {
      const id = checked["registrationId"] as string;
      written.set("RegistrationId", element("RegistrationId", id, "registrationId"));
    }
  }
  const tags = checked["tags"] as string[] | undefined;
  if (tags !== undefined && tags.length > 0) written.set("Tags", element("Tags", tags.join(","), "tags"));
  const variables = checked["pushVariables"] as Record<string, string> | undefined;
  if (variables !== undefined && Object.keys(variables).length > 0) {
    written.set("PushVariables", element("PushVariables", JSON.stringify(variables), "pushVariables"));
  }
  for (const spec of platformFields(kind)) {
    const value = checked[spec.key];
    if (value === undefined) continue;
    if (spec.type === "headers") {
      const headers = value as Record<string, string>;
      if (Object.keys(headers).length > 0) written.set(spec.element, headersXml(spec, headers));
    } else {
      written.set(spec.element, element(spec.element, String(value), spec.key));
    }
  }
  const extensions = (checked["extensionElements"] as RegistrationExtensionElement[] | undefined) ?? [];
  const xml = interleave(registrationElementOrder(kind), written, extensions);
  return atomEntry(registrationRootElement(kind), xml);
}

const ROOT_TO_KIND = new Map<string, RegistrationKind>(
  REGISTRATION_KINDS.map((kind) => [registrationRootElement(kind), kind]),
);

function readHeaders(node: XmlNode, spec: FieldSpec): Record<string, string> | undefined {
  const container = node[spec.element];
  if (container === undefined) return undefined;
  const headers: [string, string][] = [];
  for (const item of children(container, spec.item!)) {
    const name = text(item, "Header");
    if (name !== undefined) headers.push([name, text(item, "Value") ?? ""]);
  }
  return Object.fromEntries(headers);
}

/** Builds a registration description from the parsed `<...RegistrationDescription>` element. */
function registrationFromNode(
  rootName: string,
  node: XmlNode,
  raw: readonly RawChild[] | undefined,
): RegistrationDescription {
  const kind = ROOT_TO_KIND.get(rootName);
  if (kind === undefined) throw unexpectedResponse(`unknown registration type ${rootName}`);
  const out: Values = { kind };
  const id = text(node, "RegistrationId");
  if (id !== undefined) out["registrationId"] = id;
  const etag = text(node, "ETag");
  if (etag !== undefined) out["etag"] = etag;
  const expiration = parseServiceDate(text(node, "ExpirationTime"));
  if (expiration !== undefined) out["expirationTime"] = expiration;
  const tags = text(node, "Tags");
  // Tags hold no whitespace; the REST reference's own examples write "myTag, myOtherTag".
  if (tags !== undefined)
    out["tags"] = tags
      .split(",")
      .map((t) => t.trim())
      .filter((t) => t !== "");
  const variables = text(node, "PushVariables");
  if (variables !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(variables);
    } catch (error) {
      throw unexpectedResponse(`PushVariables of ${id ?? rootName} is not JSON`, error);
    }
    if (!isPlainObject(parsed))
      throw unexpectedResponse(`PushVariables of ${id ?? rootName} is not an object`);
    out["pushVariables"] = Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, String(v)]));
  }
  for (const spec of platformFields(kind)) {
    if (spec.type === "headers") {
      const headers = readHeaders(node, spec);
      if (headers !== undefined) out[spec.key] = headers;
      continue;
    }
    const value = text(node, spec.element);
    if (value === undefined) {
      if (spec.required) throw unexpectedResponse(`${rootName} ${id ?? ""} has no ${spec.element}`);
      continue;
    }
    out[spec.key] = spec.type === "int" ? Number(value.trim()) : value;
  }
  if (kind === "WindowsTemplate" && out["wnsHeaders"] === undefined) out["wnsHeaders"] = {};
  const extensions = extensionElementsOf(raw ?? [], registrationElementOrder(kind));
  if (extensions.length > 0) out["extensionElements"] = extensions;
  return out as unknown as RegistrationDescription;
}

const isRegistrationRoot = (name: string) => name.endsWith("RegistrationDescription");

/**
 * Reads the Atom entry of one registration (the answer to create, update and get).
 *
 * @throws {NhubError} with code `NHUB_UNEXPECTED_RESPONSE` when the XML is not a registration entry.
 */
export async function parseRegistrationEntry(xml: string): Promise<RegistrationDescription> {
  const doc = await parseXml(xml);
  const found = entryContent(children(doc, "entry")[0], isRegistrationRoot);
  if (found === undefined) throw unexpectedResponse("the body is not an Atom entry holding a registration");
  return registrationFromNode(found.name, found.node, descriptionChildren(xml)[0]);
}

/**
 * Reads an Atom feed of registrations (the answer to the list operations); an empty feed gives `[]`.
 *
 * @throws {NhubError} with code `NHUB_UNEXPECTED_RESPONSE` when the XML is not a feed of registrations.
 */
export async function parseRegistrationFeed(xml: string): Promise<RegistrationDescription[]> {
  const doc = await parseXml(xml);
  const feed = doc["feed"];
  if (feed === undefined || (feed !== "" && typeof feed !== "object")) {
    throw unexpectedResponse("the body is not an Atom feed");
  }
  const raw = descriptionChildren(xml);
  return children(feed, "entry").map((entry, i) => {
    const found = entryContent(entry, isRegistrationRoot);
    if (found === undefined) throw unexpectedResponse("a feed entry holds no registration");
    return registrationFromNode(found.name, found.node, raw[i]);
  });
}
