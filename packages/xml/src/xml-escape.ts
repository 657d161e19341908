/**
 * Escaping text into XML so that any text XML can carry reaches the reader unchanged.
 */
import { ValidationError } from "@nhub/core";
import { describeXmlChar, findInvalidXmlChar, replaceInvalidXmlChars } from "./xml-chars";

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
// In element content quotes mean nothing and a parser keeps tab and LF; only CR would be rewritten (to LF).
const TO_ESCAPE_IN_TEXT = /[&<>\r]/g;

/** Options of {@link escapeXml}. */
export interface EscapeXmlOptions {
  /** The name used in errors, e.g. `texts.0`. Default `text`. */
  readonly field?: string;
  /**
   * What happens to a character XML 1.0 cannot carry, not even as a character reference (C0 controls other
   * than tab, LF and CR; lone surrogates; U+FFFE and U+FFFF):
   *
   * - `"throw"` (the default): refuse the text with a `ValidationError` (rule `xml-char`). For text a caller
   *   sends, where a silent change would be a surprise.
   * - `"replace"`: write U+FFFD (the replacement character) in its place. For text that has to go out whatever
   *   it holds and whose writer cannot be asked again: a value rendered into a template, an echo of a request
   *   in an answer.
   */
  readonly invalidChars?: "throw" | "replace";
  /**
   * Where the escaped text goes:
   *
   * - `"any"` (the default): anywhere, an attribute value in either quote or element content. Quotes become
   *   `&quot;` and `&apos;`, tab and LF `&#9;` and `&#10;`.
   * - `"text"`: element content only. Just `&`, `<`, `>` and CR are escaped; quotes, tab and LF stay literal, as
   *   a serializer such as .NET's writes element text, so that an answer can match the hub's byte for byte. The
   *   text still reads back unchanged from element content, but is NOT safe in an attribute value.
   */
  readonly context?: "any" | "text";
}

/**
 * Escapes text for use anywhere in an XML document, element text or attribute value (either quote): `&`, `<`,
 * `>`, `"` and `'` become entity references, and tab, LF and CR become character references so a parser hands
 * them back unchanged. `{ context: "text" }` escapes less, for element content only.
 *
 * Characters XML 1.0 forbids outright (C0 controls other than tab, LF and CR; lone surrogates; U+FFFE and
 * U+FFFF) cannot be escaped, so by default they are refused rather than silently dropped; remove them first with
 * {@link stripInvalidXmlChars} if losing them is acceptable, or pass `{ invalidChars: "replace" }` to have each
 * one written as U+FFFD.
 *
 * @example
 * escapeXml(`Tom & "Jerry"`); // "Tom &amp; &quot;Jerry&quot;"
 * escapeXml("bell\u0007", { invalidChars: "replace" }); // "bell\uFFFD"
 * escapeXml(`"a" < b`, { context: "text" }); // `"a" &lt; b`
 *
 * @param text the text to escape.
 * @param options the name used in the error (e.g. `texts.0`), or {@link EscapeXmlOptions}.
 * @throws {ValidationError} with rule `xml-char` for a forbidden character (unless `invalidChars` is
 * `"replace"`), `type` for a non-string.
 */
export function escapeXml(text: string, options: string | EscapeXmlOptions = "text"): string {
  const {
    field = "text",
    invalidChars = "throw",
    context = "any",
  } = typeof options === "string" ? { field: options } : options;
  if (typeof text !== "string") {
    throw new ValidationError(
      field,
      "type",
      `expected a string, not ${text === null ? "null" : typeof text}`,
    );
  }
  let carried = text;
  const bad = findInvalidXmlChar(text);
  if (bad !== undefined) {
    if (invalidChars !== "replace") {
      throw new ValidationError(
        field,
        "xml-char",
        `${describeXmlChar(bad.char)} at index ${bad.index} cannot appear in XML 1.0, not even escaped; ` +
          "remove it (stripInvalidXmlChars does)",
      );
    }
    carried = replaceInvalidXmlChars(text);
  }
  return carried.replace(context === "text" ? TO_ESCAPE_IN_TEXT : TO_ESCAPE, (c) => ESCAPES[c]!);
}
