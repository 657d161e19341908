/**
 * Registration operations: create (with a service-chosen or your own id), update with optimistic concurrency,
 * read, delete and list (all, by tag, by push channel).
 */
import {
  assertHeaderValue,
  assertTag,
  encodePathSegment,
  type NotificationHub,
  type TransportResponse,
  ValidationError,
} from "@nhub/core";
import { ATOM_ENTRY_CONTENT_TYPE, unexpectedResponse } from "./atom-xml";
import { optionalText, requireId, requireText } from "./field-checks";
import {
  type BrowserPushChannel,
  checkPlatform,
  checkPushChannel,
  type InstallationPlatform,
} from "./installation";
import { type OperationOptions, requestOptions } from "./operation-options";
import {
  type ListAllRegistrationsOptions,
  type ListRegistrationsOptions,
  pagedRegistrations,
  type RegistrationPages,
} from "./registration-pages";
import type { RegistrationDescription } from "./registration-types";
import { checkRegistration, parseRegistrationEntry, registrationToAtomXml } from "./registration-xml";

/** A Baidu push channel: the user id and channel id Baidu gave the device. */
export interface BaiduChannel {
  readonly baiduUserId: string;
  readonly baiduChannelId: string;
}

function registrationPath(registrationId: string): string {
  return `/registrations/${encodePathSegment(registrationId, "registrationId")}`;
}

/** Removes the weak marker and quotes of an HTTP entity tag: `W/"3"` becomes `3`. */
export function stripEtag(value: string): string {
  const m = /^(?:W\/)?"(.*)"$/.exec(value.trim());
  return m ? m[1]! : value.trim();
}

/**
 * The `If-Match` value for an ETag: `*` stays, a bare ETag is quoted, an already quoted one is kept. It travels in
 * a header, so core's header-value rule applies (visible ASCII): a bad ETag is refused here, naming `etag`.
 */
export function ifMatchValue(etag: string, field = "etag"): string {
  const value = requireText(etag, field);
  assertHeaderValue(value, field);
  if (value === "*" || /^(?:W\/)?"[^"]*"$/.test(value)) return value;
  if (value.includes('"')) throw new ValidationError(field, "characters", `${field} cannot contain a quote`);
  return `"${value}"`;
}

/**
 * The registration the service answered with, or, when it answered with no body, the one sent completed with
 * the id from `Content-Location`/`Location` and the ETag from the `ETag` header.
 */
