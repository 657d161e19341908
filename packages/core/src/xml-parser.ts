/**
 * The XML parser core's two readers share (`outcome-xml.ts` for the hub's answers, `pns-feedback-xml.ts` for the
 * push services' feedback files): fast-xml-parser, loaded the first time an XML body has to be read, so a plain
 * send never loads it. Namespace prefixes are removed and values kept as text.
 */

/** A parsed XML element as fast-xml-parser returns it: child elements by name, text under `#text`. */
export type XmlNode = Record<string, unknown>;

let parserPromise: Promise<{ parse(xml: string): XmlNode }> | undefined;

/** The shared parser, made on first use. */
export function xmlParser(): Promise<{ parse(xml: string): XmlNode }> {
  parserPromise ??= import("fast-xml-parser").then(
    ({ XMLParser }) =>
      new XMLParser({ ignoreAttributes: true, removeNSPrefix: true, parseTagValue: false, trimValues: true }),
  );
  return parserPromise;
}
