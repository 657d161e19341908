/**
 * The Atom envelopes of the management operations (registrations and jobs): reading the description an
 * entry carries, and writing entries and feeds the way the service does.
 */
import { createXmlReader } from "@nhub/xml";
import { HttpError } from "./emulator-http";
import { ATOM_NAMESPACE, element, escapeAttribute, escapeText, xmlProblem } from "./emulator-xml";

/** The content type of one Atom entry, as the service answers it. */
export const ATOM_ENTRY_TYPE = "application/atom+xml;type=entry;charset=utf-8";
/** The content type of an Atom feed. */
export const ATOM_FEED_TYPE = "application/atom+xml;type=feed;charset=utf-8";
const METADATA_NAMESPACE = "http://schemas.microsoft.com/ado/2007/08/dataservices/metadata";

/** A parsed XML element: text for leaves, an object of children (arrays for repeated ones) otherwise. */
export type XmlNode = string | { readonly [name: string]: XmlNode | readonly XmlNode[] };

// Elements that may repeat are read as arrays even when there is one. Values stay text: a device token of
// digits must not turn into a number.
const reader = createXmlReader({
  arrays: ["ApnsHeader", "WnsHeader", "MpnsHeader", "KeyValueOfstringstring"],
});

/**
 * The description inside an Atom entry (`<entry><content><XDescription>...`), or a bare description.
 *
 * @throws {HttpError} 400 for a body that is not well-formed XML or not an entry with one description.
 */
export function parseAtomContent(body: Buffer, what: string): { name: string; value: XmlNode } {
  const text = body.toString("utf8");
  if (text.trim() === "") throw new HttpError(400, `The ${what} body is empty.`);
  // The service takes no DTDs; refusing them also keeps entity expansion out of the parser.
  if (/<!DOCTYPE/i.test(text)) throw new HttpError(400, `The ${what} body cannot contain a DOCTYPE.`);
  const problem = xmlProblem(text);
  if (problem) throw new HttpError(400, `The ${what} body is not well-formed XML: ${problem}.`);
  let doc: Readonly<Record<string, unknown>>;
  try {
    doc = reader.read(text);
  } catch (error) {
    // The parser refuses element names such as __proto__ and constructor; that is the caller's fault, not ours.
    throw new HttpError(400, `The ${what} body cannot be read: ${(error as Error).message}.`);
  }
  // The reader leaves out the XML declaration and processing instructions, so every key is an element.
  const rootName = Object.keys(doc)[0];
  if (rootName === undefined) throw new HttpError(400, `The ${what} body has no root element.`);
  let holder: unknown = doc;
  if (rootName === "entry") {
    const entry = doc["entry"];
    holder =
      typeof entry === "object" && entry !== null ? (entry as Record<string, unknown>)["content"] : undefined;
    if (typeof holder !== "object" || holder === null) {
      throw new HttpError(400, `The ${what} entry has no <content> holding a description.`);
    }
  }
  const names = Object.keys(holder as Record<string, unknown>);
  if (names.length !== 1) {
    throw new HttpError(
      400,
      `The ${what} entry must hold exactly one description; it holds ${names.length}.`,
    );
  }
  const name = names[0]!;
  return { name, value: (holder as Record<string, XmlNode>)[name]! };
}

/** A child's text: `undefined` when absent, `""` for an empty element. */
export function childText(node: XmlNode, name: string): string | undefined {
  if (typeof node === "string") return undefined;
  const child = node[name];
  if (child === undefined) return undefined;
  if (typeof child === "string") return child;
  if (Array.isArray(child)) return undefined;
  // An element with children where text was expected.
  return Object.keys(child).length === 0 ? "" : undefined;
}

/** The repeated children `name` under `parent` (e.g. `ApnsHeaders/ApnsHeader`). */
export function childList(node: XmlNode, parent: string, name: string): XmlNode[] {
  if (typeof node === "string") return [];
  const holder = node[parent];
  if (holder === undefined || typeof holder === "string" || Array.isArray(holder)) return [];
  const items = (holder as Record<string, XmlNode | readonly XmlNode[]>)[name];
  if (items === undefined) return [];
  return Array.isArray(items) ? [...items] : [items as XmlNode];
}

/** One Atom entry around a description, as the service writes it (`a:etag` for versioned resources). */
export function atomEntry(entry: {
  readonly url: string;
  readonly title: string;
  readonly published: string;
  readonly updated: string;
  readonly etag?: string;
  readonly content: string;
  /** Leave the XML declaration off, for entries inside a feed. */
  readonly nested?: boolean;
}): string {
  const etag =
    entry.etag === undefined
      ? ""
      : ` a:etag="${escapeAttribute(`W/"${entry.etag}"`)}" xmlns:a="${METADATA_NAMESPACE}"`;
  const xmlns = entry.nested ? "" : ` xmlns="${ATOM_NAMESPACE}"`;
  return (
    (entry.nested ? "" : '<?xml version="1.0" encoding="utf-8"?>') +
    `<entry${etag}${xmlns}>` +
    element("id", entry.url) +
    `<title type="text">${escapeText(entry.title)}</title>` +
    element("published", entry.published) +
    element("updated", entry.updated) +
    `<link rel="self" href="${escapeAttribute(entry.url)}"/>` +
    `<content type="application/xml">${entry.content}</content>` +
    "</entry>"
  );
}

/** An Atom feed of entries written with `nested: true`. */
export function atomFeed(feed: {
  readonly url: string;
  readonly title: string;
  readonly entries: readonly string[];
}): string {
  return (
    '<?xml version="1.0" encoding="utf-8"?>' +
    `<feed xmlns="${ATOM_NAMESPACE}">` +
    `<title type="text">${escapeText(feed.title)}</title>` +
    element("id", feed.url) +
    element("updated", new Date().toISOString()) +
    `<link rel="self" href="${escapeAttribute(feed.url)}"/>` +
    feed.entries.join("") +
    "</feed>"
  );
}
