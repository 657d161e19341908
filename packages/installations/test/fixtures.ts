/**
 * Shared test helpers: deep-freezing inputs, reading XML structurally (element order included), and answers
 * written the way the service writes them (Atom entries and feeds with ETag, ExpirationTime and RegistrationId).
 */
import { NotificationHub } from "@nhub/core";
import {
  type CannedResponse,
  type RecordedRequest,
  type RecordingServer,
  startRecordingServer,
} from "@nhub/testkit";
import { XMLParser } from "fast-xml-parser";

/** Freezes an object and everything in it, so a test fails if the code under test writes to its input. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as Record<string, unknown>)) deepFreeze(v);
  }
  return value;
}

const ordered = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  parseTagValue: false,
  trimValues: false,
  htmlEntities: true,
});

/** The XML as an ordered tree: equal trees mean the same elements, attributes, text and element order. */
export function xmlTree(xml: string): unknown {
  return ordered.parse(xml);
}

type OrderedNode = Record<string, unknown>;

/** The names of the child elements of the first element called `name`, in document order. */
export function childElementNames(xml: string, name: string): string[] {
  const find = (nodes: unknown): OrderedNode[] | undefined => {
    if (!Array.isArray(nodes)) return undefined;
    for (const node of nodes as OrderedNode[]) {
      for (const [key, value] of Object.entries(node)) {
        if (key === ":@" || key === "#text") continue;
        if (key === name) return value as OrderedNode[];
        const inner = find(value);
        if (inner) return inner;
      }
    }
    return undefined;
  };
  const kids = find(ordered.parse(xml)) ?? [];
  return kids.flatMap((node) => Object.keys(node).filter((k) => k !== ":@" && k !== "#text"));
}

const ATOM = "http://www.w3.org/2005/Atom";
const CONNECT = "http://schemas.microsoft.com/netservices/2010/10/servicebus/connect";
const XSI = "http://www.w3.org/2001/XMLSchema-instance";
const META = "http://schemas.microsoft.com/ado/2007/08/dataservices/metadata";
export const BASE = "https://myns.servicebus.windows.net/myhub";

/** One `<entry>` as the service writes it around a description (`inner` is the description's elements). */
export function serviceEntry(root: string, id: string, inner: string, etag = "1", standalone = true): string {
  const ns = standalone ? ` xmlns="${ATOM}"` : "";
  return (
    `<entry a:etag="W/&quot;${etag}&quot;"${ns} xmlns:a="${META}">` +
    `<id>${BASE}/registrations/${id}?api-version=2020-06</id><title type="text">${id}</title>` +
    "<published>2026-01-05T10:00:00Z</published><updated>2026-01-05T10:00:00Z</updated>" +
    `<link rel="self" href="${BASE}/registrations/${id}?api-version=2020-06"/>` +
    `<content type="application/xml"><${root} xmlns="${CONNECT}" xmlns:i="${XSI}">${inner}</${root}></content></entry>`
  );
}

/** A `<feed>` of entries as the service writes it. */
export function serviceFeed(entries: string[]): string {
  return (
    `<feed xmlns="${ATOM}"><title type="text">Registrations</title>` +
    `<id>${BASE}/registrations?api-version=2020-06</id><updated>2026-01-05T10:00:00Z</updated>` +
    `<link rel="self" href="${BASE}/registrations?api-version=2020-06"/>${entries.join("")}</feed>`
  );
}

/** An Apple registration entry as the service answers it. */
export function appleEntry(id: string, token: string, tags?: string, etag = "1", standalone = true): string {
  return serviceEntry(
    "AppleRegistrationDescription",
    id,
    `<ETag>${etag}</ETag><ExpirationTime>9999-12-31T23:59:59.9999999Z</ExpirationTime>` +
      `<RegistrationId>${id}</RegistrationId>${tags ? `<Tags>${tags}</Tags>` : ""}<DeviceToken>${token}</DeviceToken>`,
    etag,
    standalone,
  );
}

/** A server plus a hub talking to it (no retries, so failures show at once). */
export async function startHub(
  respond?: (req: RecordedRequest, index: number) => CannedResponse | Promise<CannedResponse>,
): Promise<{ server: RecordingServer; hub: NotificationHub }> {
  const server = await startRecordingServer(respond ? { respond } : {});
  const hub = new NotificationHub(server.connectionString, "myhub", { retry: false });
  return { server, hub };
}

/** An Atom entry answer. */
export function atomAnswer(body: string, status = 200, headers: Record<string, string> = {}): CannedResponse {
  return {
    status,
    headers: { "Content-Type": "application/atom+xml;type=entry;charset=utf-8", ...headers },
    body,
  };
}

/** The service's XML error body. */
export function errorAnswer(status: number, detail: string): CannedResponse {
  return {
    status,
    headers: { "Content-Type": "application/xml; charset=utf-8" },
    body: `<Error><Code>${status}</Code><Detail>${detail}</Detail></Error>`,
  };
}
