/**
 * Installations: the JSON device model of `PUT/GET/DELETE {hub}/installations/{id}`, its checks, and the system
 * tags that address one installation or one user.
 */
import {
  assertTag,
  type BrowserPushChannel,
  describeValue,
  encodePathSegment,
  isPlainObject,
  type NotificationHub,
  ServiceError,
  ValidationError,
} from "@nhub/core";
import { assertWellFormedXml } from "@nhub/xml";
import { unexpectedResponse } from "./atom-xml";
import { appendExtensionData, type ExtensionData, readExtensionData } from "./extension-data";
import {
  checkExpiry,
  checkHeaderRecord,
  checkJsonBody,
  checkStringRecord,
  checkTagList,
  headerValue,
  MAX_TEMPLATE_NAME_LENGTH,
  requireText,
} from "./field-checks";
import { type OperationOptions, requestOptions } from "./operation-options";

/** The platforms an installation can be on, as the service spells them. */
export type InstallationPlatform =
  | "apns"
  | "wns"
  | "mpns"
  | "gcm"
  | "fcmv1"
  | "adm"
  | "baidu"
  | "browser"
  | "xiaomi";

/** Every {@link InstallationPlatform}. */
export const INSTALLATION_PLATFORMS: readonly InstallationPlatform[] = Object.freeze([
  "apns",
  "wns",
  "mpns",
  "gcm",
  "fcmv1",
  "adm",
  "baidu",
  "browser",
  "xiaomi",
]);

// A browser installation's or registration's push channel is the Web Push subscription a direct send takes:
// one type, defined in core, so a subscription moves between the three without conversion.
export type { BrowserPushChannel };

/** One named template of an installation. */
export interface InstallationTemplate {
  /** The body in the template expression language: JSON for most platforms, XML for `wns` and `mpns`. */
  readonly body: string;
  /** Platform headers (values may be expressions); a `wns` template needs `X-WNS-Type`. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Extra tags that select this template. */
  readonly tags?: readonly string[];
  /** `apns` only: the expiry, an ISO-8601 date or a template expression. */
  readonly expiry?: string;
  /** Fields of the template the service returned that nhub does not model; written back unchanged. */
  readonly extensionData?: ExtensionData;
}

/** A WNS secondary tile of an installation: its own channel, tags and templates. */
export interface InstallationSecondaryTile {
  /** The tile's WNS channel URI. */
  readonly pushChannel: string;
  /** Tags for native notifications to this tile. */
  readonly tags?: readonly string[];
  /** The tile's named templates, like an installation's. */
  readonly templates?: Readonly<Record<string, InstallationTemplate>>;
  /** Fields of the tile the service returned that nhub does not model; written back unchanged. */
  readonly extensionData?: ExtensionData;
}

/** What every installation has, whatever its platform. */
export interface InstallationCommon {
  /** The installation's id: letters, digits and `- _ @ # . : =`, at most 256 characters. */
  readonly installationId: string;
  /** The user the device belongs to (adds the system tag `$UserId:{userId}`); same characters as the id. */
  readonly userId?: string;
  /** Tags of the device, at most 60. */
  readonly tags?: readonly string[];
  /** Named templates. */
  readonly templates?: Readonly<Record<string, InstallationTemplate>>;
  /**
   * Variables of this installation (string values) the hub substitutes into its templates, next to the
   * properties a template send carries.
   */
  readonly pushVariables?: Readonly<Record<string, string>>;
  /** `wns` only: secondary tiles by tile id. */
  readonly secondaryTiles?: Readonly<Record<string, InstallationSecondaryTile>>;
  /**
   * Fields the service returned that nhub does not model, by name: {@link getInstallation} fills it and
   * {@link createOrUpdateInstallation} writes it back unchanged, so a read-modify-write keeps them.
   */
  readonly extensionData?: ExtensionData;
  /** When the installation expires (W3C date). Read-only: never sent. */
  readonly expirationTime?: string;
  /** When the push service marked the channel inactive. Read-only: never sent. */
  readonly lastActiveOn?: string;
  /** When the installation last changed. Read-only: never sent. */
  readonly lastUpdate?: string;
  /** Whether the push service reported the channel expired. Read-only: never sent. */
  readonly pushChannelExpired?: boolean;
}

