import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { escapeXml, isXmlCharCode, stripInvalidXmlChars } from "../src/index";
import { anyText, isXmlText, parser } from "./xml-text";

describe("escapeXml options", () => {
  it("takes the field name as a string or in the options", () => {
    expect(() => escapeXml("\u0001", { field: "title" })).toThrow(
      expect.objectContaining({ field: "title", rule: "xml-char" }),
    );
    expect(() => escapeXml("\u0001", {})).toThrow(expect.objectContaining({ field: "text" }));
    expect(() => escapeXml("\u0001", { invalidChars: "throw" })).toThrow(/U\+0001/);
  });

  it('writes U+FFFD for each forbidden character with invalidChars: "replace"', () => {
    const replace = { invalidChars: "replace" } as const;
    expect(escapeXml("a\u0000b\u0008c\ufffed\ud800e😀", replace)).toBe("a\ufffdb\ufffdc\ufffdd\ufffde😀");
    expect(escapeXml("\udc00\ud83d", replace)).toBe("\ufffd\ufffd");
    expect(escapeXml(`<"&'>\t`, replace)).toBe("&lt;&quot;&amp;&apos;&gt;&#9;");
    expect(() => escapeXml(7 as unknown as string, { field: "n", ...replace })).toThrow(
      expect.objectContaining({ field: "n", rule: "type" }),
    );
  });

  it("replaces never changes allowed text and always yields text a parser reads back whole", () => {
    fc.assert(
      fc.property(anyText, (s) => {
        const escaped = escapeXml(s, { invalidChars: "replace" });
        if (isXmlText(s)) expect(escaped).toBe(escapeXml(s));
        const read = parser.parse(`<r a="${escaped}">${escaped}</r>`).r;
        const expected = [...s].map((c) => (isXmlText(c) ? c : "\ufffd")).join("");
        expect(read["@a"]).toBe(expected);
        if (expected !== "") expect(read["#text"]).toBe(expected);
        expect(stripInvalidXmlChars(s).length).toBeLessThanOrEqual(expected.length);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('escapeXml context: "text"', () => {
  it("escapes only what element content needs: & < > and CR", () => {
    expect(escapeXml(`<a b="c">'d' & e\t\n\r</a>`, { context: "text" })).toBe(
      `&lt;a b="c"&gt;'d' &amp; e\t\n&#13;&lt;/a&gt;`,
    );
    expect(escapeXml("]]>", { context: "text" })).toBe("]]&gt;");
    expect(() => escapeXml("\u0002", { context: "text" })).toThrow(
      expect.objectContaining({ rule: "xml-char" }),
    );
    expect(escapeXml("\u0002'", { context: "text", invalidChars: "replace" })).toBe("\ufffd'");
  });

  it("reads back unchanged from element content", () => {
    fc.assert(
      fc.property(anyText, (s) => {
        const clean = stripInvalidXmlChars(s);
        const read = parser.parse(`<r>${escapeXml(clean, { context: "text" })}</r>`).r;
        expect(read === "" ? "" : String(read)).toBe(clean);
      }),
      { numRuns: 1000 },
    );
  });
});

describe("isXmlCharCode", () => {
  it("is XML 1.0's Char production", () => {
    for (const ok of [0x9, 0xa, 0xd, 0x20, 0xd7ff, 0xe000, 0xfffd, 0x10000, 0x10ffff]) {
      expect(isXmlCharCode(ok)).toBe(true);
    }
    for (const bad of [0x0, 0x8, 0xb, 0x1f, 0xd800, 0xdfff, 0xfffe, 0xffff, 0x110000]) {
      expect(isXmlCharCode(bad)).toBe(false);
    }
  });
});
