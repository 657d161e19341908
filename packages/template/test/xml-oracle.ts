/**
 * An independent XML parser for tests: fast-xml-parser, which @nhub/core depends on, resolved from core's
 * directory so this package needs no dependency of its own. Test-only.
 */
import { createRequire } from "node:module";
import { resolve } from "node:path";

interface XmlValidationError {
  readonly err: { readonly code: string; readonly msg: string; readonly line: number };
}
interface FastXmlParser {
  readonly XMLValidator: { validate(xml: string): true | XmlValidationError };
  readonly XMLParser: new (options: Record<string, unknown>) => { parse(xml: string): unknown };
}

const fxp = createRequire(resolve(__dirname, "../../core/package.json"))("fast-xml-parser") as FastXmlParser;

const parser = new fxp.XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@",
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  // Decodes numeric character references too (&#10;), which escapeXml emits for tab, LF and CR.
  htmlEntities: true,
});

/** Throws unless `xml` is well-formed; returns the parsed tree (attributes as `@name`, text as `#text`). */
export function parseXml(xml: string): Record<string, unknown> {
  const verdict = fxp.XMLValidator.validate(xml);
  if (verdict !== true)
    throw new Error(`not well-formed XML (${verdict.err.code} line ${verdict.err.line}): ${verdict.err.msg}`);
  return parser.parse(xml) as Record<string, unknown>;
}