/** An installation on a platform whose push channel is one string (a token, registration id or channel URI). */
export interface HandleInstallation extends InstallationCommon {
  readonly platform: Exclude<InstallationPlatform, "browser">;
  /** The device handle: APNs token (hex), FCM token, WNS/MPNS channel URI, ADM/Baidu/Xiaomi id. */
  readonly pushChannel: string;
}

/** A Web Push installation. */
export interface BrowserInstallation extends InstallationCommon {
  readonly platform: "browser";
  readonly pushChannel: BrowserPushChannel;
}

/** An installation: a device, its push channel, tags and templates. */
export type Installation = HandleInstallation | BrowserInstallation;

// The characters the service's $InstallationId:{...} and $UserId:{...} system tags allow.
const SYSTEM_ID_PATTERN = /^[\p{L}\p{N}_@#.:=-]+$/u;
const MAX_ID_LENGTH = 256;
const JSON_PLATFORMS = new Set<InstallationPlatform>([
  "apns",
  "gcm",
  "fcmv1",
  "adm",
  "baidu",
  "browser",
  "xiaomi",
]);

/** Checks an installation id or user id: letters, digits and `- _ @ # . : =`, at most 256 characters. */
export function checkSystemId(value: unknown, field: string): string {
  const id = requireText(value, field);
  if (id.length > MAX_ID_LENGTH) {
    throw new ValidationError(
      field,
      "max-length",
      `${field} is ${id.length} characters; the limit is ${MAX_ID_LENGTH}`,
    );
  }
  if (!SYSTEM_ID_PATTERN.test(id)) {
    throw new ValidationError(
      field,
      "characters",
      `${field} may contain only letters, digits and - _ @ # . : =`,
    );
  }
  return id;
}

/** Checks a platform name. */
export function checkPlatform(value: unknown, field = "platform"): InstallationPlatform {
  if (typeof value !== "string" || !(INSTALLATION_PLATFORMS as readonly string[]).includes(value)) {
    throw new ValidationError(
      field,
      "one-of",
      `${field} must be one of ${INSTALLATION_PLATFORMS.join(", ")}, not ${describeValue(value)}`,
    );
  }
  return value as InstallationPlatform;
}

function checkUrl(value: unknown, field: string): string {
  const url = requireText(value, field);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ValidationError(field, "url", `${field} must be an absolute URL`);
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") {
    throw new ValidationError(field, "url", `${field} must be an http(s) URL`);
  }
  return url;
}

/**
 * Checks a push channel for a platform and returns a copy: an APNs token is hexadecimal with an even number of
 * digits, a WNS or MPNS channel and a browser endpoint are http(s) URLs, other handles have no whitespace. The
 * emulator checks installations and registrations with this same rule.
 *
 * @throws {ValidationError} naming `field` (or `field.endpoint`, `.p256dh`, `.auth`) and the rule.
 */
export function checkPushChannel(
  platform: InstallationPlatform,
  value: unknown,
  field = "pushChannel",
): string | BrowserPushChannel {
  if (platform === "browser") {
    if (!isPlainObject(value)) {
      throw new ValidationError(field, "type", `a browser ${field} is an object { endpoint, p256dh, auth }`);
    }
    return {
      endpoint: checkUrl(value["endpoint"], `${field}.endpoint`),
      p256dh: requireText(value["p256dh"], `${field}.p256dh`),
      auth: requireText(value["auth"], `${field}.auth`),
    };
  }
  if (platform === "wns" || platform === "mpns") return checkUrl(value, field);
  const handle = requireText(value, field);
  if (/\s/.test(handle)) throw new ValidationError(field, "characters", `${field} cannot contain whitespace`);
  if (platform === "apns" && !(/^[0-9A-Fa-f]+$/.test(handle) && handle.length % 2 === 0)) {
    throw new ValidationError(
      field,
      "hex",
      "an APNs device token is hexadecimal with an even number of digits",
    );
  }
  return handle;
}

