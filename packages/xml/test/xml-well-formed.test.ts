import { ValidationError } from "@nhub/core";
import fc from "fast-check";
import { XMLValidator } from "fast-xml-parser";
import { describe, expect, it } from "vitest";
import { assertWellFormedXml } from "../src/index";

describe("assertWellFormedXml: the outline", () => {
  it("returns the root and its first child element", () => {
    expect(assertWellFormedXml("<a><!-- c --><?pi?>text<b><c/></b><d/></a>")).toEqual({
      root: "a",
      firstChild: "b",
    });
    expect(assertWellFormedXml("<a>only text</a>")).toEqual({ root: "a" });
    expect(assertWellFormedXml("<a/>")).toEqual({ root: "a" });
  });

  it("skips a byte-order mark, the declaration, comments, PIs, text and CDATA to find root and first child", () => {
    const xml =
      '\uFEFF<?xml version="1.0" encoding="utf-8"?>\n<!-- <x/> -->\n<?app hint="<y/>"?>\n' +
      '<wp:Notification xmlns:wp="WPNotification">\n  <!-- <wp:Tile/> --><?p q?>text<![CDATA[<wp:Tile/>]]>' +
      "<wp:Toast><wp:Text1>x</wp:Text1></wp:Toast><wp:Tile/>\n</wp:Notification>\n<!-- end -->\n";
    expect(assertWellFormedXml(xml)).toEqual({ root: "wp:Notification", firstChild: "wp:Toast" });
  });

  it("keeps names as written, prefix and case included", () => {
    expect(assertWellFormedXml("<Toast launch='x'><Visual/></Toast>")).toEqual({
      root: "Toast",
      firstChild: "Visual",
    });
    expect(assertWellFormedXml('<x:toast xmlns:x="urn:x"/>')).toEqual({ root: "x:toast" });
  });

  it("accepts the five predefined entities, character references and CDATA", () => {
    expect(() =>
      assertWellFormedXml("<a x='&lt;&#60;&#x3c;'>&amp;&gt;&quot;&apos;&#128512;<![CDATA[& < ]]></a>"),
    ).not.toThrow();
  });

  it("accepts a full UTF-8 declaration in either quotes and case", () => {
    for (const declaration of [
      '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>',
      "<?xml version='1.1' encoding='utf-8'?>",
      '<?xml version = "1.0" ?>',
    ]) {
      expect(assertWellFormedXml(`${declaration}\n<toast/>`)).toEqual({ root: "toast" });
    }
  });
});

// Every refusal, with the rule it gets. Platform packages run a few of these through their send path to show
// the check is wired in; the full list lives here once.
const refusals: ReadonlyArray<readonly [string, string, string]> = [
  ["an unclosed element", "<toast><visual></toast>", "xml-well-formed"],
  ["an unclosed prefixed element", "<wp:Notification><wp:Toast></wp:Notification>", "xml-well-formed"],
  ["an empty document", "", "xml-well-formed"],
  ["plain text", "hello", "xml-well-formed"],
  ["only a declaration", '<?xml version="1.0"?>', "xml-well-formed"],
  ["only a comment", "<!-- nothing -->", "xml-well-formed"],
  ["a bare ampersand", "<toast>Tom & Jerry</toast>", "xml-well-formed"],
  ["a bare ampersand in an attribute", '<toast launch="a&b"/>', "xml-well-formed"],
  ["an HTML entity", "<toast>a&nbsp;b</toast>", "xml-well-formed"],
  ["another HTML entity", "<r>&eacute;</r>", "xml-well-formed"],
  ["a control character", "<toast>\u0007</toast>", "xml-well-formed"],
  ["an escape sequence", "<r>\u001b[1m</r>", "xml-well-formed"],
  ["a lone surrogate", "<toast>\ud83d</toast>", "xml-well-formed"],
  ["U+FFFE", "<toast>\uFFFE</toast>", "xml-well-formed"],
  ["a reference to NUL", "<toast>&#0;</toast>", "xml-well-formed"],
  ["a reference to a surrogate", "<toast>&#xD800;</toast>", "xml-well-formed"],
  ["a reference to a control character in an attribute", "<toast launch='&#x7;'/>", "xml-well-formed"],
  ["< in an attribute", '<toast launch="a<b"/>', "xml-well-formed"],
  ["]]> in text", "<toast>]]></toast>", "xml-well-formed"],
  ["two roots", "<toast/><toast/>", "xml-well-formed"],
  ["text after the root", "<toast/>oops", "xml-well-formed"],
  ["text before the root", "oops<toast/>", "xml-well-formed"],
  ["CDATA outside the root", "<![CDATA[x]]><toast/>", "xml-well-formed"],
  ["mismatched case in tags", "<toast></Toast>", "xml-well-formed"],
  ["a boolean attribute", "<toast launch/>", "xml-well-formed"],
  ["a repeated attribute", '<toast a="1" a="2"/>', "xml-well-formed"],
  ["a declaration after whitespace", ' <?xml version="1.0"?><toast/>', "xml-well-formed"],
  ["-- inside a comment", "<toast><!-- a -- b --></toast>", "xml-well-formed"],
  ["a comment ending in -", "<toast><!-- a ---></toast>", "xml-well-formed"],
  ["an unknown <! declaration", "<toast><![CDATA#x]]></toast>", "xml-well-formed"],
  ["XML version 2.0", '<?xml version="2.0"?><toast/>', "xml-well-formed"],
  ["a declaration without version", '<?xml encoding="utf-8"?><toast/>', "xml-well-formed"],
  ["a second declaration", '<?xml version="1.0"?><toast><?xml version="1.0"?></toast>', "xml-well-formed"],
  ["a processing instruction named XML", "<?XML hint?><toast/>", "xml-well-formed"],
  [
    "an encoding other than UTF-8",
    '<?xml version="1.0" encoding="ISO-8859-1"?><toast>é</toast>',
    "xml-encoding",
  ],
  ["a UTF-16 declaration", '<?xml version="1.0" encoding="utf-16"?><r/>', "xml-encoding"],
  ["a DOCTYPE with an entity", '<!DOCTYPE toast [<!ENTITY a "b">]><toast>&a;</toast>', "xml-doctype"],
  ["a bare DOCTYPE", "<!DOCTYPE r><r/>", "xml-doctype"],
];

