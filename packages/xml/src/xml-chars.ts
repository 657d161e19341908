/**
 * XML 1.0's character rules: which characters a document may hold at all, how to name a forbidden one in an
 * error, and how to drop them.
 */

// Production [2] Char of XML 1.0: everything else (most C0 controls, lone surrogates, U+FFFE, U+FFFF) is
// forbidden even as a character reference, so no escaping can carry it.
const NOT_XML_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const NOT_XML_CHARS = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/**
 * Finds the first character XML 1.0 forbids in `text`.
 *
 * @returns the character (one UTF-16 unit for a lone surrogate) and its index, or `undefined` when every
 * character is allowed.
 * @internal shared by escaping and the well-formedness check; not part of the package's API.
 */
export function findInvalidXmlChar(
  text: string,
): { readonly char: string; readonly index: number } | undefined {
  const bad = NOT_XML_CHAR.exec(text);
  return bad === null ? undefined : { char: bad[0], index: bad.index };
}

/**
 * Names a character for an error message: `U+0007`, or `a lone surrogate (U+D800)`.
 *
 * @internal shared by escaping and the well-formedness check; not part of the package's API.
 */
export function describeXmlChar(char: string): string {
  const code = char.codePointAt(0) ?? 0;
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
  return code >= 0xd800 && code <= 0xdfff ? `a lone surrogate (${hex})` : hex;
}

/**
 * Whether a code point may appear in XML 1.0, literally or as a character reference (`&#...;`): tab, LF, CR,
 * U+0020-U+D7FF, U+E000-U+FFFD and U+10000-U+10FFFF (production [2] Char). Use it to judge a character
 * reference before decoding it.
 *
 * @example
 * isXmlCharCode(0x41); // true
 * isXmlCharCode(0x0); // false: &#0; is not XML
 */
export function isXmlCharCode(code: number): boolean {
  return (
    code === 0x9 ||
    code === 0xa ||
    code === 0xd ||
    (code >= 0x20 && code <= 0xd7ff) ||
    (code >= 0xe000 && code <= 0xfffd) ||
    (code >= 0x10000 && code <= 0x10ffff)
  );
}

/**
 * Puts U+FFFD in place of every character XML 1.0 forbids.
 *
 * @internal the `invalidChars: "replace"` mode of `escapeXml`; not part of the package's API.
 */
export function replaceInvalidXmlChars(text: string): string {
  return text.replace(NOT_XML_CHARS, "\ufffd");
}

/**
 * Removes every character XML 1.0 forbids (C0 controls other than tab, LF and CR, lone surrogates, U+FFFE,
 * U+FFFF), for callers who prefer dropping them to the error `escapeXml` raises. Allowed text comes back
 * unchanged.
 *
 * @example
 * stripInvalidXmlChars("bell\u0007"); // "bell"
 */
export function stripInvalidXmlChars(text: string): string {
  return text.replace(NOT_XML_CHARS, "");
}