/** Checks a template name: 1-200 characters without control characters. */
export function checkTemplateName(value: unknown, field: string): string {
  const name = requireText(value, field);
  if (name.length > MAX_TEMPLATE_NAME_LENGTH) {
    throw new ValidationError(
      field,
      "max-length",
      `a template name has at most ${MAX_TEMPLATE_NAME_LENGTH} characters`,
    );
  }
  return name;
}

/** Checks a template body for a platform: JSON for JSON platforms, well-formed XML for wns (unless raw). */
export function checkTemplateBody(
  platform: InstallationPlatform | undefined,
  body: unknown,
  headers: Readonly<Record<string, string>> | undefined,
  field: string,
): string {
  if (typeof body !== "string" || body.trim() === "") {
    throw new ValidationError(field, "required", `${field} must be a non-empty string`);
  }
  if (platform === undefined) return body;
  if (JSON_PLATFORMS.has(platform)) checkJsonBody(body, field);
  else if (platform === "wns" && headerValue(headers, "X-WNS-Type")?.toLowerCase() !== "wns/raw") {
    assertWellFormedXml(body, field);
  } else if (platform === "mpns" && body.trimStart().startsWith("<")) assertWellFormedXml(body, field);
  return body;
}

/** The JSON object sent for one template: its known fields, then its extension data. */
export type InstallationTemplateJson = Record<string, unknown>;

const TEMPLATE_FIELDS: ReadonlySet<string> = new Set(["body", "headers", "tags", "expiry"]);
const SECONDARY_TILE_FIELDS: ReadonlySet<string> = new Set(["pushChannel", "tags", "templates"]);
// Known record fields whose entries nhub could not read travel in extension data under the field's own name.
const TEMPLATE_RECORDS: ReadonlySet<string> = new Set(["templates"]);
const INSTALLATION_RECORDS: ReadonlySet<string> = new Set(["templates", "secondaryTiles"]);
const INSTALLATION_FIELDS: ReadonlySet<string> = new Set([
  "installationId",
  "userId",
  "platform",
  "pushChannel",
  "pushChannelExpired",
  "tags",
  "templates",
  "pushVariables",
  "secondaryTiles",
  "expirationTime",
  "lastActiveOn",
  "lastUpdate",
]);

/**
 * Checks one installation template and returns the JSON object that is sent: its known fields, then its
 * extension data unchanged. Without a platform only the rules that hold on every platform are checked.
 */
export function checkInstallationTemplate(
  platform: InstallationPlatform | undefined,
  value: unknown,
  field: string,
): InstallationTemplateJson {
  if (!isPlainObject(value)) {
    throw new ValidationError(field, "type", `a template is an object { body, headers?, tags?, expiry? }`);
  }
  const headers =
    value["headers"] === undefined ? undefined : checkHeaderRecord(value["headers"], `${field}.headers`);
  if (platform === "wns" && headerValue(headers, "X-WNS-Type") === undefined) {
    throw new ValidationError(
      `${field}.headers.X-WNS-Type`,
      "required",
      "a wns template needs an X-WNS-Type header (wns/toast, wns/tile, wns/badge or wns/raw)",
    );
  }
  const out: InstallationTemplateJson = {
    body: checkTemplateBody(platform, value["body"], headers, `${field}.body`),
  };
  if (headers !== undefined) out["headers"] = headers;
  if (value["expiry"] !== undefined) {
    if (platform !== undefined && platform !== "apns") {
      throw new ValidationError(`${field}.expiry`, "platform", "only apns templates have an expiry");
    }
    out["expiry"] = checkExpiry(value["expiry"], `${field}.expiry`);
  }
  if (value["tags"] !== undefined) out["tags"] = checkTagList(value["tags"], `${field}.tags`);
  appendExtensionData(out, value["extensionData"], `${field}.extensionData`, TEMPLATE_FIELDS);
  return out;
}