describe("assertWellFormedXml: refusals", () => {
  it.each(refusals)("refuses %s (%s... rule %s) with a core ValidationError", (_name, xml, rule) => {
    let error: unknown;
    try {
      assertWellFormedXml(xml, "body");
    } catch (e) {
      error = e;
    }
    expect(ValidationError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({ field: "body", rule });
    expect((error as Error).message.length).toBeGreaterThan("body".length + 10);
  });

  it("names payload when given no field", () => {
    expect(() => assertWellFormedXml("<a>")).toThrow(
      expect.objectContaining({ field: "payload", rule: "xml-well-formed" }),
    );
  });

  it("says where the XML breaks", () => {
    expect(() => assertWellFormedXml("<toast>\n  <text>Tom & Jerry</text>\n</toast>")).toThrow(
      /line 2, column 13/,
    );
    expect(() => assertWellFormedXml("<toast>\n<text>a&nbsp;b</text></toast>")).toThrow(
      /&nbsp; is not defined.*line 2, column 8/,
    );
    expect(() => assertWellFormedXml("<a>\n\n  \u0007</a>")).toThrow(
      /U\+0007 is not allowed.*line 3, column 3/,
    );
    expect(() => assertWellFormedXml("<a>\n<b></a>")).toThrow(/line 2/);
  });

  it("says which encoding it refused", () => {
    expect(() => assertWellFormedXml("<?xml version='1.0' encoding='latin1'?><a/>")).toThrow(
      /encoding="latin1"/,
    );
  });
});

// A well-formed document, then up to two fragments (most of them breaking something) spliced in anywhere, even
// inside a tag, so the property below meets both accepted and refused documents.
const content = fc.constantFrom(
  "<b/>",
  "<c x='1'>t</c>",
  "<!-- note -->",
  "<?pi data?>",
  "<![CDATA[<x>]]>",
  "&amp;",
  "&#65;",
  "text",
  " ",
  "\n",
);
const fragment = fc.constantFrom(
  "<a>",
  "</a>",
  "<b/>",
  '<d y="<">',
  "<!-- a -- b -->",
  '<?xml version="1.0"?>',
  "<!DOCTYPE a>",
  "]]>",
  "&",
  "&nbsp;",
  "&#0;",
  "\u0007",
  "\uFEFF",
  " ",
);
const document = fc
  .tuple(
    fc.constantFrom("", '<?xml version="1.0"?>', "\uFEFF", "<!-- c -->\n"),
    fc.array(content, { maxLength: 6 }),
    fc.array(fc.tuple(fc.nat(), fragment), { maxLength: 2 }),
  )
  .map(([prolog, children, splices]) =>
    splices.reduce(
      (xml, [at, piece]) => {
        const i = at % (xml.length + 1);
        return xml.slice(0, i) + piece + xml.slice(i);
      },
      `${prolog}<a>${children.join("")}</a>`,
    ),
  );

describe("assertWellFormedXml: any input", () => {
  it("returns an outline or throws a ValidationError with one of its rules, and accepts only what the validator does", () => {
    fc.assert(
      fc.property(document, (xml) => {
        let outline: ReturnType<typeof assertWellFormedXml> | undefined;
        let error: unknown;
        try {
          outline = assertWellFormedXml(xml);
        } catch (e) {
          error = e;
        }
        if (outline === undefined) {
          expect(ValidationError.isInstance(error)).toBe(true);
          expect(["xml-well-formed", "xml-doctype", "xml-encoding"]).toContain(
            (error as ValidationError).rule,
          );
        } else {
          expect(XMLValidator.validate(xml)).toBe(true);
          expect(xml).toContain(`<${outline.root}`);
        }
      }),
      { numRuns: 3000 },
    );
  });
});
