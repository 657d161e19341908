import fc from "fast-check";
import { XMLParser } from "fast-xml-parser";

/** A conforming reader: entities and character references decoded, nothing trimmed or converted. */
export const parser = new XMLParser({
  ignoreAttributes: false,
  attributeNamePrefix: "@",
  trimValues: false,
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: true,
  htmlEntities: true,
});

/** An independent statement of XML 1.0's Char production, code point by code point. */
export function isXmlText(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const unit = s.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      return false;
    }
    if (unit >= 0xdc00 && unit <= 0xdfff) return false;
    if (unit === 0xfffe || unit === 0xffff) return false;
    if (unit < 0x20 && unit !== 0x9 && unit !== 0xa && unit !== 0xd) return false;
  }
  return true;
}

/** Any code point, lone surrogates, and the characters escaping is about, in any mix. */
export const anyText = fc.string({
  unit: fc.oneof(
    { arbitrary: fc.string({ unit: "binary", minLength: 1, maxLength: 1 }), weight: 4 },
    {
      arbitrary: fc.constantFrom(
        "&",
        "<",
        ">",
        '"',
        "'",
        "\r",
        "\n",
        "\t",
        "\r\n",
        "]]>",
        "&amp;",
        "&#10;",
        " ",
      ),
      weight: 3,
    },
    { arbitrary: fc.integer({ min: 0, max: 0x1f }).map((c) => String.fromCharCode(c)), weight: 1 },
    { arbitrary: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)), weight: 1 },
    { arbitrary: fc.constantFrom("\uFFFE", "\uFFFF", "\u0085", "\u2028", "😀", "é", "\u0000"), weight: 1 },
  ),
  maxLength: 40,
});

/** Text XML 1.0 can carry: {@link anyText} without the strings holding a forbidden character. */
export const xmlText = anyText.filter(isXmlText);