/** Checks a record of named templates and returns the JSON object that is sent. */
function checkTemplates(
  platform: InstallationPlatform,
  value: unknown,
  field: string,
): Record<string, InstallationTemplateJson> {
  if (!isPlainObject(value)) {
    throw new ValidationError(field, "type", `${field} must be an object of named templates`);
  }
  // fromEntries keeps a template named "__proto__" a template.
  return Object.fromEntries(
    Object.entries(value).map(([name, template]) => {
      checkTemplateName(name, field);
      return [name, checkInstallationTemplate(platform, template, `${field}.${name}`)];
    }),
  );
}

/** Checks one WNS secondary tile and returns the JSON object that is sent. */
export function checkSecondaryTile(value: unknown, field: string): Record<string, unknown> {
  if (!isPlainObject(value)) {
    throw new ValidationError(
      field,
      "type",
      "a secondary tile is an object { pushChannel, tags?, templates? }",
    );
  }
  const out: Record<string, unknown> = {
    pushChannel: checkPushChannel("wns", value["pushChannel"], `${field}.pushChannel`),
  };
  if (value["tags"] !== undefined) out["tags"] = checkTagList(value["tags"], `${field}.tags`);
  if (value["templates"] !== undefined) {
    out["templates"] = checkTemplates("wns", value["templates"], `${field}.templates`);
  }
  appendExtensionData(
    out,
    value["extensionData"],
    `${field}.extensionData`,
    SECONDARY_TILE_FIELDS,
    TEMPLATE_RECORDS,
  );
  return out;
}

/** The JSON object sent for an installation: its writable fields only, in a fixed order. */
export type InstallationJson = Record<string, unknown>;

/**
 * Checks an installation and returns the JSON object that is sent: its writable fields (read-only ones such as
 * `expirationTime` are dropped) in a fixed order, then its extension data unchanged.
 *
 * @throws {ValidationError} naming the field at fault.
 */
export function checkInstallation(installation: Installation): InstallationJson {
  if (!isPlainObject(installation)) {
    throw new ValidationError(
      "installation",
      "type",
      `an installation must be an object, not ${describeValue(installation)}`,
    );
  }
  const input = installation as unknown as Record<string, unknown>;
  const installationId = checkSystemId(input["installationId"], "installationId");
  const platform = checkPlatform(input["platform"]);
  const out: InstallationJson = { installationId };
  if (input["userId"] !== undefined) out["userId"] = checkSystemId(input["userId"], "userId");
  out["platform"] = platform;
  out["pushChannel"] = checkPushChannel(platform, input["pushChannel"]);
  if (input["tags"] !== undefined) out["tags"] = checkTagList(input["tags"], "tags");
  if (input["pushVariables"] !== undefined) {
    out["pushVariables"] = checkStringRecord(input["pushVariables"], "pushVariables");
  }
  if (input["templates"] !== undefined) {
    out["templates"] = checkTemplates(platform, input["templates"], "templates");
  }
  if (input["secondaryTiles"] !== undefined) {
    const tiles = input["secondaryTiles"];
    if (platform !== "wns") {
      throw new ValidationError("secondaryTiles", "platform", "only wns installations have secondary tiles");
    }
    if (!isPlainObject(tiles)) {
      throw new ValidationError("secondaryTiles", "type", "secondaryTiles must be an object of tiles by id");
    }
    out["secondaryTiles"] = Object.fromEntries(
      Object.entries(tiles).map(([id, tile]) => {
        requireText(id, "secondaryTiles");
        return [id, checkSecondaryTile(tile, `secondaryTiles.${id}`)];
      }),
    );
  }
  appendExtensionData(
    out,
    input["extensionData"],
    "extensionData",
    INSTALLATION_FIELDS,
    INSTALLATION_RECORDS,
  );
  return out;
}

/**
 * The path of one installation below the hub; the id must be one path segment (`#` is allowed, sent as `%23`).
 *
 * @throws {ValidationError} with field `installationId` for `.`, `..` or anything else core's path segment rule
 * refuses.
 */
