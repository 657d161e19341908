/**
 * The small, strict XML toolkit nhub's platform packages share: escaping text into XML, XML 1.0's character
 * rules, and the well-formedness check every XML payload passes before it is sent.
 *
 * @packageDocumentation
 */
export { stripInvalidXmlChars } from "./xml-chars";
export { escapeXml } from "./xml-escape";
export { assertWellFormedXml, type XmlOutline } from "./xml-well-formed";
