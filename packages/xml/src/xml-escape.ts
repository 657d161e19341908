/**
 * Escaping text into XML so that any text XML can carry reaches the reader unchanged.
 */
import { ValidationError } from "@nhub/core";
import { describeXmlChar, findInvalidXmlChar } from "./xml-chars";

// Tab, LF and CR become character references so they survive attribute-value normalisation and end-of-line
// handling: a parser turns a literal CR into LF, and a literal tab or LF in an attribute into a space.
const ESCAPES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&apos;",
  "\t": "&#9;",
  "\n": "&#10;",
  "\r": "&#13;",
};
const TO_ESCAPE = /[&<>"'\t\n\r]/g;

/**
 * Escapes text for use anywhere in an XML document, element text or attribute value (either quote): `&`, `<`,
 * `>`, `"` and `'` become entity references, and tab, LF and CR become character references so a parser hands
 * them back unchanged.
 *
 * Characters XML 1.0 forbids outright (C0 controls other than tab, LF and CR; lone surrogates; U+FFFE and
 * U+FFFF) cannot be escaped, so they are refused rather than silently dropped; remove them first with
 * {@link stripInvalidXmlChars} if losing them is acceptable.
 *
 * @example
 * escapeXml(`Tom & "Jerry"`); // "Tom &amp; &quot;Jerry&quot;"
 *
 * @param text the text to escape.
 * @param field the name used in the error, e.g. `texts.0`.
 * @throws {ValidationError} with rule `xml-char` for a forbidden character, `type` for a non-string.
 */
export function escapeXml(text: string, field = "text"): string {
  if (typeof text !== "string") {
    throw new ValidationError(
      field,
      "type",
      `expected a string, not ${text === null ? "null" : typeof text}`,
    );
  }
  const bad = findInvalidXmlChar(text);
  if (bad !== undefined) {
    throw new ValidationError(
      field,
      "xml-char",
      `${describeXmlChar(bad.char)} at index ${bad.index} cannot appear in XML 1.0, not even escaped; ` +
        "remove it (stripInvalidXmlChars does)",
    );
  }
  return text.replace(TO_ESCAPE, (c) => ESCAPES[c]!);
}