export function installationPath(installationId: string): string {
  return `/installations/${encodePathSegment(installationId, "installationId", { allowHash: true })}`;
}

/**
 * Creates an installation, or replaces the one with the same id (`PUT /installations/{id}`, answered 200).
 * Idempotent, so safe to retry. The service applies it asynchronously: a `getInstallation` right after may still
 * see the old one.
 *
 * @throws {ValidationError} before anything is sent, for an invalid installation.
 */
export async function createOrUpdateInstallation(
  hub: NotificationHub,
  installation: Installation,
  options?: OperationOptions,
): Promise<void> {
  const body = checkInstallation(installation);
  await hub.request({
    operation: "createOrUpdateInstallation",
    method: "PUT",
    path: installationPath(body["installationId"] as string),
    contentType: "application/json",
    body: JSON.stringify(body),
    ...requestOptions(options),
  });
}

function optionalString(value: unknown): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function stringRecord(value: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, String(v)]));
}

// A template the service sent without a string body is kept whole in the owner's extension data (by the
// caller), never dropped.
function readTemplate(value: unknown): InstallationTemplate | undefined {
  if (!isPlainObject(value) || typeof value["body"] !== "string") return undefined;
  const out: { -readonly [K in keyof InstallationTemplate]: InstallationTemplate[K] } = {
    body: value["body"],
  };
  if (isPlainObject(value["headers"])) out.headers = stringRecord(value["headers"]);
  if (Array.isArray(value["tags"])) out.tags = value["tags"].map(String);
  const expiry = optionalString(value["expiry"]);
  if (expiry !== undefined) out.expiry = expiry;
  const extra = readExtensionData(value, TEMPLATE_FIELDS);
  if (extra !== undefined) out.extensionData = extra;
  return out;
}

/**
 * Reads a record of templates; returns the readable ones and, separately, any it could not read, which the
 * caller keeps as extension data so they go back unchanged.
 */
function readTemplates(value: Record<string, unknown>): {
  templates: Record<string, InstallationTemplate>;
  unreadable: Record<string, unknown> | undefined;
} {
  const templates: [string, InstallationTemplate][] = [];
  const unreadable: [string, unknown][] = [];
  for (const [name, t] of Object.entries(value)) {
    const template = readTemplate(t);
    if (template === undefined) unreadable.push([name, t]);
    else templates.push([name, template]);
  }
  return {
    templates: Object.fromEntries(templates),
    unreadable: unreadable.length === 0 ? undefined : Object.fromEntries(unreadable),
  };
}

function readSecondaryTile(value: unknown): InstallationSecondaryTile | undefined {
  if (!isPlainObject(value) || typeof value["pushChannel"] !== "string") return undefined;
  const out: { -readonly [K in keyof InstallationSecondaryTile]: InstallationSecondaryTile[K] } = {
    pushChannel: value["pushChannel"],
  };
  if (Array.isArray(value["tags"])) out.tags = value["tags"].map(String);
  let extra = readExtensionData(value, SECONDARY_TILE_FIELDS);
  if (isPlainObject(value["templates"])) {
    const { templates, unreadable } = readTemplates(value["templates"]);
    out.templates = templates;
    if (unreadable !== undefined) extra = { ...extra, templates: unreadable } as ExtensionData;
  }
  if (extra !== undefined) out.extensionData = extra;
  return out;
}

/**
 * Reads the service's installation JSON into an {@link Installation}: the fields nhub models, and every other
 * field (or a known one in a shape nhub cannot read) in `extensionData`, so that writing it back loses nothing.
 */
