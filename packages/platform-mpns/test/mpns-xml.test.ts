import fc from "fast-check";
import { XMLValidator } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
// The XML text arbitraries and reader live with the escaping tests in @nhub/xml; one copy serves all.
import { parser, xmlText } from "../../xml/test/xml-text";
import { createMpnsNotification, inferMpnsKind, mpnsTileXml, mpnsToastXml } from "../src/index";

/** The text of a parsed element: the parser gives "" for an empty element and the string otherwise. */
const text = (node: unknown): string => (typeof node === "string" ? node : "");

describe("mpnsToastXml", () => {
  it("builds the envelope with Text1, Text2 and Param in schema order", () => {
    expect(mpnsToastXml({ text1: "Score", text2: "2 - 1", param: "/Match.xaml?id=7&live=1" })).toBe(
      '<?xml version="1.0" encoding="utf-8"?><wp:Notification xmlns:wp="WPNotification"><wp:Toast>' +
        "<wp:Text1>Score</wp:Text1><wp:Text2>2 - 1</wp:Text2><wp:Param>/Match.xaml?id=7&amp;live=1</wp:Param>" +
        "</wp:Toast></wp:Notification>",
    );
    expect(mpnsToastXml({ text1: "only" })).toBe(
      '<?xml version="1.0" encoding="utf-8"?><wp:Notification xmlns:wp="WPNotification"><wp:Toast><wp:Text1>only</wp:Text1></wp:Toast></wp:Notification>',
    );
  });

  it.each<[string, () => string, string, string]>([
    ["no text1", () => mpnsToastXml({} as { text1: string }), "text1", "required"],
    ["a non-string text1", () => mpnsToastXml({ text1: 1 as unknown as string }), "text1", "type"],
    [
      "a control character in text2",
      () => mpnsToastXml({ text1: "a", text2: "\u0008" }),
      "text2",
      "xml-char",
    ],
    [
      "a lone surrogate in param",
      () => mpnsToastXml({ text1: "a", param: "/p?\udc00" }),
      "param",
      "xml-char",
    ],
    ["no options", () => mpnsToastXml(null as unknown as { text1: string }), "options", "type"],
  ])("refuses %s", (_name, build, field, rule) => {
    expect(build).toThrow(expect.objectContaining({ field, rule }));
  });

  it("round-trips any allowed text through a real parser and is sent as a toast", () => {
    fc.assert(
      fc.property(xmlText, xmlText, xmlText, (text1, text2, param) => {
        const xml = mpnsToastXml({ text1, text2, param });
        expect(XMLValidator.validate(xml)).toBe(true);
        expect(inferMpnsKind(xml)).toBe("toast");
        const toast = parser.parse(xml)["wp:Notification"]["wp:Toast"];
        expect(text(toast["wp:Text1"])).toBe(text1);
        expect(text(toast["wp:Text2"])).toBe(text2);
        expect(text(toast["wp:Param"])).toBe(param);
        expect(createMpnsNotification(xml).headers?.["X-WindowsPhone-Target"]).toBe("toast");
      }),
      { numRuns: 1000 },
    );
  });
});

describe("mpnsTileXml", () => {
  it("builds every property in schema order, with the Id attribute", () => {
    expect(
      mpnsTileXml({
        backContent: "back & more",
        backTitle: "Back",
        backBackgroundImage: "/back.png",
        title: "Front",
        count: 0,
        backgroundImage: "https://x.example/f.png?a=1&b=2",
        id: '/Tile.xaml?team="red"',
      }),
    ).toBe(
      '<?xml version="1.0" encoding="utf-8"?><wp:Notification xmlns:wp="WPNotification">' +
        '<wp:Tile Id="/Tile.xaml?team=&quot;red&quot;">' +
        "<wp:BackgroundImage>https://x.example/f.png?a=1&amp;b=2</wp:BackgroundImage><wp:Count>0</wp:Count>" +
        "<wp:Title>Front</wp:Title><wp:BackBackgroundImage>/back.png</wp:BackBackgroundImage>" +
        "<wp:BackTitle>Back</wp:BackTitle><wp:BackContent>back &amp; more</wp:BackContent></wp:Tile></wp:Notification>",
    );
  });

  it.each<[string, () => string, string, string]>([
    ["no property", () => mpnsTileXml({}), "options", "required"],
    ["only an id", () => mpnsTileXml({ id: "/x" }), "options", "required"],
    ["a count over 99", () => mpnsTileXml({ count: 100 }), "count", "range"],
    ["a negative count", () => mpnsTileXml({ count: -1 }), "count", "range"],
    ["a fractional count", () => mpnsTileXml({ count: 2.5 }), "count", "range"],
    [
      "a control character in the title",
      () => mpnsTileXml({ title: "\u007f ok \u0001" }),
      "title",
      "xml-char",
    ],
    ["a control character in the id", () => mpnsTileXml({ id: "\u0000", title: "t" }), "id", "xml-char"],
  ])("refuses %s", (_name, build, field, rule) => {
    expect(build).toThrow(expect.objectContaining({ field, rule }));
  });

  it("round-trips any allowed text through a real parser and is sent as a tile", () => {
    fc.assert(
      fc.property(
        xmlText,
        xmlText,
        xmlText,
        fc.integer({ min: 0, max: 99 }),
        (id, title, backContent, count) => {
          const xml = mpnsTileXml({ id, title, backContent, count });
          expect(XMLValidator.validate(xml)).toBe(true);
          expect(inferMpnsKind(xml)).toBe("tile");
          const tile = parser.parse(xml)["wp:Notification"]["wp:Tile"];
          expect(tile["@Id"]).toBe(id);
          expect(text(tile["wp:Title"])).toBe(title);
          expect(text(tile["wp:BackContent"])).toBe(backContent);
          expect(tile["wp:Count"]).toBe(String(count));
          expect(createMpnsNotification(xml).headers?.["X-NotificationClass"]).toBe("1");
        },
      ),
      { numRuns: 1000 },
    );
  });
});
