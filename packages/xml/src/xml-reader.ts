/**
 * One way to read XML into plain objects, over fast-xml-parser, with the settings every nhub reader needs and
 * the limits that keep a hostile document cheap.
 */
import { XMLParser } from "fast-xml-parser";

/** Options of {@link createXmlReader}. Every default suits reading the hub's own answers. */
export interface XmlReaderOptions {
  /**
   * Read attributes too, as an object under the key `":@"` of their element, by name as written
   * (`{ ":@": { type: "text" } }`). Default `false`: attributes are dropped.
   */
  readonly attributes?: boolean;
  /** Keep namespace prefixes in names (`wp:Toast`). Default `false`: names are local (`Toast`). */
  readonly namespacePrefixes?: boolean;
  /**
   * Trim whitespace around text and drop text that is only whitespace. Default `true`; `false` for text whose
   * spaces matter, such as template bodies.
   */
  readonly trimValues?: boolean;
  /** Names of elements always read as arrays, so that one and many look alike. */
  readonly arrays?: Iterable<string>;
  /**
   * Read the document as written, in order: an array of nodes `{ name: children[], ":@"?: attributes }`, text as
   * `{ "#text": ... }` and comments as `{ "#comment": [...] }` (fast-xml-parser's `preserveOrder` shape). Default
   * `false`: an object of child elements by name, repeated ones as arrays, an element's text under `#text` when
   * it also has attributes or children.
   */
  readonly ordered?: boolean;
}

/** An XML element read by an {@link XmlReader}: child elements, text and attributes by name. */
export type XmlObject = { readonly [name: string]: unknown };

/**
 * A configured reader; see {@link createXmlReader}. `T` is what a document reads as: an {@link XmlObject}, or for
 * an `ordered` reader the array of top-level nodes.
 */
export interface XmlReader<T = XmlObject> {
  /**
   * Reads a document: an {@link XmlObject} keyed by the root element's name, or for an `ordered` reader the
   * array of top-level nodes. Values are always text: `<Count>7</Count>` reads `"7"`, and a device token of
   * digits stays a string.
   *
   * @throws {Error} for a document with a DOCTYPE, an element named like an `Object.prototype` member, tags
   * nested more than about 100 deep, or markup the parser cannot follow.
   */
  read(xml: string): T;
}

// XML documents nhub reads never need a DTD; refusing it keeps entity declarations, and the expansion attacks
// they carry, away from the parser.
const DOCTYPE = /<!DOCTYPE/i;

/**
 * Creates an {@link XmlReader}. Whatever the options, a reader:
 *
 * - keeps every value as text (no numbers or booleans guessed from digits);
 * - decodes the five predefined entities and character references (`&#10;`, `&#x1F600;`), as XML requires
 *   (fast-xml-parser's `htmlEntities` mode, which also decodes HTML names such as `&nbsp;`; XML from the hub never
 *   holds them);
 * - leaves out the XML declaration and processing instructions;
 * - refuses a DOCTYPE, element names such as `__proto__`, and nesting more than about 100 tags deep.
 *
 * It does not check well-formedness: fast-xml-parser reads some broken documents without complaint. Run
 * {@link findXmlSyntaxError} or {@link assertWellFormedXml} first when that matters.
 *
 * @example
 * const reader = createXmlReader({ arrays: ["entry"] });
 * reader.read('<feed xmlns="http://www.w3.org/2005/Atom"><entry><id>1</id></entry></feed>');
 * // { feed: { entry: [{ id: "1" }] } }
 */
export function createXmlReader(
  options: XmlReaderOptions & { readonly ordered: true },
): XmlReader<readonly XmlObject[]>;
export function createXmlReader(
  options?: XmlReaderOptions & { readonly ordered?: false },
): XmlReader<XmlObject>;
export function createXmlReader(
  options: XmlReaderOptions = {},
): XmlReader<XmlObject> | XmlReader<readonly XmlObject[]> {
  const arrays = new Set(options.arrays ?? []);
  const parser = new XMLParser({
    preserveOrder: options.ordered === true,
    ignoreAttributes: options.attributes !== true,
    attributeNamePrefix: "",
    attributesGroupName: ":@",
    removeNSPrefix: options.namespacePrefixes !== true,
    parseTagValue: false,
    parseAttributeValue: false,
    trimValues: options.trimValues !== false,
    processEntities: true,
    htmlEntities: true,
    ignoreDeclaration: true,
    ignorePiTags: true,
    maxNestedTags: 100,
    ...(options.ordered === true ? { commentPropName: "#comment" } : {}),
    ...(arrays.size > 0 ? { isArray: (name: string) => arrays.has(name) } : {}),
  });
  return {
    read(xml: string) {
      if (DOCTYPE.test(xml)) throw new Error("a DOCTYPE is not allowed");
      return parser.parse(xml) as XmlObject;
    },
  };
}
