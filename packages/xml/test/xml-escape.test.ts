import { ValidationError } from "@nhub/core";
import fc from "fast-check";
import { XMLValidator } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { assertWellFormedXml, escapeXml, stripInvalidXmlChars } from "../src/index";
import { anyText, isXmlText, parser, xmlText } from "./xml-text";

describe("escapeXml", () => {
  it("escapes markup, quotes and the whitespace parsers would rewrite", () => {
    expect(escapeXml(`<a href="x">Tom & Jerry's</a>`)).toBe(
      "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&apos;s&lt;/a&gt;",
    );
    expect(escapeXml("a\tb\nc\r\nd")).toBe("a&#9;b&#10;c&#13;&#10;d");
    expect(escapeXml("ünïcødé 😀 \u2028")).toBe("ünïcødé 😀 \u2028");
    expect(escapeXml("&amp;")).toBe("&amp;amp;");
    expect(escapeXml("")).toBe("");
  });

  it("refuses characters XML cannot carry with a core ValidationError naming the field", () => {
    expect(() => escapeXml("bell\u0007", "texts.0")).toThrow(
      expect.objectContaining({
        field: "texts.0",
        rule: "xml-char",
        message: expect.stringMatching(/U\+0007 at index 4/),
      }),
    );
    expect(() => escapeXml("\ud800")).toThrow(/lone surrogate/);
    expect(() => escapeXml("\uffff")).toThrow(/U\+FFFF/);
    expect(() => escapeXml(5 as unknown as string)).toThrow(expect.objectContaining({ rule: "type" }));
    expect(() => escapeXml(null as unknown as string, "title")).toThrow(
      expect.objectContaining({
        field: "title",
        rule: "type",
        message: expect.stringMatching(/expected a string, not null/),
      }),
    );
    let error: unknown;
    try {
      escapeXml("\u0000");
    } catch (e) {
      error = e;
    }
    expect(ValidationError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ field: "text", rule: "xml-char" });
  });

  it("refuses exactly the strings with a forbidden character", () => {
    fc.assert(
      fc.property(anyText, (s) => {
        let refused: unknown;
        try {
          escapeXml(s);
        } catch (e) {
          refused = e;
        }
        if (isXmlText(s)) expect(refused).toBeUndefined();
        else expect(refused).toMatchObject({ rule: "xml-char" });
      }),
      { numRuns: 2000 },
    );
  });

  it("round-trips any allowed text through a real parser, as element text and as attribute value", () => {
    fc.assert(
      fc.property(xmlText, (s) => {
        const e = escapeXml(s);
        const doc = `<r a="${e}" b='${e}'>${e}</r>`;
        expect(XMLValidator.validate(doc)).toBe(true);
        expect(assertWellFormedXml(doc)).toEqual({ root: "r" });
        const { r } = parser.parse(doc);
        expect(r["@a"]).toBe(s);
        expect(r["@b"]).toBe(s);
        expect(r["#text"] ?? "").toBe(s);
      }),
      { numRuns: 2000 },
    );
  });
});

describe("stripInvalidXmlChars", () => {
  it("removes forbidden characters and keeps the rest, in order", () => {
    expect(stripInvalidXmlChars("a\u0000b\u0007c\ud800d\uffff\te\n😀")).toBe("abcd\te\n😀");
  });

  it("always leaves text that escapes and round-trips, and changes allowed text not at all", () => {
    fc.assert(
      fc.property(anyText, (s) => {
        const clean = stripInvalidXmlChars(s);
        expect(isXmlText(clean)).toBe(true);
        if (isXmlText(s)) expect(clean).toBe(s);
        const doc = `<r a="${escapeXml(clean)}">${escapeXml(clean)}</r>`;
        expect(assertWellFormedXml(doc)).toEqual({ root: "r" });
        const { r } = parser.parse(doc);
        expect(r["@a"]).toBe(clean);
        expect(r["#text"] ?? "").toBe(clean);
      }),
      { numRuns: 2000 },
    );
  });
});
