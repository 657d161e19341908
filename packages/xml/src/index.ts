/**
 * The XML toolkit nhub's packages share: escaping text into XML, XML 1.0's character rules, the
 * well-formedness checks, and one configured reader over fast-xml-parser.
 *
 * @packageDocumentation
 */
export { isXmlCharCode, stripInvalidXmlChars } from "./xml-chars";
export { type EscapeXmlOptions, escapeXml } from "./xml-escape";
export { createXmlReader, type XmlObject, type XmlReader, type XmlReaderOptions } from "./xml-reader";
export { assertWellFormedXml, findXmlSyntaxError, type XmlOutline } from "./xml-well-formed";
