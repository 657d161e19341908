/**
 * The registrations API (Atom XML): `POST /registrationIDs`, `POST /registrations`, `PUT`/`GET`/`DELETE
 * /registrations/{id}` with `If-Match`, `GET /registrations` (`$top`, `$filter`, continuation tokens) and
 * `GET /tags/{tag}/registrations`. Stored registrations are devices: sends reach them like installations.
 */
import { tagProblem, ValidationError } from "@nhub/core";
import { ATOM_ENTRY_TYPE, ATOM_FEED_TYPE, atomEntry, atomFeed } from "./emulator-atom";
import { HttpError, type HubHttpRequest, header, type Reply } from "./emulator-http";
import type { HubState } from "./emulator-hub";
import { normalizeInstallation } from "./emulator-installations";
import { NEVER_EXPIRES, newRegistrationId } from "./emulator-registration-ids";
import {
  type ParsedRegistration,
  parseRegistrationEntry,
  registrationXml,
} from "./emulator-registration-xml";
import { dictionaryOf } from "./emulator-safe";
import { registrationTemplate } from "./emulator-targets";
import type { BrowserPushChannel, Registration } from "./types";

/** The most registrations one listing page holds, and the default `$top`. */
export const MAX_PAGE_SIZE = 100;

// Ids go into URLs and continuation tokens, so they keep to characters that are safe in both.
const ID_PATTERN = /^[^\s{}()!&|/\\?#%]{1,256}$/;

function pushChannelOf(parsed: ParsedRegistration): string | BrowserPushChannel {
  const f = parsed.channelFields;
  if (parsed.platform === "browser")
    return { endpoint: f["Endpoint"]!, p256dh: f["P256DH"]!, auth: f["Auth"]! };
  // The service's Baidu handle is the user id and channel id joined.
  if (parsed.platform === "baidu") return `${f["BaiduUserId"]}-${f["BaiduChannelId"]}`;
  return Object.values(f)[0]!;
}

/** The service's element name for an installation field the shared checks named. */
function elementName(field: string, parsed: ParsedRegistration): string {
  if (field.startsWith("tags")) return "Tags";
  if (field.includes(".headers")) return field.replace(/^templates\.[^.]*\.headers/, "headers");
  if (field.startsWith("templates")) return "BodyTemplate";
  if (field.startsWith("pushChannel"))
    return Object.keys(parsed.channelFields)
      .filter((name) => name !== "SecondaryTileName")
      .join("/");
  return field;
}

/**
 * Checks a parsed registration with the same rules as installations (tags, handle, template syntax, a WNS
 * template's `X-WNS-Type`) and builds the stored, frozen registration.
 *
 * @throws {HttpError} 400 naming the element at fault.
 */
function buildRegistration(
  parsed: ParsedRegistration,
  registrationId: string,
  previous: Registration | undefined,
): Registration {
  const pushChannel = pushChannelOf(parsed);
  const template = registrationTemplate(parsed.template);
  try {
    normalizeInstallation(
      {
        installationId: "registration",
        platform: parsed.platform,
        pushChannel,
        tags: parsed.tags,
        ...(template ? { templates: { [parsed.template?.name ?? "template"]: template } } : {}),
      },
      true,
    );
  } catch (error) {
    if (!ValidationError.isInstance(error)) throw error;
    const prefix = `${error.field}: `;
    const message = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
    throw new HttpError(
      400,
      `The registration is not valid: ${elementName(error.field, parsed)}: ${message}.`,
    );
  }
  const now = new Date().toISOString();
  return Object.freeze({
    registrationId,
    kind: parsed.kind,
    platform: parsed.platform,
    pushChannel: typeof pushChannel === "string" ? pushChannel : Object.freeze(pushChannel),
    channelFields: Object.freeze({ ...parsed.channelFields }),
    tags: Object.freeze([...new Set(parsed.tags)]),
    ...(parsed.pushVariables ? { pushVariables: Object.freeze(dictionaryOf(parsed.pushVariables)) } : {}),
    ...(parsed.template
      ? {
          template: Object.freeze({
            ...parsed.template,
            ...(parsed.template.headers
              ? { headers: Object.freeze(dictionaryOf(parsed.template.headers)) }
              : {}),
          }),
        }
      : {}),
    etag: previous ? String(Number(previous.etag) + 1) : "1",
    expirationTime: NEVER_EXPIRES,
    createdAt: previous?.createdAt ?? now,
    updatedAt: now,
  });
}

function registrationUrl(req: HubHttpRequest, hub: HubState, id: string): string {
  return `${req.origin}/${hub.name}/registrations/${encodeURIComponent(id)}?api-version=${req.query.get("api-version")}`;
}

function entry(req: HubHttpRequest, hub: HubState, r: Registration, nested = false): string {
  return atomEntry({
    url: registrationUrl(req, hub, r.registrationId),
    title: r.registrationId,
    published: r.createdAt,
    updated: r.updatedAt,
    etag: r.etag,
    content: registrationXml(r),
    nested,
  });
}

/**
 * The api-version from which registration answers carry no `ETag` header: on 2020-06 the service puts the
 * version only in the entry (`<ETag>` and the entry's `m:etag`); older versions also sent the header.
 */
export const NO_ETAG_HEADER_FROM = "2020-06";

function entryReply(req: HubHttpRequest, hub: HubState, r: Registration, note: string): Reply {
  const apiVersion = req.query.get("api-version") ?? NO_ETAG_HEADER_FROM;
  return {
    status: 200,
    headers: {
      "Content-Type": ATOM_ENTRY_TYPE,
      ...(apiVersion < NO_ETAG_HEADER_FROM ? { ETag: `W/"${r.etag}"` } : {}),
    },
    body: entry(req, hub, r),
    note,
  };
}

function checkId(id: string): void {
  if (!ID_PATTERN.test(id)) {
    throw new HttpError(
      400,
      `"${id}" is not a valid registration id: 1-256 characters without whitespace or { } ( ) ! & | / \\ ? # %.`,
    );
  }
}

function checkXmlContentType(req: HubHttpRequest): void {
  const type = header(req, "content-type");
  if (type !== undefined && !/xml/i.test(type)) {
    throw new HttpError(
      400,
      `Content-Type "${type}" is not valid for a registration; use ${ATOM_ENTRY_TYPE}.`,
    );
  }
}

/**
 * Applies `If-Match`: `*` matches any existing registration, an ETag (quoted, weak or bare) must equal the
 * current one. Without a current registration nothing matches.
 *
 * @throws {HttpError} 412 when the precondition fails.
 */
function checkIfMatch(req: HubHttpRequest, current: Registration | undefined, id: string): void {
  const ifMatch = header(req, "if-match");
  if (ifMatch === undefined) return;
  if (!current) throw new HttpError(412, `If-Match was given but there is no registration "${id}".`);
  const tags = ifMatch.split(",").map((t) =>
    t
      .trim()
      .replace(/^W\//i, "")
      .replace(/^"(.*)"$/, "$1"),
  );
  if (!tags.includes("*") && !tags.includes(current.etag)) {
    throw new HttpError(
      412,
      `If-Match ${ifMatch} does not match the current ETag "${current.etag}" of registration "${id}".`,
    );
  }
}

/** `POST /{hub}/registrationIDs`: a new id (201, `Location` and `Content-Location`); nothing is stored. */
export function handleCreateRegistrationId(hub: HubState, req: HubHttpRequest): Reply {
  const id = newRegistrationId();
  const location = registrationUrl(req, hub, id);
  return {
    status: 201,
    headers: { "Content-Type": ATOM_ENTRY_TYPE, Location: location, "Content-Location": location },
    note: `registration id ${id}`,
  };
}

/** `POST /{hub}/registrations`: stores a registration under a new id; 200 with the stored entry. */
export function handleCreateRegistration(hub: HubState, req: HubHttpRequest): Reply {
  checkXmlContentType(req);
  const registration = buildRegistration(parseRegistrationEntry(req.body), newRegistrationId(), undefined);
  hub.putRegistration(registration);
  return entryReply(req, hub, registration, `registration ${registration.registrationId} created`);
}

/** `PUT /{hub}/registrations/{id}`: creates or replaces, honouring `If-Match`; 200 with the stored entry. */
export function handlePutRegistration(hub: HubState, req: HubHttpRequest, id: string): Reply {
  checkId(id);
  checkXmlContentType(req);
  const owned = hub.listedRegistration(id);
  if (owned?.installationId !== undefined) {
    throw new HttpError(
      409,
      `Registration "${id}" belongs to installation "${owned.installationId}"; change it through /installations/${owned.installationId}.`,
    );
  }
  const current = hub.registration(id);
  checkIfMatch(req, current, id);
  const parsed = parseRegistrationEntry(req.body);
  if (parsed.registrationId !== undefined && parsed.registrationId !== id) {
    throw new HttpError(
      400,
      `The body's RegistrationId "${parsed.registrationId}" does not match "${id}" in the URL.`,
    );
  }
  const registration = buildRegistration(parsed, id, current);
  hub.putRegistration(registration);
  return entryReply(req, hub, registration, `registration ${id} ${current ? "updated" : "created"}`);
}

/** `GET /{hub}/registrations/{id}`: the stored entry, or 404. */
export function handleGetRegistration(hub: HubState, req: HubHttpRequest, id: string): Reply {
  const registration = hub.listedRegistration(id);
  if (!registration) throw new HttpError(404, `Registration "${id}" was not found.`);
  return entryReply(req, hub, registration, `registration ${id}`);
}

/**
 * `DELETE /{hub}/registrations/{id}`: 200, honouring `If-Match`; 404 when there is no such registration. An
 * installation's native registration takes the installation with it; a template's removes that template.
 */
export function handleDeleteRegistration(hub: HubState, req: HubHttpRequest, id: string): Reply {
  const current = hub.listedRegistration(id);
  if (!current) throw new HttpError(404, `Registration "${id}" was not found.`);
  checkIfMatch(req, current, id);
  hub.deleteListedRegistration(id);
  return { status: 200, note: `registration ${id} deleted` };
}

type Matcher = (r: Registration, value: string) => boolean;

function field(name: string): Matcher {
  return (r, v) => r.channelFields[name] === v;
}

function uriField(name: string): Matcher {
  // The official SDK percent-encodes URIs inside the filter; take the value either way.
  return (r, v) => {
    const stored = r.channelFields[name];
    if (stored === undefined) return false;
    if (stored === v) return true;
    try {
      return stored === decodeURIComponent(v);
    } catch {
      return false;
    }
  };
}

// The elements that hold a registration's whole handle when it is one string.
const HANDLE_ELEMENTS = [
  "GcmRegistrationId",
  "FcmRegistrationId",
  "FcmV1RegistrationId",
  "AdmRegistrationId",
  "XiaomiRegistrationId",
];

/** The `$filter` fields the emulator evaluates: the SDK's channel filters, `Tags` and `RegistrationId`. */
const FILTER_FIELDS: Readonly<Record<string, Matcher>> = {
  // The official SDK upper-cases Apple tokens in its filter; tokens are hex, so compare without case.
  DeviceToken: (r, v) => r.channelFields["DeviceToken"]?.toLowerCase() === v.toLowerCase(),
  GcmRegistrationId: field("GcmRegistrationId"),
  // FCM legacy registrations written as `Fcm` are stored as `Gcm`, so the old element name finds them there.
  FcmRegistrationId: field("GcmRegistrationId"),
  FcmV1RegistrationId: field("FcmV1RegistrationId"),
  AdmRegistrationId: field("AdmRegistrationId"),
  XiaomiRegistrationId: field("XiaomiRegistrationId"),
  BaiduChannelId: field("BaiduChannelId"),
  BaiduUserId: field("BaiduUserId"),
  P256DH: field("P256DH"),
  Auth: field("Auth"),
  Endpoint: uriField("Endpoint"),
  // The .NET and Java SDKs send ChannelUri for every platform; the service compares it with the registration's
  // handle (APNs tokens without case), whichever element holds it.
  ChannelUri: (r, v) =>
    uriField("ChannelUri")(r, v) ||
    uriField("Endpoint")(r, v) ||
    FILTER_FIELDS["DeviceToken"]!(r, v) ||
    HANDLE_ELEMENTS.some((name) => r.channelFields[name] === v),
  Tags: (r, v) => r.tags.includes(v),
  RegistrationId: (r, v) => r.registrationId === v,
};

/**
 * Parses `$filter`: `Field eq 'value'` clauses joined by `and`. A value missing one of its quotes is taken
 * as if quoted, because the official SDK's Baidu filter drops the opening one.
 *
 * @throws {HttpError} 400 for a clause or field the emulator does not evaluate.
 */
export function parseFilter(filter: string): (r: Registration) => boolean {
  const clauses = filter.trim().split(/\s+and\s+(?=[A-Za-z0-9]+\s+eq\s)/i);
  const tests: Array<(r: Registration) => boolean> = [];
  for (const clause of clauses) {
    const m = /^([A-Za-z0-9]+)\s+eq\s+(.*)$/i.exec(clause.trim());
    if (!m) throw new HttpError(400, `The $filter clause "${clause}" is not of the form Field eq 'value'.`);
    const name = Object.keys(FILTER_FIELDS).find((k) => k.toLowerCase() === m[1]!.toLowerCase());
    if (!name) {
      throw new HttpError(
        400,
        `The $filter field "${m[1]}" is not supported; use ${Object.keys(FILTER_FIELDS).join(", ")}.`,
      );
    }
    let value = m[2]!.trim();
    if (value.startsWith("'")) value = value.slice(1);
    if (value.endsWith("'")) value = value.slice(0, -1);
    value = value.replace(/''/g, "'");
    const matches = FILTER_FIELDS[name]!;
    tests.push((r) => matches(r, value));
  }
  return (r) => tests.every((t) => t(r));
}

function parseTop(value: string | null): number {
  if (value === null) return MAX_PAGE_SIZE;
  if (!/^\d+$/.test(value) || Number(value) < 1) {
    throw new HttpError(400, `$top "${value}" is not valid; use a whole number from 1 to ${MAX_PAGE_SIZE}.`);
  }
  // The service pages at most 100 registrations at a time, whatever $top asks.
  return Math.min(Number(value), MAX_PAGE_SIZE);
}

function encodeToken(lastId: string): string {
  return Buffer.from(`after:${lastId}`, "utf8").toString("base64url");
}

function decodeToken(token: string): string {
  const text = Buffer.from(token, "base64url").toString("utf8");
  if (!text.startsWith("after:")) throw new HttpError(400, `The continuation token "${token}" is not valid.`);
  return text.slice("after:".length);
}

function queryParam(req: HubHttpRequest, name: string): string | null {
  for (const [k, v] of req.query) if (k.toLowerCase() === name) return v;
  return null;
}

/** One page of `candidates` (ordered by id) as an Atom feed, with `x-ms-continuationtoken` when more follow. */
function pageReply(
  req: HubHttpRequest,
  hub: HubState,
  candidates: readonly Registration[],
  selfPath: string,
): Reply {
  const top = parseTop(queryParam(req, "$top"));
  const token = queryParam(req, "continuationtoken");
  let start = 0;
  if (token !== null && token !== "") {
    const after = decodeToken(token);
    start = candidates.findIndex((r) => r.registrationId > after);
    if (start < 0) start = candidates.length;
  }
  const page = candidates.slice(start, start + top);
  const more = start + top < candidates.length;
  const headers: Record<string, string> = { "Content-Type": ATOM_FEED_TYPE };
  if (more && page.length > 0) headers["x-ms-continuationtoken"] = encodeToken(page.at(-1)!.registrationId);
  return {
    status: 200,
    headers,
    body: atomFeed({
      url: `${req.origin}/${hub.name}${selfPath}?api-version=${req.query.get("api-version")}`,
      title: "Registrations",
      entries: page.map((r) => entry(req, hub, r, true)),
    }),
    note: `${page.length} registration(s)${more ? ", more follow" : ""}`,
  };
}

/** `GET /{hub}/registrations`: registrations matching `$filter`, paged by `$top` and continuation tokens. */
export function handleListRegistrations(hub: HubState, req: HubHttpRequest): Reply {
  const filter = queryParam(req, "$filter");
  const test = filter !== null && filter.trim() !== "" ? parseFilter(filter) : undefined;
  const all = hub.listedRegistrations();
  const candidates = test ? all.filter(test) : all;
  return pageReply(req, hub, candidates, "/registrations");
}

/** `GET /{hub}/tags/{tag}/registrations`: the registrations carrying `tag`, paged like the full listing. */
export function handleListByTag(hub: HubState, req: HubHttpRequest, tag: string): Reply {
  const problem = tagProblem(tag);
  if (problem) throw new HttpError(400, `"${tag}" is not a valid tag: ${problem.message}.`);
  const candidates = hub.listedRegistrations().filter((r) => r.tags.includes(tag));
  return pageReply(req, hub, candidates, `/tags/${encodeURIComponent(tag)}/registrations`);
}
