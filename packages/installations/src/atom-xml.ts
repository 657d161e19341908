/**
 * The Atom envelope the hub's management operations speak (registrations and jobs): writing an `<entry>` around
 * one description, and reading entries and feeds back with `@nhub/xml`'s reader.
 */
import { NhubError } from "@nhub/core";
import { createXmlReader, type XmlObject } from "@nhub/xml";

/** The content type of an Atom entry request body. */
export const ATOM_ENTRY_CONTENT_TYPE = "application/atom+xml;type=entry;charset=utf-8";

/** The namespace of registration and job descriptions. */
export const SERVICEBUS_NS = "http://schemas.microsoft.com/netservices/2010/10/servicebus/connect";
const ATOM_NS = "http://www.w3.org/2005/Atom";
const XSI_NS = "http://www.w3.org/2001/XMLSchema-instance";

/**
 * Wraps description elements (already escaped) in an Atom entry:
 * `<entry xmlns=Atom><content type="application/xml"><Root xmlns:i=XSI xmlns=connect>...</Root></content></entry>`.
 */
export function atomEntry(root: string, innerXml: string): string {
  return (
    `<entry xmlns="${ATOM_NS}"><content type="application/xml">` +
    `<${root} xmlns:i="${XSI_NS}" xmlns="${SERVICEBUS_NS}">${innerXml}</${root}>` +
    "</content></entry>"
  );
}

/** A parsed XML element: child elements by local name, repeated ones as arrays. */
export type XmlNode = XmlObject;

// Elements that may repeat, always read as arrays so one and many look alike. Body templates keep their
// whitespace, so values are not trimmed.
const reader = createXmlReader({
  trimValues: false,
  arrays: ["entry", "ApnsHeader", "WnsHeader", "MpnsHeader", "KeyValueOfstringstring"],
});

/** An answer from the hub that nhub cannot read: the service (or a proxy) sent something unexpected. */
export function unexpectedResponse(message: string, cause?: unknown): NhubError {
  return new NhubError(`unexpected response from the hub: ${message}`, "NHUB_UNEXPECTED_RESPONSE", { cause });
}

/** Parses XML text; a malformed document becomes an {@link unexpectedResponse} error. */
export async function parseXml(xml: string): Promise<XmlNode> {
  try {
    return reader.read(xml);
  } catch (error) {
    throw unexpectedResponse(`the body is not well-formed XML (${(error as Error).message})`, error);
  }
}

/** Reads a child element as an object, `undefined` when absent or empty. */
export function child(node: unknown, name: string): XmlNode | undefined {
  if (node === null || typeof node !== "object") return undefined;
  const value = (node as XmlNode)[name];
  return value !== null && typeof value === "object" && !Array.isArray(value)
    ? (value as XmlNode)
    : undefined;
}

/** Reads a repeated child element as an array (empty when absent). */
export function children(node: unknown, name: string): unknown[] {
  if (node === null || typeof node !== "object") return [];
  const value = (node as XmlNode)[name];
  if (value === undefined || value === null || value === "") return [];
  return Array.isArray(value) ? value : [value];
}

/** Reads a leaf element's text; `undefined` when absent or empty (`<X/>`, `<X i:nil="true"/>`). */
export function text(node: unknown, name: string): string | undefined {
  if (node === null || typeof node !== "object") return undefined;
  const value = (node as XmlNode)[name];
  if (typeof value === "string") return value === "" ? undefined : value;
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    const inner = (value as XmlNode)["#text"];
    return typeof inner === "string" && inner !== "" ? inner : undefined;
  }
  return undefined;
}

/** The element inside an entry's `<content>` whose name satisfies `accept`, with that name. */
export function entryContent(
  entry: unknown,
  accept: (name: string) => boolean,
): { name: string; node: XmlNode } | undefined {
  const content = child(entry, "content");
  if (content === undefined) return undefined;
  for (const [name, value] of Object.entries(content)) {
    if (!accept(name)) continue;
    return { name, node: value !== null && typeof value === "object" ? (value as XmlNode) : {} };
  }
  return undefined;
}

/**
 * Reads an xs:dateTime as a Date. The service writes some without a zone (`9999-12-31T23:59:59.999`), which means
 * UTC, and some with seven fraction digits; both are accepted.
 */
export function parseServiceDate(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?)(?:\.(\d+))?(Z|[+-]\d{2}:?\d{2})?$/.exec(
    value.trim(),
  );
  if (!m) {
    const fallback = new Date(value);
    return Number.isNaN(fallback.getTime()) ? undefined : fallback;
  }
  const fraction = m[2] === undefined ? "" : `.${m[2].slice(0, 3).padEnd(3, "0")}`;
  const date = new Date(`${m[1]}${fraction}${m[3] ?? "Z"}`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
