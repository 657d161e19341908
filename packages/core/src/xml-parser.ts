/** A parsed XML element as fast-xml-parser returns it: child elements by name, text under `#text`. */
export type XmlNode = Record<string, unknown>;

// fast-xml-parser is loaded the first time an XML answer has to be read (a test-send outcome, outcome details,
// an error body), so a plain send never pays for it.
let parserPromise: Promise<{ parse(xml: string): XmlNode }> | undefined;

/** The shared, lazily loaded XML parser: namespace prefixes removed, values kept as text. */
export function xmlParser(): Promise<{ parse(xml: string): XmlNode }> {
  parserPromise ??= import("fast-xml-parser").then(
    ({ XMLParser }) =>
      new XMLParser({ ignoreAttributes: true, removeNSPrefix: true, parseTagValue: false, trimValues: true }),
  );
  return parserPromise;
}

/** The text of an element, `""` when it is absent. */
export function text(node: unknown): string {
  if (node === undefined || node === null) return "";
  if (typeof node === "object") return String((node as XmlNode)["#text"] ?? "");
  return String(node);
}

/** A repeated element as an array: the parser gives one child as an object and several as an array. */
export function asArray(node: unknown): unknown[] {
  if (node === undefined || node === null || node === "") return [];
  return Array.isArray(node) ? node : [node];
}