export function parseInstallation(json: string): Installation {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw unexpectedResponse("the installation is not JSON", error);
  }
  if (!isPlainObject(value)) throw unexpectedResponse("the installation is not a JSON object");
  const installationId = optionalString(value["installationId"]);
  const platform = optionalString(value["platform"])?.toLowerCase();
  const channel = value["pushChannel"];
  if (installationId === undefined || platform === undefined || channel === undefined || channel === null) {
    throw unexpectedResponse("the installation has no installationId, platform or pushChannel");
  }
  const out: Record<string, unknown> = { installationId };
  const extra: Record<string, unknown> = { ...readExtensionData(value, INSTALLATION_FIELDS) };
  const userId = optionalString(value["userId"]);
  if (userId !== undefined) out["userId"] = userId;
  out["platform"] = platform;
  out["pushChannel"] = isPlainObject(channel)
    ? {
        endpoint: String(channel["endpoint"]),
        p256dh: String(channel["p256dh"]),
        auth: String(channel["auth"]),
      }
    : String(channel);
  if (typeof value["pushChannelExpired"] === "boolean")
    out["pushChannelExpired"] = value["pushChannelExpired"];
  // The service's own tags are not checked: it adds some (template names) that break the client-side rules.
  if (Array.isArray(value["tags"])) out["tags"] = value["tags"].map(String);
  if (isPlainObject(value["pushVariables"])) out["pushVariables"] = stringRecord(value["pushVariables"]);
  if (isPlainObject(value["templates"])) {
    const { templates, unreadable } = readTemplates(value["templates"]);
    out["templates"] = templates;
    if (unreadable !== undefined) extra["templates"] = unreadable;
  }
  if (isPlainObject(value["secondaryTiles"])) {
    const tiles: [string, InstallationSecondaryTile][] = [];
    const unreadable: [string, unknown][] = [];
    for (const [id, t] of Object.entries(value["secondaryTiles"])) {
      const tile = readSecondaryTile(t);
      if (tile === undefined) unreadable.push([id, t]);
      else tiles.push([id, tile]);
    }
    out["secondaryTiles"] = Object.fromEntries(tiles);
    if (unreadable.length > 0) extra["secondaryTiles"] = Object.fromEntries(unreadable);
  }
  for (const key of ["expirationTime", "lastActiveOn", "lastUpdate"]) {
    const v = optionalString(value[key]);
    if (v !== undefined) out[key] = v;
  }
  if (Object.keys(extra).length > 0) out["extensionData"] = extra;
  return out as unknown as Installation;
}

/**
 * Reads an installation (`GET /installations/{id}`).
 *
 * @throws {ServiceError} with status 404 when there is no such installation.
 */
export async function getInstallation(
  hub: NotificationHub,
  installationId: string,
  options?: OperationOptions,
): Promise<Installation> {
  const id = checkSystemId(installationId, "installationId");
  const res = await hub.request({
    operation: "getInstallation",
    method: "GET",
    path: installationPath(id),
    ...requestOptions(options),
  });
  return parseInstallation(res.body);
}

/**
 * Deletes an installation (`DELETE /installations/{id}`, answered 204). Deleting one that does not exist
 * succeeds too: the service answers 204 for it, and a 404 (from an older service or an emulator) is treated the
 * same, so deleting is idempotent.
 */
export async function deleteInstallation(
  hub: NotificationHub,
  installationId: string,
  options?: OperationOptions,
): Promise<void> {
  const id = checkSystemId(installationId, "installationId");
  try {
    await hub.request({
      operation: "deleteInstallation",
      method: "DELETE",
      path: installationPath(id),
      ...requestOptions(options),
    });
  } catch (error) {
    if (ServiceError.isInstance(error) && error.statusCode === 404) return;
    throw error;
  }
}

/**
 * The system tag that addresses one installation: `$InstallationId:{id}`.
 *
 * @example
 * await sendAppleNotification(hub, payload, installationIdTag("device-42"));
 */
export function installationIdTag(installationId: string): string {
  const tag = `$InstallationId:{${checkSystemId(installationId, "installationId")}}`;
  assertTag(tag, "installationId");
  return tag;
}

/** The system tag that addresses every installation of one user: `$UserId:{userId}`. */
export function userIdTag(userId: string): string {
  const tag = `$UserId:{${checkSystemId(userId, "userId")}}`;
  assertTag(tag, "userId");
  return tag;
}