async function answeredRegistration<T extends RegistrationDescription>(
  res: TransportResponse,
  sent: T,
): Promise<T> {
  if (res.body.trim() !== "") {
    const answer = await parseRegistrationEntry(res.body);
    if (answer.kind !== sent.kind) {
      throw unexpectedResponse(`a ${sent.kind} registration was sent but a ${answer.kind} came back`);
    }
    return answer as T;
  }
  const location = res.headers["content-location"] ?? res.headers["location"];
  const id =
    location === undefined ? sent.registrationId : idFromLocation(location, /\/registrations\/([^/?#]+)/i);
  const etag = res.headers["etag"];
  const out: Record<string, unknown> = { ...sent };
  delete out["etag"];
  if (id !== undefined) out["registrationId"] = id;
  if (etag !== undefined) out["etag"] = stripEtag(etag);
  return out as T;
}

function idFromLocation(location: string, pattern: RegExp): string | undefined {
  const m = pattern.exec(location);
  if (!m) return undefined;
  try {
    return decodeURIComponent(m[1]!);
  } catch {
    return m[1];
  }
}

/**
 * Asks the service for a new registration id (`POST /registrationIDs`, answered 201 with the id in `Location`
 * or `Content-Location`),
 * for {@link createOrUpdateRegistration}: the create-then-upsert pattern never leaves duplicate registrations.
 */
export async function createRegistrationId(
  hub: NotificationHub,
  options?: OperationOptions,
): Promise<string> {
  const res = await hub.request({
    operation: "createRegistrationId",
    method: "POST",
    path: "/registrationIDs",
    ...requestOptions(options),
  });
  // The service answers with Location; the REST reference names Content-Location. Either carries the id.
  const location = res.headers["location"] ?? res.headers["content-location"];
  const id =
    location === undefined ? undefined : idFromLocation(location, /\/registration(?:id)?s\/([^/?#]+)/i);
  if (id === undefined || id === "") {
    throw unexpectedResponse(`no registration id in the Location header (${location ?? "absent"})`);
  }
  return id;
}

/**
 * Creates a registration with an id the service chooses (`POST /registrations`). Resolves with a new object:
 * the registration as the service stored it, with its `registrationId`, `etag` and `expirationTime`; the one
 * passed in is not changed.
 *
 * @throws {ValidationError} before anything is sent, for an invalid registration or one that already has a
 * `registrationId` (use {@link createOrUpdateRegistration} for that).
 */
export async function createRegistration<T extends RegistrationDescription>(
  hub: NotificationHub,
  registration: T,
  options?: OperationOptions,
): Promise<T> {
  if (registration?.registrationId !== undefined) {
    throw new ValidationError(
      "registrationId",
      "forbidden",
      "createRegistration lets the service choose the id; use createOrUpdateRegistration to write your own id",
    );
  }
  const checked = checkRegistration(registration) as T;
  const res = await hub.request({
    operation: "createRegistration",
    method: "POST",
    path: "/registrations",
    contentType: ATOM_ENTRY_CONTENT_TYPE,
    body: registrationToAtomXml(checked),
    ...requestOptions(options),
  });
  return answeredRegistration(res, checked);
}

/**
 * Creates or replaces the registration with `registration.registrationId` (`PUT /registrations/{id}`, no
 * `If-Match`: last writer wins). Resolves with a new object as the service stored it.
 *
 * @throws {ValidationError} before anything is sent, for an invalid registration or a missing `registrationId`.
 */
export async function createOrUpdateRegistration<T extends RegistrationDescription>(
  hub: NotificationHub,
  registration: T,
  options?: OperationOptions,
): Promise<T> {
  const id = requireId(registration?.registrationId, "registrationId");
  const checked = checkRegistration(registration) as T;
  const res = await hub.request({
    operation: "createOrUpdateRegistration",
    method: "PUT",
    path: registrationPath(id),
    contentType: ATOM_ENTRY_CONTENT_TYPE,
    body: registrationToAtomXml(checked),
    ...requestOptions(options),
  });
  return answeredRegistration(res, checked);
}

/**
 * Replaces a registration only if it has not changed since it was read (`PUT /registrations/{id}` with
 * `If-Match: "<etag>"`); a concurrent change makes the service answer 412, a `ServiceError`. Resolves with a new
 * object carrying the new ETag.
 *
 * @throws {ValidationError} before anything is sent, for an invalid registration or a missing `registrationId`
 * or `etag` (read the registration first, or use {@link createOrUpdateRegistration}).
 */
export async function updateRegistration<T extends RegistrationDescription>(
  hub: NotificationHub,
  registration: T,
  options?: OperationOptions,
): Promise<T> {
  const id = requireId(registration?.registrationId, "registrationId");
  if (registration.etag === undefined) {
    throw new ValidationError(
      "etag",
      "required",
      "updateRegistration needs the etag the registration was read with; use createOrUpdateRegistration to overwrite",
    );
  }
  const ifMatch = ifMatchValue(registration.etag);
  const checked = checkRegistration(registration) as T;
  const res = await hub.request({
    operation: "updateRegistration",
    method: "PUT",
    path: registrationPath(id),
    headers: { "If-Match": ifMatch },
    contentType: ATOM_ENTRY_CONTENT_TYPE,
    body: registrationToAtomXml(checked),
    ...requestOptions(options),
  });
  return answeredRegistration(res, checked);
}

/**
 * Reads a registration (`GET /registrations/{id}`).
 *
 * @throws {ServiceError} with status 404 when there is no such registration.
 */
export async function getRegistration(
  hub: NotificationHub,
  registrationId: string,
  options?: OperationOptions,
): Promise<RegistrationDescription> {
  const id = requireId(registrationId, "registrationId");
  const res = await hub.request({
    operation: "getRegistration",
    method: "GET",
    path: registrationPath(id),
    ...requestOptions(options),
  });
  return parseRegistrationEntry(res.body);
}

/**
 * Deletes a registration (`DELETE /registrations/{id}`, answered 200). With an `etag` it is deleted only if
 * unchanged (`If-Match: "<etag>"`, else 412); without one, whatever its version (`If-Match: *`).
 *
 * @throws {ServiceError} with status 404 when there is no such registration.
 */
export async function deleteRegistration(
  hub: NotificationHub,
  registrationId: string,
  etag?: string,
  options?: OperationOptions,
): Promise<void> {
  const id = requireId(registrationId, "registrationId");
  const ifMatch = etag === undefined ? "*" : ifMatchValue(etag);
  await hub.request({
    operation: "deleteRegistration",
    method: "DELETE",
    path: registrationPath(id),
    headers: { "If-Match": ifMatch },
    ...requestOptions(options),
  });
}

/**
 * Lists every registration of the hub (`GET /registrations`), optionally narrowed by an OData `$filter`, page by
 * page as you iterate.
 *
 * @example
 * for await (const registration of listRegistrations(hub, { top: 100 })) console.log(registration.registrationId);
 */
export function listRegistrations(
  hub: NotificationHub,
  options: ListAllRegistrationsOptions = {},
): RegistrationPages {
  const filter = optionalText(options.filter, "filter");
  return pagedRegistrations(hub, "/registrations", filter === undefined ? {} : { $filter: filter }, options);
}

/**
 * Lists the registrations carrying a tag (`GET /tags/{tag}/registrations`), page by page.
 *
 * @throws {ValidationError} with field `tag`, before anything is sent, for an invalid tag or one that cannot be
 * a URL path segment: the tag grammar allows `.` and `..`, which a path would resolve to another resource.
 */
export function listRegistrationsByTag(
  hub: NotificationHub,
  tag: string,
  options: ListRegistrationsOptions = {},
): RegistrationPages {
  assertTag(tag, "tag");
  const segment = encodePathSegment(tag, "tag", { allowHash: true });
  return pagedRegistrations(hub, `/tags/${segment}/registrations`, {}, options);
}

/** Quotes a value as an OData string literal: `'` is doubled. */
function odata(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/**
 * The `$filter` that finds the registrations of one push channel: `ChannelUri eq '<handle>'` for every platform
 * whose channel is one string (what the official .NET and Java SDKs send; the service compares it with each
 * registration's handle, whatever its platform), APNs tokens upper-cased as the service stores them. A Web Push
 * subscription and a Baidu channel are not one string, so they are matched field by field.
 */
export function channelFilter(
  channel: string | BrowserPushChannel | BaiduChannel,
  platform: InstallationPlatform,
): string {
  checkPlatform(platform);
  if (platform === "baidu") {
    const c = channel as Partial<BaiduChannel> | null;
    const userId = requireText(c?.baiduUserId, "channel.baiduUserId");
    const channelId = requireText(c?.baiduChannelId, "channel.baiduChannelId");
    return `BaiduChannelId eq ${odata(channelId)} and BaiduUserId eq ${odata(userId)}`;
  }
  const checked = checkPushChannel(platform, channel, "channel");
  if (typeof checked !== "string") {
    return `Endpoint eq ${odata(checked.endpoint)} and P256DH eq ${odata(checked.p256dh)} and Auth eq ${odata(checked.auth)}`;
  }
  return `ChannelUri eq ${odata(platform === "apns" ? checked.toUpperCase() : checked)}`;
}

/** Lists the registrations of a Web Push subscription. */
export function listRegistrationsByChannel(
  hub: NotificationHub,
  channel: BrowserPushChannel,
  platform: "browser",
  options?: ListRegistrationsOptions,
): RegistrationPages;
/** Lists the registrations of a Baidu channel. */
export function listRegistrationsByChannel(
  hub: NotificationHub,
  channel: BaiduChannel,
  platform: "baidu",
  options?: ListRegistrationsOptions,
): RegistrationPages;
/**
 * Lists the registrations of one device handle (`GET /registrations?$filter=...`), page by page: an APNs token,
 * an FCM token, a WNS/MPNS channel URI, an ADM or Xiaomi registration id.
 */
export function listRegistrationsByChannel(
  hub: NotificationHub,
  channel: string,
  platform: Exclude<InstallationPlatform, "browser" | "baidu">,
  options?: ListRegistrationsOptions,
): RegistrationPages;
export function listRegistrationsByChannel(
  hub: NotificationHub,
  channel: string | BrowserPushChannel | BaiduChannel,
  platform: InstallationPlatform,
  options: ListRegistrationsOptions = {},
): RegistrationPages {
  return pagedRegistrations(hub, "/registrations", { $filter: channelFilter(channel, platform) }, options);
}
